/** `FlightTaskStore` on the PostgreSQL store's pool (../types/flight-tasks.ts is the contract). */
import { decodeCursor } from '../cursor.js';
import { page, positiveLimit, type Row } from '../rows.js';
import type { Page } from '../types.js';
import type { FlightTaskChange, FlightTaskFilter, FlightTaskRecord, FlightTaskStore } from '../types/flight-tasks.js';
import type { PostgresEngine } from './engine.js';
import type { PostgresEventLog } from './events.js';

const SQL = {
  get: 'SELECT doc FROM flight_tasks WHERE flight_id = $1',
  // A new task is inserted first (no row to lock yet); a concurrent insert of the same id waits on
  // the key and then finds the row locked by FOR UPDATE below.
  ensure: `INSERT INTO flight_tasks (flight_id, gateway_sn, status, terminal, created_at, updated_at, doc) VALUES ($1, '', '', false, '', '', 'null') ON CONFLICT DO NOTHING`,
  lock: 'SELECT doc FROM flight_tasks WHERE flight_id = $1 FOR UPDATE',
  save: 'UPDATE flight_tasks SET gateway_sn = $2, status = $3, terminal = $4, created_at = $5, updated_at = $6, doc = $7 WHERE flight_id = $1',
  drop: "DELETE FROM flight_tasks WHERE flight_id = $1 AND doc = 'null'::jsonb",
  latestOpen: 'SELECT doc FROM flight_tasks WHERE gateway_sn = $1 AND NOT terminal ORDER BY created_at DESC, flight_id DESC LIMIT 1',
} as const;

/** The pool returns json/jsonb as text (engine.ts); the placeholder row of a new task holds JSON null. */
const toRecord = (r: Row): FlightTaskRecord => JSON.parse(r.doc as string) as FlightTaskRecord;
const isTask = (r: Row | undefined): r is Row => r !== undefined && r.doc !== 'null';

export class PostgresFlightTasks implements FlightTaskStore {
  constructor(
    private readonly e: PostgresEngine,
    private readonly events: PostgresEventLog,
  ) {}

  async get(flight_id: string): Promise<FlightTaskRecord | null> {
    const [r] = await this.e.q(SQL.get, [flight_id]);
    return isTask(r) ? toRecord(r) : null;
  }

  async update(flight_id: string, change: (prev: FlightTaskRecord | null) => FlightTaskChange | null): Promise<FlightTaskRecord | null> {
    let wrote = false;
    const out = await this.e.tx(async (c) => {
      await c.query(this.e.named(SQL.ensure, [flight_id]));
      const r = (await c.query(this.e.named(SQL.lock, [flight_id]))).rows[0] as Row | undefined;
      const prev = isTask(r) ? toRecord(r) : null;
      const ch = change(prev);
      if (!ch) {
        if (!prev) await c.query(this.e.named(SQL.drop, [flight_id]));
        return null;
      }
      const n = ch.next;
      await c.query(this.e.named(SQL.save, [flight_id, n.gateway_sn, n.status, n.terminal, n.created_at, n.updated_at, JSON.stringify(n)]));
      if (ch.events.length) wrote = (await this.events.writeEvents(c, ch.events)).length > 0;
      return n;
    });
    if (wrote) this.events.committed();
    return out;
  }

  async latestOpen(gateway_sn: string): Promise<FlightTaskRecord | null> {
    const [r] = await this.e.q(SQL.latestOpen, [gateway_sn]);
    return r ? toRecord(r) : null;
  }

  async list(f: FlightTaskFilter): Promise<Page<FlightTaskRecord>> {
    const limit = positiveLimit(f.limit);
    const where: string[] = ["doc <> 'null'::jsonb"];
    const values: unknown[] = [];
    const add = (v: unknown) => `$${values.push(v)}`;
    if (f.gateway_sns) where.push(`gateway_sn = ANY(${add(f.gateway_sns)}::text[])`);
    if (f.status != null) where.push(`status = ${add(f.status)}`);
    if (f.from != null) where.push(`created_at >= ${add(new Date(f.from).toISOString())}`);
    if (f.to != null) where.push(`created_at < ${add(new Date(f.to).toISOString())}`);
    if (f.cursor != null) {
      const c = decodeCursor(f.cursor);
      where.push(`(created_at, flight_id) < (${add(c.at)}, ${add(c.id)})`);
    }
    const sql = `SELECT created_at, flight_id, doc FROM flight_tasks WHERE ${where.join(' AND ')} ORDER BY created_at DESC, flight_id DESC LIMIT ${add(limit + 1)}`;
    const rows = await this.e.q(sql, values);
    return page(rows, limit, toRecord, (r) => r.created_at as string, (r) => r.flight_id as string);
  }
}
