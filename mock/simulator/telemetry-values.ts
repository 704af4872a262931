/**
 * The simulated values of a dock's and its aircraft's `osd` / `state` properties, derived from the
 * uplink catalog (spec/uplink/properties.ts: names, push modes, types, enums, units): one value per
 * catalog property. Positions are filled in by the telemetry (telemetry.ts) from the dock's home point.
 */
import type { Field } from '../../spec/types.js';
import { propertiesOf, type DeviceKind, type PushMode, type UplinkProperty } from '../../spec/uplink/index.js';

export type { DeviceKind, PushMode };

/** A property the simulator reports: its push mode (from the catalog) and current value. */
export interface SimProperty {
  push: PushMode;
  value: unknown;
}

/**
 * Hand-set values (the ones a map and the tests read); every other catalog property gets
 * {@link plausibleValue}. Names must be catalog properties of that kind (a test checks it), and
 * objects are completed from the catalog where they leave members out.
 */
export const KNOWN_VALUES: Record<DeviceKind, Record<string, unknown>> = {
  dock: {
    mode_code: 0, // idle (4 working)
    flighttask_step_code: 5, // task idle (1 flying, 2 post-flight recovery)
    cover_state: 0, // closed (1 open)
    drone_in_dock: 1, // inside (0 outside)
    wind_speed: 2.4, // m/s
    environment_temperature: 18.5, // °C
    temperature: 24.1, // °C, cabin
    humidity: 41, // %RH, cabin
    drone_charge_state: { state: 0, capacity_percent: 92 },
    network_state: { type: 2, quality: 4, rate: 5120.5 }, // Ethernet, good, KB/s
    storage: { total: 82_045_336, used: 1_204_512 }, // KB
    firmware_version: '10.01.1612',
  },
  aircraft: {
    mode_code: 0, // standby (5 wayline, 9 return to home, 17 live flight controls)
    battery: { capacity_percent: 92, remain_flight_time: 2520, return_home_power: 25, landing_power: 10 }, // %, s, %, %
    position_state: { gps_number: 19, rtk_number: 32, is_fixed: 2, quality: 10 },
    total_flight_time: 36_000, // s
    total_flight_distance: 402_113, // m
    track_id: '',
    firmware_version: '10.01.0811',
  },
};

/** `hand` completed from the field: missing object members get plausible values; `undefined` → {@link plausibleValue}. */
function complete(f: Field, hand: unknown): unknown {
  if (hand === undefined) return plausibleValue(f);
  if (f.type === 'object' && typeof hand === 'object' && hand !== null && !Array.isArray(hand)) {
    const out: Record<string, unknown> = { ...(hand as Record<string, unknown>) };
    for (const [k, sub] of Object.entries(f.properties ?? {})) out[k] = complete(sub, out[k]);
    return out;
  }
  return structuredClone(hand);
}

/**
 * The initial properties of a device kind: every property the uplink catalog (spec/uplink) lists
 * for it, with the catalog's push mode and the hand-set value or a plausible one of its type/enum.
 */
export function initialProperties(kind: DeviceKind, catalog: ReadonlyMap<string, UplinkProperty> = propertiesOf(kind)): Map<string, SimProperty> {
  return new Map([...catalog.values()].map((p) => [p.name, { push: p.push, value: complete(p.field, KNOWN_VALUES[kind][p.name]) }]));
}

/**
 * A plausible value of a catalog field: its first enum member, else a value of its type inside
 * its bounds, objects and arrays filled recursively (arrays with one item).
 */
export function plausibleValue(f: Field): unknown {
  switch (f.type) {
    case 'string':
      return f.enum?.[0]?.value ?? (f.format === 'date-time' ? new Date(0).toISOString() : 'sim');
    case 'integer':
      return f.enum?.[0]?.value ?? f.minimum ?? 0;
    case 'number':
      return f.minimum !== undefined && f.minimum > 0 ? f.minimum : f.maximum !== undefined && f.maximum < 0 ? f.maximum : 0;
    case 'boolean':
      return false;
    case 'object':
      return Object.fromEntries(Object.entries(f.properties ?? {}).map(([k, v]) => [k, plausibleValue(v)]));
    case 'array':
      return [plausibleValue(f.items)];
    default:
      return null;
  }
}
