/** Pure parts of the telemetry-ingest bench: which gateway counter is read as "osd handled", device SNs, osd messages. */
import { describe, expect, it } from 'vitest';
import { ingestCounter } from '../../bench/scenarios/telemetry.js';
import { benchSns, osdMessage } from '../../bench/lib/osd.js';
import { isValidSn } from '../../spec/topics.js';

describe('telemetry bench helpers', () => {
  it('reads the osd/telemetry counter that grew most; null when none grew', () => {
    expect(ingestCounter({ telemetry_messages: 5, osd_snapshots_written: 1, replies: 0 }, { telemetry_messages: 105, osd_snapshots_written: 11, replies: 50 })).toEqual({ name: 'telemetry_messages', delta: 100 });
    expect(ingestCounter({}, { osd_received: 3 })).toEqual({ name: 'osd_received', delta: 3 });
    expect(ingestCounter({ replies: 0, ignored_messages: 0 }, { replies: 9, ignored_messages: 9 })).toBeNull();
    expect(ingestCounter({ telemetry_messages: 7 }, { telemetry_messages: 7 })).toBeNull();
  });

  it('makes valid, distinct SNs and parseable osd envelopes carrying extra properties', () => {
    const sns = benchSns('BTX', 12);
    expect(new Set(sns).size).toBe(12);
    expect(sns.every(isValidSn)).toBe(true);
    const m = JSON.parse(osdMessage(sns[3]!, { latitude: 22.5, height: 40 }, 7, { bench_probe: 7 }));
    expect(m).toMatchObject({ gateway: sns[3], tid: expect.any(String), bid: expect.any(String), timestamp: expect.any(Number), data: { height: 40, bench_probe: 7 } });
    expect(m.data.latitude).not.toBe(JSON.parse(osdMessage(sns[3]!, { latitude: 22.5 }, 8)).data.latitude);
  });
});
