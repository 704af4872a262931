/**
 * The webhook store (issue 13 items 3–4): callback endpoints with their secrets, subscriptions
 * (an event type or a prefix such as `device.*`), one delivery row per (event, endpoint) claimed
 * under leases like commands' dispatch leases, and every attempt. Implementations:
 * `server/store/{sqlite,postgres,memory}/webhooks.ts`; contract: test/store/contract-webhooks.ts.
 * Timestamps are ISO-8601 UTC strings with milliseconds.
 */
import type { Page } from '../types.js';

/** A callback endpoint (UTMOS' endpoint object plus dockgate's delivery state). */
export interface WebhookEndpointRecord {
  endpoint_id: string;
  /** Credential that owns it; only it sees or changes it, and it receives only events it may see. */
  api_id: string;
  name: string;
  url: string;
  status: 'ACTIVE' | 'DISABLED';
  /** Why it is disabled (`manual`, `gone` after a 410, `failing` after 5 days of failures); null when active. */
  disabled_reason: string | null;
  timeout_seconds: number;
  /** `whsec_…`; never listed by the API after create/rotate. */
  secret: string;
  /** The secret before the last rotation, still signing beside `secret` until `previous_secret_expires_at`. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  /**
   * Event-log position (store.events) up to which the fan-out has made this endpoint's deliveries;
   * null = none yet (the fan-out then starts at `created_at`).
   */
  fanout_position: string | null;
  /** Start of the current run of failed attempts; null after a success. */
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export type WebhookEndpointPatch = Partial<
  Pick<WebhookEndpointRecord, 'name' | 'url' | 'status' | 'disabled_reason' | 'timeout_seconds' | 'secret' | 'previous_secret' | 'previous_secret_expires_at' | 'failing_since' | 'fanout_position'>
> & { updated_at: string };

export interface WebhookSubscriptionRecord {
  subscription_id: string;
  endpoint_id: string;
  /** An event type (`command.completed`), a prefix (`device.*`) or `*`. */
  event_type: string;
  status: 'ACTIVE';
  created_at: string;
}

/** An event to deliver: its id (= `webhook-id`), type, the credentials allowed to see it, and the signed body. */
export interface WebhookEventInput {
  event_id: string;
  event_type: string;
  /** api_ids allowed to receive it; null = any credential. */
  visible_to: string[] | null;
  /** The exact JSON body delivered (`{type, timestamp, data}`), signed as is. */
  body: string;
  created_at: string;
}

export type WebhookDeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/** One (event, endpoint) delivery: retried until it succeeds or its schedule ends. */
export interface WebhookDeliveryRecord {
  delivery_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: WebhookDeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
  next_attempt_at: string;
  created_at: string;
  updated_at: string;
}

/** One HTTP attempt of a delivery. */
export interface WebhookAttemptRecord {
  attempt_id: string;
  delivery_id: string;
  endpoint_id: string;
  event_id: string;
  attempted_at: string;
  /** HTTP status, or null when no response came (refused address, timeout, connection error). */
  status_code: number | null;
  latency_ms: number;
  /** The first 1 KB of the response body (UTF-8, lossy). */
  response_body: string;
  /** Why it failed without a usable status (`timeout`, `address_not_allowed: …`), else null. */
  error: string | null;
}

/** The outcome written after an attempt: the attempt row and the delivery's next state, in one transaction. */
export interface WebhookAttemptOutcome {
  attempt: WebhookAttemptRecord;
  status: WebhookDeliveryStatus;
  /** When PENDING: the next try (else the attempt time). */
  next_attempt_at: string;
}

export interface WebhookAttemptFilter {
  /** Only attempts of this credential's endpoints. */
  api_id: string;
  endpoint_id?: string;
  event_id?: string;
  limit: number;
  cursor?: string;
}

export interface WebhookStore {
  createEndpoint(e: WebhookEndpointRecord): Promise<void>;
  getEndpoint(endpoint_id: string): Promise<WebhookEndpointRecord | null>;
  /** A credential's endpoints, newest first. */
  listEndpoints(api_id: string, limit: number, cursor?: string): Promise<Page<WebhookEndpointRecord>>;
  updateEndpoint(endpoint_id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpointRecord | null>;
  /** Every ACTIVE endpoint of every credential (the fan-out's work list), oldest first. */
  listActiveEndpoints(): Promise<WebhookEndpointRecord[]>;

  /** Adds a subscription; an existing one for the same (endpoint, event_type) is returned instead. */
  createSubscription(s: WebhookSubscriptionRecord): Promise<WebhookSubscriptionRecord>;
  listSubscriptions(endpoint_id: string): Promise<WebhookSubscriptionRecord[]>;
  /** False when there was no such subscription on the endpoint. */
  deleteSubscription(endpoint_id: string, subscription_id: string): Promise<boolean>;

  /**
   * Inserts one PENDING delivery (due at `ev.created_at`) for each ACTIVE endpoint of a credential
   * in `visible_to` subscribed to the event's type (exactly, by prefix `a.*`, or `*`); with
   * `endpoint_id`, only for that endpoint and without the subscription check (test events).
   * One statement: all of an event's deliveries or none. A repeated (event, endpoint) is ignored.
   * Returns how many were inserted.
   */
  enqueue(ev: WebhookEventInput, endpoint_id?: string): Promise<number>;
  /**
   * Claims up to `limit` PENDING deliveries due at `now`, skipping ones leased to others and the
   * endpoints in `exclude`, for `owner` until now + lease_ms (SKIP LOCKED on PostgreSQL), oldest due first.
   */
  claimDue(owner: string, limit: number, lease_ms: number, now: string, exclude: string[]): Promise<WebhookDeliveryRecord[]>;
  /** Records an attempt and moves the delivery (lease released) in one transaction. */
  completeAttempt(delivery_id: string, outcome: WebhookAttemptOutcome): Promise<void>;
  /** Makes one event's delivery to an endpoint due at `now` again (redeliver); false when there is none. */
  redeliver(endpoint_id: string, event_id: string, now: string): Promise<boolean>;
  /** Makes every FAILED delivery of an endpoint created at or after `since` due at `now`; returns how many. */
  recoverFailed(endpoint_id: string, since: string, now: string): Promise<number>;
  /** Attempts newest first, of the credential's endpoints. */
  listAttempts(f: WebhookAttemptFilter): Promise<Page<WebhookAttemptRecord>>;
  getDelivery(endpoint_id: string, event_id: string): Promise<WebhookDeliveryRecord | null>;
}

/** Subscription patterns that match an event type: itself, each dotted prefix with `.*`, and `*`. */
export function matchingPatterns(event_type: string): string[] {
  const out = [event_type, '*'];
  const parts = event_type.split('.');
  for (let i = parts.length - 1; i >= 1; i--) out.push(parts.slice(0, i).join('.') + '.*');
  return out;
}
