/**
 * The event log in memory (server/store/types/events.ts): an array in append order, which is
 * commit order (every memory store write is one synchronous step). `writeEvents` is called by the
 * memory store's write methods inside that step.
 */
import { compileFilter, eventMatches } from '../../events/filter.js';
import { InvalidCursorError } from '../cursor.js';
import { StoreUnavailableError } from '../types.js';
import type { EventFilter, EventLog, EventRecord, NewEvent } from '../types/events.js';

/** The memory event log. */
export class MemoryEventLog implements EventLog {
  private readonly log: (EventRecord & { pos: number })[] = [];
  private readonly seq = new Map<string, number>();
  private next = 1;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly isClosed: () => boolean) {}

  private guard(): void {
    if (this.isClosed()) throw new StoreUnavailableError('memory store is closed');
  }

  /** Append `events` synchronously (inside the caller's atomic step). */
  writeEvents(events: NewEvent[]): EventRecord[] {
    const out: EventRecord[] = [];
    for (const ev of events) {
      const sequence = ev.device_id === null ? null : (this.seq.get(ev.device_id) ?? 0) + 1;
      if (ev.device_id !== null) this.seq.set(ev.device_id, sequence!);
      const pos = this.next++;
      const rec = { ...structuredClone(ev), sequence, position: String(pos), pos };
      this.log.push(rec);
      const { pos: _p, ...pub } = rec;
      out.push(pub);
    }
    if (out.length) queueMicrotask(() => this.listeners.forEach((l) => l()));
    return out;
  }

  async append(events: NewEvent[]): Promise<EventRecord[]> {
    this.guard();
    return this.writeEvents(events);
  }

  async read(after: string | null, f: EventFilter, limit: number): Promise<{ events: EventRecord[]; position: string | null }> {
    const cf = compileFilter(f);
    return this.after(after, limit, (r) => eventMatches(r, cf));
  }

  async scan(after: string | null, limit: number): Promise<{ events: EventRecord[]; position: string | null }> {
    return this.after(after, limit, () => true);
  }

  private after(after: string | null, limit: number, keep: (r: EventRecord) => boolean): { events: EventRecord[]; position: string | null } {
    this.guard();
    const from = after === null ? 0 : memoryPosition(after);
    const events: EventRecord[] = [];
    for (const r of this.log) {
      if (events.length >= limit) break;
      if (r.pos <= from || !keep(r)) continue;
      const { pos: _p, ...pub } = r;
      events.push(structuredClone(pub));
    }
    return { events, position: events.length ? events[events.length - 1]!.position : after };
  }

  comparePositions(a: string | null, b: string | null): number {
    return (a === null ? 0 : memoryPosition(a)) - (b === null ? 0 : memoryPosition(b));
  }

  async tail(): Promise<string | null> {
    this.guard();
    return this.next > 1 ? String(this.next - 1) : null;
  }

  async positionOf(id: string): Promise<string | null> {
    this.guard();
    return this.log.find((r) => r.id === id)?.position ?? null;
  }

  async prune(before: string, limit: number): Promise<number> {
    this.guard();
    let n = 0;
    for (let i = 0; i < this.log.length && n < limit; ) {
      if (this.log[i]!.timestamp < before) {
        this.log.splice(i, 1);
        n++;
      } else i++;
    }
    return n;
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function memoryPosition(p: string): number {
  if (!/^\d{1,15}$/.test(p)) throw new InvalidCursorError();
  return Number(p);
}
