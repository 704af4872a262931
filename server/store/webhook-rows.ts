/** Row mappings of the webhook tables shared by the SQL stores (migrations 006_webhooks.sql). */
import { encodeCursor } from './cursor.js';
import type { Row } from './rows.js';
import type { Page } from './types.js';
import type { WebhookAttemptRecord, WebhookDeliveryRecord, WebhookEndpointPatch, WebhookEndpointRecord, WebhookSubscriptionRecord } from './types/webhooks.js';

export const ENDPOINT_COLUMNS = [
  'endpoint_id', 'api_id', 'name', 'url', 'status', 'disabled_reason', 'timeout_seconds', 'secret', 'previous_secret',
  'previous_secret_expires_at', 'fanout_position', 'failing_since', 'created_at', 'updated_at',
] as const;
export const ENDPOINT_PATCH_COLUMNS = [
  'name', 'url', 'status', 'disabled_reason', 'timeout_seconds', 'secret', 'previous_secret', 'previous_secret_expires_at', 'fanout_position', 'failing_since', 'updated_at',
] as const;
export const SUBSCRIPTION_COLUMNS = ['subscription_id', 'endpoint_id', 'event_type', 'status', 'created_at'] as const;
export const DELIVERY_COLUMNS = ['delivery_id', 'endpoint_id', 'event_id', 'event_type', 'body', 'status', 'attempts', 'next_attempt_at', 'created_at', 'updated_at'] as const;
export const ATTEMPT_COLUMNS = ['attempt_id', 'delivery_id', 'endpoint_id', 'event_id', 'attempted_at', 'status_code', 'latency_ms', 'response_body', 'error'] as const;

/** Values of `columns` from a record, in order (undefined → null). */
export function valuesOf(columns: readonly string[], r: object): unknown[] {
  return columns.map((c) => (r as Record<string, unknown>)[c] ?? null);
}

/** The patch's defined columns (in ENDPOINT_PATCH_COLUMNS order) with their values. */
export function endpointPatch(p: WebhookEndpointPatch): { columns: string[]; values: unknown[] } {
  const columns = ENDPOINT_PATCH_COLUMNS.filter((c) => p[c] !== undefined);
  return { columns, values: columns.map((c) => p[c] ?? null) };
}

function pick<T>(columns: readonly string[], r: Row): T {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = r[c] ?? null;
  return out as T;
}

export const rowToEndpoint = (r: Row) => pick<WebhookEndpointRecord>(ENDPOINT_COLUMNS, r);
export const rowToSubscription = (r: Row) => pick<WebhookSubscriptionRecord>(SUBSCRIPTION_COLUMNS, r);
export const rowToDelivery = (r: Row) => pick<WebhookDeliveryRecord>(DELIVERY_COLUMNS, r);
export const rowToAttempt = (r: Row) => pick<WebhookAttemptRecord>(ATTEMPT_COLUMNS, r);

/** A newest-first page from up to limit+1 rows. */
export function pageOf<T>(rows: Row[], limit: number, map: (r: Row) => T, at: string, id: string): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(map), next_cursor: more && last ? encodeCursor({ at: last[at] as string, id: last[id] as string }) : null };
}
