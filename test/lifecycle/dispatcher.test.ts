/**
 * Dispatch rules on the in-memory store, without a broker: claiming, the publish lease, the DJI
 * envelope on `services` and `drc/down`, PUBACK → DELIVERED, reply-less commands → SUCCEEDED.
 * The MQTT client is the boundary: a recording link whose PUBACKs the test controls.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandsByType } from '../../spec/catalog.js';
import { Dispatcher } from '../../server/mqtt/dispatcher.js';
import { TransitionBus } from '../../server/mqtt/lifecycle.js';
import { Stats } from '../../server/mqtt/stats.js';
import { MemoryStore } from '../../server/store/memory/store.js';
import type { CommandRecord } from '../../server/store/types.js';
import { command } from '../store/contract.js';
import { FakeLink, silent } from './fakes.js';

const SN = 'DOCK-1';
const OWNER = 'instance-a';
const running: Dispatcher[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop(0)));
});

/** One started-on-demand dispatcher over a fresh memory store (the one place that knows how it is constructed). */
function setup(o: { autoAck?: boolean; leaseMs?: number } = {}) {
  const store = new MemoryStore();
  const link = new FakeLink(o.autoAck ?? true);
  const stats = new Stats();
  const bus = new TransitionBus();
  const notified: CommandRecord[] = [];
  bus.onTransition((rec) => notified.push(rec));
  const dispatcher = new Dispatcher({ store, link, logger: silent, owner: OWNER, catalog: commandsByType, stats, bus, intervalMs: 20, leaseMs: o.leaseMs });
  running.push(dispatcher);
  /** A command accepted now, inserted unclaimed (or with `claim`), as the HTTP layer does. */
  const accept = async (c: Partial<CommandRecord> = {}, claim?: ReturnType<Dispatcher['claimForAccept']>): Promise<CommandRecord> => {
    const now = Date.now();
    const out = await store.createCommand(
      command({ gateway_sn: SN, device_id: SN, command_type: 'air_conditioner_mode_switch', wire_data: { action: 1 }, accepted_at: new Date(now).toISOString(), deadline_at: new Date(now + 30_000).toISOString(), ...c }),
      claim ?? undefined,
    );
    expect(out.kind).toBe('created');
    return out.command;
  };
  const get = async (id: string) => (await store.getCommand(id))!;
  const until = (id: string, status: CommandRecord['status']) => vi.waitFor(async () => expect((await get(id)).status).toBe(status), { timeout: 3000, interval: 5 });
  return { store, link, stats, notified, dispatcher, accept, get, until };
}

describe('dispatcher', () => {
  it('claims a pending command, publishes the DJI envelope on services, and marks it DELIVERED on PUBACK', async () => {
    const { store, link, stats, notified, dispatcher, accept, get, until } = setup({ autoAck: false });
    const cmd = await accept();
    const before = Date.now();
    dispatcher.start();
    await vi.waitFor(() => expect(link.published).toHaveLength(1));
    const p = link.published[0];
    expect(p.topic).toBe(`thing/product/${SN}/services`);
    expect(p.qos).toBe(1);
    expect(p.message).toEqual({ tid: cmd.tid, bid: cmd.bid, timestamp: expect.any(Number), method: 'air_conditioner_mode_switch', data: { action: 1 } });
    expect(p.message.timestamp).toBeGreaterThanOrEqual(before);
    // Until the PUBACK it is still ACCEPTED and pending, and leased: no other instance takes it.
    expect(await get(cmd.command_id)).toMatchObject({ status: 'ACCEPTED', dispatch_state: 'pending', delivered_at: null });
    expect(await store.claimPendingDispatch('instance-b', 10, 60_000)).toEqual([]);

    p.ack();
    await until(cmd.command_id, 'DELIVERED');
    const got = await get(cmd.command_id);
    expect(got).toMatchObject({ dispatch_state: 'published', completed_at: null });
    expect(Date.parse(got.delivered_at!)).toBeGreaterThanOrEqual(before);
    expect(notified).toEqual([got]);
    expect(stats.snapshot()).toMatchObject({ published: 1, delivered: 1, publish_errors: 0 });
  });

  it('publishes a command leased at accept at once, and its poll does not publish it again', async () => {
    const { link, dispatcher, accept, until } = setup();
    expect(dispatcher.claimForAccept()).toBeNull(); // not started
    dispatcher.start();
    const claim = dispatcher.claimForAccept();
    expect(claim).toMatchObject({ owner: OWNER });
    const cmd = await accept({}, claim);
    dispatcher.dispatchClaimed(cmd);
    await until(cmd.command_id, 'DELIVERED');
    await sleep(120); // several poll periods
    expect(link.published.map((p) => p.message.tid)).toEqual([cmd.tid]);
    link.up = false;
    expect(dispatcher.claimForAccept()).toBeNull(); // cannot publish now: insert unclaimed instead
  });

  it('leaves a command pending when the publish is not acknowledged, and publishes it again after the lease', async () => {
    const { link, stats, dispatcher, accept, get, until } = setup({ autoAck: false, leaseMs: 100 });
    const cmd = await accept();
    dispatcher.start();
    await vi.waitFor(() => expect(link.published).toHaveLength(1));
    link.published[0].fail();
    await vi.waitFor(() => expect(stats.get('publish_errors')).toBe(1));
    expect(await get(cmd.command_id)).toMatchObject({ status: 'ACCEPTED', dispatch_state: 'pending' });
    await vi.waitFor(() => expect(link.published).toHaveLength(2), { timeout: 3000 });
    expect(link.published[0].message.tid).toBe(cmd.tid);
    expect(link.published[1].message).toEqual({ ...link.published[0].message, timestamp: expect.any(Number) });
    link.published[1].ack();
    await until(cmd.command_id, 'DELIVERED');
  });

  it('claims nothing while disconnected, and publishes once connected and woken', async () => {
    const { link, dispatcher, accept, until } = setup();
    link.up = false;
    const cmd = await accept();
    dispatcher.start();
    await sleep(100);
    expect(link.published).toEqual([]);
    link.up = true;
    dispatcher.wake();
    await until(cmd.command_id, 'DELIVERED');
  });

  it('completes a reply-less command on PUBACK: stick_control on drc/down, with its DRC seq', async () => {
    const { link, notified, dispatcher, accept, get, until } = setup();
    const cmd = await accept({ command_type: 'stick_control', transport: 'drc/down', wire_data: { roll: 1024 } });
    dispatcher.start();
    await until(cmd.command_id, 'SUCCEEDED');
    const got = await get(cmd.command_id);
    expect(got.seq).toEqual(expect.any(Number));
    expect(got.completed_at).toBe(got.delivered_at);
    expect(got.dispatch_state).toBe('published');
    expect(link.published.map((p) => [p.topic, p.message])).toEqual([
      [`thing/product/${SN}/drc/down`, { tid: cmd.tid, bid: cmd.bid, timestamp: expect.any(Number), method: 'stick_control', seq: got.seq, data: { roll: 1024 } }],
    ]);
    expect(notified.at(-1)).toMatchObject({ command_id: cmd.command_id, status: 'SUCCEEDED' });
  });

  it('completes a command with timeout_seconds 0 on PUBACK', async () => {
    const { dispatcher, accept, until } = setup();
    const cmd = await accept({ timeout_seconds: 0, deadline_at: null });
    dispatcher.start();
    await until(cmd.command_id, 'SUCCEEDED');
  });

  it("publishes one gateway's DRC commands in increasing seq order", async () => {
    const { link, dispatcher, accept, until } = setup();
    const cmds = [];
    for (let i = 0; i < 4; i++) cmds.push(await accept({ command_type: 'stick_control', transport: 'drc/down', accepted_at: new Date(Date.now() + i).toISOString() }));
    dispatcher.start();
    for (const c of cmds) await until(c.command_id, 'SUCCEEDED');
    const seqs = link.published.map((p) => p.message.seq as number);
    expect(seqs).toHaveLength(4);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(4);
  });

  it('does not undo a reply that beat the PUBACK', async () => {
    const { store, link, stats, dispatcher, accept, get } = setup({ autoAck: false });
    const cmd = await accept();
    dispatcher.start();
    await vi.waitFor(() => expect(link.published).toHaveLength(1));
    const now = new Date().toISOString();
    await store.transitionCommand(cmd.command_id, ['ACCEPTED'], { status: 'SUCCEEDED', dispatch_state: 'published', delivered_at: now, completed_at: now, updated_at: now });
    link.published[0].ack();
    await vi.waitFor(() => expect(stats.get('published')).toBe(1));
    await sleep(20);
    expect(await get(cmd.command_id)).toMatchObject({ status: 'SUCCEEDED', delivered_at: now });
    expect(stats.get('delivered')).toBe(0);
  });

  it('fails a command whose gateway SN cannot be a topic level, without publishing it', async () => {
    const { link, dispatcher, accept, get, until } = setup();
    const cmd = await accept({ gateway_sn: 'DOCK/1', device_id: 'DOCK/1' });
    dispatcher.start();
    await until(cmd.command_id, 'FAILED');
    expect((await get(cmd.command_id)).failure_reason).toContain('cannot be used in an MQTT topic');
    expect(link.published).toEqual([]);
  });
});
