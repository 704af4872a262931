/**
 * `FleetStore` on SQLite (server/store/types/fleet.ts), sharing the store's engine: writes in its
 * group commit, multi-statement changes in one nested transaction, so a presence change and its
 * history row, or a whole HMS diff, commit together. Compare-and-set is the `WHERE` of the UPDATE.
 */
import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { alarmKey, decodeSnCursor, encodeSnCursor, mergeGroups } from '../fleet-rows.js';
import { iso, type Row } from '../rows.js';
import type { Page } from '../types.js';
import type {
  AlarmFilter, AlarmRecord, DeviceFacts, FleetDevice, FleetDeviceFilter, FleetStore, HmsItem, PresenceChange, PresenceReason, StateSnapshot,
} from '../types/fleet.js';
import type { SqliteEngine } from './engine.js';

const SQL = {
  insertDevice: `INSERT INTO device_presence (sn, kind, model_key, gateway_sn, online, last_seen_at, changed_at, reason)
    VALUES (?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT (sn) DO NOTHING`,
  facts: `UPDATE device_presence SET kind = ?, model_key = COALESCE(?, model_key), gateway_sn = COALESCE(?, gateway_sn),
    last_seen_at = CASE WHEN last_seen_at IS NULL OR last_seen_at < ? THEN ? ELSE last_seen_at END WHERE sn = ?`,
  backOnline: `UPDATE device_presence SET online = 1, changed_at = ?, reason = ? WHERE sn = ? AND online = 0 AND changed_at < ?`,
  offline: `UPDATE device_presence SET online = 0, changed_at = ?, reason = ? WHERE sn = ? AND online = 1 AND changed_at <= ?
    AND (? IS NULL OR last_seen_at IS NULL OR last_seen_at < ?)`,
  history: 'INSERT INTO device_presence_changes (sn, online, reason, at) VALUES (?, ?, ?, ?)',
  silent: `SELECT * FROM device_presence WHERE online = 1 AND COALESCE(last_seen_at, changed_at) < ? ORDER BY last_seen_at LIMIT ?`,
  device: 'SELECT * FROM device_presence WHERE sn = ?',
  historyOf: 'SELECT * FROM device_presence_changes WHERE sn = ? ORDER BY id DESC LIMIT ?',
  state: 'SELECT * FROM device_state WHERE sn = ?',
  putState: `INSERT INTO device_state (sn, properties, version, updated_at, group_reported_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (sn) DO UPDATE SET properties = excluded.properties, version = excluded.version,
    updated_at = excluded.updated_at, group_reported_at = excluded.group_reported_at`,
  activeAlarms: 'SELECT * FROM hms_alarms WHERE sn = ? AND cleared_at IS NULL',
  insertAlarm: `INSERT INTO hms_alarms (alarm_id, sn, alarm_key, code, level, module, in_the_sky, imminent, device_type, args, raised_at, cleared_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
  clearAlarm: 'UPDATE hms_alarms SET cleared_at = ? WHERE alarm_id = ? AND cleared_at IS NULL',
} as const;

/** A `device_presence` row → `FleetDevice`. */
export function rowToFleetDevice(r: Row): FleetDevice {
  return {
    sn: r.sn as string,
    kind: r.kind as FleetDevice['kind'],
    model_key: (r.model_key as string | null) ?? null,
    gateway_sn: (r.gateway_sn as string | null) ?? null,
    online: r.online === true || r.online === 1,
    last_seen_at: (r.last_seen_at as string | null) ?? null,
    changed_at: r.changed_at as string,
    reason: r.reason as PresenceReason,
  };
}

/** A `device_presence_changes` row → `PresenceChange`. */
export function rowToChange(r: Row): PresenceChange {
  return { sn: r.sn as string, online: r.online === true || r.online === 1, reason: r.reason as PresenceReason, at: r.at as string };
}

/** A `device_state` row → `StateSnapshot`. */
export function rowToState(r: Row): StateSnapshot {
  return {
    sn: r.sn as string,
    properties: JSON.parse(r.properties as string) as Record<string, unknown>,
    version: Number(r.version),
    updated_at: r.updated_at as string,
    group_reported_at: JSON.parse(r.group_reported_at as string) as Record<string, string>,
  };
}

/** An `hms_alarms` row → `AlarmRecord`. */
export function rowToAlarm(r: Row): AlarmRecord {
  const n = (v: unknown) => (v == null ? null : Number(v));
  return {
    alarm_id: r.alarm_id as string,
    sn: r.sn as string,
    key: r.alarm_key as string,
    code: r.code as string,
    level: n(r.level),
    module: n(r.module),
    in_the_sky: n(r.in_the_sky),
    imminent: n(r.imminent),
    device_type: (r.device_type as string | null) ?? null,
    args: JSON.parse(r.args as string) as Record<string, unknown>,
    raised_at: r.raised_at as string,
    cleared_at: (r.cleared_at as string | null) ?? null,
  };
}

/** Values of `insertAlarm` (after alarm_id, sn). */
export function alarmValues(i: HmsItem, key: string): unknown[] {
  return [key, i.code, i.level, i.module, i.in_the_sky, i.imminent, i.device_type, JSON.stringify(i.args ?? {})];
}

export class SqliteFleetStore implements FleetStore {
  constructor(private readonly e: SqliteEngine) {}

  seen(sn: string, at: string, facts: DeviceFacts, reason: PresenceReason = 'message'): Promise<PresenceChange | null> {
    const when = iso(at, 'at');
    return this.e.write(() =>
      this.e.db.transaction((): PresenceChange | null => {
        const ins = this.e.st(SQL.insertDevice).run(sn, facts.kind, facts.model_key ?? null, facts.gateway_sn ?? null, when, when, reason);
        if (ins.changes === 0) {
          this.e.st(SQL.facts).run(facts.kind, facts.model_key ?? null, facts.gateway_sn ?? null, when, when, sn);
          if (this.e.st(SQL.backOnline).run(when, reason, sn, when).changes === 0) return null;
        }
        this.e.st(SQL.history).run(sn, 1, reason, when);
        return { sn, online: true, reason, at: when };
      })(),
    );
  }

  setOffline(sn: string, reason: Exclude<PresenceReason, 'message'>, at: string, seenBefore?: string): Promise<PresenceChange | null> {
    const when = iso(at, 'at');
    const before = seenBefore === undefined ? null : iso(seenBefore, 'seenBefore');
    return this.e.write(() =>
      this.e.db.transaction((): PresenceChange | null => {
        if (this.e.st(SQL.offline).run(when, reason, sn, when, before, before).changes === 0) return null;
        this.e.st(SQL.history).run(sn, 0, reason, when);
        return { sn, online: false, reason, at: when };
      })(),
    );
  }

  silentSince(before: string, limit: number): Promise<FleetDevice[]> {
    return this.e.run(() => (this.e.rd(SQL.silent).all(iso(before, 'before'), limit) as Row[]).map(rowToFleetDevice));
  }

  getDevice(sn: string): Promise<FleetDevice | null> {
    return this.e.run(() => {
      const r = this.e.rd(SQL.device).get(sn) as Row | undefined;
      return r ? rowToFleetDevice(r) : null;
    });
  }

  listDevices(f: FleetDeviceFilter): Promise<Page<FleetDevice>> {
    return this.e.run(() => {
      const where: string[] = [];
      const values: unknown[] = [];
      if (f.cursor !== undefined) (where.push('sn > ?'), values.push(decodeSnCursor(f.cursor)));
      if (f.kind !== undefined) (where.push('kind = ?'), values.push(f.kind));
      if (f.online !== undefined) (where.push('online = ?'), values.push(f.online ? 1 : 0));
      if (f.model_key !== undefined) (where.push('model_key = ?'), values.push(f.model_key));
      if (f.gateway_sn !== undefined) (where.push('gateway_sn = ?'), values.push(f.gateway_sn));
      if (f.sns) (where.push(`sn IN (SELECT value FROM json_each(?))`), values.push(JSON.stringify(f.sns)));
      const sql = `SELECT * FROM device_presence ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY sn LIMIT ?`;
      const rows = (this.e.rd(sql).all(...values, f.limit + 1) as Row[]).map(rowToFleetDevice);
      const items = rows.slice(0, f.limit);
      return { items, next_cursor: rows.length > f.limit ? encodeSnCursor(items[items.length - 1]!.sn) : null };
    });
  }

  presenceHistory(sn: string, limit: number): Promise<PresenceChange[]> {
    return this.e.run(() => (this.e.rd(SQL.historyOf).all(sn, limit) as Row[]).map(rowToChange));
  }

  mergeState(sn: string, properties: Record<string, unknown>, groups: Record<string, string>, at: string): Promise<number> {
    const when = iso(at, 'at');
    return this.e.write(() =>
      this.e.db.transaction((): number => {
        const r = this.e.st(SQL.state).get(sn) as Row | undefined;
        const prev = r ? rowToState(r) : null;
        const version = (prev?.version ?? 0) + 1;
        const updated = prev && prev.updated_at > when ? prev.updated_at : when;
        this.e.st(SQL.putState).run(sn, JSON.stringify({ ...prev?.properties, ...properties }), version, updated, JSON.stringify(mergeGroups(prev?.group_reported_at ?? {}, groups)));
        return version;
      })(),
    );
  }

  getState(sn: string): Promise<StateSnapshot | null> {
    return this.e.run(() => {
      const r = this.e.rd(SQL.state).get(sn) as Row | undefined;
      return r ? rowToState(r) : null;
    });
  }

  applyHmsReport(sn: string, items: HmsItem[], at: string): Promise<{ raised: AlarmRecord[]; cleared: AlarmRecord[] }> {
    const when = iso(at, 'at');
    return this.e.write(() =>
      this.e.db.transaction(() => {
        const active = new Map((this.e.st(SQL.activeAlarms).all(sn) as Row[]).map(rowToAlarm).map((a) => [a.key, a]));
        const reported = new Map(items.map((i) => [alarmKey(i), i]));
        const raised: AlarmRecord[] = [];
        const cleared: AlarmRecord[] = [];
        for (const [key, i] of reported) {
          if (active.has(key)) continue;
          const alarm_id = randomUUID();
          this.e.st(SQL.insertAlarm).run(alarm_id, sn, ...alarmValues(i, key), when);
          raised.push({ ...i, args: i.args ?? {}, alarm_id, sn, key, raised_at: when, cleared_at: null });
        }
        for (const [key, a] of active) {
          if (reported.has(key)) continue;
          this.e.st(SQL.clearAlarm).run(when, a.alarm_id);
          cleared.push({ ...a, cleared_at: when });
        }
        return { raised, cleared };
      })(),
    );
  }

  listAlarms(f: AlarmFilter): Promise<Page<AlarmRecord>> {
    return this.e.run(() => {
      const where = ['sn = ?', f.state === 'active' ? 'cleared_at IS NULL' : 'cleared_at IS NOT NULL'];
      const values: unknown[] = [f.sn];
      if (f.since !== undefined) (where.push(f.state === 'active' ? 'raised_at >= ?' : 'cleared_at >= ?'), values.push(iso(f.since, 'since')));
      if (f.cursor !== undefined) {
        const c = decodeCursor(f.cursor);
        where.push('(raised_at < ? OR (raised_at = ? AND alarm_id < ?))');
        values.push(c.at, c.at, c.id);
      }
      const sql = `SELECT * FROM hms_alarms WHERE ${where.join(' AND ')} ORDER BY raised_at DESC, alarm_id DESC LIMIT ?`;
      const rows = (this.e.rd(sql).all(...values, f.limit + 1) as Row[]).map(rowToAlarm);
      const items = rows.slice(0, f.limit);
      const last = items[items.length - 1];
      return { items, next_cursor: rows.length > f.limit && last ? encodeCursor({ at: last.raised_at, id: last.alarm_id }) : null };
    });
  }
}
