/** `FlightTaskStore` in memory (../types/flight-tasks.ts is the contract); callers get copies. */
import { decodeCursor, encodeCursor } from '../cursor.js';
import { positiveLimit } from '../rows.js';
import { StoreUnavailableError, type Page } from '../types.js';
import type { FlightTaskChange, FlightTaskFilter, FlightTaskRecord, FlightTaskStore } from '../types/flight-tasks.js';
import type { MemoryEventLog } from './events.js';

/** Newest created first, then flight_id descending (the SQL stores' order). */
const newestFirst = (a: FlightTaskRecord, b: FlightTaskRecord): number =>
  a.created_at === b.created_at ? (a.flight_id < b.flight_id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1;

export class MemoryFlightTasks implements FlightTaskStore {
  private readonly rows = new Map<string, FlightTaskRecord>();

  constructor(
    private readonly closed: () => boolean,
    private readonly events: MemoryEventLog,
  ) {}

  private run<T>(fn: () => T): Promise<T> {
    try {
      if (this.closed()) throw new StoreUnavailableError('memory store is closed');
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** `uploaded_count` + 1 (MemoryMedia.add, in its synchronous step). */
  countUpload(flight_id: string): void {
    const r = this.rows.get(flight_id);
    if (r) r.uploaded_count += 1;
  }

  clear(): void {
    this.rows.clear();
  }

  get(flight_id: string): Promise<FlightTaskRecord | null> {
    return this.run(() => structuredClone(this.rows.get(flight_id) ?? null));
  }

  update(flight_id: string, change: (prev: FlightTaskRecord | null) => FlightTaskChange | null): Promise<FlightTaskRecord | null> {
    return this.run(() => {
      const out = change(structuredClone(this.rows.get(flight_id) ?? null));
      if (!out) return null;
      this.rows.set(flight_id, structuredClone(out.next));
      if (out.events.length) this.events.writeEvents(out.events);
      return structuredClone(out.next);
    });
  }

  latestOpen(gateway_sn: string): Promise<FlightTaskRecord | null> {
    return this.run(() => structuredClone([...this.rows.values()].filter((r) => r.gateway_sn === gateway_sn && !r.terminal).sort(newestFirst)[0] ?? null));
  }

  list(f: FlightTaskFilter): Promise<Page<FlightTaskRecord>> {
    return this.run(() => {
      const limit = positiveLimit(f.limit);
      const c = f.cursor != null ? decodeCursor(f.cursor) : null;
      const from = f.from != null ? new Date(f.from).toISOString() : null;
      const to = f.to != null ? new Date(f.to).toISOString() : null;
      const sns = f.gateway_sns ? new Set(f.gateway_sns) : null;
      const all = [...this.rows.values()]
        .filter((r) => (!sns || sns.has(r.gateway_sn)) && (f.status == null || r.status === f.status))
        .filter((r) => (from === null || r.created_at >= from) && (to === null || r.created_at < to))
        .filter((r) => !c || r.created_at < c.at || (r.created_at === c.at && r.flight_id < c.id))
        .sort(newestFirst);
      const items = all.slice(0, limit);
      const last = items[items.length - 1];
      return { items: structuredClone(items), next_cursor: all.length > limit && last ? encodeCursor({ at: last.created_at, id: last.flight_id }) : null };
    });
  }
}
