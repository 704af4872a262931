/** `MediaStore` in memory (../types/media.ts is the contract); callers get copies. */
import { decodeCursor, encodeCursor } from '../cursor.js';
import { positiveLimit } from '../rows.js';
import { StoreUnavailableError, type Page } from '../types.js';
import type { NewEvent } from '../types/events.js';
import type { MediaFilter, MediaRecord, MediaStore } from '../types/media.js';
import type { MemoryEventLog } from './events.js';
import type { MemoryFlightTasks } from './flight-tasks.js';

export class MemoryMedia implements MediaStore {
  private readonly rows = new Map<string, MediaRecord>();

  constructor(
    private readonly closed: () => boolean,
    private readonly events: MemoryEventLog,
    private readonly tasks: MemoryFlightTasks,
  ) {}

  clear(): void {
    this.rows.clear();
  }

  async add(rec: MediaRecord, events: NewEvent[]): Promise<boolean> {
    if (this.closed()) throw new StoreUnavailableError('memory store is closed');
    const key = `${rec.gateway_sn}\u0000${rec.object_key}`;
    if (this.rows.has(key)) return false;
    this.rows.set(key, structuredClone(rec));
    if (rec.flight_id !== null) this.tasks.countUpload(rec.flight_id);
    if (events.length) this.events.writeEvents(events);
    return true;
  }

  async list(f: MediaFilter): Promise<Page<MediaRecord>> {
    if (this.closed()) throw new StoreUnavailableError('memory store is closed');
    const limit = positiveLimit(f.limit);
    const c = f.cursor != null ? decodeCursor(f.cursor) : null;
    const from = f.from != null ? new Date(f.from).toISOString() : null;
    const to = f.to != null ? new Date(f.to).toISOString() : null;
    const sns = f.gateway_sns ? new Set(f.gateway_sns) : null;
    const all = [...this.rows.values()]
      .filter((r) => (!sns || sns.has(r.gateway_sn)) && (f.flight_id == null || r.flight_id === f.flight_id))
      .filter((r) => (from === null || r.received_at >= from) && (to === null || r.received_at < to))
      .filter((r) => !c || r.received_at < c.at || (r.received_at === c.at && r.media_id < c.id))
      .sort((a, b) => (a.received_at === b.received_at ? (a.media_id < b.media_id ? 1 : -1) : a.received_at < b.received_at ? 1 : -1));
    const items = all.slice(0, limit);
    const last = items[items.length - 1];
    return { items: structuredClone(items), next_cursor: all.length > limit && last ? encodeCursor({ at: last.received_at, id: last.media_id }) : null };
  }
}
