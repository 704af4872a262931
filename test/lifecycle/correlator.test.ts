/**
 * Correlation rules on the in-memory store, without a broker: replies → SUCCEEDED/FAILED, late
 * replies recorded, UNMATCHED_RESPONSE for a foreign method or gateway, progress events → percent
 * and terminal status, drc/up replies. The MQTT client is replaced by a recording link.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commandsByType } from '../../spec/catalog.js';
import { Correlator } from '../../server/mqtt/correlator.js';
import { TransitionBus } from '../../server/mqtt/lifecycle.js';
import { buildProgressIndex } from '../../server/mqtt/progress.js';
import { Stats } from '../../server/mqtt/stats.js';
import { MemoryStore } from '../../server/store/memory/store.js';
import type { CommandRecord } from '../../server/store/types.js';
import { command } from '../store/contract.js';
import { FakeLink, drcUp, envelope, silent } from './fakes.js';

const SN = 'DOCK-1';
const topic = (sn: string, kind: string) => `thing/product/${sn}/${kind}`;

/** One correlator over a fresh memory store (the one place that knows how it is constructed). */
function setup(store = new MemoryStore()) {
  const link = new FakeLink();
  const stats = new Stats();
  const bus = new TransitionBus();
  const notified: CommandRecord[] = [];
  bus.onTransition((rec) => notified.push(rec));
  const correlator = new Correlator({ store, link, logger: silent, catalog: commandsByType, progressIndex: buildProgressIndex(commandsByType.values()), stats, bus });
  /** A command as accepted now, moved to `status` as the dispatcher would on PUBACK. */
  const accept = async (o: Partial<CommandRecord> = {}, status: 'ACCEPTED' | 'DELIVERED' = 'DELIVERED'): Promise<CommandRecord> => {
    const now = Date.now();
    const out = await store.createCommand(
      command({ gateway_sn: SN, device_id: SN, command_type: 'air_conditioner_mode_switch', accepted_at: new Date(now).toISOString(), deadline_at: new Date(now + 30_000).toISOString(), ...o }),
    );
    if (status === 'ACCEPTED') return out.command;
    const at = new Date().toISOString();
    return (await store.transitionCommand(out.command.command_id, ['ACCEPTED'], { status: 'DELIVERED', dispatch_state: 'published', delivered_at: at, updated_at: at }))!;
  };
  /** The dock's services_reply to `cmd` (same tid/bid/method unless overridden). */
  const reply = (cmd: CommandRecord, data: Record<string, unknown>, o: Record<string, unknown> = {}) =>
    envelope({ tid: cmd.tid, bid: cmd.bid, method: cmd.command_type, gateway: cmd.gateway_sn, data, ...o });
  return { store, link, stats, notified, correlator, accept, reply };
}

describe('correlator: services_reply', () => {
  it('ends a command SUCCEEDED on result 0, with the response fields, and announces the stored record', async () => {
    const { store, stats, notified, correlator, accept, reply } = setup();
    const cmd = await accept();
    await correlator.onServicesReply(SN, topic(SN, 'services_reply'), reply(cmd, { result: 0, output: { status: 'ok' }, vendor_ext: 'x' }));
    const got = (await store.getCommand(cmd.command_id))!;
    expect(got).toMatchObject({
      status: 'SUCCEEDED',
      response_code: '0',
      response_message: null,
      vendor_response: { result: 0, output: { status: 'ok' }, vendor_ext: 'x' },
      failure_code: null,
      failure_reason: null,
      delivered_at: cmd.delivered_at,
      messages: [],
    });
    expect(got.response_received_at).not.toBeNull();
    expect(got.completed_at).toBe(got.response_received_at);
    expect(notified).toEqual([got]);
    expect(stats.get('replies')).toBe(1);
  });

  it('also applies a reply that beats the PUBACK: the reply proves delivery', async () => {
    const { store, correlator, accept, reply } = setup();
    const cmd = await accept({}, 'ACCEPTED');
    await correlator.onServicesReply(SN, topic(SN, 'services_reply'), reply(cmd, { result: 0 }));
    const got = (await store.getCommand(cmd.command_id))!;
    expect(got).toMatchObject({ status: 'SUCCEEDED', dispatch_state: 'published' });
    expect(got.delivered_at).not.toBeNull();
  });

  it('ends a command FAILED / DEVICE_EXECUTION_FAILED on a non-zero result', async () => {
    const { store, correlator, accept, reply, notified } = setup();
    const cmd = await accept();
    await correlator.onServicesReply(SN, topic(SN, 'services_reply'), reply(cmd, { result: 314000, message: 'device busy' }));
    const got = (await store.getCommand(cmd.command_id))!;
    expect(got).toMatchObject({
      status: 'FAILED',
      failure_code: 'DEVICE_EXECUTION_FAILED',
      failure_reason: 'dock answered 314000: device busy',
      response_code: '314000',
      response_message: 'device busy',
    });
    expect(notified.map((r) => r.status)).toEqual(['FAILED']);
  });

  it('records a reply to an ended command as late (not applied), and its resend as a duplicate', async () => {
    const { store, stats, notified, correlator, accept, reply } = setup();
    const cmd = await accept({ deadline_at: new Date(Date.now() - 1).toISOString() });
    expect((await store.expireCommands(new Date().toISOString())).map((c) => c.command_id)).toEqual([cmd.command_id]);
    const env = reply(cmd, { result: 0 });
    await correlator.onServicesReply(SN, topic(SN, 'services_reply'), env);
    const got = (await store.getCommand(cmd.command_id))!;
    expect(got.status).toBe('TIMED_OUT');
    expect(got.response_code).toBeNull();
    expect(got.messages).toEqual([{ topic: topic(SN, 'services_reply'), received_at: expect.any(String), applied: false, message: env.raw }]);
    expect(stats.get('late_replies')).toBe(1);
    await correlator.onServicesReply(SN, topic(SN, 'services_reply'), env);
    expect((await store.getCommand(cmd.command_id))!.messages).toHaveLength(1);
    expect(stats.get('duplicate_replies')).toBe(1);
    expect(notified).toEqual([]);
  });

  it('ends a command UNMATCHED_RESPONSE when the reply names another method, keeping the foreign message', async () => {
    const { store, stats, correlator, accept, reply } = setup();
    const cmd = await accept();
    const env = reply(cmd, { result: 0 }, { method: 'cover_close' });
    await correlator.onServicesReply(SN, topic(SN, 'services_reply'), env);
    const got = (await store.getCommand(cmd.command_id))!;
    expect(got).toMatchObject({ status: 'UNMATCHED_RESPONSE', failure_code: 'UNMATCHED_RESPONSE' });
    expect(got.failure_reason).toContain('method "cover_close" ≠ "air_conditioner_mode_switch"');
    expect(got.messages).toEqual([{ topic: topic(SN, 'services_reply'), received_at: expect.any(String), applied: true, message: env.raw }]);
    expect(stats.get('unmatched_replies')).toBe(1);
    expect(stats.get('replies')).toBe(0);
  });

  it('ends a command UNMATCHED_RESPONSE when the reply comes from another gateway', async () => {
    const { store, correlator, accept, reply } = setup();
    const cmd = await accept();
    await correlator.onServicesReply('DOCK-2', topic('DOCK-2', 'services_reply'), reply(cmd, { result: 0 }));
    const got = (await store.getCommand(cmd.command_id))!;
    expect(got.status).toBe('UNMATCHED_RESPONSE');
    expect(got.failure_reason).toContain('gateway "DOCK-2" ≠ "DOCK-1"');
  });

  it('counts a reply with an unknown tid and changes nothing', async () => {
    const { store, stats, notified, correlator, accept, reply } = setup();
    const cmd = await accept();
    await correlator.onServicesReply(SN, topic(SN, 'services_reply'), reply(cmd, { result: 0 }, { tid: randomUUID() }));
    expect(await store.getCommand(cmd.command_id)).toEqual(cmd);
    expect(stats.get('unknown_tid')).toBe(1);
    expect(notified).toEqual([]);
  });

  it('applies one reply once when two instances handle it at the same time', async () => {
    const a = setup();
    const b = setup(a.store);
    const cmd = await a.accept();
    const env = a.reply(cmd, { result: 0 });
    await Promise.all([a.correlator.onServicesReply(SN, topic(SN, 'services_reply'), env), b.correlator.onServicesReply(SN, topic(SN, 'services_reply'), env)]);
    expect(a.stats.get('replies') + b.stats.get('replies')).toBe(1);
    expect(a.stats.get('duplicate_replies') + b.stats.get('duplicate_replies')).toBe(1);
    expect([...a.notified, ...b.notified].map((r) => r.status)).toEqual(['SUCCEEDED']);
    expect((await a.store.getCommand(cmd.command_id))!.messages).toEqual([]);
  });
});

describe('correlator: progress events', () => {
  /** A `cover_open` progress event (tied to its command by bid). */
  const coverEvent = (cmd: CommandRecord, output: Record<string, unknown>, data: Record<string, unknown> = {}) =>
    envelope({ tid: randomUUID(), bid: cmd.bid, method: 'cover_open', gateway: SN, data: { result: 0, output, ...data } });

  it('keeps a progress-tracked command DELIVERED on its reply, follows percent and step, and ends it on a terminal event', async () => {
    const { store, stats, notified, correlator, accept, reply } = setup();
    const cmd = await accept({ command_type: 'cover_open' });
    await correlator.onServicesReply(SN, topic(SN, 'services_reply'), reply(cmd, { result: 0 }));
    let got = (await store.getCommand(cmd.command_id))!;
    expect(got).toMatchObject({ status: 'DELIVERED', response_code: '0', completed_at: null, progress: { percent: null, step: null, dji_status: null } });

    await correlator.onEvent(SN, topic(SN, 'events'), coverEvent(cmd, { status: 'in_progress', progress: { percent: 62.6, step_key: 'open_cover' } }));
    got = (await store.getCommand(cmd.command_id))!;
    expect(got.status).toBe('DELIVERED');
    expect(got.progress).toMatchObject({ percent: 63, step: 'open_cover', dji_status: 'in_progress' });
    expect(notified.at(-1)).toEqual(got);

    const done = coverEvent(cmd, { status: 'ok', progress: { percent: 100, step_key: 'done' } });
    await correlator.onEvent(SN, topic(SN, 'events'), done);
    got = (await store.getCommand(cmd.command_id))!;
    expect(got).toMatchObject({ status: 'SUCCEEDED', response_code: '0', progress: { percent: 100, step: 'done', dji_status: 'ok' } });
    expect(got.completed_at).not.toBeNull();
    expect(got.messages).toEqual([{ topic: topic(SN, 'events'), received_at: expect.any(String), applied: true, message: done.raw }]);
    expect(notified.at(-1)).toEqual(got);
    expect(stats.get('progress_events')).toBe(2);

    // The command is no longer open: a later event finds nothing to apply to.
    await correlator.onEvent(SN, topic(SN, 'events'), coverEvent(cmd, { status: 'in_progress' }));
    expect((await store.getCommand(cmd.command_id))!.status).toBe('SUCCEEDED');
    expect(stats.get('untracked_events')).toBe(1);
  });

  it("ends a command FAILED on a failing event, with the event's result as response_code", async () => {
    const { store, correlator, accept, reply } = setup();
    const cmd = await accept({ command_type: 'cover_open' });
    await correlator.onServicesReply(SN, topic(SN, 'services_reply'), reply(cmd, { result: 0 }));
    await correlator.onEvent(SN, topic(SN, 'events'), coverEvent(cmd, { status: 'failed' }, { result: 316001 }));
    expect(await store.getCommand(cmd.command_id)).toMatchObject({
      status: 'FAILED',
      failure_code: 'DEVICE_EXECUTION_FAILED',
      failure_reason: 'cover_open progress ended with status failed (result 316001)',
      response_code: '316001',
      progress: { dji_status: 'failed' },
    });
  });

  it('ties flat events by their id field and answers need_reply with events_reply', async () => {
    const { store, link, stats, correlator, accept, reply } = setup();
    const cmd = await accept({ command_type: 'fly_to_point', payload: { fly_to_id: 'fly-1' }, progress_key: 'fly-1' });
    await correlator.onServicesReply(SN, topic(SN, 'services_reply'), reply(cmd, { result: 0 }));
    const event = (data: Record<string, unknown>) =>
      envelope({ tid: randomUUID(), bid: randomUUID(), method: 'fly_to_point_progress', gateway: SN, need_reply: 1, data: { result: 0, ...data } });

    const running = event({ fly_to_id: 'fly-1', status: 'wayline_progress' });
    await correlator.onEvent(SN, topic(SN, 'events'), running);
    expect((await store.getCommand(cmd.command_id))!).toMatchObject({ status: 'DELIVERED', progress: { dji_status: 'wayline_progress' } });
    expect(link.on(topic(SN, 'events_reply')).map((p) => p.message)).toEqual([
      { tid: running.tid, bid: running.bid, timestamp: expect.any(Number), method: 'fly_to_point_progress', data: { result: 0 } },
    ]);

    // Another job's event is answered too, but changes nothing here.
    await correlator.onEvent(SN, topic(SN, 'events'), event({ fly_to_id: 'fly-2', status: 'wayline_ok' }));
    expect((await store.getCommand(cmd.command_id))!.status).toBe('DELIVERED');
    expect(stats.get('untracked_events')).toBe(1);

    await correlator.onEvent(SN, topic(SN, 'events'), event({ fly_to_id: 'fly-1', status: 'wayline_ok' }));
    expect((await store.getCommand(cmd.command_id))!.status).toBe('SUCCEEDED');
    expect(link.on(topic(SN, 'events_reply'))).toHaveLength(3);
    expect(stats.get('events_replied')).toBe(3);
  });
});

describe('correlator: drc/up', () => {
  it('matches a reply by gateway, method and seq: result 0 → SUCCEEDED, else FAILED', async () => {
    const { store, correlator, accept } = setup();
    const drc = { transport: 'drc/down', command_type: 'drone_emergency_stop' } as const;
    const ok = await accept({ ...drc, seq: 5 });
    const bad = await accept({ ...drc, seq: 6 });
    await correlator.onDrcUp(SN, topic(SN, 'drc/up'), drcUp({ method: 'drone_emergency_stop', seq: 6, data: { result: 431001 } }));
    await correlator.onDrcUp(SN, topic(SN, 'drc/up'), drcUp({ method: 'drone_emergency_stop', seq: 5, data: { result: 0 } }));
    expect(await store.getCommand(ok.command_id)).toMatchObject({ status: 'SUCCEEDED', response_code: '0' });
    expect(await store.getCommand(bad.command_id)).toMatchObject({ status: 'FAILED', failure_code: 'DEVICE_EXECUTION_FAILED', response_code: '431001' });
  });
});
