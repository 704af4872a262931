/**
 * Handlers of the event operations (listEvents, streamEvents): the event log, filtered to what the credential
 * may see (its own commands' events and its allowed devices' events), oldest first. The stream
 * (`GET /api/v1/open/events/stream`) is server/events/stream.ts.
 */
import type { Handlers } from '../../generated/server/routes.js';
import { LIMITS } from '../../spec/api.js';
import { decodeEventCursor, encodeEventCursor, eventView } from '../events/view.js';
import { visibleDevices } from '../fleet/visibility.js';
import type { Credential, Store } from '../store/types.js';
import type { EventFilter } from '../store/types/events.js';
import { ApiError } from '../http/errors.js';
import { EventHub } from '../events/hub.js';
import { eventStreamResponse, type StreamOptions } from '../events/stream.js';
import '../http/context.js';
import { withCursor } from './commands.js';
import type { HandlerDeps } from './deps.js';

/**
 * The store filter of a credential and the `type` / `device_id` / `since` query (shared with the
 * stream). Its devices are those the credential may see (server/fleet/visibility.ts: allow-list,
 * registry grants, their aircraft), resolved now: a stream sees grants made after it connected
 * from its next reconnect.
 */
export async function eventFilter(store: Store, cred: Credential, q: { type?: string; device_id?: string; since?: string }): Promise<EventFilter> {
  const devices = await visibleDevices(store, cred);
  return { api_id: cred.api_id, allowed_devices: devices && [...devices], type: q.type, device_id: q.device_id, since: q.since === undefined ? undefined : new Date(q.since).toISOString() };
}

/** The event handlers, bound to the gateway's store. */
export function eventHandlers({ store, logger }: HandlerDeps, stream: StreamOptions = {}): Pick<Handlers, 'listEvents' | 'streamEvents'> {
  // Every stream of this app shares one reader of the log (it runs only while streams are open).
  const hub = new EventHub(store.events, { pollMs: stream.pollMs, batch: stream.batch, maxQueued: stream.maxQueued, onError: (err) => logger.warn({ err }, 'event stream scan failed') });
  return {
    async streamEvents(c, input) {
      const q = input.query;
      const resume = c.req.header('Last-Event-ID')?.trim() || q.last_event_id;
      let position: string | null;
      if (resume) {
        position = await store.events.positionOf(resume);
        if (position === null) {
          throw new ApiError('VALIDATION_FAILED', undefined, [{ field: 'last_event_id', rule: 'format', message: `last_event_id ${resume} is not in the event log (unknown, or older than the retention)` }]);
        }
      } else position = await store.events.tail();
      return { status: 200, body: undefined, response: eventStreamResponse(c, hub, await eventFilter(store, c.get('credential'), q), { position }, stream) };
    },

    async listEvents(c, input) {
      const q = input.query;
      const cred = c.get('credential');
      const limit = q.limit ?? LIMITS.listLimit.default;
      const f = await eventFilter(store, cred, q);
      const page = await withCursor((async () => store.events.read(q.cursor === undefined ? null : decodeEventCursor(q.cursor), f, limit))());
      const next = page.events.length === limit && page.position !== null ? encodeEventCursor(page.position) : null;
      return { status: 200, body: { items: page.events.map(eventView), next_cursor: next } };
    },
  };
}
