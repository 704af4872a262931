/**
 * From the event log to deliveries (issue 13 item 4). Each ACTIVE endpoint has a log position
 * (`fanout_position`); the fan-out reads the log after it through `store.events.read` with the
 * endpoint owner's visibility (own commands, allowed devices), inserts a delivery for every event
 * a subscription matches, then advances the position. Why this never loses an event: the log is
 * written in the change's transaction, `read` returns only positions no concurrent commit can
 * overtake, and the position moves only after the deliveries are stored; a crash in between
 * re-reads the same events, and `enqueue` ignores an (event, endpoint) it already has. Several
 * instances may fan out together: the same unique key makes their work idempotent.
 * `webhook.test` events are delivered only to the endpoint tested (./endpoints.ts), never fanned out.
 */
import type { Logger } from 'pino';
import { LogFollower } from '../events/follower.js';
import { VisibilityCache } from '../fleet/visibility.js';
import type { Store } from '../store/types.js';
import type { EventRecord } from '../store/types/events.js';
import { matchingPatterns, type WebhookEndpointRecord } from '../store/types/webhooks.js';
import { enqueueEvent } from './publish.js';

export interface FanoutOptions {
  store: Store;
  /** Called when deliveries were inserted (wake the worker). */
  onEnqueued: () => void;
  /** Poll interval for events other instances committed (default 250 ms); local appends wake it at once. */
  pollMs?: number;
  /** Events read per endpoint per pass (default 500). */
  batch?: number;
  /**
   * How long an allow-listed credential's visible devices are reused (default 1 s): a registry
   * grant or a newly seen aircraft reaches its endpoints within this time.
   */
  visibilityTtlMs?: number;
  logger?: Logger;
}

/** Runs the fan-out loop: `start()`, `stop()`; `pass()` runs one pass (tests). */
export class WebhookFanout {
  private readonly follower: LogFollower;
  private readonly visibility: VisibilityCache;
  private unsubscribe: (() => void) | null = null;
  /** The log's tail at the previous pass: a pass that sees it unchanged found nothing new. */
  private lastTail: string | null | undefined = undefined;

  constructor(private readonly o: FanoutOptions) {
    this.visibility = new VisibilityCache(o.store, o.visibilityTtlMs ?? 1000);
    this.follower = new LogFollower({
      pollMs: o.pollMs ?? 250,
      pass: async () => (await this.step()).found,
      onError: (err) => o.logger?.warn({ err }, 'webhook fan-out pass failed'),
    });
  }

  start(): void {
    this.unsubscribe ??= this.o.store.events.onAppend(() => this.follower.wake());
    this.follower.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.follower.stop();
  }

  /** One pass over every active endpoint; returns how many deliveries were inserted. */
  async pass(): Promise<number> {
    return (await this.step()).inserted;
  }

  private async step(): Promise<{ inserted: number; found: boolean }> {
    const { store } = this.o;
    // Before the reads: every event at or below it is visible to them (see `endpoint`).
    const tail = await store.events.tail();
    const found = tail !== this.lastTail;
    this.lastTail = tail;
    const endpoints = await store.webhooks.listActiveEndpoints();
    let inserted = 0;
    for (const ep of endpoints) inserted += await this.endpoint(ep, tail);
    if (inserted > 0) this.o.onEnqueued();
    return { inserted, found };
  }

  private async endpoint(ep: WebhookEndpointRecord, tail: string | null): Promise<number> {
    const { store } = this.o;
    const log = store.events;
    const batch = this.o.batch ?? 500;
    const cred = await store.getCredential(ep.api_id);
    if (!cred || cred.disabled) return 0;
    const subs = await store.webhooks.listSubscriptions(ep.endpoint_id);
    if (subs.length === 0) return 0;
    const wanted = new Set(subs.map((s) => s.event_type));
    const matches = (e: EventRecord) => e.type !== 'webhook.test' && matchingPatterns(e.type).some((p) => wanted.has(p));
    const devices = await this.visibility.get(cred);
    let n = 0;
    let position = ep.fanout_position;
    for (;;) {
      const page = await log.read(position, { api_id: ep.api_id, allowed_devices: devices && [...devices], since: ep.created_at }, batch);
      // One write for the page (SQLite group-commits them together), not one commit per event.
      const counts = await Promise.all(page.events.filter(matches).map((e) => enqueueEvent(store.webhooks, e, null, ep.endpoint_id)));
      for (const c of counts) n += c;
      let next = page.position;
      // A short page scanned everything up to the tail: skip the rows it filtered out, so an
      // endpoint that sees few events does not rescan the others' on every pass.
      if (page.events.length < batch && tail !== null && log.comparePositions(tail, next) > 0) next = tail;
      if (next === null || next === position) break;
      position = next;
      await store.webhooks.updateEndpoint(ep.endpoint_id, { fanout_position: position, updated_at: ep.updated_at });
      if (page.events.length < batch) break;
    }
    return n;
  }
}
