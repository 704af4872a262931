/** `DeviceRegistry` on the PostgreSQL store's pool (../types/devices.ts is the contract). */
import { decodeCursor } from '../cursor.js';
import { DEVICE_COLUMNS, checkedDevice, deviceValues, rowToDevice } from '../device-rows.js';
import { iso, page, positiveLimit } from '../rows.js';
import type { Page } from '../types.js';
import type { AircraftSighting, DeviceFilter, DeviceRecord, DeviceRegistry } from '../types/devices.js';
import type { PostgresEngine } from './engine.js';

const SQL = {
  insert: `INSERT INTO devices (${DEVICE_COLUMNS.join(', ')}) VALUES (${DEVICE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
  get: 'SELECT * FROM devices WHERE sn = $1',
  remove: `DELETE FROM devices WHERE sn = $1 OR (dock_sn = $1 AND kind = 'aircraft') RETURNING sn`,
  setHash: "UPDATE devices SET mqtt_password_hash = $1, mosquitto_password_hash = $2, updated_at = $3 WHERE sn = $4 AND kind = 'dock' RETURNING sn",
  // One statement: the dock's credentials are read in it, and an unknown dock inserts nothing.
  upsertAircraft: `INSERT INTO devices (${DEVICE_COLUMNS.join(', ')})
    SELECT a.sn, 'aircraft', a.model_key, d.sn, d.credentials, NULL, NULL, $3, $3
    FROM devices d, unnest($2::text[], $4::text[]) AS a(sn, model_key)
    WHERE d.sn = $1 AND d.kind = 'dock' AND a.sn <> $1
    ON CONFLICT (sn) DO UPDATE SET dock_sn = EXCLUDED.dock_sn, credentials = EXCLUDED.credentials,
      model_key = coalesce(EXCLUDED.model_key, devices.model_key), updated_at = EXCLUDED.updated_at
    WHERE devices.kind = 'aircraft'
    RETURNING sn`,
} as const;

export class PostgresDevices implements DeviceRegistry {
  constructor(private readonly e: PostgresEngine) {}

  async add(rec: DeviceRecord): Promise<void> {
    const d = checkedDevice(rec);
    try {
      await this.e.q(SQL.insert, deviceValues(d, (c) => c));
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new Error(`device ${d.sn} already exists`);
      throw err;
    }
  }

  async get(sn: string): Promise<DeviceRecord | null> {
    const [r] = await this.e.q(SQL.get, [sn]);
    return r ? rowToDevice(r) : null;
  }

  async list(f: DeviceFilter): Promise<Page<DeviceRecord>> {
    const limit = positiveLimit(f.limit);
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (v: unknown) => `$${values.push(v)}`;
    for (const k of ['kind', 'dock_sn', 'model_key'] as const) if (f[k] != null) where.push(`${k} = ${add(f[k])}`);
    if (f.credential != null) where.push(`${add(f.credential)} = ANY(credentials)`);
    if (f.cursor != null) {
      const c = decodeCursor(f.cursor);
      where.push(`(created_at, sn) < (${add(c.at)}::timestamptz, ${add(c.id)})`);
    }
    const rows = await this.e.q(`SELECT * FROM devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, sn DESC LIMIT ${add(limit + 1)}`, values);
    return page(rows, limit, rowToDevice, (r) => r.created_at as string, (r) => r.sn as string);
  }

  async remove(sn: string): Promise<boolean> {
    const rows = await this.e.q(SQL.remove, [sn]);
    return rows.some((r) => r.sn === sn);
  }

  async setPasswordHash(sn: string, hash: string, mosquittoHash: string | null = null, at = new Date().toISOString()): Promise<boolean> {
    return (await this.e.q(SQL.setHash, [hash, mosquittoHash, iso(at, 'at'), sn])).length > 0;
  }

  async upsertAircraft(dock_sn: string, aircraft: AircraftSighting[], at = new Date().toISOString()): Promise<number> {
    const when = iso(at, 'at');
    const list = aircraft.filter((a) => a.sn !== dock_sn);
    for (const a of list) checkedDevice({ sn: a.sn, kind: 'aircraft', model_key: a.model_key, dock_sn, credentials: [], mqtt_password_hash: null, mosquitto_password_hash: null, created_at: when, updated_at: when });
    if (list.length === 0) return 0;
    const rows = await this.e.q(SQL.upsertAircraft, [dock_sn, list.map((a) => a.sn), when, list.map((a) => a.model_key)]);
    return rows.length;
  }
}
