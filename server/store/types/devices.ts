/**
 * The device registry (issue 11 item 2): the docks an operator registered (`npm run devices`),
 * each with the slow hash of its MQTT password, and the aircraft their docks announced in
 * `update_topo`. The embedded broker authenticates and authorises docks against it
 * (server/mqtt/broker-auth.ts). Timestamps are ISO-8601 UTC with ms, as in ../types.ts.
 */
import type { Page } from '../types.js';

/** `dock` (a gateway with its own MQTT login) or `aircraft` (behind a dock, no login of its own). */
export type DeviceKind = 'dock' | 'aircraft';

/** A registered device. */
export interface DeviceRecord {
  /** Serial number (spec/topics.ts SN_PATTERN); the dock's MQTT username. */
  sn: string;
  kind: DeviceKind;
  /** DJI `domain-type-sub_type`, e.g. `3-2-0`; null until known. */
  model_key: string | null;
  /** For an aircraft: the dock that announced it; null for docks. */
  dock_sn: string | null;
  /** API IDs allowed to see the device (an aircraft inherits its dock's). */
  credentials: string[];
  /** Encoded scrypt hash of the dock's MQTT password (server/devices/password.ts); null for aircraft. */
  mqtt_password_hash: string | null;
  /**
   * The same password as a Mosquitto `$7$` (PBKDF2-SHA512) hash, kept for `export-mosquitto`
   * (docs/deployment.md); null for aircraft and for docks registered without it.
   */
  mosquitto_password_hash: string | null;
  created_at: string;
  updated_at: string;
}

/** Filters of `DeviceRegistry.list`; pages newest first (created_at, sn). */
export interface DeviceFilter {
  kind?: DeviceKind;
  dock_sn?: string;
  /** Only devices this API ID may see. */
  credential?: string;
  model_key?: string;
  limit: number;
  /** `next_cursor` of a previous page; another value rejects with `InvalidCursorError`. */
  cursor?: string;
}

/** What `upsertAircraft` learns about one aircraft from `update_topo`. */
export interface AircraftSighting {
  sn: string;
  /** `domain-type-sub_type` when the dock reported it, else null (a known model is kept). */
  model_key: string | null;
}

/** The registry, `store.devices`. Implementations share their store's connection. */
export interface DeviceRegistry {
  /** Insert; rejects (Error mentioning "exists") when the SN is already registered. */
  add(rec: DeviceRecord): Promise<void>;
  get(sn: string): Promise<DeviceRecord | null>;
  list(f: DeviceFilter): Promise<Page<DeviceRecord>>;
  /** Delete a device (and, for a dock, its aircraft); false when there was none. */
  remove(sn: string): Promise<boolean>;
  /** Replace a dock's password hashes (rotate); false when no such dock. */
  setPasswordHash(sn: string, hash: string, mosquittoHash?: string | null, at?: string): Promise<boolean>;
  /**
   * Register or update the aircraft `dock_sn` announced: each gets `dock_sn` and the dock's
   * credentials; a null `model_key` keeps a known one. An SN registered as a dock is left alone.
   * Does nothing (returns 0) when `dock_sn` is not a registered dock; else how many were written.
   */
  upsertAircraft(dock_sn: string, aircraft: AircraftSighting[], at?: string): Promise<number>;
}
