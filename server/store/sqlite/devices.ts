/** `DeviceRegistry` on the SQLite store's engine (../types/devices.ts is the contract). */
import { decodeCursor } from '../cursor.js';
import { DEVICE_COLUMNS, checkedDevice, deviceValues, rowToDevice } from '../device-rows.js';
import { iso, page, positiveLimit, type Row } from '../rows.js';
import type { Page } from '../types.js';
import type { AircraftSighting, DeviceFilter, DeviceRecord, DeviceRegistry } from '../types/devices.js';
import type { SqliteEngine } from './engine.js';

const SQL = {
  insert: `INSERT INTO devices (${DEVICE_COLUMNS.join(', ')}) VALUES (${DEVICE_COLUMNS.map(() => '?').join(', ')})`,
  get: 'SELECT * FROM devices WHERE sn = ?',
  removeAircraftOf: "DELETE FROM devices WHERE dock_sn = ? AND kind = 'aircraft'",
  remove: 'DELETE FROM devices WHERE sn = ?',
  setHash: "UPDATE devices SET mqtt_password_hash = ?, mosquitto_password_hash = ?, updated_at = ? WHERE sn = ? AND kind = 'dock'",
  upsertAircraft: `INSERT INTO devices (${DEVICE_COLUMNS.join(', ')}) VALUES (?, 'aircraft', ?, ?, ?, NULL, NULL, ?, ?)
    ON CONFLICT (sn) DO UPDATE SET dock_sn = excluded.dock_sn, credentials = excluded.credentials,
      model_key = coalesce(excluded.model_key, devices.model_key), updated_at = excluded.updated_at
    WHERE devices.kind = 'aircraft'`,
} as const;

export class SqliteDevices implements DeviceRegistry {
  constructor(private readonly e: SqliteEngine) {}

  add(rec: DeviceRecord): Promise<void> {
    return this.e.write(() => {
      const d = checkedDevice(rec);
      try {
        this.e.st(SQL.insert).run(...deviceValues(d, (c) => JSON.stringify(c)));
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw new Error(`device ${d.sn} already exists`);
        throw err;
      }
    });
  }

  get(sn: string): Promise<DeviceRecord | null> {
    return this.e.run(() => {
      const r = this.e.rd(SQL.get).get(sn) as Row | undefined;
      return r ? rowToDevice(r) : null;
    });
  }

  list(f: DeviceFilter): Promise<Page<DeviceRecord>> {
    return this.e.run(() => {
      const limit = positiveLimit(f.limit);
      const where: string[] = [];
      const params: unknown[] = [];
      for (const k of ['kind', 'dock_sn', 'model_key'] as const) {
        if (f[k] != null) {
          where.push(`${k} = ?`);
          params.push(f[k]);
        }
      }
      if (f.credential != null) {
        where.push('EXISTS (SELECT 1 FROM json_each(credentials) WHERE value = ?)');
        params.push(f.credential);
      }
      if (f.cursor != null) {
        const c = decodeCursor(f.cursor);
        where.push('(created_at, sn) < (?, ?)');
        params.push(c.at, c.id);
      }
      const sql = `SELECT * FROM devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, sn DESC LIMIT ?`;
      const rows = this.e.rd(sql).all(...params, limit + 1) as Row[];
      return page(rows, limit, rowToDevice, (r) => r.created_at as string, (r) => r.sn as string);
    });
  }

  remove(sn: string): Promise<boolean> {
    return this.e.write(() =>
      this.e.db.transaction(() => {
        this.e.st(SQL.removeAircraftOf).run(sn);
        return this.e.st(SQL.remove).run(sn).changes > 0;
      })(),
    );
  }

  setPasswordHash(sn: string, hash: string, mosquittoHash: string | null = null, at = new Date().toISOString()): Promise<boolean> {
    return this.e.write(() => this.e.st(SQL.setHash).run(hash, mosquittoHash, iso(at, 'at'), sn).changes > 0);
  }

  upsertAircraft(dock_sn: string, aircraft: AircraftSighting[], at = new Date().toISOString()): Promise<number> {
    return this.e.write(() => {
      const dock = this.e.st(SQL.get).get(dock_sn) as Row | undefined;
      if (!dock || dock.kind !== 'dock') return 0;
      const when = iso(at, 'at');
      let n = 0;
      this.e.db.transaction(() => {
        for (const a of aircraft) {
          if (a.sn === dock_sn) continue;
          checkedDevice({ sn: a.sn, kind: 'aircraft', model_key: a.model_key, dock_sn, credentials: [], mqtt_password_hash: null, mosquitto_password_hash: null, created_at: when, updated_at: when });
          n += this.e.st(SQL.upsertAircraft).run(a.sn, a.model_key, dock_sn, dock.credentials, when, when).changes;
        }
      })();
      return n;
    });
  }
}
