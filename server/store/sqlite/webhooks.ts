/**
 * The SQLite `WebhookStore`: statements over migration 006 through the store's engine (group
 * commit; reads see committed data only). A claim is one UPDATE … RETURNING (one writer per file,
 * so no other instance can claim the same row in between).
 */
import { decodeCursor } from '../cursor.js';
import { positiveLimit, type Row } from '../rows.js';
import type { Page } from '../types.js';
import {
  matchingPatterns,
  type WebhookAttemptFilter, type WebhookAttemptOutcome, type WebhookAttemptRecord, type WebhookDeliveryRecord,
  type WebhookEndpointPatch, type WebhookEndpointRecord, type WebhookEventInput, type WebhookStore, type WebhookSubscriptionRecord,
} from '../types/webhooks.js';
import {
  ATTEMPT_COLUMNS, ENDPOINT_COLUMNS, SUBSCRIPTION_COLUMNS, endpointPatch, pageOf, rowToAttempt, rowToDelivery, rowToEndpoint, rowToSubscription, valuesOf,
} from '../webhook-rows.js';
import type { SqliteEngine } from './engine.js';

const qs = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const SQL = {
  insertEndpoint: `INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS.join(', ')}) VALUES (${qs(ENDPOINT_COLUMNS.length)})`,
  getEndpoint: 'SELECT * FROM webhook_endpoints WHERE endpoint_id = ?',
  listEndpoints: `SELECT * FROM webhook_endpoints WHERE api_id = @api_id AND (@at IS NULL OR created_at < @at OR (created_at = @at AND endpoint_id < @id))
    ORDER BY created_at DESC, endpoint_id DESC LIMIT @limit`,
  activeEndpoints: "SELECT * FROM webhook_endpoints WHERE status = 'ACTIVE' ORDER BY created_at, endpoint_id",
  insertSubscription: `INSERT INTO webhook_subscriptions (${SUBSCRIPTION_COLUMNS.join(', ')}) VALUES (${qs(SUBSCRIPTION_COLUMNS.length)})
    ON CONFLICT (endpoint_id, event_type) DO NOTHING`,
  subscriptionByType: 'SELECT * FROM webhook_subscriptions WHERE endpoint_id = ? AND event_type = ?',
  listSubscriptions: 'SELECT * FROM webhook_subscriptions WHERE endpoint_id = ? ORDER BY created_at, subscription_id',
  deleteSubscription: 'DELETE FROM webhook_subscriptions WHERE endpoint_id = ? AND subscription_id = ?',
  // One statement per event: every matching endpoint's delivery or none.
  enqueue: `INSERT INTO webhook_deliveries (delivery_id, endpoint_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT lower(hex(randomblob(16))), e.endpoint_id, @event_id, @event_type, @body, 'PENDING', 0, @at, @at, @at FROM webhook_endpoints e
    WHERE e.status = 'ACTIVE' AND (@visible IS NULL OR e.api_id IN (SELECT value FROM json_each(@visible)))
      AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.endpoint_id = e.endpoint_id AND s.event_type IN (SELECT value FROM json_each(@patterns)))
    ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
  enqueueOne: `INSERT INTO webhook_deliveries (delivery_id, endpoint_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT lower(hex(randomblob(16))), e.endpoint_id, @event_id, @event_type, @body, 'PENDING', 0, @at, @at, @at FROM webhook_endpoints e
    WHERE e.status = 'ACTIVE' AND e.endpoint_id = @endpoint_id
    ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
  claim: `UPDATE webhook_deliveries SET lease_owner = @owner, lease_until = @until
    WHERE delivery_id IN (SELECT delivery_id FROM webhook_deliveries
      WHERE status = 'PENDING' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
        AND endpoint_id NOT IN (SELECT value FROM json_each(@exclude))
      ORDER BY next_attempt_at, delivery_id LIMIT @limit)
    RETURNING *`,
  insertAttempt: `INSERT INTO webhook_attempts (${ATTEMPT_COLUMNS.join(', ')}) VALUES (${qs(ATTEMPT_COLUMNS.length)})`,
  completeDelivery: `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, updated_at = ?, lease_owner = NULL, lease_until = NULL
    WHERE delivery_id = ?`,
  redeliver: `UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = @now, updated_at = @now WHERE endpoint_id = @endpoint_id AND event_id = @event_id`,
  recover: `UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = @now, updated_at = @now
    WHERE endpoint_id = @endpoint_id AND status = 'FAILED' AND created_at >= @since`,
  listAttempts: `SELECT a.* FROM webhook_attempts a JOIN webhook_endpoints e ON e.endpoint_id = a.endpoint_id
    WHERE e.api_id = @api_id AND (@endpoint_id IS NULL OR a.endpoint_id = @endpoint_id) AND (@event_id IS NULL OR a.event_id = @event_id)
      AND (@at IS NULL OR a.attempted_at < @at OR (a.attempted_at = @at AND a.attempt_id < @id))
    ORDER BY a.attempted_at DESC, a.attempt_id DESC LIMIT @limit`,
  getDelivery: 'SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND event_id = ?',
};

const at = (s: string) => new Date(Date.parse(s)).toISOString();

export class SqliteWebhooks implements WebhookStore {
  constructor(private readonly e: SqliteEngine) {}

  createEndpoint(ep: WebhookEndpointRecord): Promise<void> {
    return this.e.write(() => void this.e.st(SQL.insertEndpoint).run(valuesOf(ENDPOINT_COLUMNS, ep)));
  }

  getEndpoint(endpoint_id: string): Promise<WebhookEndpointRecord | null> {
    return this.e.run(() => {
      const r = this.e.rd(SQL.getEndpoint).get(endpoint_id) as Row | undefined;
      return r ? rowToEndpoint(r) : null;
    });
  }

  listEndpoints(api_id: string, limit: number, cursor?: string): Promise<Page<WebhookEndpointRecord>> {
    return this.e.run(() => {
      const c = cursor == null ? null : decodeCursor(cursor);
      const rows = this.e.rd(SQL.listEndpoints).all({ api_id, at: c?.at ?? null, id: c?.id ?? null, limit: positiveLimit(limit) + 1 }) as Row[];
      return pageOf(rows, limit, rowToEndpoint, 'created_at', 'endpoint_id');
    });
  }

  updateEndpoint(endpoint_id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpointRecord | null> {
    const { columns, values } = endpointPatch(patch);
    const sql = `UPDATE webhook_endpoints SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE endpoint_id = ? RETURNING *`;
    return this.e.write(() => {
      const r = this.e.st(sql).get(...values, endpoint_id) as Row | undefined;
      return r ? rowToEndpoint(r) : null;
    });
  }

  listActiveEndpoints(): Promise<WebhookEndpointRecord[]> {
    return this.e.run(() => (this.e.rd(SQL.activeEndpoints).all() as Row[]).map(rowToEndpoint));
  }

  createSubscription(s: WebhookSubscriptionRecord): Promise<WebhookSubscriptionRecord> {
    return this.e.write(() => {
      this.e.st(SQL.insertSubscription).run(valuesOf(SUBSCRIPTION_COLUMNS, s));
      return rowToSubscription(this.e.st(SQL.subscriptionByType).get(s.endpoint_id, s.event_type) as Row);
    });
  }

  listSubscriptions(endpoint_id: string): Promise<WebhookSubscriptionRecord[]> {
    return this.e.run(() => (this.e.rd(SQL.listSubscriptions).all(endpoint_id) as Row[]).map(rowToSubscription));
  }

  deleteSubscription(endpoint_id: string, subscription_id: string): Promise<boolean> {
    return this.e.write(() => this.e.st(SQL.deleteSubscription).run(endpoint_id, subscription_id).changes > 0);
  }

  enqueue(ev: WebhookEventInput, endpoint_id?: string): Promise<number> {
    const base = { event_id: ev.event_id, event_type: ev.event_type, body: ev.body, at: at(ev.created_at) };
    return this.e.write(() =>
      endpoint_id !== undefined
        ? this.e.st(SQL.enqueueOne).run({ ...base, endpoint_id }).changes
        : this.e.st(SQL.enqueue).run({ ...base, visible: ev.visible_to === null ? null : JSON.stringify(ev.visible_to), patterns: JSON.stringify(matchingPatterns(ev.event_type)) }).changes,
    );
  }

  claimDue(owner: string, limit: number, lease_ms: number, now: string, exclude: string[]): Promise<WebhookDeliveryRecord[]> {
    const n = at(now);
    return this.e.write(() =>
      (this.e.st(SQL.claim).all({ owner, now: n, until: new Date(Date.parse(n) + lease_ms).toISOString(), exclude: JSON.stringify(exclude), limit: positiveLimit(limit) }) as Row[])
        .map(rowToDelivery)
        .sort((a, b) => (a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : 0)),
    );
  }

  completeAttempt(delivery_id: string, o: WebhookAttemptOutcome): Promise<void> {
    // Both statements join the same group-commit transaction: the attempt and the move commit together.
    return this.e.write(() => {
      this.e.st(SQL.insertAttempt).run(valuesOf(ATTEMPT_COLUMNS, o.attempt));
      this.e.st(SQL.completeDelivery).run(o.status, at(o.next_attempt_at), at(o.attempt.attempted_at), delivery_id);
    });
  }

  redeliver(endpoint_id: string, event_id: string, now: string): Promise<boolean> {
    return this.e.write(() => this.e.st(SQL.redeliver).run({ endpoint_id, event_id, now: at(now) }).changes > 0);
  }

  recoverFailed(endpoint_id: string, since: string, now: string): Promise<number> {
    return this.e.write(() => this.e.st(SQL.recover).run({ endpoint_id, since: at(since), now: at(now) }).changes);
  }

  listAttempts(f: WebhookAttemptFilter): Promise<Page<WebhookAttemptRecord>> {
    return this.e.run(() => {
      const c = f.cursor == null ? null : decodeCursor(f.cursor);
      const rows = this.e.rd(SQL.listAttempts).all({
        api_id: f.api_id, endpoint_id: f.endpoint_id ?? null, event_id: f.event_id ?? null, at: c?.at ?? null, id: c?.id ?? null, limit: positiveLimit(f.limit) + 1,
      }) as Row[];
      return pageOf(rows, f.limit, rowToAttempt, 'attempted_at', 'attempt_id');
    });
  }

  getDelivery(endpoint_id: string, event_id: string): Promise<WebhookDeliveryRecord | null> {
    return this.e.run(() => {
      const r = this.e.rd(SQL.getDelivery).get(endpoint_id, event_id) as Row | undefined;
      return r ? rowToDelivery(r) : null;
    });
  }
}

