/**
 * The event log on SQLite (server/store/types/events.ts). `writeEvents` runs inside the store write
 * of the change that causes the events, after it, so both join one transaction; SQLite has one
 * writer, so `pos` (rowid) order is commit order and a reader following `pos` misses nothing.
 */
import { InvalidCursorError } from '../cursor.js';
import { rowToEvent, type Row } from '../rows.js';
import type { EventFilter, EventLog, EventRecord, NewEvent } from '../types/events.js';
import type { SqliteEngine } from './engine.js';

const SQL = {
  bumpSeq: `INSERT INTO event_seq (device_id, seq) VALUES (?, 1)
    ON CONFLICT (device_id) DO UPDATE SET seq = seq + 1 RETURNING seq`,
  insert: `INSERT INTO events (id, type, timestamp, device_id, sequence, api_id, data) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING pos`,
  positionOf: 'SELECT pos FROM events WHERE id = ?',
  scan: 'SELECT * FROM events WHERE pos > ? ORDER BY pos LIMIT ?',
  prune: 'DELETE FROM events WHERE pos IN (SELECT pos FROM events WHERE timestamp < ? ORDER BY pos LIMIT ?)',
} as const;

/** A position of this log as its rowid. */
function sqlitePosition(p: string): number {
  if (!/^\d{1,15}$/.test(p)) throw new InvalidCursorError();
  return Number(p);
}

/** Listeners of local appends (they run after the commit, see `SqliteEventLog.notify`). */
type Listener = () => void;

/** The SQLite event log; `writeEvents` is for the store's write methods. */
export class SqliteEventLog implements EventLog {
  private readonly listeners = new Set<Listener>();
  /** A wake is scheduled (see `notifySoon`). */
  private wakePending = false;

  constructor(private readonly e: SqliteEngine) {}

  /**
   * Write `events` inside the caller's write (call within `e.write`, after the change that causes
   * them). Throws when a statement fails, after rolling back the whole open batch
   * (`e.abortBatch`): the change before it has applied and has no savepoint to return to, and a
   * change must not commit without its events.
   */
  writeEvents(events: NewEvent[]): EventRecord[] {
    const out: EventRecord[] = [];
    try {
      for (const ev of events) {
        const sequence = ev.device_id === null ? null : (this.e.st(SQL.bumpSeq).pluck().get(ev.device_id) as number);
        const pos = this.e.st(SQL.insert).pluck().get(ev.id, ev.type, ev.timestamp, ev.device_id, sequence, ev.api_id, JSON.stringify(ev.data)) as number;
        out.push({ ...ev, sequence, position: String(pos) });
      }
    } catch (err) {
      this.e.abortBatch(err);
      throw err;
    }
    if (out.length) this.notifySoon();
    return out;
  }

  /**
   * Wake followers after the group commit (a follower reads committed data only), once for all the
   * writes of a batch: each wake costs every follower a read of the log (the webhook fan-out, each
   * event stream), and a batch holds tens of writes on the accept path. The batch's COMMIT was
   * queued (setImmediate, at its BEGIN) before this write's wake, so the wake runs after it; a
   * write once the first hop ran may be in a later batch and schedules its own wake.
   */
  private notifySoon(): void {
    if (this.wakePending) return;
    this.wakePending = true;
    setImmediate(() => {
      this.wakePending = false;
      setImmediate(() => this.notify());
    });
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  append(events: NewEvent[]): Promise<EventRecord[]> {
    return this.e.write(() => this.writeEvents(events));
  }

  read(after: string | null, f: EventFilter, limit: number): Promise<{ events: EventRecord[]; position: string | null }> {
    return this.e.run(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (after !== null) {
        where.push('pos > ?');
        params.push(sqlitePosition(after));
      }
      where.push('(api_id = ? OR (api_id IS NULL AND (? IS NULL OR device_id IN (SELECT value FROM json_each(?)))))');
      const allowed = f.allowed_devices === null ? null : JSON.stringify(f.allowed_devices);
      params.push(f.api_id, allowed, allowed ?? '[]');
      if (f.type) {
        if (f.type.endsWith('.*')) {
          where.push("substr(type, 1, ?) = ?");
          const prefix = f.type.slice(0, -1);
          params.push(prefix.length, prefix);
        } else {
          where.push('type = ?');
          params.push(f.type);
        }
      }
      if (f.device_id) {
        where.push('device_id = ?');
        params.push(f.device_id);
      }
      if (f.since) {
        where.push('timestamp >= ?');
        params.push(f.since);
      }
      const rows = this.e.rd(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY pos LIMIT ?`).all(...params, limit) as Row[];
      const events = rows.map((r) => rowToEvent(r, String(r.pos)));
      return { events, position: events.length ? events[events.length - 1]!.position : after };
    });
  }

  scan(after: string | null, limit: number): Promise<{ events: EventRecord[]; position: string | null }> {
    return this.e.run(() => {
      const from = after === null ? 0 : sqlitePosition(after);
      const events = (this.e.rd(SQL.scan).all(from, limit) as Row[]).map((r) => rowToEvent(r, String(r.pos)));
      return { events, position: events.length ? events[events.length - 1]!.position : after };
    });
  }

  comparePositions(a: string | null, b: string | null): number {
    return (a === null ? 0 : sqlitePosition(a)) - (b === null ? 0 : sqlitePosition(b));
  }

  tail(): Promise<string | null> {
    return this.e.run(() => {
      const p = this.e.rd('SELECT max(pos) FROM events').pluck().get() as number | null;
      return p === null ? null : String(p);
    });
  }

  positionOf(id: string): Promise<string | null> {
    return this.e.run(() => {
      const p = this.e.rd(SQL.positionOf).pluck().get(id) as number | undefined;
      return p === undefined ? null : String(p);
    });
  }

  prune(before: string, limit: number): Promise<number> {
    return this.e.write(() => this.e.st(SQL.prune).run(before, limit).changes);
  }

  onAppend(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
