/**
 * `FleetStore` on PostgreSQL (server/store/types/fleet.ts), sharing the store's engine. Presence
 * compare-and-set is the `WHERE` of each UPDATE (one instance wins); a state merge is one
 * `INSERT … ON CONFLICT DO UPDATE` with jsonb `||`; an HMS diff runs in a transaction holding a
 * per-gateway advisory lock, so two instances never diff the same dock's reports at once. Presence
 * changes and HMS diffs write their events (server/events/derive.ts) in the same transaction
 * (`PostgresEventLog.writeEvents`), and wake local followers after the commit.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { hmsEvents, presenceEvents } from '../../events/derive.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { alarmKey, decodeSnCursor, encodeSnCursor } from '../fleet-rows.js';
import { iso, type Row } from '../rows.js';
import { alarmValues, rowToAlarm, rowToChange, rowToFleetDevice, rowToState } from '../sqlite/fleet.js';
import type { Page } from '../types.js';
import type {
  AlarmFilter, AlarmRecord, DeviceFacts, FleetDevice, FleetDeviceFilter, FleetStore, HmsItem, PresenceChange, PresenceReason, StateSnapshot,
} from '../types/fleet.js';
import type { NewEvent } from '../types/events.js';
import type { PostgresEngine } from './engine.js';
import type { PostgresEventLog } from './events.js';

const SQL = {
  insertDevice: `INSERT INTO device_presence (sn, kind, model_key, gateway_sn, online, last_seen_at, changed_at, reason)
    VALUES ($1, $2, $3, $4, true, $5, $5, $6) ON CONFLICT (sn) DO NOTHING RETURNING sn`,
  facts: `UPDATE device_presence SET kind = $1, model_key = COALESCE($2, model_key), gateway_sn = COALESCE($3, gateway_sn),
    last_seen_at = GREATEST(last_seen_at, $4::timestamptz) WHERE sn = $5`,
  backOnline: `UPDATE device_presence SET online = true, changed_at = $1, reason = $2 WHERE sn = $3 AND NOT online AND changed_at < $1 RETURNING sn`,
  offline: `UPDATE device_presence SET online = false, changed_at = $1, reason = $2 WHERE sn = $3 AND online AND changed_at <= $1
    AND ($4::timestamptz IS NULL OR last_seen_at IS NULL OR last_seen_at < $4::timestamptz) RETURNING sn`,
  history: 'INSERT INTO device_presence_changes (sn, online, reason, at) VALUES ($1, $2, $3, $4)',
  silent: 'SELECT * FROM device_presence WHERE online AND COALESCE(last_seen_at, changed_at) < $1 ORDER BY last_seen_at LIMIT $2',
  device: 'SELECT * FROM device_presence WHERE sn = $1',
  historyOf: 'SELECT * FROM device_presence_changes WHERE sn = $1 ORDER BY id DESC LIMIT $2',
  state: 'SELECT * FROM device_state WHERE sn = $1',
  mergeState: `INSERT INTO device_state AS s (sn, properties, version, updated_at, group_reported_at) VALUES ($1, $2::jsonb, 1, $3, $4::jsonb)
    ON CONFLICT (sn) DO UPDATE SET properties = s.properties || EXCLUDED.properties, version = s.version + 1,
      updated_at = GREATEST(s.updated_at, EXCLUDED.updated_at),
      group_reported_at = s.group_reported_at || (SELECT COALESCE(jsonb_object_agg(k, v), '{}'::jsonb) FROM jsonb_each_text(EXCLUDED.group_reported_at) AS g(k, v)
        WHERE s.group_reported_at->>k IS NULL OR s.group_reported_at->>k < v)
    RETURNING version`,
  lock: 'SELECT pg_advisory_xact_lock(hashtext($1))',
  activeAlarms: 'SELECT * FROM hms_alarms WHERE sn = $1 AND cleared_at IS NULL',
  insertAlarm: `INSERT INTO hms_alarms (alarm_id, sn, alarm_key, code, level, module, in_the_sky, imminent, device_type, args, raised_at, cleared_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, NULL)`,
  clearAlarm: 'UPDATE hms_alarms SET cleared_at = $1 WHERE alarm_id = $2 AND cleared_at IS NULL',
} as const;

export class PostgresFleetStore implements FleetStore {
  constructor(private readonly e: PostgresEngine, private readonly events: PostgresEventLog) {}

  /** Run `change` in a transaction writing the events `derive` gives for its result; followers woken after COMMIT. */
  private async withEvents<T>(change: (c: pg.PoolClient) => Promise<T>, derive: (out: T, c: pg.PoolClient) => Promise<NewEvent[]> | NewEvent[]): Promise<T> {
    let wrote = false;
    const out = await this.e.tx(async (c) => {
      const o = await change(c);
      const evs = await derive(o, c);
      if (evs.length) wrote = (await this.events.writeEvents(c, evs)).length > 0;
      return o;
    });
    if (wrote) this.events.committed();
    return out;
  }

  /** The history row and the events of presence change `ch` (null: none). */
  private async recordChange(c: pg.PoolClient, ch: PresenceChange | null): Promise<NewEvent[]> {
    if (!ch) return [];
    await c.query(this.e.named(SQL.history, [ch.sn, ch.online, ch.reason, ch.at]));
    const d = rowToFleetDevice((await c.query(this.e.named(SQL.device, [ch.sn]))).rows[0] as Row);
    return presenceEvents(ch, d);
  }

  seen(sn: string, at: string, facts: DeviceFacts, reason: PresenceReason = 'message'): Promise<PresenceChange | null> {
    const when = iso(at, 'at');
    return this.withEvents(async (c): Promise<PresenceChange | null> => {
      const ins = await c.query(this.e.named(SQL.insertDevice, [sn, facts.kind, facts.model_key ?? null, facts.gateway_sn ?? null, when, reason]));
      if (ins.rowCount === 0) {
        await c.query(this.e.named(SQL.facts, [facts.kind, facts.model_key ?? null, facts.gateway_sn ?? null, when, sn]));
        if ((await c.query(this.e.named(SQL.backOnline, [when, reason, sn]))).rowCount === 0) return null;
      }
      return { sn, online: true, reason, at: when };
    }, (ch, c) => this.recordChange(c, ch));
  }

  setOffline(sn: string, reason: Exclude<PresenceReason, 'message'>, at: string, seenBefore?: string): Promise<PresenceChange | null> {
    const when = iso(at, 'at');
    const before = seenBefore === undefined ? null : iso(seenBefore, 'seenBefore');
    return this.withEvents(async (c): Promise<PresenceChange | null> => {
      if ((await c.query(this.e.named(SQL.offline, [when, reason, sn, before]))).rowCount === 0) return null;
      return { sn, online: false, reason, at: when };
    }, (ch, c) => this.recordChange(c, ch));
  }

  async silentSince(before: string, limit: number): Promise<FleetDevice[]> {
    return (await this.e.q(SQL.silent, [iso(before, 'before'), limit])).map(rowToFleetDevice);
  }

  async getDevice(sn: string): Promise<FleetDevice | null> {
    const [r] = await this.e.q(SQL.device, [sn]);
    return r ? rowToFleetDevice(r) : null;
  }

  async listDevices(f: FleetDeviceFilter): Promise<Page<FleetDevice>> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: (n: string) => string, v: unknown) => (values.push(v), where.push(sql(`$${values.length}`)));
    if (f.cursor !== undefined) add((n) => `sn > ${n}`, decodeSnCursor(f.cursor));
    if (f.kind !== undefined) add((n) => `kind = ${n}`, f.kind);
    if (f.online !== undefined) add((n) => `online = ${n}`, f.online);
    if (f.model_key !== undefined) add((n) => `model_key = ${n}`, f.model_key);
    if (f.gateway_sn !== undefined) add((n) => `gateway_sn = ${n}`, f.gateway_sn);
    if (f.sns) add((n) => `sn = ANY(${n}::text[])`, f.sns);
    values.push(f.limit + 1);
    const sql = `SELECT * FROM device_presence ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY sn COLLATE "C" LIMIT $${values.length}`;
    const rows = (await this.e.q(sql, values)).map(rowToFleetDevice);
    const items = rows.slice(0, f.limit);
    return { items, next_cursor: rows.length > f.limit ? encodeSnCursor(items[items.length - 1]!.sn) : null };
  }

  async presenceHistory(sn: string, limit: number): Promise<PresenceChange[]> {
    return (await this.e.q(SQL.historyOf, [sn, limit])).map(rowToChange);
  }

  async mergeState(sn: string, properties: Record<string, unknown>, groups: Record<string, string>, at: string): Promise<number> {
    const [r] = await this.e.q(SQL.mergeState, [sn, JSON.stringify(properties), iso(at, 'at'), JSON.stringify(groups)]);
    return Number(r!.version);
  }

  async getState(sn: string): Promise<StateSnapshot | null> {
    const [r] = await this.e.q(SQL.state, [sn]);
    return r ? rowToState(r) : null;
  }

  applyHmsReport(sn: string, items: HmsItem[], at: string): Promise<{ raised: AlarmRecord[]; cleared: AlarmRecord[] }> {
    const when = iso(at, 'at');
    return this.withEvents(async (c) => {
      await c.query(this.e.named(SQL.lock, [`hms:${sn}`]));
      const active = new Map(((await c.query(this.e.named(SQL.activeAlarms, [sn]))).rows as Row[]).map(rowToAlarm).map((a) => [a.key, a]));
      const reported = new Map(items.map((i) => [alarmKey(i), i]));
      const raised: AlarmRecord[] = [];
      const cleared: AlarmRecord[] = [];
      for (const [key, i] of reported) {
        if (active.has(key)) continue;
        const alarm_id = randomUUID();
        await c.query(this.e.named(SQL.insertAlarm, [alarm_id, sn, ...alarmValues(i, key), when]));
        raised.push({ ...i, args: i.args ?? {}, alarm_id, sn, key, raised_at: when, cleared_at: null });
      }
      for (const [key, a] of active) {
        if (reported.has(key)) continue;
        await c.query(this.e.named(SQL.clearAlarm, [when, a.alarm_id]));
        cleared.push({ ...a, cleared_at: when });
      }
      return { raised, cleared };
    }, hmsEvents);
  }

  async listAlarms(f: AlarmFilter): Promise<Page<AlarmRecord>> {
    const values: unknown[] = [f.sn];
    const where = ['sn = $1', f.state === 'active' ? 'cleared_at IS NULL' : 'cleared_at IS NOT NULL'];
    if (f.since !== undefined) (values.push(iso(f.since, 'since')), where.push(`${f.state === 'active' ? 'raised_at' : 'cleared_at'} >= $${values.length}`));
    if (f.cursor !== undefined) {
      const cur = decodeCursor(f.cursor);
      values.push(cur.at, cur.id);
      where.push(`(raised_at, alarm_id) < ($${values.length - 1}::timestamptz, $${values.length})`);
    }
    values.push(f.limit + 1);
    const rows = (await this.e.q(`SELECT * FROM hms_alarms WHERE ${where.join(' AND ')} ORDER BY raised_at DESC, alarm_id DESC LIMIT $${values.length}`, values)).map(rowToAlarm);
    const items = rows.slice(0, f.limit);
    const last = items[items.length - 1];
    return { items, next_cursor: rows.length > f.limit && last ? encodeCursor({ at: last.raised_at, id: last.alarm_id }) : null };
  }
}
