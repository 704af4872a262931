/**
 * One reader of the event log for every open stream of this process (`GET …/events/stream`,
 * ./stream.ts). Each wake (a local append, or every `pollMs` for events other instances commit)
 * costs one `scan` of the log, whatever the number of streams; the hub then hands each event to
 * the subscriptions whose filter admits it (./filter.ts: the same rule as `EventLog.read`).
 *
 * A subscription starts *catching up*: it reads the log itself from its start position with its
 * own filter (`next`), as a lone stream would, until a read comes back short. It then asks to
 * join; the hub handles joins between its scans, where its position H is still: events up to H
 * the subscription gets from one more read of its own, events after H from the hub. Positions are
 * commit-ordered and never overtaken (store event logs), so the switch neither loses nor repeats
 * an event.
 *
 * Slow subscribers: a live subscription buffers at most `maxQueued` events. When the hub would
 * add one more, it leaves the live feed instead (nothing is dropped: its position stays at the
 * last event it was given) and, once its writer has drained the buffer, catches up by reading
 * the log again, then rejoins. So a client that reads slowly costs at most `maxQueued` events of
 * memory and one read per batch it consumes, and never holds up the hub or the other streams.
 */
import type { EventFilter, EventLog, EventRecord } from '../store/types/events.js';
import { compileFilter, eventMatches, type CompiledFilter } from './filter.js';
import { LogFollower } from './follower.js';

export interface HubOptions {
  /** How often the log is scanned for events other instances committed (default 500 ms). */
  pollMs?: number;
  /** Events per read (default 200). */
  batch?: number;
  /** Events buffered per live subscription before it falls back to reading (default 256). */
  maxQueued?: number;
  onError?: (err: unknown) => void;
}

/** The hub of one event log. */
export class EventHub {
  private readonly subs = new Set<Subscription>();
  private readonly joining = new Set<Subscription>();
  private readonly follower: LogFollower;
  private readonly offAppend: () => void;
  /** Where the next scan starts; undefined until the first scan after the first subscriber. */
  private position: string | null | undefined = undefined;
  readonly batch: number;
  readonly maxQueued: number;

  constructor(readonly log: EventLog, private readonly o: HubOptions = {}) {
    this.batch = o.batch ?? 200;
    this.maxQueued = o.maxQueued ?? 256;
    this.follower = new LogFollower({ pass: () => this.pass(), pollMs: o.pollMs ?? 500, onError: (err) => o.onError?.(err) });
    this.offAppend = log.onAppend(() => this.follower.wake());
  }

  /** Follows the log after `position` (null = from the start) for `f`; `close()` it when done. */
  subscribe(f: EventFilter, position: string | null): Subscription {
    const s = new Subscription(this, f, position);
    this.subs.add(s);
    if (this.subs.size === 1) this.follower.start();
    return s;
  }

  /** Stops following (no subscriber is served afterwards). */
  async close(): Promise<void> {
    this.offAppend();
    await this.follower.stop();
  }

  /** Open subscriptions (metrics, tests). */
  get size(): number {
    return this.subs.size;
  }

  /** @internal */
  join(s: Subscription): void {
    this.joining.add(s);
    this.follower.wake();
  }

  /** @internal */
  leave(s: Subscription): void {
    this.subs.delete(s);
    this.joining.delete(s);
    if (this.subs.size === 0) {
      void this.follower.stop();
      // The next subscriber starts the scan at the tail of that moment, not where this one ended.
      this.position = undefined;
    }
  }

  /** One scan to the tail, then the pending joins (at a still position). */
  private async pass(): Promise<boolean> {
    const log = this.log;
    if (this.position === undefined) this.position = await log.tail();
    let found = false;
    for (;;) {
      const r = await log.scan(this.position, this.batch);
      if (r.events.length === 0) break;
      found = true;
      for (const e of r.events) for (const s of this.subs) if (s.live) s.offer(e);
      this.position = r.position;
      if (r.events.length < this.batch) break;
    }
    for (const s of [...this.joining]) {
      this.joining.delete(s);
      if (!this.subs.has(s)) continue;
      // A failed read leaves that subscription catching up (it reads again itself); the others join.
      await s.joinAt(this.position).catch((err: unknown) => this.o.onError?.(err));
    }
    return found;
  }
}

/** One stream's view of the hub: `next()` gives its events in log order. */
export class Subscription {
  /** On the hub's live feed (else catching up by its own reads, or waiting to join). */
  live = false;
  /** Asked the hub to join; it will, between two scans. */
  private joinPending = false;
  private closed = false;
  private queue: EventRecord[] = [];
  private waiter: (() => void) | null = null;
  private readonly f: CompiledFilter;

  /** `position`: the last event handed to this subscription (its resume point). */
  constructor(private readonly hub: EventHub, private readonly filter: EventFilter, private position: string | null) {
    this.f = compileFilter(filter);
  }

  /**
   * The next events, oldest first: at once when some are buffered or a catch-up read finds some,
   * else when the hub delivers, `close()` is called or `waitMs` passes (then `[]`). Rejects when a
   * catch-up read fails (the store is unavailable).
   */
  async next(waitMs: number): Promise<EventRecord[]> {
    if (this.queue.length === 0 && !this.live && !this.closed && !this.joinPending) {
      const r = await this.hub.log.read(this.position, this.filter, this.hub.batch);
      if (r.events.length > 0) this.position = r.position;
      if (r.events.length < this.hub.batch) this.requestJoin();
      if (r.events.length > 0) return r.events;
    }
    if (this.queue.length === 0 && !this.closed && (this.live || this.joinPending)) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, waitMs));
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = null;
    }
    const out = this.queue;
    this.queue = [];
    return out;
  }

  /** Leaves the hub (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.leave(this);
    this.waiter?.();
  }

  private requestJoin(): void {
    this.joinPending = true;
    this.hub.join(this);
  }

  /** @internal The hub's event, in log order: buffered if it is newer than our position and passes our filter. */
  offer(e: EventRecord): void {
    if (this.hub.log.comparePositions(e.position, this.position) <= 0 || !eventMatches(e, this.f)) return;
    if (this.queue.length >= this.hub.maxQueued) {
      // Too far behind: stop buffering; `next` reads from `position` once the buffer is written.
      this.live = false;
      return;
    }
    this.queue.push(e);
    this.position = e.position;
    this.waiter?.();
  }

  /**
   * @internal Called by the hub between scans, at its position `h`: take the events up to `h`
   * with one read of our own, then go live (the hub sends what follows `h`). A read that fills a
   * whole batch below `h` leaves us catching up for another round.
   */
  async joinAt(h: string | null): Promise<void> {
    this.joinPending = false;
    const log = this.hub.log;
    try {
      if (log.comparePositions(this.position, h) < 0) {
        const r = await log.read(this.position, this.filter, this.hub.batch);
        let beyond = false;
        for (const e of r.events) {
          if (log.comparePositions(e.position, h) > 0) {
            beyond = true;
            break;
          }
          this.queue.push(e);
          this.position = e.position;
        }
        if (!beyond && r.events.length === this.hub.batch) return;
        this.position = h;
      }
      this.live = true;
    } finally {
      this.waiter?.();
    }
  }
}
