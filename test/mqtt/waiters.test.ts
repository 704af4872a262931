/** server/mqtt/lifecycle.ts Waiters: long-poll waits on a real SQLite store and the transition bus. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransitionBus, Waiters } from '../../server/mqtt/lifecycle.js';
import { openSqliteStore, type SqliteStore } from '../../server/store/sqlite/store.js';
import { command } from '../store/contract.js';

describe('Waiters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockgate-waiters-'));
  let store: SqliteStore;
  beforeAll(async () => {
    store = await openSqliteStore(join(dir, 'w.sqlite'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // A poll period far beyond the test's bounds: whatever resolves did not come from polling.
  const NO_POLL_MS = 60_000;

  async function accepted() {
    const out = await store.createCommand(command());
    return out.command;
  }

  async function finish(bus: TransitionBus, id: string) {
    const rec = await store.transitionCommand(id, ['ACCEPTED'], { status: 'SUCCEEDED', completed_at: new Date().toISOString(), updated_at: new Date().toISOString() });
    bus.notify(rec!);
    return rec!;
  }

  it('resolves with the terminal record this instance writes while waiting', async () => {
    const bus = new TransitionBus();
    const w = new Waiters(store, bus, NO_POLL_MS);
    const cmd = await accepted();
    const waiting = w.wait(cmd.command_id, 5_000, cmd);
    const done = await finish(bus, cmd.command_id);
    expect(await waiting).toEqual(done);
    w.close();
  });

  it('given the record just read, catches a transition made between that read and the wait, without a store read', async () => {
    const bus = new TransitionBus();
    const w = new Waiters(store, bus, NO_POLL_MS);
    const cmd = await accepted(); // the caller's read: ACCEPTED
    const done = await finish(bus, cmd.command_id); // …then the reply lands before wait() registers
    const t0 = Date.now();
    expect(await w.wait(cmd.command_id, 5_000, cmd)).toEqual(done);
    expect(Date.now() - t0).toBeLessThan(1_000);
    w.close();
  });

  it('without a known record, reads the store first (a transition by another instance)', async () => {
    const bus = new TransitionBus();
    const w = new Waiters(store, bus, NO_POLL_MS);
    const cmd = await accepted();
    const other = new TransitionBus(); // another instance's bus: this one never hears of it
    const done = await finish(other, cmd.command_id);
    expect(await w.wait(cmd.command_id, 5_000)).toEqual(done);
    w.close();
  });

  it('resolves null after the bound, and on close', async () => {
    const bus = new TransitionBus();
    const w = new Waiters(store, bus, NO_POLL_MS);
    const cmd = await accepted();
    const t0 = Date.now();
    expect(await w.wait(cmd.command_id, 200, cmd)).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    const pending = w.wait(cmd.command_id, 5_000, cmd);
    w.close();
    expect(await pending).toBeNull();
  });
});
