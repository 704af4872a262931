/** Pure parts of the MQTT core: topics, envelope validation, reply mapping, progress reading. */
import { describe, expect, it } from 'vitest';
import { commandsByType } from '../../spec/catalog.js';
import { parseDrcUp, parseEnvelope } from '../../server/mqtt/envelope.js';
import { buildProgressIndex, readProgress } from '../../server/mqtt/progress.js';
import { jsonEqual, mapReplyData } from '../../server/commands/response.js';
import { isValidSn, parseUplinkTopic, servicesTopic, shareFilter, statusReplyTopic, UPLINK_FILTERS } from '../../spec/topics.js';

describe('topics', () => {
  it('builds downlink topics on the gateway SN', () => {
    expect(servicesTopic('4TADKAQ000002J')).toBe('thing/product/4TADKAQ000002J/services');
    expect(statusReplyTopic('DOCK1')).toBe('sys/product/DOCK1/status_reply');
  });

  it('refuses SNs that would change the topic', () => {
    for (const bad of ['', 'a/b', '+', '#', 'A+B', '$SYS', 'a b', 'x'.repeat(65), '-lead']) {
      expect(isValidSn(bad), bad).toBe(false);
      expect(() => servicesTopic(bad)).toThrow(/not a valid gateway SN/);
    }
    expect(isValidSn('1581F5BMD22A0')).toBe(true);
  });

  it('parses uplink topics and rejects the rest', () => {
    expect(parseUplinkTopic('thing/product/DOCK1/services_reply')).toEqual({ gateway_sn: 'DOCK1', kind: 'services_reply' });
    expect(parseUplinkTopic('thing/product/DOCK1/drc/up')).toEqual({ gateway_sn: 'DOCK1', kind: 'drc/up' });
    expect(parseUplinkTopic('sys/product/DOCK1/status')).toEqual({ gateway_sn: 'DOCK1', kind: 'status' });
    expect(parseUplinkTopic('thing/product/DOCK1/osd')).toEqual({ gateway_sn: 'DOCK1', kind: 'osd' });
    expect(parseUplinkTopic('thing/product/DOCK1/property/set')).toBeNull();
    expect(parseUplinkTopic('sys/product/DOCK1/status_reply')).toBeNull();
    expect(parseUplinkTopic('thing/device/DOCK1/events')).toBeNull();
    expect(parseUplinkTopic('thing/product/DO CK/events')).toBeNull();
  });

  it('prefixes shared subscriptions only when a group is set', () => {
    expect(shareFilter(UPLINK_FILTERS.events, null)).toBe('thing/product/+/events');
    expect(shareFilter(UPLINK_FILTERS.status, 'gw')).toBe('$share/gw/sys/product/+/status');
    expect(() => shareFilter('a', 'bad/group')).toThrow(/share group/);
  });
});

describe('envelope', () => {
  const ok = { tid: 't1', bid: 'b1', timestamp: 1700000000000, method: 'cover_open', data: { result: 0 } };
  const reason = (p: unknown) => {
    const r = parseEnvelope(typeof p === 'string' || Buffer.isBuffer(p) ? (p as string) : JSON.stringify(p));
    return r.ok ? 'ok' : r.reason;
  };

  it('accepts a DJI message and keeps the raw object', () => {
    const r = parseEnvelope(Buffer.from(JSON.stringify({ ...ok, need_reply: 1, gateway: 'DOCK1' })));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toMatchObject({ tid: 't1', bid: 'b1', method: 'cover_open', need_reply: 1, gateway: 'DOCK1', data: { result: 0 } });
      expect(r.value.raw.timestamp).toBe(1700000000000);
    }
  });

  it('names what is wrong', () => {
    expect(reason('not json')).toMatch(/not JSON/);
    expect(reason('[1,2]')).toMatch(/JSON object, got array/);
    expect(reason('null')).toMatch(/got null/);
    expect(reason('')).toMatch(/empty/);
    expect(reason({ ...ok, tid: undefined })).toMatch(/missing `tid`/);
    expect(reason({ ...ok, tid: 5 })).toMatch(/`tid` must be a string/);
    expect(reason({ ...ok, bid: '' })).toMatch(/`bid` must not be empty/);
    expect(reason({ ...ok, method: null })).toMatch(/`method` must be a string/);
    expect(reason({ ...ok, timestamp: '1700000000000' })).toMatch(/`timestamp` must be a non-negative number/);
    expect(reason({ ...ok, timestamp: undefined })).toMatch(/missing `timestamp`/);
    expect(reason({ ...ok, data: [1] })).toMatch(/`data` must be a JSON object/);
    expect(reason({ ...ok, data: undefined })).toMatch(/missing `data`/);
    expect(reason(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]))).toMatch(/UTF-8/);
  });

  it('enforces the size limit before parsing', () => {
    const big = JSON.stringify({ ...ok, data: { blob: 'x'.repeat(300 * 1024) } });
    expect(reason(big)).toMatch(/over the 65536-byte limit/);
    expect(parseEnvelope(JSON.stringify(ok), { maxBytes: 10 }).ok).toBe(false);
  });

  it('lets requests carry data null', () => {
    expect(parseEnvelope(JSON.stringify({ ...ok, data: null })).ok).toBe(false);
    const r = parseEnvelope(JSON.stringify({ ...ok, data: null }), { allowNullData: true });
    expect(r.ok && r.value.data).toEqual({});
  });

  it('parses drc/up without tid/bid and checks seq', () => {
    const r = parseDrcUp(JSON.stringify({ method: 'drone_emergency_stop', seq: 14, data: { result: 0 } }));
    expect(r.ok && r.value).toMatchObject({ method: 'drone_emergency_stop', seq: 14, tid: null, bid: null });
    const bad = parseDrcUp(JSON.stringify({ method: 'x', seq: 1.5, data: {} }));
    expect(bad.ok ? 'ok' : bad.reason).toMatch(/`seq` must be an integer/);
  });
});

describe('services_reply mapping (seeds 001–003)', () => {
  it('code wins over result; message, msg, description in that order', () => {
    expect(mapReplyData({ result: 0 })).toMatchObject({ response_code: '0', response_message: null, result: 0 });
    expect(mapReplyData({ result: 314000, code: 'E_BUSY', message: 'busy' })).toMatchObject({ response_code: 'E_BUSY', response_message: 'busy', result: 314000 });
    expect(mapReplyData({ result: 1, msg: 'm' }).response_message).toBe('m');
    expect(mapReplyData({ result: 1, description: 'd', msg: 'm' }).response_message).toBe('m');
    expect(mapReplyData({ result: 1, description: 'd' }).response_message).toBe('d');
  });

  it('vendor_response keeps result, code, message, output and extension fields', () => {
    const m = mapReplyData({ output: { status: 'ok' }, vendor_x: 1, result: 0, msg: 'fine' });
    expect(m.vendor_response).toEqual({ result: 0, output: { status: 'ok' }, vendor_x: 1, msg: 'fine' });
    expect(Object.keys(m.vendor_response).slice(0, 2)).toEqual(['result', 'output']);
  });

  it('compares JSON structurally', () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });
});

describe('progress from the catalog', () => {
  it('indexes cover_open by bid and fly_to_point by fly_to_id', () => {
    const idx = buildProgressIndex(commandsByType.values());
    expect(idx.get('cover_open')).toEqual([{ by: 'bid', command_types: ['cover_open'] }]);
    const fly = idx.get('fly_to_point_progress');
    expect(fly?.[0]?.by).toEqual({ event_field: 'fly_to_id' });
    expect(fly?.[0]?.command_types).toContain('fly_to_point');
  });

  it('reads percent, step and status; classifies terminal statuses', () => {
    const spec = commandsByType.get('cover_open')!.progress!;
    const running = readProgress(spec, { result: 0, output: { status: 'in_progress', progress: { percent: 40.4, step_key: 'open_cover' } } }, 'now');
    expect(running).toMatchObject({ outcome: 'running', progress: { percent: 40, step: 'open_cover', dji_status: 'in_progress' } });
    expect(readProgress(spec, { result: 0, output: { status: 'ok' } }, 'now').outcome).toBe('succeeded');
    for (const s of ['failed', 'rejected', 'canceled', 'timeout']) expect(readProgress(spec, { output: { status: s } }, 'now').outcome).toBe('failed');
    expect(readProgress(spec, { output: { status: 5, progress: { percent: 'x' } } }, 'now').progress).toMatchObject({ percent: null, dji_status: null });
  });
});
