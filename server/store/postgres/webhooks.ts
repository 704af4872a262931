/**
 * The PostgreSQL `WebhookStore`: statements over migration 006 through the store's pool. Claims
 * use `FOR UPDATE SKIP LOCKED`, so instances sharing the database never claim the same delivery
 * while its lease runs, and a dead instance's deliveries are claimed again once the lease ends.
 */
import { decodeCursor } from '../cursor.js';
import { positiveLimit } from '../rows.js';
import type { Page } from '../types.js';
import {
  matchingPatterns,
  type WebhookAttemptFilter, type WebhookAttemptOutcome, type WebhookAttemptRecord, type WebhookDeliveryRecord,
  type WebhookEndpointPatch, type WebhookEndpointRecord, type WebhookEventInput, type WebhookStore, type WebhookSubscriptionRecord,
} from '../types/webhooks.js';
import {
  ATTEMPT_COLUMNS, ENDPOINT_COLUMNS, SUBSCRIPTION_COLUMNS, endpointPatch, pageOf, rowToAttempt, rowToDelivery, rowToEndpoint, rowToSubscription, valuesOf,
} from '../webhook-rows.js';
import type { PostgresEngine } from './engine.js';

const ps = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');
const DELIVERY_INSERT = `INSERT INTO webhook_deliveries (delivery_id, endpoint_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT gen_random_uuid()::text, e.endpoint_id, $1, $2, $3, 'PENDING', 0, $4, $4, $4 FROM webhook_endpoints e`;

const SQL = {
  insertEndpoint: `INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS.join(', ')}) VALUES (${ps(ENDPOINT_COLUMNS.length)})`,
  getEndpoint: 'SELECT * FROM webhook_endpoints WHERE endpoint_id = $1',
  listEndpoints: `SELECT * FROM webhook_endpoints WHERE api_id = $1 AND ($2::timestamptz IS NULL OR (created_at, endpoint_id) < ($2::timestamptz, $3::text))
    ORDER BY created_at DESC, endpoint_id DESC LIMIT $4`,
  activeEndpoints: "SELECT * FROM webhook_endpoints WHERE status = 'ACTIVE' ORDER BY created_at, endpoint_id",
  insertSubscription: `INSERT INTO webhook_subscriptions (${SUBSCRIPTION_COLUMNS.join(', ')}) VALUES (${ps(SUBSCRIPTION_COLUMNS.length)})
    ON CONFLICT (endpoint_id, event_type) DO NOTHING`,
  subscriptionByType: 'SELECT * FROM webhook_subscriptions WHERE endpoint_id = $1 AND event_type = $2',
  listSubscriptions: 'SELECT * FROM webhook_subscriptions WHERE endpoint_id = $1 ORDER BY created_at, subscription_id',
  deleteSubscription: 'DELETE FROM webhook_subscriptions WHERE endpoint_id = $1 AND subscription_id = $2',
  // One statement per event: every matching endpoint's delivery or none.
  enqueue: `${DELIVERY_INSERT}
    WHERE e.status = 'ACTIVE' AND ($5::text[] IS NULL OR e.api_id = ANY($5::text[]))
      AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.endpoint_id = e.endpoint_id AND s.event_type = ANY($6::text[]))
    ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
  enqueueOne: `${DELIVERY_INSERT} WHERE e.status = 'ACTIVE' AND e.endpoint_id = $5 ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
  claim: `WITH picked AS (
      SELECT delivery_id FROM webhook_deliveries
      WHERE status = 'PENDING' AND next_attempt_at <= $3::timestamptz AND (lease_until IS NULL OR lease_until <= $3::timestamptz)
        AND NOT (endpoint_id = ANY($5::text[]))
      ORDER BY next_attempt_at, delivery_id LIMIT $2
      FOR UPDATE SKIP LOCKED)
    UPDATE webhook_deliveries d SET lease_owner = $1, lease_until = $3::timestamptz + $4::float8 * interval '1 millisecond'
    FROM picked WHERE d.delivery_id = picked.delivery_id
    RETURNING d.*`,
  insertAttempt: `INSERT INTO webhook_attempts (${ATTEMPT_COLUMNS.join(', ')}) VALUES (${ps(ATTEMPT_COLUMNS.length)})`,
  completeDelivery: `UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, next_attempt_at = $2, updated_at = $3, lease_owner = NULL, lease_until = NULL
    WHERE delivery_id = $4`,
  redeliver: `UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = $3, updated_at = $3 WHERE endpoint_id = $1 AND event_id = $2`,
  recover: `UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = $3, updated_at = $3
    WHERE endpoint_id = $1 AND status = 'FAILED' AND created_at >= $2`,
  listAttempts: `SELECT a.* FROM webhook_attempts a JOIN webhook_endpoints e ON e.endpoint_id = a.endpoint_id
    WHERE e.api_id = $1 AND ($2::text IS NULL OR a.endpoint_id = $2) AND ($3::text IS NULL OR a.event_id = $3)
      AND ($4::timestamptz IS NULL OR (a.attempted_at, a.attempt_id) < ($4::timestamptz, $5::text))
    ORDER BY a.attempted_at DESC, a.attempt_id DESC LIMIT $6`,
  getDelivery: 'SELECT * FROM webhook_deliveries WHERE endpoint_id = $1 AND event_id = $2',
};

export class PostgresWebhooks implements WebhookStore {
  constructor(private readonly e: PostgresEngine) {}

  async createEndpoint(ep: WebhookEndpointRecord): Promise<void> {
    await this.e.q(SQL.insertEndpoint, valuesOf(ENDPOINT_COLUMNS, ep));
  }

  async getEndpoint(endpoint_id: string): Promise<WebhookEndpointRecord | null> {
    const [r] = await this.e.q(SQL.getEndpoint, [endpoint_id]);
    return r ? rowToEndpoint(r) : null;
  }

  async listEndpoints(api_id: string, limit: number, cursor?: string): Promise<Page<WebhookEndpointRecord>> {
    const c = cursor == null ? null : decodeCursor(cursor);
    const rows = await this.e.q(SQL.listEndpoints, [api_id, c?.at ?? null, c?.id ?? null, positiveLimit(limit) + 1]);
    return pageOf(rows, limit, rowToEndpoint, 'created_at', 'endpoint_id');
  }

  async updateEndpoint(endpoint_id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpointRecord | null> {
    const { columns, values } = endpointPatch(patch);
    const sql = `UPDATE webhook_endpoints SET ${columns.map((c, i) => `${c} = $${i + 1}`).join(', ')} WHERE endpoint_id = $${columns.length + 1} RETURNING *`;
    const [r] = await this.e.q(sql, [...values, endpoint_id]);
    return r ? rowToEndpoint(r) : null;
  }

  async listActiveEndpoints(): Promise<WebhookEndpointRecord[]> {
    return (await this.e.q(SQL.activeEndpoints)).map(rowToEndpoint);
  }

  async createSubscription(s: WebhookSubscriptionRecord): Promise<WebhookSubscriptionRecord> {
    await this.e.q(SQL.insertSubscription, valuesOf(SUBSCRIPTION_COLUMNS, s));
    return rowToSubscription((await this.e.q(SQL.subscriptionByType, [s.endpoint_id, s.event_type]))[0]);
  }

  async listSubscriptions(endpoint_id: string): Promise<WebhookSubscriptionRecord[]> {
    return (await this.e.q(SQL.listSubscriptions, [endpoint_id])).map(rowToSubscription);
  }

  async deleteSubscription(endpoint_id: string, subscription_id: string): Promise<boolean> {
    return (await this.e.rowCount(SQL.deleteSubscription, [endpoint_id, subscription_id])) > 0;
  }

  async enqueue(ev: WebhookEventInput, endpoint_id?: string): Promise<number> {
    const base = [ev.event_id, ev.event_type, ev.body, ev.created_at];
    if (endpoint_id !== undefined) return this.e.rowCount(SQL.enqueueOne, [...base, endpoint_id]);
    return this.e.rowCount(SQL.enqueue, [...base, ev.visible_to, matchingPatterns(ev.event_type)]);
  }

  async claimDue(owner: string, limit: number, lease_ms: number, now: string, exclude: string[]): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.e.q(SQL.claim, [owner, positiveLimit(limit), now, lease_ms, exclude]);
    return rows.map(rowToDelivery).sort((a, b) => (a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : 0));
  }

  async completeAttempt(delivery_id: string, o: WebhookAttemptOutcome): Promise<void> {
    await this.e.tx(async (c) => {
      await c.query(this.e.named(SQL.insertAttempt, valuesOf(ATTEMPT_COLUMNS, o.attempt)));
      await c.query(this.e.named(SQL.completeDelivery, [o.status, o.next_attempt_at, o.attempt.attempted_at, delivery_id]));
    });
  }

  async redeliver(endpoint_id: string, event_id: string, now: string): Promise<boolean> {
    return (await this.e.rowCount(SQL.redeliver, [endpoint_id, event_id, now])) > 0;
  }

  recoverFailed(endpoint_id: string, since: string, now: string): Promise<number> {
    return this.e.rowCount(SQL.recover, [endpoint_id, since, now]);
  }

  async listAttempts(f: WebhookAttemptFilter): Promise<Page<WebhookAttemptRecord>> {
    const c = f.cursor == null ? null : decodeCursor(f.cursor);
    const rows = await this.e.q(SQL.listAttempts, [f.api_id, f.endpoint_id ?? null, f.event_id ?? null, c?.at ?? null, c?.id ?? null, positiveLimit(f.limit) + 1]);
    return pageOf(rows, f.limit, rowToAttempt, 'attempted_at', 'attempt_id');
  }

  async getDelivery(endpoint_id: string, event_id: string): Promise<WebhookDeliveryRecord | null> {
    const [r] = await this.e.q(SQL.getDelivery, [endpoint_id, event_id]);
    return r ? rowToDelivery(r) : null;
  }
}
