/**
 * Several gateway instances on one store and one broker (Mosquitto, which supports shared
 * subscriptions): each command is published once, each reply applied once (compare-and-set), and
 * a long-poll wait on one instance wakes when another instance finishes the command.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/store.js';
import type { Store } from '../../server/store/types.js';
import { startHarness, type Harness } from './harness.js';

describe('two gateway instances on one store (Mosquitto)', () => {
  const harnesses: Harness[] = [];
  const stores: Store[] = [];
  let dir = '';
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
    for (const s of stores.splice(0)) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function twoInstances(shareGroup: string | null): Promise<[Harness, Harness]> {
    dir = mkdtempSync(join(tmpdir(), 'dockgate-mqtt-'));
    // Two connections to one SQLite file, as two processes would have.
    const s1 = await openSqliteStore(join(dir, 'shared.sqlite'));
    const s2 = await openSqliteStore(join(dir, 'shared.sqlite'));
    stores.push(s1, s2);
    const a = await startHarness({ broker: 'mosquitto', store: s1, core: { shareGroup } });
    const b = await startHarness({ broker: 'mosquitto', store: s2, core: { shareGroup } });
    harnesses.push(a, b);
    return [a, b];
  }

  it('with a shared subscription: every command published once and every reply applied once', async () => {
    const [a, b] = await twoInstances(`g${randomBytes(4).toString('hex')}`);
    const dock = await a.dock({ script: () => ({ result: 0 }) });
    const cmds = [];
    for (let i = 0; i < 40; i++) cmds.push(await (i % 2 ? a : b).accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: i % 4 } }));
    const done = await Promise.all(cmds.map((c) => a.terminal(c.command_id, 8_000)));
    expect(done.every((c) => c.status === 'SUCCEEDED')).toBe(true);
    expect(done.every((c) => c.messages.length === 0)).toBe(true);
    expect(dock.ofKind('services')).toHaveLength(40);
    const sa = a.core.stats();
    const sb = b.core.stats();
    expect(sa.published + sb.published).toBe(40);
    expect(sa.replies + sb.replies).toBe(40);
    // The broker split the replies between the group members.
    expect(sa.replies).toBeGreaterThan(0);
    expect(sb.replies).toBeGreaterThan(0);
    expect(sa.late_replies + sb.late_replies + sa.duplicate_replies + sb.duplicate_replies).toBe(0);
  });

  it('without one: both instances see every reply, compare-and-set applies each once', async () => {
    const [a, b] = await twoInstances(null);
    const dock = await a.dock({ script: (cmd) => ({ result: cmd.data.action === 3 ? 514100 : 0 }) });
    const cmds = [];
    for (let i = 0; i < 20; i++) cmds.push(await a.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: i % 4 } }));
    const done = await Promise.all(cmds.map((c) => a.terminal(c.command_id, 8_000)));
    expect(done.filter((c) => c.status === 'SUCCEEDED')).toHaveLength(15);
    expect(done.filter((c) => c.status === 'FAILED')).toHaveLength(5);
    const sa = a.core.stats();
    const sb = b.core.stats();
    await a.eventually(() => a.core.stats().replies + a.core.stats().duplicate_replies + b.core.stats().replies + b.core.stats().duplicate_replies === 40);
    expect(a.core.stats().replies + b.core.stats().replies).toBe(20);
    for (const c of cmds) {
      const rec = await a.store.getCommand(c.command_id);
      // The second instance saw the same reply as a duplicate: nothing recorded as late.
      expect(rec!.messages).toEqual([]);
    }
    expect(sa.late_replies + sb.late_replies).toBe(0);
  });

  it('waitForTerminal on one instance wakes when another instance ends the command', async () => {
    const [a, b] = await twoInstances(null);
    const dock = await a.dock({ script: () => ({ silent: true }) });
    const cmd = await a.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 1 } });
    await a.until(cmd.command_id, (c) => c.status === 'DELIVERED');
    const t0 = Date.now();
    const waiting = a.core.waitForTerminal(cmd.command_id, 5_000);
    setTimeout(() => {
      const now = new Date().toISOString();
      // "Another instance" finishing it: a write through the second store connection only.
      void b.store.transitionCommand(cmd.command_id, ['DELIVERED'], { status: 'SUCCEEDED', completed_at: now, updated_at: now });
    }, 100);
    await waiting;
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect((await a.store.getCommand(cmd.command_id))!.status).toBe('SUCCEEDED');
  });
});
