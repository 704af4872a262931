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
  logger?: Logger;
}

/** Runs the fan-out loop: `start()`, `stop()`; `pass()` runs one pass (tests). */
export class WebhookFanout {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private busy: Promise<void> | null = null;
  private again = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly o: FanoutOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.o.store.events.onAppend(() => this.wake());
    this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.busy;
  }

  /** Run a pass now (or right after the current one). */
  wake(): void {
    if (!this.running) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.busy = this.pass()
      .then(() => undefined)
      .catch((err: unknown) => this.o.logger?.warn({ err }, 'webhook fan-out pass failed'))
      .finally(() => {
        this.busy = null;
        if (!this.running) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.timer = setTimeout(() => this.wake(), this.o.pollMs ?? 250);
          this.timer.unref?.();
        }
      });
  }

  /** One pass over every active endpoint; returns how many deliveries were inserted. */
  async pass(): Promise<number> {
    const endpoints = await this.o.store.webhooks.listActiveEndpoints();
    let total = 0;
    for (const ep of endpoints) total += await this.endpoint(ep);
    if (total > 0) this.o.onEnqueued();
    return total;
  }

  private async endpoint(ep: WebhookEndpointRecord): Promise<number> {
    const { store } = this.o;
    const cred = await store.getCredential(ep.api_id);
    if (!cred || cred.disabled) return 0;
    const subs = await store.webhooks.listSubscriptions(ep.endpoint_id);
    if (subs.length === 0) return 0;
    const wanted = new Set(subs.map((s) => s.event_type));
    const matches = (e: EventRecord) => e.type !== 'webhook.test' && matchingPatterns(e.type).some((p) => wanted.has(p));
    let n = 0;
    let position = ep.fanout_position;
    for (;;) {
      const page = await store.events.read(position, { api_id: ep.api_id, allowed_devices: cred.allowed_devices, since: ep.created_at }, this.o.batch ?? 500);
      for (const e of page.events) if (matches(e)) n += await enqueueEvent(store.webhooks, e, null, ep.endpoint_id);
      if (page.position === null || page.position === position) break;
      position = page.position;
      await store.webhooks.updateEndpoint(ep.endpoint_id, { fanout_position: position, updated_at: ep.updated_at });
      if (page.events.length < (this.o.batch ?? 500)) break;
    }
    return n;
  }
}
