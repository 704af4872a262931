/**
 * The event log on PostgreSQL (server/store/types/events.ts). `writeEvents` runs on the
 * transaction of the change that causes the events. The per-device counter row (`event_seq`) is
 * locked by that transaction until it commits, so a device's sequence numbers follow commit order.
 * Log position = (writing transaction id, pos); readers only return rows whose transaction is
 * older than every running one (`pg_snapshot_xmin`), so a follower on any instance misses nothing.
 */
import type pg from 'pg';
import { InvalidCursorError } from '../cursor.js';
import { rowToEvent, type Row } from '../rows.js';
import type { EventFilter, EventLog, EventRecord, NewEvent } from '../types/events.js';
import type { PostgresEngine } from './engine.js';

const SQL = {
  insertWithSeq: `WITH s AS (INSERT INTO event_seq (device_id, seq) VALUES ($4, 1)
      ON CONFLICT (device_id) DO UPDATE SET seq = event_seq.seq + 1 RETURNING seq)
    INSERT INTO events (id, type, timestamp, device_id, sequence, api_id, data)
    SELECT $1, $2, $3, $4, s.seq, $5, $6 FROM s RETURNING pos, tx::text AS tx, sequence`,
  insertNoDevice: `INSERT INTO events (id, type, timestamp, device_id, sequence, api_id, data)
    VALUES ($1, $2, $3, NULL, NULL, $4, $5) RETURNING pos, tx::text AS tx, sequence`,
  positionOf: 'SELECT tx::text AS tx, pos FROM events WHERE id = $1',
  scan: `SELECT *, tx::text AS tx FROM events WHERE tx < pg_snapshot_xmin(pg_current_snapshot())
    AND (tx, pos) > ($1::xid8, $2::bigint) ORDER BY events.tx, pos LIMIT $3`,
  prune: 'DELETE FROM events WHERE pos IN (SELECT pos FROM events WHERE timestamp < $1 ORDER BY timestamp LIMIT $2)',
} as const;

/** A position of this log as (transaction id, pos). */
function pgPosition(p: string): [bigint, bigint] {
  const m = /^(\d{1,20}):(\d{1,18})$/.exec(p);
  if (!m) throw new InvalidCursorError();
  return [BigInt(m[1]!), BigInt(m[2]!)];
}

const withEventSqls = new Map<string, string>();

/**
 * `change` (an `INSERT … RETURNING`, parameters $1…$n) and the insert of one event of a device
 * (parameters $n+1…$n+6: id, type, timestamp, device_id, api_id, data) made only when the change
 * returns a row, as one statement that returns the change's rows. Memoised by `change`.
 */
function withEventSql(change: string, n: number): string {
  let sql = withEventSqls.get(change);
  if (sql === undefined) {
    const p = (i: number) => `$${n + i}`;
    sql = `WITH c AS (${change}),
      s AS (INSERT INTO event_seq (device_id, seq) SELECT ${p(4)}, 1 FROM (SELECT 1 FROM c LIMIT 1) AS one
        ON CONFLICT (device_id) DO UPDATE SET seq = event_seq.seq + 1 RETURNING seq),
      e AS (INSERT INTO events (id, type, timestamp, device_id, sequence, api_id, data)
        SELECT ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, s.seq, ${p(5)}, ${p(6)} FROM s RETURNING pos)
    SELECT * FROM c`;
    withEventSqls.set(change, sql);
  }
  return sql;
}

const position = (r: Row) => `${r.tx as string}:${r.pos as number}`;

/** The PostgreSQL event log; `writeEvents` is for the store's transactions. */
export class PostgresEventLog implements EventLog {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly e: PostgresEngine) {}

  /** Write `events` on `c`, inside the caller's transaction. Call `committed()` after COMMIT. */
  async writeEvents(c: pg.PoolClient, events: NewEvent[]): Promise<EventRecord[]> {
    const out: EventRecord[] = [];
    for (const ev of events) {
      const data = JSON.stringify(ev.data);
      const { rows } =
        ev.device_id === null
          ? await c.query(this.e.named(SQL.insertNoDevice, [ev.id, ev.type, ev.timestamp, ev.api_id, data]))
          : await c.query(this.e.named(SQL.insertWithSeq, [ev.id, ev.type, ev.timestamp, ev.device_id, ev.api_id, data]));
      out.push({ ...ev, sequence: (rows[0].sequence as number | null) ?? null, position: position(rows[0]) });
    }
    return out;
  }

  /**
   * Run `change` (an `INSERT … RETURNING` with parameters `values`) and, when it returns a row, write
   * `ev` (an event of a device, known before the change runs), in one autocommitted statement: the
   * same atomicity and per-device order as a transaction with `writeEvents`, in one round trip
   * instead of four (BEGIN, change, event, COMMIT). Returns the change's rows; wakes followers.
   */
  async insertWithEvent(change: string, values: unknown[], ev: NewEvent & { device_id: string }): Promise<Row[]> {
    const rows = await this.e.q(withEventSql(change, values.length), [...values, ev.id, ev.type, ev.timestamp, ev.device_id, ev.api_id, JSON.stringify(ev.data)]);
    if (rows.length) this.committed();
    return rows;
  }

  /** Wake local followers (after a commit that wrote events). */
  committed(): void {
    for (const l of this.listeners) l();
  }

  async append(events: NewEvent[]): Promise<EventRecord[]> {
    const out = await this.e.tx((c) => this.writeEvents(c, events));
    this.committed();
    return out;
  }

  async read(after: string | null, f: EventFilter, limit: number): Promise<{ events: EventRecord[]; position: string | null }> {
    const v: unknown[] = [];
    const p = (x: unknown) => (v.push(x), `$${v.length}`);
    const where: string[] = ['tx < pg_snapshot_xmin(pg_current_snapshot())'];
    if (after !== null) {
      const [tx, pos] = pgPosition(after);
      where.push(`(tx, pos) > (${p(String(tx))}::xid8, ${p(String(pos))}::bigint)`);
    }
    where.push(`(api_id = ${p(f.api_id)} OR (api_id IS NULL AND (${p(f.allowed_devices)}::text[] IS NULL OR device_id = ANY(${p(f.allowed_devices)}::text[]))))`);
    if (f.type) where.push(f.type.endsWith('.*') ? `starts_with(type, ${p(f.type.slice(0, -1))})` : `type = ${p(f.type)}`);
    if (f.device_id) where.push(`device_id = ${p(f.device_id)}`);
    if (f.since) where.push(`timestamp >= ${p(f.since)}::timestamptz`);
    const rows = await this.e.q(`SELECT *, tx::text AS tx FROM events WHERE ${where.join(' AND ')} ORDER BY events.tx, pos LIMIT ${p(limit)}`, v);
    const events = rows.map((r) => rowToEvent(r, position(r)));
    return { events, position: events.length ? events[events.length - 1]!.position : after };
  }

  async scan(after: string | null, limit: number): Promise<{ events: EventRecord[]; position: string | null }> {
    const [tx, pos] = after === null ? [0n, 0n] : pgPosition(after);
    const rows = await this.e.q(SQL.scan, [String(tx), String(pos), limit]);
    const events = rows.map((r) => rowToEvent(r, position(r)));
    return { events, position: events.length ? events[events.length - 1]!.position : after };
  }

  comparePositions(a: string | null, b: string | null): number {
    const [atx, apos] = a === null ? [-1n, -1n] : pgPosition(a);
    const [btx, bpos] = b === null ? [-1n, -1n] : pgPosition(b);
    return atx !== btx ? (atx < btx ? -1 : 1) : apos === bpos ? 0 : apos < bpos ? -1 : 1;
  }

  async tail(): Promise<string | null> {
    const [r] = await this.e.q('SELECT tx::text AS tx, pos FROM events WHERE tx < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY tx DESC, pos DESC LIMIT 1');
    return r ? position(r) : null;
  }

  async positionOf(id: string): Promise<string | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [r] = await this.e.q(SQL.positionOf, [id]);
    return r ? position(r) : null;
  }

  async prune(before: string, limit: number): Promise<number> {
    return this.e.rowCount(SQL.prune, [before, limit]);
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
