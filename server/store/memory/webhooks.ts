/**
 * The in-memory `WebhookStore` (tests and sandboxes): records kept as copies, each method one
 * synchronous step (atomic: there is no other writer), with the SQL stores' ordering and lease rules.
 */
import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { positiveLimit } from '../rows.js';
import { StoreUnavailableError, type Page } from '../types.js';
import {
  matchingPatterns,
  type WebhookAttemptFilter, type WebhookAttemptOutcome, type WebhookAttemptRecord, type WebhookDeliveryRecord,
  type WebhookEndpointPatch, type WebhookEndpointRecord, type WebhookEventInput, type WebhookStore, type WebhookSubscriptionRecord,
} from '../types/webhooks.js';

type Delivery = WebhookDeliveryRecord & { lease_owner: string | null; lease_until: string | null };

/** Newest-first page over `(at, id)` with the shared cursor format. */
function newestPage<T>(rows: T[], limit: number, at: (r: T) => string, id: (r: T) => string, cursor?: string): Page<T> {
  const c = cursor == null ? null : decodeCursor(cursor);
  const sorted = rows
    .filter((r) => c === null || at(r) < c.at || (at(r) === c.at && id(r) < c.id))
    .sort((a, b) => (at(a) === at(b) ? (id(a) < id(b) ? 1 : -1) : at(a) < at(b) ? 1 : -1));
  const items = sorted.slice(0, positiveLimit(limit));
  const last = items[items.length - 1];
  return { items: items.map((r) => structuredClone(r)), next_cursor: sorted.length > limit && last ? encodeCursor({ at: at(last), id: id(last) }) : null };
}

export class MemoryWebhooks implements WebhookStore {
  private readonly endpoints = new Map<string, WebhookEndpointRecord>();
  private readonly subscriptions = new Map<string, WebhookSubscriptionRecord>();
  private readonly deliveries = new Map<string, Delivery>();
  private readonly attempts: WebhookAttemptRecord[] = [];

  /** `isClosed`: whether the owning store is closed (calls then reject with StoreUnavailableError). */
  constructor(private readonly isClosed: () => boolean) {}

  private run<T>(fn: () => T): Promise<T> {
    try {
      if (this.isClosed()) throw new StoreUnavailableError('memory store is closed');
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Drops everything (the owning store closed). */
  clear(): void {
    this.endpoints.clear();
    this.subscriptions.clear();
    this.deliveries.clear();
    this.attempts.length = 0;
  }

  createEndpoint(e: WebhookEndpointRecord): Promise<void> {
    return this.run(() => {
      if (this.endpoints.has(e.endpoint_id)) throw new Error(`webhook endpoint ${e.endpoint_id} already exists`);
      this.endpoints.set(e.endpoint_id, structuredClone(e));
    });
  }

  getEndpoint(endpoint_id: string): Promise<WebhookEndpointRecord | null> {
    return this.run(() => structuredClone(this.endpoints.get(endpoint_id) ?? null));
  }

  listEndpoints(api_id: string, limit: number, cursor?: string): Promise<Page<WebhookEndpointRecord>> {
    return this.run(() => newestPage([...this.endpoints.values()].filter((e) => e.api_id === api_id), limit, (e) => e.created_at, (e) => e.endpoint_id, cursor));
  }

  updateEndpoint(endpoint_id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpointRecord | null> {
    return this.run(() => {
      const e = this.endpoints.get(endpoint_id);
      if (!e) return null;
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      Object.assign(e, structuredClone(defined));
      return structuredClone(e);
    });
  }

  listActiveEndpoints(): Promise<WebhookEndpointRecord[]> {
    return this.run(() => [...this.endpoints.values()].filter((e) => e.status === 'ACTIVE').sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0)).map((e) => structuredClone(e)));
  }

  createSubscription(s: WebhookSubscriptionRecord): Promise<WebhookSubscriptionRecord> {
    return this.run(() => {
      const existing = [...this.subscriptions.values()].find((x) => x.endpoint_id === s.endpoint_id && x.event_type === s.event_type);
      if (existing) return structuredClone(existing);
      this.subscriptions.set(s.subscription_id, structuredClone(s));
      return structuredClone(s);
    });
  }

  listSubscriptions(endpoint_id: string): Promise<WebhookSubscriptionRecord[]> {
    return this.run(() =>
      [...this.subscriptions.values()]
        .filter((s) => s.endpoint_id === endpoint_id)
        .sort((a, b) => (a.created_at === b.created_at ? (a.subscription_id < b.subscription_id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1))
        .map((s) => structuredClone(s)),
    );
  }

  deleteSubscription(endpoint_id: string, subscription_id: string): Promise<boolean> {
    return this.run(() => {
      const s = this.subscriptions.get(subscription_id);
      if (!s || s.endpoint_id !== endpoint_id) return false;
      return this.subscriptions.delete(subscription_id);
    });
  }

  enqueue(ev: WebhookEventInput, endpoint_id?: string): Promise<number> {
    return this.run(() => {
      const patterns = new Set(matchingPatterns(ev.event_type));
      const targets = [...this.endpoints.values()].filter((e) => {
        if (e.status !== 'ACTIVE') return false;
        if (endpoint_id !== undefined) return e.endpoint_id === endpoint_id;
        if (ev.visible_to !== null && !ev.visible_to.includes(e.api_id)) return false;
        return [...this.subscriptions.values()].some((s) => s.endpoint_id === e.endpoint_id && patterns.has(s.event_type));
      });
      let n = 0;
      for (const e of targets) {
        if ([...this.deliveries.values()].some((d) => d.endpoint_id === e.endpoint_id && d.event_id === ev.event_id)) continue;
        const delivery_id = randomUUID();
        this.deliveries.set(delivery_id, {
          delivery_id, endpoint_id: e.endpoint_id, event_id: ev.event_id, event_type: ev.event_type, body: ev.body, status: 'PENDING',
          attempts: 0, next_attempt_at: ev.created_at, created_at: ev.created_at, updated_at: ev.created_at, lease_owner: null, lease_until: null,
        });
        n++;
      }
      return n;
    });
  }

  claimDue(owner: string, limit: number, lease_ms: number, now: string, exclude: string[]): Promise<WebhookDeliveryRecord[]> {
    return this.run(() => {
      const skip = new Set(exclude);
      const due = [...this.deliveries.values()]
        .filter((d) => d.status === 'PENDING' && d.next_attempt_at <= now && (d.lease_until === null || d.lease_until <= now) && !skip.has(d.endpoint_id))
        .sort((a, b) => (a.next_attempt_at === b.next_attempt_at ? (a.delivery_id < b.delivery_id ? -1 : 1) : a.next_attempt_at < b.next_attempt_at ? -1 : 1))
        .slice(0, positiveLimit(limit));
      const until = new Date(Date.parse(now) + lease_ms).toISOString();
      return due.map((d) => {
        d.lease_owner = owner;
        d.lease_until = until;
        const { lease_owner: _o, lease_until: _u, ...rec } = d;
        return structuredClone(rec);
      });
    });
  }

  completeAttempt(delivery_id: string, o: WebhookAttemptOutcome): Promise<void> {
    return this.run(() => {
      const d = this.deliveries.get(delivery_id);
      if (!d) return;
      this.attempts.push(structuredClone(o.attempt));
      Object.assign(d, { status: o.status, attempts: d.attempts + 1, next_attempt_at: o.next_attempt_at, updated_at: o.attempt.attempted_at, lease_owner: null, lease_until: null });
    });
  }

  redeliver(endpoint_id: string, event_id: string, now: string): Promise<boolean> {
    return this.run(() => {
      const d = [...this.deliveries.values()].find((x) => x.endpoint_id === endpoint_id && x.event_id === event_id);
      if (!d) return false;
      Object.assign(d, { status: 'PENDING', next_attempt_at: now, updated_at: now, attempts: 0 });
      return true;
    });
  }

  recoverFailed(endpoint_id: string, since: string, now: string): Promise<number> {
    return this.run(() => {
      let n = 0;
      for (const d of this.deliveries.values()) {
        if (d.endpoint_id !== endpoint_id || d.status !== 'FAILED' || d.created_at < since) continue;
        Object.assign(d, { status: 'PENDING', next_attempt_at: now, updated_at: now, attempts: 0 });
        n++;
      }
      return n;
    });
  }

  listAttempts(f: WebhookAttemptFilter): Promise<Page<WebhookAttemptRecord>> {
    return this.run(() => {
      const rows = this.attempts.filter(
        (a) => this.endpoints.get(a.endpoint_id)?.api_id === f.api_id && (f.endpoint_id === undefined || a.endpoint_id === f.endpoint_id) && (f.event_id === undefined || a.event_id === f.event_id),
      );
      return newestPage(rows, f.limit, (a) => a.attempted_at, (a) => a.attempt_id, f.cursor);
    });
  }

  getDelivery(endpoint_id: string, event_id: string): Promise<WebhookDeliveryRecord | null> {
    return this.run(() => {
      const d = [...this.deliveries.values()].find((x) => x.endpoint_id === endpoint_id && x.event_id === event_id);
      if (!d) return null;
      const { lease_owner: _o, lease_until: _u, ...rec } = d;
      return structuredClone(rec);
    });
  }
}
