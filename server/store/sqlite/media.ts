/** `MediaStore` on the SQLite store's engine (../types/media.ts is the contract). */
import { decodeCursor } from '../cursor.js';
import { page, positiveLimit, type Row } from '../rows.js';
import type { Page } from '../types.js';
import type { NewEvent } from '../types/events.js';
import type { MediaFilter, MediaRecord, MediaStore } from '../types/media.js';
import type { SqliteEngine } from './engine.js';
import type { SqliteEventLog } from './events.js';

const SQL = {
  insert: 'INSERT INTO media (media_id, gateway_sn, flight_id, object_key, received_at, doc) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  countOnTask: "UPDATE flight_tasks SET doc = json_set(doc, '$.uploaded_count', json_extract(doc, '$.uploaded_count') + 1) WHERE flight_id = ?",
} as const;

export class SqliteMedia implements MediaStore {
  constructor(
    private readonly e: SqliteEngine,
    private readonly events: SqliteEventLog,
  ) {}

  add(rec: MediaRecord, events: NewEvent[]): Promise<boolean> {
    return this.e.write(() =>
      this.e.db.transaction(() => {
        const added = this.e.st(SQL.insert).run(rec.media_id, rec.gateway_sn, rec.flight_id, rec.object_key, rec.received_at, JSON.stringify(rec)).changes > 0;
        if (!added) return false;
        if (rec.flight_id !== null) this.e.st(SQL.countOnTask).run(rec.flight_id);
        if (events.length) this.events.writeEvents(events);
        return true;
      })(),
    );
  }

  list(f: MediaFilter): Promise<Page<MediaRecord>> {
    return this.e.run(() => {
      const limit = positiveLimit(f.limit);
      const where: string[] = [];
      const params: unknown[] = [];
      if (f.gateway_sns) (where.push('gateway_sn IN (SELECT value FROM json_each(?))'), params.push(JSON.stringify(f.gateway_sns)));
      if (f.flight_id != null) (where.push('flight_id = ?'), params.push(f.flight_id));
      if (f.from != null) (where.push('received_at >= ?'), params.push(new Date(f.from).toISOString()));
      if (f.to != null) (where.push('received_at < ?'), params.push(new Date(f.to).toISOString()));
      if (f.cursor != null) {
        const c = decodeCursor(f.cursor);
        where.push('(received_at, media_id) < (?, ?)');
        params.push(c.at, c.id);
      }
      const sql = `SELECT received_at, media_id, doc FROM media ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at DESC, media_id DESC LIMIT ?`;
      const rows = this.e.rd(sql).all(...params, limit + 1) as Row[];
      return page(rows, limit, (r) => JSON.parse(r.doc as string) as MediaRecord, (r) => r.received_at as string, (r) => r.media_id as string);
    });
  }
}
