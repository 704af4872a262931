/**
 * HMS report parsing and message texts (server/fleet/hms.ts), on a small hms.json-format fixture
 * written for these tests (test/fixtures/hms-sample.json; not DJI's file).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HmsMessages, parseHmsReport } from '../../server/fleet/hms.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'hms-sample.json');
const alarm = (o: Partial<{ code: string; device_type: string | null; in_the_sky: number | null; args: Record<string, unknown> }>) => ({
  code: '0x16100083', device_type: '3-3-0', in_the_sky: 0, args: { component_index: 0, sensor_index: 1 }, ...o,
});

describe('HMS messages', () => {
  const m = HmsMessages.load(fixture);

  it('picks dock_tip for a dock device type and fills %index from sensor_index + 1', () => {
    expect(m.message(alarm({}), 'en')).toBe('Test text: dock sensor 2 is abnormal');
    expect(m.message(alarm({}), 'zh')).toBe('测试文案：机场传感器 2 异常');
    expect(m.message(alarm({ code: '0x16100083'.toUpperCase() }), 'en')).toBe('Test text: dock sensor 2 is abnormal');
  });

  it('picks fpv_tip (in_the_sky variant first) for an aircraft, falling back to zh when the language is empty or missing', () => {
    const a = alarm({ code: '0x1b010001', device_type: '0-100-0', args: { component_index: 1 } });
    expect(m.message(a, 'en')).toBe('Test text: battery 2 is hot');
    expect(m.message({ ...a, in_the_sky: 1 }, 'en')).toBe('测试文案：飞行中电池 2 温度高');
    expect(m.message(a, 'fr')).toBe('测试文案：电池 2 温度高');
  });

  it('fills %alarmid as hex; leaves unknown codes and missing args alone', () => {
    expect(m.message(alarm({ code: '0x1a420bc0', args: { alarm_id: 255 } }), 'en')).toBe('Test text: alarm ff');
    expect(m.message(alarm({ code: '0x1a420bc0', args: {} }), 'en')).toBe('Test text: alarm %alarmid');
    expect(m.message(alarm({ code: '0xdeadbeef' }), 'en')).toBeNull();
    expect(HmsMessages.none().message(alarm({}), 'en')).toBeNull();
  });

  it('rejects a file that is not hms.json-shaped, naming it', () => {
    expect(() => HmsMessages.load(join(import.meta.dirname, 'no-such.json'))).toThrow(/HMS_MESSAGES_FILE .*no-such\.json/);
    expect(() => HmsMessages.parse('[1]')).toThrow(/JSON object/);
  });
});

describe('parseHmsReport', () => {
  it('keeps the documented fields and rejects what is not a list of coded items', () => {
    expect(parseHmsReport({ list: [{ code: '0x1', level: 2, module: 3, in_the_sky: 0, imminent: 1, device_type: '0-67-0', args: { component_index: 0 }, extra: 1 }] })).toEqual([
      { code: '0x1', level: 2, module: 3, in_the_sky: 0, imminent: 1, device_type: '0-67-0', args: { component_index: 0 } },
    ]);
    expect(parseHmsReport({ list: [{ code: '0x1', level: 'high' }] })).toEqual([{ code: '0x1', level: null, module: null, in_the_sky: null, imminent: null, device_type: null, args: {} }]);
    expect(parseHmsReport({})).toMatch(/must be an array/);
    expect(parseHmsReport({ list: [{ level: 1 }] })).toMatch(/code/);
    expect(parseHmsReport({ list: Array.from({ length: 21 }, (_, i) => ({ code: `0x${i}` })) })).toMatch(/at most 20/);
  });
});
