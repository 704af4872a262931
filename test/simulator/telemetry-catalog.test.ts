/** The simulated telemetry is derived from the uplink catalog (spec/uplink): every property, its push mode, a value of its type/enum. */
import { describe, expect, it } from 'vitest';
import { propertiesOf, type DeviceKind } from '../../spec/uplink/index.js';
import type { Field } from '../../spec/types.js';
import { Telemetry } from '../../mock/simulator/telemetry.js';
import { KNOWN_VALUES } from '../../mock/simulator/telemetry-values.js';
import { hmsItem } from '../../mock/simulator/hms.js';

/** Problems of `v` against `f` (type, enum, bounds, object members), as paths. */
function problems(f: Field, v: unknown, path: string): string[] {
  switch (f.type) {
    case 'integer':
    case 'number': {
      if (typeof v !== 'number' || (f.type === 'integer' && !Number.isInteger(v))) return [`${path}: not an ${f.type}`];
      if (f.type === 'integer' && f.enum && !f.enum.some((e) => e.value === v)) return [`${path}: ${v} not in enum`];
      if (f.minimum !== undefined && v < f.minimum) return [`${path}: below minimum`];
      if (f.maximum !== undefined && v > f.maximum) return [`${path}: above maximum`];
      return [];
    }
    case 'string':
      return typeof v !== 'string' ? [`${path}: not a string`] : f.enum && !f.enum.some((e) => e.value === v) ? [`${path}: not in enum`] : [];
    case 'boolean':
      return typeof v === 'boolean' ? [] : [`${path}: not a boolean`];
    case 'array':
      return Array.isArray(v) ? v.flatMap((x, i) => problems(f.items, x, `${path}[${i}]`)) : [`${path}: not an array`];
    case 'object':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return [`${path}: not an object`];
      return Object.entries(f.properties ?? {}).flatMap(([k, sub]) => (k in v ? problems(sub, (v as Record<string, unknown>)[k], `${path}.${k}`) : [`${path}.${k}: missing`]));
  }
}

describe('simulated telemetry from the uplink catalog', () => {
  const t = new Telemetry({ dockSn: 'CATDOCK', droneSn: 'CATDRONE', canSend: () => false, send: async () => {} }, { osdIntervalMs: 0 });

  for (const kind of ['dock', 'aircraft'] as DeviceKind[]) {
    it(`reports every ${kind} property of the catalog, in its push mode, with a value of its type and enum`, () => {
      const osd = t.reportData(kind, 'osd');
      const state = t.reportData(kind, 'state');
      for (const p of propertiesOf(kind).values()) {
        const report = p.push === 'osd' ? osd : state;
        expect(report, `${kind}.${p.name} in ${p.push}`).toHaveProperty(p.name);
        expect(problems(p.field, report[p.name], `${kind}.${p.name}`)).toEqual([]);
      }
      // Nothing in a report the catalog does not list for that push mode.
      for (const name of Object.keys(osd)) expect(propertiesOf(kind).get(name)?.push, name).toBe('osd');
      for (const name of Object.keys(state)) expect(propertiesOf(kind).get(name)?.push, name).toBe('state');
    });

    it(`hand-set ${kind} values name catalog properties only`, () => {
      for (const name of Object.keys(KNOWN_VALUES[kind])) expect(propertiesOf(kind).has(name), name).toBe(true);
    });
  }

  it('HMS items take their enums from the catalog', () => {
    expect(hmsItem({ code: '0x16100083' }, '3-3-0')).toEqual({ level: 2, module: 3, in_the_sky: 0, code: '0x16100083', device_type: '3-3-0', imminent: 0, args: { component_index: 0, sensor_index: 0 } });
    expect(() => hmsItem({ code: '0x1', level: 3 }, '3-3-0')).toThrow(/level must be one of 0, 1, 2/);
    expect(() => hmsItem({ code: '0x1', module: 4 }, '3-3-0')).toThrow(/module must be one of 0, 1, 2, 3/);
    expect(() => hmsItem({ code: '0x1', device_type: 'dock' }, '3-3-0')).toThrow(/device_type/);
    expect(() => hmsItem('0x1', '3-3-0')).toThrow(/object/);
  });
});
