/**
 * Row mapping of the `devices` table, shared by the three stores (../rows.ts does the same for the
 * other tables). `credentials` is JSON text in SQLite and the memory store, `text[]` in PostgreSQL.
 */
import { isValidSn } from '../../spec/topics.js';
import { iso, type Row } from './rows.js';
import type { DeviceRecord } from './types/devices.js';

/** A record from a row of either shape. */
export function rowToDevice(r: Row): DeviceRecord {
  const creds = r.credentials;
  return {
    sn: r.sn as string,
    kind: r.kind as DeviceRecord['kind'],
    model_key: (r.model_key as string | null) ?? null,
    dock_sn: (r.dock_sn as string | null) ?? null,
    credentials: Array.isArray(creds) ? [...(creds as string[])] : (JSON.parse((creds as string | null) ?? '[]') as string[]),
    mqtt_password_hash: (r.mqtt_password_hash as string | null) ?? null,
    mosquitto_password_hash: (r.mosquitto_password_hash as string | null) ?? null,
    created_at: iso(r.created_at as string, 'created_at'),
    updated_at: iso(r.updated_at as string, 'updated_at'),
  };
}

/** Checked, normalised copy of a record to insert; TypeError on an invalid SN, kind or timestamp. */
export function checkedDevice(d: DeviceRecord): DeviceRecord {
  if (!isValidSn(d.sn)) throw new TypeError(`sn must match SN_PATTERN, got ${JSON.stringify(d.sn)}`);
  if (d.kind !== 'dock' && d.kind !== 'aircraft') throw new TypeError(`kind must be dock or aircraft, got ${JSON.stringify(d.kind)}`);
  if (d.dock_sn !== null && !isValidSn(d.dock_sn)) throw new TypeError(`dock_sn must match SN_PATTERN, got ${JSON.stringify(d.dock_sn)}`);
  return {
    ...d,
    credentials: [...new Set(d.credentials)],
    created_at: iso(d.created_at, 'created_at'),
    updated_at: iso(d.updated_at, 'updated_at'),
  };
}

/** Column order of an INSERT. */
export const DEVICE_COLUMNS = ['sn', 'kind', 'model_key', 'dock_sn', 'credentials', 'mqtt_password_hash', 'mosquitto_password_hash', 'created_at', 'updated_at'] as const;

/** Values in DEVICE_COLUMNS order; `creds` encodes the credentials column for the store. */
export function deviceValues(d: DeviceRecord, creds: (list: string[]) => unknown): unknown[] {
  return [d.sn, d.kind, d.model_key, d.dock_sn, creds(d.credentials), d.mqtt_password_hash, d.mosquitto_password_hash, d.created_at, d.updated_at];
}
