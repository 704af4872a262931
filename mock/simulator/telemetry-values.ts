/**
 * The simulated values of a dock's and its aircraft's `osd` / `state` properties: one plausible
 * value per property, with the units and enums of DJI's dock and aircraft "Properties" pages
 * (docs/dji/; e.g. https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/properties.html).
 * Positions are filled in by the telemetry (telemetry.ts) from the dock's home point.
 */
import type { Field } from '../../spec/types.js';

/** Which device a property belongs to. */
export type DeviceKind = 'dock' | 'aircraft';
/** DJI push mode: `osd` = 0 (periodic), `state` = 1 (on change). */
export type PushMode = 'osd' | 'state';

/** A property the simulator reports: its device, push mode and value. */
export interface SimProperty {
  kind: DeviceKind;
  push: PushMode;
  value: unknown;
}

/** Hand-set values (the ones a map and the tests read), by device kind and property name. */
export const KNOWN_VALUES: Record<DeviceKind, Record<string, { push: PushMode; value: unknown }>> = {
  dock: {
    mode_code: { push: 'osd', value: 0 }, // 0 idle, 4 working
    flighttask_step_code: { push: 'osd', value: 5 }, // 5 idle, 1 flying, 2 post-flight recovery
    cover_state: { push: 'osd', value: 0 }, // 0 closed, 1 open
    drone_in_dock: { push: 'osd', value: 1 }, // 1 inside, 0 outside
    emergency_stop_state: { push: 'osd', value: 0 },
    rainfall: { push: 'osd', value: 0 }, // 0 none … 3 heavy
    wind_speed: { push: 'osd', value: 2.4 }, // m/s
    environment_temperature: { push: 'osd', value: 18.5 }, // °C
    temperature: { push: 'osd', value: 24.1 }, // °C, cabin
    humidity: { push: 'osd', value: 41 }, // %, cabin
    job_number: { push: 'osd', value: 0 },
    drone_charge_state: { push: 'osd', value: { state: 0, capacity_percent: 92 } },
    network_state: { push: 'osd', value: { type: 2, quality: 4, rate: 5120.5 } }, // 2 ethernet, quality 0–5, rate KB/s
    storage: { push: 'osd', value: { total: 82_045_336, used: 1_204_512 } }, // KB
    media_file_detail: { push: 'osd', value: { remain_upload: 0 } },
    firmware_version: { push: 'state', value: '10.01.1612' },
  },
  aircraft: {
    mode_code: { push: 'osd', value: 0 }, // 0 standby, 5 wayline, 9 return to home, 10 landing, 17 command flight
    horizontal_speed: { push: 'osd', value: 0 }, // m/s
    vertical_speed: { push: 'osd', value: 0 }, // m/s
    elevation: { push: 'osd', value: 0 }, // m above the take-off point
    attitude_head: { push: 'osd', value: 0 }, // degrees
    attitude_pitch: { push: 'osd', value: 0 },
    attitude_roll: { push: 'osd', value: 0 },
    home_distance: { push: 'osd', value: 0 }, // m
    wind_speed: { push: 'osd', value: 0 }, // m/s
    battery: { push: 'osd', value: { capacity_percent: 92, remain_flight_time: 2520, return_home_power: 25 } }, // %, s, %
    position_state: { push: 'osd', value: { gps_number: 19, rtk_number: 32, is_fixed: 2, quality: 5 } },
    total_flight_time: { push: 'osd', value: 36_000 }, // s
    total_flight_distance: { push: 'osd', value: 402_113 }, // m
    track_id: { push: 'osd', value: '' },
    firmware_version: { push: 'state', value: '10.01.0811' },
  },
};

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
