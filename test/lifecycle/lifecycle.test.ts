/**
 * Lifecycle rules outside the MQTT messages, on the in-memory store: the timeout sweeper (TIMED_OUT
 * counted from acceptance, reported exactly once, also with two instances sweeping) and the
 * long-poll waiters it wakes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransitionBus, Waiters, startSweeper } from '../../server/mqtt/lifecycle.js';
import { MemoryStore } from '../../server/store/memory/store.js';
import type { CommandRecord } from '../../server/store/types.js';
import { command } from '../store/contract.js';
import { silent } from './fakes.js';

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** Sweepers and waiters over one memory store (the one place that knows how they are constructed). */
function setup() {
  const store = new MemoryStore();
  const bus = new TransitionBus();
  /** A sweeper as the core starts it: every expiry is announced on the bus. Returns what it reported. */
  const sweep = (intervalMs = 10) => {
    const expired: CommandRecord[] = [];
    const s = startSweeper({ store, intervalMs, logger: silent, onExpired: (rec) => (expired.push(rec), bus.notify(rec)) });
    stops.push(() => s.stop());
    return expired;
  };
  const waiters = (pollMs = 20) => {
    const w = new Waiters(store, bus, pollMs, silent);
    stops.push(() => w.close());
    return w;
  };
  /** A command accepted `agoMs` ago with `timeout_seconds`, moved to `status`. */
  const accept = async (o: { agoMs?: number; timeout_seconds?: number; status?: CommandRecord['status'] } = {}): Promise<CommandRecord> => {
    const accepted = Date.now() - (o.agoMs ?? 0);
    const timeout = o.timeout_seconds ?? 5;
    const c = command({ accepted_at: new Date(accepted).toISOString(), timeout_seconds: timeout, deadline_at: timeout === 0 ? null : new Date(accepted + timeout * 1000).toISOString() });
    const created = (await store.createCommand(c)).command;
    if (!o.status || o.status === 'ACCEPTED') return created;
    return (await store.transitionCommand(c.command_id, ['ACCEPTED'], { status: o.status, updated_at: new Date().toISOString() }))!;
  };
  return { store, bus, sweep, waiters, accept };
}

describe('timeout sweeper', () => {
  it('moves open commands past their deadline to TIMED_OUT and reports each once', async () => {
    const { store, sweep, accept } = setup();
    const due = await accept({ agoMs: 6000 });
    const dueDelivered = await accept({ agoMs: 6000, status: 'DELIVERED' });
    const notYet = await accept({ agoMs: 1000 });
    const finished = await accept({ agoMs: 6000, status: 'SUCCEEDED' });
    const noTimeout = await accept({ agoMs: 600_000, timeout_seconds: 0 });
    const expired = sweep();
    await vi.waitFor(() => expect(expired).toHaveLength(2));
    await sleep(100); // ~10 more sweeps
    expect(expired.map((c) => c.command_id).sort()).toEqual([due.command_id, dueDelivered.command_id].sort());
    for (const rec of expired) {
      expect(rec).toMatchObject({ status: 'TIMED_OUT', failure_code: 'TIMED_OUT', failure_reason: 'No terminal status within 5 s of acceptance' });
      expect(rec.completed_at).toBe(rec.updated_at);
      expect(await store.getCommand(rec.command_id)).toEqual(rec);
    }
    expect((await store.getCommand(notYet.command_id))!.status).toBe('ACCEPTED');
    expect((await store.getCommand(finished.command_id))!.status).toBe('SUCCEEDED');
    expect((await store.getCommand(noTimeout.command_id))!.status).toBe('ACCEPTED');
  });

  it('times a command out once its deadline passes, not before', async () => {
    const { store, sweep, accept } = setup();
    const cmd = await accept({ agoMs: 4000 }); // deadline in 1 s
    const expired = sweep();
    await sleep(80);
    expect(expired).toEqual([]);
    await vi.waitFor(() => expect(expired.map((c) => c.command_id)).toEqual([cmd.command_id]), { timeout: 5000 });
    expect(Date.parse(expired[0].completed_at!)).toBeGreaterThanOrEqual(Date.parse(cmd.deadline_at!));
    expect((await store.getCommand(cmd.command_id))!.status).toBe('TIMED_OUT');
  });

  it('reports each timeout once when two instances sweep the same store', async () => {
    const { sweep, accept } = setup();
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await accept({ agoMs: 6000 })).command_id);
    const a = sweep(3);
    const b = sweep(3);
    await vi.waitFor(() => expect(a.length + b.length).toBe(20));
    await sleep(50);
    const all = [...a, ...b].map((c) => c.command_id);
    expect(all).toHaveLength(20);
    expect(new Set(all)).toEqual(new Set(ids));
  });
});

describe('waiters', () => {
  it('wake with the TIMED_OUT record when the sweeper times the command out', async () => {
    const { sweep, waiters, accept } = setup();
    const cmd = await accept({ agoMs: 4900 });
    const w = waiters(60_000); // no store polling: only the bus can wake it
    const waiting = w.wait(cmd.command_id, 5000);
    const expired = sweep();
    const rec = await waiting;
    expect(rec).toMatchObject({ command_id: cmd.command_id, status: 'TIMED_OUT' });
    expect(rec).toEqual(expired[0]);
  });

  it('find a terminal status written by another instance by polling the store', async () => {
    const { store, waiters, accept } = setup();
    const cmd = await accept();
    const waiting = waiters(20).wait(cmd.command_id, 5000);
    await sleep(30);
    const done = await store.transitionCommand(cmd.command_id, ['ACCEPTED'], { status: 'FAILED', updated_at: new Date().toISOString() });
    expect(await waiting).toEqual(done);
  });

  it('resolve null when the wait ends first, at once for a known terminal record, and on close', async () => {
    const { waiters, accept } = setup();
    const open = await accept();
    const w = waiters();
    const t0 = Date.now();
    expect(await w.wait(open.command_id, 80)).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    const ended = await accept({ status: 'SUCCEEDED' });
    expect(await w.wait(ended.command_id, 5000)).toEqual(ended);
    expect(await w.wait(ended.command_id, 5000, ended)).toBe(ended);
    const pending = w.wait(open.command_id, 60_000);
    w.close();
    expect(await pending).toBeNull();
  });
});
