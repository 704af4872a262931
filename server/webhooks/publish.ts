/**
 * From an event to its deliveries. The delivered body is Standard Webhooks' `{type, timestamp,
 * data}` followed by dockgate's envelope fields `id` (= `webhook-id`), `device_id` and `sequence`
 * (per-device, for ordering and de-duplication); docs/webhooks.md documents it.
 */
import type { WebhookStore } from '../store/types/webhooks.js';

/** The event envelope of the event log (issue 13 item 2). */
export interface EventEnvelope {
  id: string;
  type: string;
  /** ISO-8601 UTC with ms. */
  timestamp: string;
  device_id: string | null;
  sequence: number | null;
  data: unknown;
}

/** The exact JSON text delivered (and signed) for an event. */
export function webhookBody(e: EventEnvelope): string {
  return JSON.stringify({ type: e.type, timestamp: e.timestamp, data: e.data, id: e.id, device_id: e.device_id, sequence: e.sequence });
}

/**
 * Inserts the event's deliveries (every subscribed endpoint of a credential in `visible_to`; null =
 * any), or only `endpoint_id`'s (test events). Returns how many.
 */
export function enqueueEvent(w: WebhookStore, e: EventEnvelope, visible_to: string[] | null, endpoint_id?: string): Promise<number> {
  return w.enqueue({ event_id: e.id, event_type: e.type, visible_to, body: webhookBody(e), created_at: e.timestamp }, endpoint_id);
}
