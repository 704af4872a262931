/**
 * The simulated dock's HMS (health management) alarms. DJI sends `events` method `hms` with
 * `need_reply: 0` and `data.list` = the COMPLETE current list (up to 20 items): an alarm missing
 * from the next report has cleared (DJI Cloud API, dock "HMS" feature set and "HMS" event pages,
 * docs/dji/hms.md). So every raise or clear here sends the whole list again. Item fields and
 * their enums come from the uplink catalog (spec/uplink/events.ts `HMS_ITEM`).
 */
import { HMS_ITEM } from '../../spec/uplink/index.js';
import type { Field } from '../../spec/types.js';
import { isObject } from './types.js';

/** The allowed values of an enum member of the catalog's HMS item (spec/uplink/events.ts `HMS_ITEM`). */
function allowed(name: 'level' | 'module' | 'in_the_sky' | 'imminent'): number[] {
  const f = HMS_ITEM.properties?.[name] as Field | undefined;
  return f?.type === 'integer' && f.enum ? f.enum.map((e) => e.value) : [0, 1];
}
const ENUMS = { level: allowed('level'), module: allowed('module'), in_the_sky: allowed('in_the_sky'), imminent: allowed('imminent') };

/** One HMS item as DJI sends it. */
export interface HmsItem {
  /** 0 notice, 1 reminder, 2 warning. */
  level: number;
  /** 0 flight task, 1 device management, 2 media, 3 hms. */
  module: number;
  /** 0 on the ground, 1 in the air. */
  in_the_sky: number;
  /** e.g. `0x16100083`. */
  code: string;
  /** `domain-type-sub_type` of the device raising it, e.g. `3-3-0` (dock) or `0-100-0` (aircraft). */
  device_type: string;
  /** 0/1: whether the issue is imminent. */
  imminent: number;
  args: { component_index: number; sensor_index: number };
}

/** Most items DJI puts in one report. */
export const HMS_MAX_ITEMS = 20;
const CODE = /^0x[0-9A-Fa-f]{1,8}$/;

/** An alarm's identity: the same code on another component or device is another alarm. */
export function hmsKey(i: Pick<HmsItem, 'code' | 'device_type' | 'args'>): string {
  return `${i.code.toLowerCase()}|${i.device_type}|${i.args.component_index}|${i.args.sensor_index}`;
}

/**
 * An HMS item from loose input (a mock request body, a CLI flag): `code` required (`0x` + hex),
 * the rest defaulted (level 2, module 3, in_the_sky 0, device_type of the dock, imminent 0, args 0/0).
 * Throws `TypeError` with the field name on bad input.
 */
export function hmsItem(input: unknown, defaultDeviceType: string): HmsItem {
  if (!isObject(input)) throw new TypeError('an HMS alarm must be an object with at least a code');
  const code = input.code;
  if (typeof code !== 'string' || !CODE.test(code)) throw new TypeError(`code must be a DJI HMS code such as "0x16100083", got ${JSON.stringify(code)}`);
  const int = (name: string, v: unknown, dflt: number, max: number): number => {
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new TypeError(`${name} must be an integer 0–${max}, got ${JSON.stringify(v)}`);
    return v;
  };
  const member = (name: keyof typeof ENUMS, dflt: number): number => {
    const v = input[name];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !ENUMS[name].includes(v)) throw new TypeError(`${name} must be one of ${ENUMS[name].join(', ')}, got ${JSON.stringify(v)}`);
    return v;
  };
  const deviceType = input.device_type ?? defaultDeviceType;
  if (typeof deviceType !== 'string' || !/^\d{1,3}-\d{1,5}-\d{1,3}$/.test(deviceType)) throw new TypeError(`device_type must be "domain-type-sub_type" such as "3-3-0", got ${JSON.stringify(deviceType)}`);
  const args = isObject(input.args) ? input.args : {};
  return {
    level: member('level', 2),
    module: member('module', 3),
    in_the_sky: member('in_the_sky', 0),
    code,
    device_type: deviceType,
    imminent: member('imminent', 0),
    args: { component_index: int('args.component_index', args.component_index, 0, 255), sensor_index: int('args.sensor_index', args.sensor_index, 0, 255) },
  };
}

/** The current alarms of one dock (and its aircraft), in raise order. */
export class HmsAlarms {
  private readonly items = new Map<string, HmsItem>();

  /** The complete current list (a copy). */
  list(): HmsItem[] {
    return [...this.items.values()].map((i) => ({ ...i, args: { ...i.args } }));
  }

  /** Add (or replace, same identity) alarms; the oldest go when past {@link HMS_MAX_ITEMS}. */
  raise(items: HmsItem[]): void {
    for (const i of items) {
      this.items.delete(hmsKey(i));
      this.items.set(hmsKey(i), i);
    }
    while (this.items.size > HMS_MAX_ITEMS) this.items.delete(this.items.keys().next().value as string);
  }

  /** Remove alarms by code (every component/device with that code); no codes = all. Returns how many went. */
  clear(codes?: readonly string[]): number {
    const before = this.items.size;
    if (!codes || codes.length === 0) this.items.clear();
    else {
      const wanted = new Set(codes.map((c) => c.toLowerCase()));
      for (const [k, i] of this.items) if (wanted.has(i.code.toLowerCase())) this.items.delete(k);
    }
    return before - this.items.size;
  }
}
