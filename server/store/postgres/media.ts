/** `MediaStore` on the PostgreSQL store's pool (../types/media.ts is the contract). */
import { decodeCursor } from '../cursor.js';
import { page, positiveLimit } from '../rows.js';
import type { Page } from '../types.js';
import type { NewEvent } from '../types/events.js';
import type { MediaFilter, MediaRecord, MediaStore } from '../types/media.js';
import type { PostgresEngine } from './engine.js';
import type { PostgresEventLog } from './events.js';

const SQL = {
  insert: 'INSERT INTO media (media_id, gateway_sn, flight_id, object_key, received_at, doc) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
  countOnTask: "UPDATE flight_tasks SET doc = jsonb_set(doc, '{uploaded_count}', to_jsonb((doc->>'uploaded_count')::int + 1)) WHERE flight_id = $1 AND doc <> 'null'::jsonb",
} as const;

export class PostgresMedia implements MediaStore {
  constructor(
    private readonly e: PostgresEngine,
    private readonly events: PostgresEventLog,
  ) {}

  async add(rec: MediaRecord, events: NewEvent[]): Promise<boolean> {
    let wrote = false;
    const added = await this.e.tx(async (c) => {
      const r = await c.query(this.e.named(SQL.insert, [rec.media_id, rec.gateway_sn, rec.flight_id, rec.object_key, rec.received_at, JSON.stringify(rec)]));
      if (!r.rowCount) return false;
      if (rec.flight_id !== null) await c.query(this.e.named(SQL.countOnTask, [rec.flight_id]));
      if (events.length) wrote = (await this.events.writeEvents(c, events)).length > 0;
      return true;
    });
    if (wrote) this.events.committed();
    return added;
  }

  async list(f: MediaFilter): Promise<Page<MediaRecord>> {
    const limit = positiveLimit(f.limit);
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (v: unknown) => `$${values.push(v)}`;
    if (f.gateway_sns) where.push(`gateway_sn = ANY(${add(f.gateway_sns)}::text[])`);
    if (f.flight_id != null) where.push(`flight_id = ${add(f.flight_id)}`);
    if (f.from != null) where.push(`received_at >= ${add(new Date(f.from).toISOString())}`);
    if (f.to != null) where.push(`received_at < ${add(new Date(f.to).toISOString())}`);
    if (f.cursor != null) {
      const c = decodeCursor(f.cursor);
      where.push(`(received_at, media_id) < (${add(c.at)}, ${add(c.id)})`);
    }
    const sql = `SELECT received_at, media_id, doc FROM media ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at DESC, media_id DESC LIMIT ${add(limit + 1)}`;
    const rows = await this.e.q(sql, values);
    return page(rows, limit, (r) => JSON.parse(r.doc as string) as MediaRecord, (r) => r.received_at as string, (r) => r.media_id as string);
  }
}
