/**
 * Bad input never hurts (issue 3 §8): malformed MQTT messages (not JSON, missing tid, wrong types,
 * oversized, binary garbage, unknown methods) are counted and dropped; the core keeps working and
 * no stored command is changed by them.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type BrokerKind, type Harness } from './harness.js';

const BROKERS: BrokerKind[] = ['aedes', 'mosquitto'];

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

describe.each(BROKERS)('malformed MQTT messages (%s)', (broker) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('are counted and dropped; commands are untouched and the core keeps working', async () => {
    h = await startHarness({ broker });
    const dock = await h.dock({ script: (cmd) => (cmd.data.action === 0 ? { silent: true } : { result: 0 }) });
    const open = await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 0 } });
    await h.until(open.command_id, (c) => c.status === 'DELIVERED');

    const valid = { tid: open.tid, bid: open.bid, timestamp: Date.now(), method: 'air_conditioner_mode_switch', data: { result: 0 } };
    const bad: (string | Buffer)[] = [
      '',
      'not json',
      '{',
      '[]',
      'null',
      '42',
      '"a string"',
      '{"tid":',
      Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x7b]),
      Buffer.from('{"tid":"\xff"}', 'latin1'), // invalid UTF-8 inside JSON
      JSON.stringify({ tid: open.tid }),
      JSON.stringify({ ...valid, tid: undefined }),
      JSON.stringify({ ...valid, tid: 123 }),
      JSON.stringify({ ...valid, bid: null }),
      JSON.stringify({ ...valid, method: ['x'] }),
      JSON.stringify({ ...valid, timestamp: 'yesterday' }),
      JSON.stringify({ ...valid, timestamp: -5 }),
      JSON.stringify({ ...valid, data: 'result=0' }),
      JSON.stringify({ ...valid, data: [0] }),
      JSON.stringify({ ...valid, tid: 'x'.repeat(10_000) }),
      // Oversized but otherwise a perfect reply for the open command: must not be applied.
      JSON.stringify({ ...valid, data: { result: 0, blob: 'x'.repeat(300 * 1024) } }),
    ];
    const topics = ['services_reply', 'events', 'requests', `sys/product/${dock.sn}/status`, 'drc/up'];
    // drc/up carries no tid/bid (docs/dji/drc.md), so these two are well-formed there (and match no command).
    const fineOnDrcUp = new Set([bad[11], bad[13]]);
    let expected = 0;
    for (const topic of topics) {
      for (const p of bad) {
        await dock.publish(topic, p);
        if (!(topic === 'drc/up' && fineOnDrcUp.has(p))) expected++;
      }
    }
    // status: update_topo whose sub_devices is not an array.
    await dock.publish(`sys/product/${dock.sn}/status`, { tid: 't', bid: 'b', timestamp: 1, method: 'update_topo', data: { sub_devices: 'DRONE1' } });
    expected++;
    // Binary garbage, seeded.
    const rnd = prng(0xd0c6a7e);
    for (let i = 0; i < 100; i++) {
      const len = 1 + Math.floor(rnd() * 2048);
      const buf = Buffer.alloc(len);
      for (let j = 0; j < len; j++) buf[j] = Math.floor(rnd() * 256);
      buf[0] = 0x80 | buf[0]!; // never a valid JSON start
      await dock.publish(topics[i % topics.length]!, buf);
      expected++;
    }
    await h.eventually(() => h.core.stats().malformed_messages >= expected, 20_000);
    expect(h.core.stats().malformed_messages).toBe(expected);
    // The 300 KiB one on each topic is also counted as oversized.
    expect(h.core.stats().oversized_messages).toBe(topics.length);

    // Well-formed messages with unknown methods or ids are not errors: ignored, counted, or stored.
    await dock.sendEvent('some_future_event', { x: 1 }, { needReply: true });
    await dock.publish('drc/up', { method: 'no_such_method', data: { result: 0 } });
    await dock.publish(`sys/product/${dock.sn}/status`, { tid: 't2', bid: 'b2', timestamp: 1, method: 'update_something', data: {} });
    await dock.publish('services_reply', { ...valid, tid: randomUUID() });
    const unknownReq = await dock.sendRequest('some_future_request', { a: 1 });
    await dock.waitFor((m) => m.kind === 'events_reply' && m.message?.method === 'some_future_event');
    await h.eventually(() => h.core.stats().unknown_tid >= 1 && h.core.stats().unknown_drc_replies >= 3 && h.core.stats().requests_received >= 1, 15_000);
    expect(h.core.stats()).toMatchObject({ unknown_tid: 1, unknown_drc_replies: 3, requests_received: 1 });
    const req = (await h.store.listDeviceRequests({ allowed_devices: [dock.sn], limit: 5 })).items;
    expect(req.map((r) => r.tid)).toEqual([unknownReq.tid]);

    // Nothing above touched the open command.
    const untouched = await h.store.getCommand(open.command_id);
    expect(untouched).toMatchObject({ status: 'DELIVERED', response_code: null, vendor_response: null, messages: [] });
    expect(h.core.stats().handler_errors).toBe(0);
    expect(h.core.connected()).toBe(true);

    // And the core still works: the real reply for the open command and a new command.
    await dock.publish('services_reply', valid);
    expect((await h.terminal(open.command_id)).status).toBe('SUCCEEDED');
    const next = await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 1 } });
    expect((await h.terminal(next.command_id)).status).toBe('SUCCEEDED');
  });

  it('survives random JSON shapes on every uplink topic', async () => {
    h = await startHarness({ broker });
    const dock = await h.dock({});
    const rnd = prng(42);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const values = () => pick<unknown>([null, 0, -1, 1.5, 1e308, '', 'x', 'tid', [], [1, 'a'], {}, { result: 0 }, { output: { status: 'ok' } }, true, randomUUID()]);
    const topics = ['services_reply', 'events', 'requests', `sys/product/${dock.sn}/status`, 'drc/up'];
    for (let i = 0; i < 300; i++) {
      const m: Record<string, unknown> = {};
      for (const k of ['tid', 'bid', 'timestamp', 'method', 'data', 'need_reply', 'seq', 'gateway', '__proto__', 'constructor']) if (rnd() < 0.7) m[k] = values();
      if (rnd() < 0.3) m.method = pick(['cover_open', 'update_topo', 'config', 'fly_to_point_progress', 'drone_emergency_stop', 'ota_progress']);
      if (rnd() < 0.3) m.data = { result: pick([0, 1, '0', null]), output: pick([{}, { status: pick(['ok', 'failed', 'in_progress', 5]) }, 'x']), sub_devices: pick([[], [{ sn: 'A1' }], 'x', [{ sn: '../x' }]]) };
      await dock.publish(pick(topics), JSON.stringify(m));
    }
    // Prototype-pollution attempts (own "__proto__" keys survive JSON.parse and must stay data).
    const evil = `{"__proto__":{"polluted":1},"tid":"${randomUUID()}","bid":"b","timestamp":1,"method":"config","need_reply":1,"data":{"__proto__":{"polluted":1},"sub_devices":[{"sn":"A1","__proto__":{"polluted":1}}]}}`;
    for (const t of topics) await dock.publish(t, evil);
    await dock.publish('services_reply', { tid: randomUUID(), bid: 'b', timestamp: 1, method: 'marker', data: { result: 0 } });
    await h.eventually(() => h.core.stats().unknown_tid >= 1, 10_000);
    expect(h.core.stats().handler_errors).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The request with the own __proto__ key was stored as data.
    const stored = (await h.store.listDeviceRequests({ allowed_devices: [dock.sn], request_type: 'config', limit: 500 })).items;
    expect(stored.length).toBeGreaterThanOrEqual(1);
    const next = await h.accept({ device_id: dock.sn, command_type: 'air_conditioner_mode_switch', payload: { action: 1 } });
    expect((await h.terminal(next.command_id)).status).toBe('SUCCEEDED');
  });
});
