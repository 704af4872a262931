/**
 * `store.fleet`: what dockgate knows about each device from its uplink (issue 11 items 4–6) —
 * presence (online, last seen, changes with their reason), the latest state snapshot (merged
 * `osd`/`state` properties) and HMS alarms (raised / cleared). Timestamps are ISO-8601 UTC with ms.
 * Implementations: server/store/{sqlite,postgres,memory}/fleet.ts; contract: test/store/contract-fleet.ts.
 */
import type { DeviceKind } from '../../../spec/uplink/index.js';
import type { Page } from '../types.js';

/** Why presence changed: a message arrived, `update_topo` listed / dropped the aircraft, the broker saw the client disconnect, or silence. */
export type PresenceReason = 'message' | 'update_topo' | 'disconnect' | 'silence';

/** One presence change. */
export interface PresenceChange {
  sn: string;
  online: boolean;
  reason: PresenceReason;
  /** When it changed. */
  at: string;
}

/** What the fleet store knows of a device. */
export interface FleetDevice {
  sn: string;
  kind: DeviceKind;
  /** `{domain}-{type}-{sub_type}` when known (update_topo), else null. */
  model_key: string | null;
  /** The dock of an aircraft (null for a dock). */
  gateway_sn: string | null;
  online: boolean;
  /** Last message heard (flushed at most about once per second, see server/fleet/presence.ts). */
  last_seen_at: string | null;
  /** Last presence change and its reason. */
  changed_at: string;
  reason: PresenceReason;
}

/** Facts about a device that come with a message (kept when given, never cleared by an absent value). */
export interface DeviceFacts {
  kind: DeviceKind;
  model_key?: string | null;
  gateway_sn?: string | null;
}

/** The merged latest state of a device. */
export interface StateSnapshot {
  sn: string;
  /** Every property ever reported, latest value each (a partial report replaces only its properties). */
  properties: Record<string, unknown>;
  /** Increases with every stored merge. */
  version: number;
  /** When the last merged report was received. */
  updated_at: string;
  /** Per property group (spec/uplink `PropertyGroup`), when a property of it was last reported. */
  group_reported_at: Record<string, string>;
}

/** One HMS item as the dock reported it (spec/uplink `HMS_ITEM`). */
export interface HmsItem {
  code: string;
  level: number | null;
  module: number | null;
  in_the_sky: number | null;
  imminent: number | null;
  device_type: string | null;
  args: Record<string, unknown>;
}

/** An alarm: one HMS item from the report that raised it until the report that no longer held it. */
export interface AlarmRecord extends HmsItem {
  alarm_id: string;
  /** Gateway (dock) SN that reported it. */
  sn: string;
  /** Identity within the dock's reports: code, device_type, in_the_sky and args. */
  key: string;
  raised_at: string;
  cleared_at: string | null;
}

export interface FleetDeviceFilter {
  kind?: DeviceKind;
  online?: boolean;
  model_key?: string;
  /** Aircraft of this dock. */
  gateway_sn?: string;
  /** Restrict to these SNs (a credential's allow-list); null = all. */
  sns?: string[] | null;
  limit: number;
  cursor?: string;
}

export interface AlarmFilter {
  sn: string;
  state: 'active' | 'cleared';
  /** Active: raised at or after; cleared: cleared at or after. */
  since?: string;
  limit: number;
  cursor?: string;
}

export interface FleetStore {
  /**
   * A message (or `update_topo` listing) from `sn` at `at`: records the device and its facts,
   * moves `last_seen_at` forward, and when the device was unknown or offline (changed before `at`)
   * marks it online — compare-and-set, so with several instances exactly one returns the change.
   * Returns the change, or null when it was already online.
   */
  seen(sn: string, at: string, facts: DeviceFacts, reason?: PresenceReason): Promise<PresenceChange | null>;
  /**
   * Mark `sn` offline at `at` for `reason` if it is online (and, with `seenBefore`, only if its
   * `last_seen_at` is before it: the silence check). Compare-and-set; null when nothing changed.
   */
  setOffline(sn: string, reason: Exclude<PresenceReason, 'message'>, at: string, seenBefore?: string): Promise<PresenceChange | null>;
  /** Online devices whose `last_seen_at` is before `before` (oldest first, up to `limit`). */
  silentSince(before: string, limit: number): Promise<FleetDevice[]>;
  getDevice(sn: string): Promise<FleetDevice | null>;
  /** Devices, ordered by SN (cursor = last SN). */
  listDevices(f: FleetDeviceFilter): Promise<Page<FleetDevice>>;
  /** The last `limit` presence changes of `sn`, newest first. */
  presenceHistory(sn: string, limit: number): Promise<PresenceChange[]>;

  /**
   * Merge `properties` into the snapshot of `sn` (shallow: a reported property replaces its value),
   * set `updated_at` and the given group times (each only moves forward), version + 1. Atomic per
   * device across instances. Returns the new version.
   */
  mergeState(sn: string, properties: Record<string, unknown>, groups: Record<string, string>, at: string): Promise<number>;
  getState(sn: string): Promise<StateSnapshot | null>;

  /**
   * Apply a complete `hms` report of gateway `sn` received at `at`: items not active yet are raised,
   * active alarms missing from it are cleared. Atomic per gateway across instances.
   */
  applyHmsReport(sn: string, items: HmsItem[], at: string): Promise<{ raised: AlarmRecord[]; cleared: AlarmRecord[] }>;
  /** Alarms of gateway `sn`, newest raised first. */
  listAlarms(f: AlarmFilter): Promise<Page<AlarmRecord>>;
}
