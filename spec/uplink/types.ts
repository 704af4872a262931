/**
 * Types of the uplink catalog: what docks and aircraft send up besides replies — the `osd` / `state`
 * properties dockgate understands, the `events` methods it knows, and the device models. Plain typed
 * data like the command catalog (spec/types.ts); the OpenAPI schemas of device state and alarms, the
 * fleet docs and the simulator are derived from it (docs/dji/telemetry.md, docs/dji/hms.md).
 */
import type { Field } from '../types.js';

/** Device kind: the dock (gateway) or the aircraft behind it (sub-device). */
export type DeviceKind = 'dock' | 'aircraft';

/**
 * DJI push mode: `osd` = push mode 0, sent periodically on `thing/product/{sn}/osd` (every 2 s in
 * normal operation); `state` = push mode 1, sent on change on `thing/product/{sn}/state`.
 */
export type PushMode = 'osd' | 'state';

/**
 * Property groups: the snapshot records when each group was last reported (`group_reported_at`).
 * Properties dockgate does not know are kept and counted under `other`.
 */
export const PROPERTY_GROUPS = ['mode', 'position', 'flight', 'cover', 'charge', 'battery', 'environment', 'network', 'storage', 'media', 'topology', 'safety', 'firmware', 'other'] as const;
export type PropertyGroup = (typeof PROPERTY_GROUPS)[number];

/** One `osd` / `state` property of a device kind. Type, unit, enum meanings and description live in `field`. */
export interface UplinkProperty {
  /** DJI property name, e.g. `cover_state` (the key in `data`). */
  name: string;
  kind: DeviceKind;
  push: PushMode;
  group: PropertyGroup;
  /** Shape as DJI documents it (its `required` flag is ignored: every report is partial). */
  field: Field;
  /** DJI page(s) documenting it (docs/dji/telemetry.md). */
  sources: string[];
}

/** One `events` method (`thing/product/{gateway_sn}/events`) dockgate knows. */
export interface UplinkEventDef {
  /** DJI `method`, e.g. `hms`. */
  method: string;
  description: string;
  /** DJI `data` shape, as far as DJI documents it (open objects where it does not). */
  data: Record<string, Field>;
  /**
   * Whether DJI sets `need_reply: 1` on it (the gateway answers `events_reply` to every event that
   * sets it, whatever the method; this flag documents what to expect and drives the simulator).
   */
  need_reply: boolean;
  /** `progress` when a command's completion is reported by it (derived from the command catalog). */
  role: 'progress' | 'alarm' | 'media' | 'notify';
  /** For `progress`: the commands that use it. */
  commands?: string[];
  sources: string[];
}

/** A device model: DJI `{domain}-{type}-{sub_type}` → name. */
export interface DeviceModel {
  /** e.g. `3-2-0`. */
  key: string;
  name: string;
  kind: DeviceKind;
}

/** The whole uplink catalog. */
export interface UplinkCatalog {
  properties: UplinkProperty[];
  events: UplinkEventDef[];
  models: DeviceModel[];
}
