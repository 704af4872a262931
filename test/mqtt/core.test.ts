/**
 * The MQTT core end to end, against the embedded aedes broker and the machine's Mosquitto
 * (127.0.0.1:1883): dispatch, correlation, lifecycle, events/status replies, device requests.
 * Each test uses its own dock SNs, store and core instance.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRecord } from '../../server/store/types.js';
import { CONFIG_REPLY_DEFAULTS } from '../../server/device-requests/replies.js';
import { startHarness, uniqueSn, type BrokerKind, type Harness } from './harness.js';

const BROKERS: BrokerKind[] = ['aedes', 'mosquitto'];

describe.each(BROKERS)('MQTT core on %s', (broker) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ broker, core: { autoReply: { config: { app_id: '123456', app_key: 'k', app_license: 'lic' } } } });
    expect(h.core.connected()).toBe(true);
  });
  afterEach(async () => {
    await h?.close();
  });

  it('publishes the DJI envelope on services and marks DELIVERED on PUBACK', async () => {
    const dock = await h.dock({ script: { air_conditioner_mode_switch: { silent: true } } });
    const before = Date.now();
    const cmd = await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 1 } });
    const got = await dock.waitFor((m) => m.kind === 'services');
    expect(got.topic).toBe(`thing/product/${dock.sn}/services`);
    expect(got.message).toEqual({ tid: cmd.tid, bid: cmd.bid, timestamp: expect.any(Number), method: 'air_conditioner_mode_switch', data: { action: 1 } });
    expect(got.message!.timestamp).toBeGreaterThanOrEqual(before);
    const c = await h.until(cmd.command_id, (c) => c.status === 'DELIVERED');
    expect(c.dispatch_state).toBe('published');
    expect(c.delivered_at).not.toBeNull();
    expect(Date.parse(c.delivered_at!)).toBeGreaterThanOrEqual(Date.parse(c.accepted_at));
    expect(c.completed_at).toBeNull();
    expect(h.core.stats()).toMatchObject({ published: 1, delivered: 1 });
  });

  it('maps a successful services_reply to SUCCEEDED', async () => {
    const dock = await h.dock({ script: { air_conditioner_mode_switch: { data: { result: 0, output: { status: 'ok' }, vendor_ext: 'x' } } } });
    const cmd = await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 2 } });
    const c = await h.terminal(cmd.command_id);
    expect(c).toMatchObject({
      status: 'SUCCEEDED',
      response_code: '0',
      response_message: null,
      vendor_response: { result: 0, output: { status: 'ok' }, vendor_ext: 'x' },
      failure_code: null,
    });
    for (const k of ['delivered_at', 'response_received_at', 'completed_at'] as const) expect(c[k]).not.toBeNull();
    // A matched reply lives in vendor_response; `messages` keeps only late/duplicate/unmatched ones.
    expect(c.messages).toEqual([]);
  });

  it('maps failures: result, code, message / msg / description fallbacks', async () => {
    const replies: Record<string, Record<string, unknown>> = {};
    const dock = await h.dock({ script: (cmd) => ({ data: replies[cmd.data.action as number] }) });
    replies[0] = { result: 314000, message: 'device busy' };
    replies[1] = { result: 514116, code: 'DOCK_BUSY', msg: 'dock is busy' };
    replies[2] = { result: 1, description: 'described' };
    replies[3] = { result: 0, code: 0, message: 'fine' };
    const cmds = [];
    for (const action of [0, 1, 2, 3]) cmds.push(await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action } }));
    const [a, b, c, d] = await Promise.all(cmds.map((x) => h.terminal(x.command_id)));
    expect(a).toMatchObject({ status: 'FAILED', failure_code: 'DEVICE_EXECUTION_FAILED', response_code: '314000', response_message: 'device busy' });
    expect(a.failure_reason).toMatch(/314000/);
    expect(b).toMatchObject({ status: 'FAILED', response_code: 'DOCK_BUSY', response_message: 'dock is busy', vendor_response: { result: 514116, code: 'DOCK_BUSY', msg: 'dock is busy' } });
    expect(c).toMatchObject({ status: 'FAILED', response_code: '1', response_message: 'described' });
    expect(d).toMatchObject({ status: 'SUCCEEDED', response_code: '0', response_message: 'fine' });
  });

  it('marks UNMATCHED_RESPONSE when method, bid or gateway differ, keeping the reply', async () => {
    const other = uniqueSn('OTHER');
    const dock = await h.dock({
      script: (cmd) =>
        cmd.data.action === 0 ? { method: 'cover_close' } : cmd.data.action === 1 ? { bid: randomUUID() } : { topicSn: other, data: { result: 0, note: 'wrong dock' } },
    });
    // The embedded broker lets a dock publish only on its own and its aircraft's topics: make
    // `other` one of its aircraft, so the reply reaches the core from a topic of another SN.
    await h.store.devices.upsertAircraft(dock.sn, [{ sn: other, model_key: null }]);
    const cmds = [];
    for (const action of [0, 1, 2]) cmds.push(await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action } }));
    await Promise.all(cmds.map((x) => h.terminal(x.command_id)));
    // The foreign reply is appended right after the transition (a second write), so wait for it.
    const [m, b, g] = await Promise.all(cmds.map((x) => h.until(x.command_id, (c) => c.messages.length > 0)));
    for (const c of [m, b, g]) {
      expect(c.status).toBe('UNMATCHED_RESPONSE');
      expect(c.failure_code).toBe('UNMATCHED_RESPONSE');
      expect(c.completed_at).not.toBeNull();
      expect(c.messages).toHaveLength(1);
    }
    expect(m.failure_reason).toMatch(/method "cover_close"/);
    expect(b.failure_reason).toMatch(/bid/);
    expect(g.failure_reason).toMatch(new RegExp(`gateway "${other}"`));
    expect(g.vendor_response).toEqual({ result: 0, note: 'wrong dock' });
    expect(h.core.stats().unmatched_replies).toBe(3);
  });

  it('times out from acceptance when the dock stays silent', async () => {
    const dock = await h.dock({ script: { air_conditioner_mode_switch: { silent: true } } });
    const cmd = await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 0 }, timeout_seconds: 1 });
    const c = await h.terminal(cmd.command_id, 4_000);
    expect(c).toMatchObject({ status: 'TIMED_OUT', failure_code: 'TIMED_OUT' });
    const elapsed = Date.parse(c.completed_at!) - Date.parse(c.accepted_at);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(1_600);
    expect(h.core.stats().timed_out).toBe(1);
  });

  it('records late replies without applying them and ignores exact duplicates', async () => {
    const dock = await h.dock({
      script: (cmd) =>
        cmd.data.action === 0
          ? { delayMs: 1_300 } // after the 1 s timeout
          : { repeat: 3, extraReplies: [{ result: 7, message: 'changed my mind' }] },
    });
    const late = await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 0 }, timeout_seconds: 1 });
    const dup = await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 1 } });
    const d = await h.terminal(dup.command_id);
    expect(d.status).toBe('SUCCEEDED');
    const dd = await h.until(dup.command_id, (c) => c.messages.length >= 1);
    expect(dd.status).toBe('SUCCEEDED');
    expect(dd.response_code).toBe('0');
    expect(dd.messages.map((m) => m.applied)).toEqual([false]);
    expect((dd.messages[0]!.message as any).data).toEqual({ result: 7, message: 'changed my mind' });

    const l = await h.until(late.command_id, (c) => c.status === 'TIMED_OUT' && c.messages.length === 1, 4_000);
    expect(l.response_code).toBeNull();
    expect(l.messages[0]).toMatchObject({ applied: false, topic: `thing/product/${dock.sn}/services_reply` });
    await h.eventually(() => h.core.stats().duplicate_replies === 2);
    expect(h.core.stats()).toMatchObject({ late_replies: 2, duplicate_replies: 2 });
    // Duplicates really changed nothing.
    expect((await h.store.getCommand(dup.command_id))!.messages).toHaveLength(1);
  });

  it('counts replies with an unknown tid', async () => {
    const dock = await h.dock({});
    // On the machine's Mosquitto, other test files' docks may be talking too (their replies are
    // unknown tids here as well), so count relative to before, and at least our one.
    const before = h.core.stats().unknown_tid ?? 0;
    await dock.publish('services_reply', { tid: randomUUID(), bid: randomUUID(), timestamp: Date.now(), method: 'cover_open', data: { result: 0 } });
    await h.eventually(() => (h.core.stats().unknown_tid ?? 0) >= before + 1);
  });

  it('tracks progress by bid until the terminal event (cover_open)', async () => {
    const dock = await h.dock({ script: { cover_open: { data: { result: 0, output: { status: 'in_progress' } }, progress: { percents: [20, 60], terminal: null } } } });
    const cmd = await h.accept({ device_id: dock.sn, command_type: 'cover_open' });
    const mid = await h.until(cmd.command_id, (c) => c.progress?.percent === 60);
    expect(mid).toMatchObject({ status: 'DELIVERED', response_code: '0', progress: { percent: 60, step: 'step_1', dji_status: 'in_progress' } });
    expect(mid.response_received_at).not.toBeNull();
    expect(mid.completed_at).toBeNull();
    // Every progress event asked for a reply.
    const replies = await dock.waitForCount((m) => m.kind === 'events_reply', 2);
    expect(replies[0]!.message).toMatchObject({ method: 'cover_open', bid: cmd.bid, data: { result: 0 } });
    await dock.sendEvent('cover_open', { result: 0, output: { status: 'ok', progress: { percent: 100, step_key: 'done' } } }, { bid: cmd.bid, needReply: true });
    const c = await h.terminal(cmd.command_id);
    expect(c).toMatchObject({ status: 'SUCCEEDED', progress: { percent: 100, step: 'done', dji_status: 'ok' } });
  });

  it('fails a progress-tracked command on a failed terminal event', async () => {
    const dock = await h.dock({ script: { cover_close: { progress: { percents: [30], terminal: 'failed', terminalResult: 514108 } } } });
    const cmd = await h.accept({ device_id: dock.sn, command_type: 'cover_close' });
    const c = await h.terminal(cmd.command_id);
    expect(c).toMatchObject({ status: 'FAILED', failure_code: 'DEVICE_EXECUTION_FAILED', progress: { dji_status: 'failed' } });
    expect(c.failure_reason).toMatch(/failed.*514108/);
  });

  it('handles progress events that arrive before the services_reply', async () => {
    const dock = await h.dock({ script: { cover_open: { progress: { percents: [50], terminal: 'ok', beforeReply: true } } } });
    const cmd = await h.accept({ device_id: dock.sn, command_type: 'cover_open' });
    const c = await h.terminal(cmd.command_id);
    expect(c.status).toBe('SUCCEEDED');
    // The reply that followed still filled in the response fields.
    const filled = await h.until(cmd.command_id, (x) => x.response_received_at !== null);
    expect(filled).toMatchObject({ status: 'SUCCEEDED', response_code: '0', vendor_response: { result: 0 } });
  });

  it('completes fly_to_point from flat progress events matched by fly_to_id', async () => {
    const dock = await h.dock({
      script: { fly_to_point: { progress: { method: 'fly_to_point_progress', shape: 'flat', keyField: 'fly_to_id', percents: [10, 70], terminal: 'wayline_ok', needReply: false } } },
    });
    const fly_to_id = randomUUID();
    const cmd = await h.accept({
      device_id: dock.sn,
      command_type: 'fly_to_point',
      payload: { fly_to_id, max_speed: 10, points: [{ latitude: 22.5, longitude: 113.9, height: 100 }] },
    });
    expect(cmd.progress_key).toBe(fly_to_id);
    const c = await h.terminal(cmd.command_id);
    expect(c).toMatchObject({ status: 'SUCCEEDED', progress: { dji_status: 'wayline_ok' } });
    // An event for another fly_to_id changes nothing.
    expect(h.core.stats().progress_events).toBe(3);
    expect(dock.ofKind('events_reply')).toHaveLength(0);
  });

  it('publishes DRC commands on drc/down with increasing seq and matches drc/up replies', async () => {
    const dock = await h.dock({ script: (cmd) => (cmd.method === 'drone_emergency_stop' ? { result: cmd.seq === 2 ? 319033 : 0 } : {}) });
    const a = await h.accept({ device_id: dock.sn, command_type: 'drone_emergency_stop' });
    const ra = await h.terminal(a.command_id);
    const b = await h.accept({ device_id: dock.sn, command_type: 'drone_emergency_stop' });
    const rb = await h.terminal(b.command_id);
    const stick = await h.accept({ device_id: dock.sn, command_type: 'stick_control', payload: { roll: 1024, pitch: 1200, throttle: 1024, yaw: 1024 } });
    const rs = await h.terminal(stick.command_id);
    // PUBACK can beat the delivery to the dock; wait for the third message to arrive.
    const down = await dock.waitForCount((m) => m.kind === 'drc/down', 3);
    expect(down.map((m) => m.topic)).toEqual(Array(3).fill(`thing/product/${dock.sn}/drc/down`));
    expect(down.map((m) => m.message!.seq)).toEqual([1, 2, 3]);
    expect(down[0]!.message).toMatchObject({ tid: a.tid, bid: a.bid, method: 'drone_emergency_stop', data: {} });
    expect(Object.keys(down[0]!.message!)).toEqual(['tid', 'bid', 'timestamp', 'method', 'seq', 'data']);
    expect(ra).toMatchObject({ status: 'SUCCEEDED', seq: 1, response_code: '0' });
    expect(rb).toMatchObject({ status: 'FAILED', seq: 2, response_code: '319033', failure_code: 'DEVICE_EXECUTION_FAILED' });
    // stick_control has no reply in DJI: complete on PUBACK.
    expect(rs).toMatchObject({ status: 'SUCCEEDED', seq: 3, response_code: null });
    expect(rs.completed_at).toBe(rs.delivered_at);
  });

  it('completes heart_beat on its drc/up echo (no result in the echo)', async () => {
    const dock = await h.dock({ script: { heart_beat: { data: { timestamp: 1767225600000 } } } });
    const hb = await h.accept({ device_id: dock.sn, command_type: 'heart_beat', payload: { seq: 7, timestamp: 1767225600000 } });
    const c = await h.terminal(hb.command_id);
    expect(c).toMatchObject({ status: 'SUCCEEDED', seq: 1, response_code: null, vendor_response: { timestamp: 1767225600000 } });
    const down = await dock.waitFor((m) => m.kind === 'drc/down');
    // Envelope seq from the dispatcher; data as translated by the catalog (Dock 1 reads data.seq).
    expect(down.message).toMatchObject({ method: 'heart_beat', seq: 1, data: { timestamp: 1767225600000, seq: 7 } });
  });

  it('keeps DRC seq strictly increasing under a burst', async () => {
    const dock = await h.dock({ script: () => ({}) });
    const cmds = await Promise.all(Array.from({ length: 20 }, () => h.accept({ device_id: dock.sn, command_type: 'drone_emergency_stop' })));
    await Promise.all(cmds.map((c) => h.terminal(c.command_id)));
    const seqs = dock.ofKind('drc/down').map((m) => m.message!.seq as number);
    expect(seqs).toHaveLength(20);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(20);
    const done = await Promise.all(cmds.map((c) => h.store.getCommand(c.command_id)));
    expect(done.every((c) => c!.status === 'SUCCEEDED')).toBe(true);
  });

  it('completes on delivery when timeout_seconds is 0', async () => {
    const dock = await h.dock({ script: { air_conditioner_mode_switch: { delayMs: 200 } } });
    const cmd = await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 1 }, timeout_seconds: 0 });
    expect(cmd.deadline_at).toBeNull();
    const c = await h.terminal(cmd.command_id);
    expect(c).toMatchObject({ status: 'SUCCEEDED', response_code: null });
    // The reply that comes later is recorded, not applied.
    const l = await h.until(cmd.command_id, (x) => x.messages.length === 1);
    expect(l.messages[0]!.applied).toBe(false);
    expect(l.status).toBe('SUCCEEDED');
  });

  it('answers need_reply events, tracked or not, and ignores need_reply 0', async () => {
    const dock = await h.dock({});
    const { tid, bid } = await dock.sendEvent('hms', { list: [] }, { needReply: true });
    const r = await dock.waitFor((m) => m.kind === 'events_reply');
    expect(r.topic).toBe(`thing/product/${dock.sn}/events_reply`);
    expect(r.message).toEqual({ tid, bid, timestamp: expect.any(Number), method: 'hms', data: { result: 0 } });
    await dock.sendEvent('hms', { list: [] }, { needReply: false });
    await dock.sendEvent('cover_open', { result: 0, output: { status: 'ok' } }, { needReply: true }); // untracked progress event
    await dock.waitForCount((m) => m.kind === 'events_reply', 2);
    await h.eventually(() => h.core.stats().untracked_events === 1);
    expect(dock.ofKind('events_reply')).toHaveLength(2);
  });

  it('answers update_topo with status_reply and routes aircraft commands to their dock', async () => {
    const aircraft = uniqueSn('UAV');
    const dock = await h.dock({ subDevices: [aircraft], script: { air_conditioner_mode_switch: { result: 0 } } });
    const reply = dock.ofKind('status_reply')[0]!;
    expect(reply.topic).toBe(`sys/product/${dock.sn}/status_reply`);
    expect(reply.message).toMatchObject({ method: 'update_topo', data: { result: 0 } });
    expect(await h.store.gatewayOf(aircraft)).toBe(dock.sn);
    const cmd = await h.accept({ device_id: aircraft, command_type: 'air_conditioner_mode_switch', payload: { action: 1 } });
    expect(cmd.gateway_sn).toBe(dock.sn);
    expect((await h.terminal(cmd.command_id)).status).toBe('SUCCEEDED');
    // Aircraft went offline: empty sub_devices.
    const { tid } = await dock.sendUpdateTopo([]);
    await dock.waitFor((m) => m.kind === 'status_reply' && m.message?.tid === tid);
    expect(await h.store.gatewayOf(aircraft)).toBeNull();
  });

  it('stores device requests and auto-replies to config (flat) on requests_reply', async () => {
    const dock = await h.dock({});
    const { tid, bid } = await dock.sendRequest('config', { config_type: 'json', config_scope: 'product' });
    // Only our core's reply (its app_id): gateways of other test files on a shared Mosquitto answer
    // this dock's config request too.
    const r = await dock.waitFor((m) => m.kind === 'requests_reply' && m.message?.data?.app_id === '123456');
    expect(r.message).toEqual({
      tid,
      bid,
      timestamp: expect.any(Number),
      method: 'config',
      data: { ...CONFIG_REPLY_DEFAULTS, app_id: '123456', app_key: 'k', app_license: 'lic' },
    });
    const page = await h.store.listDeviceRequests({ allowed_devices: [dock.sn], limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ vendor: 'dji', device_id: dock.sn, request_type: 'config', tid, bid, reply_source: 'auto', reply_code: '0' });
    expect(page.items[0]!.inbound_payload).toMatchObject({ tid, bid, method: 'config', data: { config_type: 'json' } });
    // The dock got the real secrets; what partners can read has them redacted.
    expect(page.items[0]!.standardized_reply).toEqual({ ...r.message!.data, app_key: '***', app_license: '***' });

    // A request the platform cannot answer is stored unanswered; a manual reply is published as given.
    const q = await dock.sendRequest('storage_config_get', { module: 0 });
    const stored = await h.eventually(async () => (await h.store.listDeviceRequests({ allowed_devices: [dock.sn], request_type: 'storage_config_get', limit: 1 })).items[0]);
    expect(stored).toMatchObject({ reply_source: null, tid: q.tid });
    await h.core.publishRequestReply(stored, { result: 0, output: { bucket: 'b' } });
    const manual = await dock.waitFor((m) => m.kind === 'requests_reply' && m.message?.tid === q.tid);
    expect(manual.message).toMatchObject({ bid: q.bid, method: 'storage_config_get', data: { result: 0, output: { bucket: 'b' } } });
    // At least ours (other test files' docks on a shared Mosquitto add to these counters).
    expect(h.core.stats().requests_received).toBeGreaterThanOrEqual(2);
    expect(h.core.stats().auto_replies).toBeGreaterThanOrEqual(1);

    // The dock asking again with the same tid gets the stored reply again, no second record.
    await dock.sendRequest('config', { config_type: 'json', config_scope: 'product' }, { tid, bid });
    const replies = await dock.waitForCount((m) => m.kind === 'requests_reply' && m.message?.tid === tid && m.message?.data?.app_id === '123456', 2);
    expect(replies.at(-1)?.message?.data).toEqual(r.message!.data); // resent with the real secrets, not the redacted copy
    expect((await h.store.listDeviceRequests({ allowed_devices: [dock.sn], request_type: 'config', limit: 10 })).items).toHaveLength(1);
  });

  it('waitForTerminal resolves on the transition, and after the bound otherwise', async () => {
    const dock = await h.dock({ script: { air_conditioner_mode_switch: { delayMs: 100 } } });
    const cmd = await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 1 } });
    const t0 = Date.now();
    await h.core.waitForTerminal(cmd.command_id, 3_000);
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect((await h.store.getCommand(cmd.command_id))!.status).toBe('SUCCEEDED');
    const silent = await h.dock({ script: () => ({ silent: true }) });
    const s = await h.accept({ device_id: silent.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 1 } });
    const t1 = Date.now();
    await h.core.waitForTerminal(s.command_id, 300);
    expect(Date.now() - t1).toBeGreaterThanOrEqual(290);
    expect((await h.store.getCommand(s.command_id))!.status).toBe('DELIVERED');
    await h.core.waitForTerminal(randomUUID(), 1_000); // unknown id: resolves at once
  });
});

/** Sanity: the record type the harness returns is the store's. */
export type _Check = CommandRecord;
