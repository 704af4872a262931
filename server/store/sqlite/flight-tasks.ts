/** `FlightTaskStore` on the SQLite store's engine (../types/flight-tasks.ts is the contract). */
import { decodeCursor } from '../cursor.js';
import { page, positiveLimit, type Row } from '../rows.js';
import type { Page } from '../types.js';
import type { FlightTaskChange, FlightTaskFilter, FlightTaskRecord, FlightTaskStore } from '../types/flight-tasks.js';
import type { SqliteEngine } from './engine.js';
import type { SqliteEventLog } from './events.js';

const SQL = {
  get: 'SELECT doc FROM flight_tasks WHERE flight_id = ?',
  upsert: `INSERT INTO flight_tasks (flight_id, gateway_sn, status, terminal, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (flight_id) DO UPDATE SET gateway_sn = excluded.gateway_sn, status = excluded.status, terminal = excluded.terminal,
      updated_at = excluded.updated_at, doc = excluded.doc`,
  latestOpen: 'SELECT doc FROM flight_tasks WHERE gateway_sn = ? AND terminal = 0 ORDER BY created_at DESC, flight_id DESC LIMIT 1',
} as const;

const toRecord = (r: Row): FlightTaskRecord => JSON.parse(r.doc as string) as FlightTaskRecord;

export class SqliteFlightTasks implements FlightTaskStore {
  constructor(
    private readonly e: SqliteEngine,
    private readonly events: SqliteEventLog,
  ) {}

  get(flight_id: string): Promise<FlightTaskRecord | null> {
    return this.e.run(() => {
      const r = this.e.rd(SQL.get).get(flight_id) as Row | undefined;
      return r ? toRecord(r) : null;
    });
  }

  update(flight_id: string, change: (prev: FlightTaskRecord | null) => FlightTaskChange | null): Promise<FlightTaskRecord | null> {
    return this.e.write(() =>
      this.e.db.transaction(() => {
        const r = this.e.st(SQL.get).get(flight_id) as Row | undefined;
        const out = change(r ? toRecord(r) : null);
        if (!out) return null;
        const n = out.next;
        this.e.st(SQL.upsert).run(n.flight_id, n.gateway_sn, n.status, n.terminal ? 1 : 0, n.created_at, n.updated_at, JSON.stringify(n));
        if (out.events.length) this.events.writeEvents(out.events);
        return n;
      })(),
    );
  }

  latestOpen(gateway_sn: string): Promise<FlightTaskRecord | null> {
    return this.e.run(() => {
      const r = this.e.rd(SQL.latestOpen).get(gateway_sn) as Row | undefined;
      return r ? toRecord(r) : null;
    });
  }

  list(f: FlightTaskFilter): Promise<Page<FlightTaskRecord>> {
    return this.e.run(() => {
      const limit = positiveLimit(f.limit);
      const where: string[] = [];
      const params: unknown[] = [];
      if (f.gateway_sns) {
        where.push(`gateway_sn IN (SELECT value FROM json_each(?))`);
        params.push(JSON.stringify(f.gateway_sns));
      }
      if (f.status != null) (where.push('status = ?'), params.push(f.status));
      if (f.from != null) (where.push('created_at >= ?'), params.push(new Date(f.from).toISOString()));
      if (f.to != null) (where.push('created_at < ?'), params.push(new Date(f.to).toISOString()));
      if (f.cursor != null) {
        const c = decodeCursor(f.cursor);
        where.push('(created_at, flight_id) < (?, ?)');
        params.push(c.at, c.id);
      }
      const sql = `SELECT created_at, flight_id, doc FROM flight_tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, flight_id DESC LIMIT ?`;
      const rows = this.e.rd(sql).all(...params, limit + 1) as Row[];
      return page(rows, limit, toRecord, (r) => r.created_at as string, (r) => r.flight_id as string);
    });
  }
}
