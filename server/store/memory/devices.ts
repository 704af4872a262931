/**
 * `DeviceRegistry` in memory (../types/devices.ts is the contract): rows in the SQLite shape, read
 * back through the shared mapping (../device-rows.ts), so callers always get fresh copies.
 */
import { decodeCursor } from '../cursor.js';
import { DEVICE_COLUMNS, checkedDevice, deviceValues, rowToDevice } from '../device-rows.js';
import { iso, page, positiveLimit, type Row } from '../rows.js';
import { StoreUnavailableError, type Page } from '../types.js';
import type { AircraftSighting, DeviceFilter, DeviceRecord, DeviceRegistry } from '../types/devices.js';

export class MemoryDevices implements DeviceRegistry {
  /** sn → row. */
  readonly rows = new Map<string, Row>();

  /** `closed` tells whether the owning store was closed (calls then reject, as the SQL stores do). */
  constructor(private readonly closed: () => boolean) {}

  private run<T>(fn: () => T): Promise<T> {
    try {
      if (this.closed()) throw new StoreUnavailableError('memory store is closed');
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private put(d: DeviceRecord): void {
    const values = deviceValues(d, (c) => JSON.stringify(c));
    this.rows.set(d.sn, Object.fromEntries(DEVICE_COLUMNS.map((c, i) => [c, values[i]])));
  }

  add(rec: DeviceRecord): Promise<void> {
    return this.run(() => {
      const d = checkedDevice(rec);
      if (this.rows.has(d.sn)) throw new Error(`device ${d.sn} already exists`);
      this.put(d);
    });
  }

  get(sn: string): Promise<DeviceRecord | null> {
    return this.run(() => {
      const r = this.rows.get(sn);
      return r ? rowToDevice(r) : null;
    });
  }

  list(f: DeviceFilter): Promise<Page<DeviceRecord>> {
    return this.run(() => {
      const limit = positiveLimit(f.limit);
      const c = f.cursor != null ? decodeCursor(f.cursor) : null;
      const rows = [...this.rows.values()]
        .filter((r) => (f.kind == null || r.kind === f.kind) && (f.dock_sn == null || r.dock_sn === f.dock_sn) && (f.model_key == null || r.model_key === f.model_key))
        .filter((r) => f.credential == null || (JSON.parse(r.credentials as string) as string[]).includes(f.credential))
        .filter((r) => c === null || (r.created_at as string) < c.at || (r.created_at === c.at && (r.sn as string) < c.id))
        .sort((a, b) => (a.created_at === b.created_at ? ((a.sn as string) < (b.sn as string) ? 1 : -1) : (a.created_at as string) < (b.created_at as string) ? 1 : -1))
        .slice(0, limit + 1);
      return page(rows, limit, rowToDevice, (r) => r.created_at as string, (r) => r.sn as string);
    });
  }

  remove(sn: string): Promise<boolean> {
    return this.run(() => {
      for (const [k, r] of this.rows) if (r.dock_sn === sn && r.kind === 'aircraft') this.rows.delete(k);
      return this.rows.delete(sn);
    });
  }

  setPasswordHash(sn: string, hash: string, mosquittoHash: string | null = null, at = new Date().toISOString()): Promise<boolean> {
    return this.run(() => {
      const r = this.rows.get(sn);
      if (!r || r.kind !== 'dock') return false;
      this.rows.set(sn, { ...r, mqtt_password_hash: hash, mosquitto_password_hash: mosquittoHash, updated_at: iso(at, 'at') });
      return true;
    });
  }

  upsertAircraft(dock_sn: string, aircraft: AircraftSighting[], at = new Date().toISOString()): Promise<number> {
    return this.run(() => {
      const dock = this.rows.get(dock_sn);
      if (!dock || dock.kind !== 'dock') return 0;
      const when = iso(at, 'at');
      const credentials = JSON.parse(dock.credentials as string) as string[];
      // Check every SN first: the SQL stores write all or nothing.
      const list = aircraft
        .filter((a) => a.sn !== dock_sn)
        .map((a) => checkedDevice({ sn: a.sn, kind: 'aircraft', model_key: a.model_key, dock_sn, credentials, mqtt_password_hash: null, mosquitto_password_hash: null, created_at: when, updated_at: when }));
      let n = 0;
      for (const d of list) {
        const old = this.rows.get(d.sn);
        if (old && old.kind !== 'aircraft') continue;
        this.put(old ? { ...d, model_key: d.model_key ?? (old.model_key as string | null), created_at: old.created_at as string } : d);
        n++;
      }
      return n;
    });
  }
}
