/**
 * Endpoint and subscription management behind the webhook handlers: ownership (a credential sees
 * only its own endpoints; others are 404), URL checks (./guard.ts), secrets issued once and rotated
 * with a 24 h overlap (./secrets.ts), test events, and the public views (no secret material except
 * on create and rotate).
 */
import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/types.js';
import { WEBHOOK_LIMITS } from '../../spec/api/webhooks.js';
import { uuidv7 } from '../commands/accept.js';
import { ApiError } from '../http/errors.js';
import type { EventLog } from '../store/types/events.js';
import type { WebhookAttemptRecord, WebhookEndpointRecord, WebhookStore, WebhookSubscriptionRecord } from '../store/types/webhooks.js';
import { urlProblem } from './guard.js';
import { enqueueEvent } from './publish.js';
import { newSecret, ROTATION_OVERLAP_MS } from './secrets.js';

type Schemas = components['schemas'];

/** What the webhook handlers need besides the store. */
export interface WebhookDeps {
  /** `WEBHOOK_ALLOW_PRIVATE`: also http to loopback hosts. */
  allowPrivate: boolean;
  /** Wake the delivery worker (something became due). */
  kick(): void;
  now?: () => number;
}

export function endpointView(e: WebhookEndpointRecord): Schemas['WebhookEndpoint'] {
  return { endpoint_id: e.endpoint_id, name: e.name, url: e.url, status: e.status, disabled_reason: e.disabled_reason, timeout_seconds: e.timeout_seconds, created_at: e.created_at, updated_at: e.updated_at };
}

export function subscriptionView(s: WebhookSubscriptionRecord): Schemas['WebhookSubscription'] {
  return { subscription_id: s.subscription_id, endpoint_id: s.endpoint_id, event_type: s.event_type, status: s.status, created_at: s.created_at };
}

export function attemptView(a: WebhookAttemptRecord): Schemas['WebhookAttempt'] {
  return { attempt_id: a.attempt_id, endpoint_id: a.endpoint_id, event_id: a.event_id, attempted_at: a.attempted_at, status_code: a.status_code, latency_ms: a.latency_ms, response_body: a.response_body, error: a.error };
}

function checkUrl(url: string, allowPrivate: boolean): void {
  const problem = urlProblem(url, allowPrivate);
  if (problem) throw new ApiError('WEBHOOK_URL_NOT_ALLOWED', `${problem}.`, [{ field: 'url', rule: 'webhook-url', message: problem }]);
}

/** The endpoint if it belongs to `api_id`, else 404 WEBHOOK_ENDPOINT_NOT_FOUND. */
export async function ownEndpoint(w: WebhookStore, api_id: string, endpoint_id: string): Promise<WebhookEndpointRecord> {
  const e = await w.getEndpoint(endpoint_id);
  if (!e || e.api_id !== api_id) throw new ApiError('WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${endpoint_id} belongs to this credential.`);
  return e;
}

const nowIso = (d: WebhookDeps) => new Date((d.now ?? Date.now)()).toISOString();

/** Creates an endpoint with a fresh secret; the result includes the secret (shown once). */
export async function createEndpoint(w: WebhookStore, d: WebhookDeps, api_id: string, body: Schemas['CreateWebhookEndpointRequest']): Promise<Schemas['WebhookEndpointWithSecret']> {
  checkUrl(body.url, d.allowPrivate);
  const at = nowIso(d);
  const e: WebhookEndpointRecord = {
    endpoint_id: randomUUID(), api_id, name: body.name, url: body.url, status: 'ACTIVE', disabled_reason: null,
    timeout_seconds: body.timeout_seconds ?? WEBHOOK_LIMITS.timeoutSeconds.default, secret: newSecret(), previous_secret: null,
    previous_secret_expires_at: null, fanout_position: null, failing_since: null, created_at: at, updated_at: at,
  };
  await w.createEndpoint(e);
  return { ...endpointView(e), secret: e.secret };
}

/** Applies an update; with `rotate_secret` the new secret is in the result and the old one signs for 24 h more. */
export async function updateEndpoint(w: WebhookStore, d: WebhookDeps, api_id: string, endpoint_id: string, body: Schemas['UpdateWebhookEndpointRequest']): Promise<Schemas['WebhookEndpoint'] | Schemas['WebhookEndpointWithSecret']> {
  const e = await ownEndpoint(w, api_id, endpoint_id);
  if (body.url !== undefined) checkUrl(body.url, d.allowPrivate);
  const nowMs = (d.now ?? Date.now)();
  const at = new Date(nowMs).toISOString();
  const secret = body.rotate_secret ? newSecret() : undefined;
  const status = body.status;
  const updated = await w.updateEndpoint(endpoint_id, {
    name: body.name, url: body.url, timeout_seconds: body.timeout_seconds, status,
    ...(status === 'DISABLED' && e.status !== 'DISABLED' ? { disabled_reason: 'manual' } : {}),
    ...(status === 'ACTIVE' ? { disabled_reason: null, failing_since: null } : {}),
    ...(secret ? { secret, previous_secret: e.secret, previous_secret_expires_at: new Date(nowMs + ROTATION_OVERLAP_MS).toISOString() } : {}),
    updated_at: at,
  });
  if (!updated) throw new ApiError('WEBHOOK_ENDPOINT_NOT_FOUND');
  return secret ? { ...endpointView(updated), secret } : endpointView(updated);
}

/** Subscribes the endpoint to a type or prefix (idempotent per type). */
export async function subscribe(w: WebhookStore, d: WebhookDeps, api_id: string, endpoint_id: string, event_type: string): Promise<WebhookSubscriptionRecord> {
  await ownEndpoint(w, api_id, endpoint_id);
  const existing = await w.listSubscriptions(endpoint_id);
  if (!existing.some((s) => s.event_type === event_type) && existing.length >= WEBHOOK_LIMITS.maxSubscriptions) {
    throw new ApiError('VALIDATION_FAILED', undefined, [{ field: 'event_type', rule: 'maxItems', message: `an endpoint has at most ${WEBHOOK_LIMITS.maxSubscriptions} subscriptions` }]);
  }
  return w.createSubscription({ subscription_id: randomUUID(), endpoint_id, event_type, status: 'ACTIVE', created_at: nowIso(d) });
}

/** Makes a `webhook.test` event due for the endpoint alone; returns its id. */
export async function sendTest(w: WebhookStore, events: EventLog, d: WebhookDeps, api_id: string, endpoint_id: string): Promise<{ count: number; event_id: string }> {
  const e = await ownEndpoint(w, api_id, endpoint_id);
  // Logged like any event (so it is listed and streamed to its credential), delivered only here.
  const [ev] = await events.append([{ id: uuidv7(), type: 'webhook.test', timestamp: nowIso(d), device_id: null, api_id, data: { endpoint_id: e.endpoint_id, message: 'dockgate webhook test' } }]);
  const count = await enqueueEvent(w, ev!, [api_id], endpoint_id);
  d.kick();
  return { count, event_id: ev!.id };
}
