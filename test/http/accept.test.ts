/** server/commands/accept.ts and the device-request reply mapping (pure parts). */
import { describe, expect, it } from 'vitest';
import { buildCommandRecord, canonicalJson, requestHash, uuidv7 } from '../../server/commands/accept.js';
import { replyData, resultOf } from '../../server/device-requests/replies.js';
import { commands } from '../../spec/catalog.js';

const noTopo = { gatewayOf: async () => null };

describe('request hash', () => {
  it('ignores key order and whitespace but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}');
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash(JSON.parse('{ "b": 2, "a": 1 }')));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 1, timeout_seconds: 30 }));
  });
});

describe('uuidv7', () => {
  const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  it('is an RFC 9562 version 7 UUID whose first 48 bits are the Unix time in ms', () => {
    const t = Date.parse('2026-11-22T08:00:00.123Z');
    const id = uuidv7(t);
    expect(id).toMatch(V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(t);
  });
  it('sorts by time across milliseconds and stays unique within one', () => {
    const ids = [uuidv7(1_000), uuidv7(1_001), uuidv7(2_000_000_000_000)];
    expect([...ids].sort()).toEqual(ids);
    const same = new Set(Array.from({ length: 1000 }, () => uuidv7(5)));
    expect(same.size).toBe(1000);
  });
  it('gives accepted commands time-ordered command_id and tid', async () => {
    const body = { vendor: 'dji' as const, device_id: 'DOCK1', command_type: 'cover_open', payload: {}, idempotency_key: 'k' };
    const r = await buildCommandRecord(noTopo, 'ak_1', body);
    expect(r.command_id).toMatch(V7);
    expect(r.tid).toMatch(V7);
  });
});

describe('buildCommandRecord', () => {
  const body = { vendor: 'dji' as const, device_id: 'DOCK1', command_type: 'air_conditioner_mode_switch', payload: { action: 1 }, idempotency_key: 'k' };
  it('fills ids, default timeout, deadline and pending dispatch', async () => {
    const now = new Date('2026-01-01T00:00:00.000Z');
    const r = await buildCommandRecord(noTopo, 'ak_1', body, now);
    expect(r).toMatchObject({ api_id: 'ak_1', gateway_sn: 'DOCK1', status: 'ACCEPTED', dispatch_state: 'pending', timeout_seconds: 30, seq: null, accepted_at: '2026-01-01T00:00:00.000Z', deadline_at: '2026-01-01T00:00:30.000Z', wire_data: { action: 1 } });
    expect(r.tid).not.toBe(r.bid);
    expect((await buildCommandRecord(noTopo, 'ak_1', { ...body, timeout_seconds: 0 }, now)).deadline_at).toBeNull();
  });
  it('routes an aircraft to its dock via the topology', async () => {
    const r = await buildCommandRecord({ gatewayOf: async (sn: string) => (sn === 'AIRCRAFT1' ? 'DOCK9' : null) }, 'ak', { ...body, device_id: 'AIRCRAFT1' });
    expect(r.gateway_sn).toBe('DOCK9');
  });
  it('uses the payload field named by bid_from as the bid (flighttask_execute: bid = flight_id)', async () => {
    const def = commands.find((c) => c.command_type === 'flighttask_execute')!;
    expect(def.bid_from).toBe('flight_id');
    const r = await buildCommandRecord(noTopo, 'ak', { ...body, command_type: def.command_type, payload: def.example });
    expect(r.bid).toBe(def.example.flight_id);
    expect(r.tid).not.toBe(r.bid);
  });
  it('takes progress_key from the payload field of flat progress commands', async () => {
    const def = commands.find((c) => c.progress && c.progress.correlate_by !== 'bid');
    if (!def) return; // catalog without flat progress commands yet
    const field = (def.progress!.correlate_by as { payload_field: string }).payload_field;
    const r = await buildCommandRecord(noTopo, 'ak', { ...body, command_type: def.command_type, payload: def.example });
    expect(r.progress_key).toBe(String(def.example[field]));
  });
});

describe('device request reply mapping', () => {
  it('maps reply codes to DJI result', () => {
    expect(['APPROVED', 'ok', 'Success', 'SUCCEEDED', 'accepted', '0'].map(resultOf)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(resultOf('314001')).toBe(314001);
    expect(resultOf('-1')).toBe(-1);
    expect(resultOf('REJECTED')).toBe(1);
    expect(resultOf('1.5')).toBe(1);
  });
  it('wraps {result, output} except for config, which is flat', () => {
    expect(replyData('flighttask_resource_get', 'OK', { file: { url: 'u' } })).toEqual({ result: 0, output: { file: { url: 'u' } } });
    expect(replyData('storage_config_get', 'DENIED', undefined)).toEqual({ result: 1, output: {} });
    expect(replyData('config', 'OK', { ntp_server_host: 'h', app_id: 'a' })).toEqual({ ntp_server_host: 'h', app_id: 'a' });
  });
});
