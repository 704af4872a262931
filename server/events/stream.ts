/**
 * `GET /api/v1/open/events/stream` (issue 13 item 6): the event log as Server-Sent Events
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html). A stream follows the log from
 * a position (after `Last-Event-ID`, else the tail at connect time) through the process's
 * `EventHub` (./hub.ts): one scan of the shared store per wake for all streams, woken at once by
 * local appends and every `pollMs` for events other instances commit; positions are commit-ordered
 * (store event logs), so every instance's events are streamed and none is missed.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { LIMITS } from '../../spec/api.js';
import type { EventFilter, EventRecord } from '../store/types/events.js';
import type { EventHub } from './hub.js';
import { eventView } from './view.js';

/** Stream timing; defaults: heartbeat `LIMITS.streamHeartbeatSeconds`, poll 500 ms. */
export interface StreamOptions {
  heartbeatMs?: number;
  /** How often the log is polled for events of other instances (local appends wake it at once). */
  pollMs?: number;
  /** Events per read. */
  batch?: number;
  /** Events buffered per stream before a slow client falls back to reading the log itself (./hub.ts). */
  maxQueued?: number;
}

/** Where a stream starts: after `position` (null = from the start of the log). */
export type StreamStart = { position: string | null };

/** The SSE frame of each event, built once however many streams write it. */
const frames = new WeakMap<EventRecord, string>();

function frame(e: EventRecord): string {
  let f = frames.get(e);
  if (f === undefined) {
    // hono's writeSSE format; ids and types never hold line breaks, and JSON text has none.
    f = `event: ${e.type}\ndata: ${JSON.stringify(eventView(e))}\nid: ${e.id}\n\n`;
    frames.set(e, f);
  }
  return f;
}

/** The SSE response following `hub`'s log from `start` for filter `f`. */
export function eventStreamResponse(c: Context, hub: EventHub, f: EventFilter, start: StreamStart, o: StreamOptions = {}): Response {
  const heartbeatMs = o.heartbeatMs ?? LIMITS.streamHeartbeatSeconds * 1000;
  return streamSSE(c, async (stream) => {
    const sub = hub.subscribe(f, start.position);
    stream.onAbort(() => sub.close());
    let lastWrite = Date.now();
    try {
      await stream.write(': connected\n\n');
      while (!stream.aborted && !stream.closed) {
        const events = await sub.next(heartbeatMs - (Date.now() - lastWrite));
        for (const e of events) {
          if (stream.aborted) break;
          await stream.write(frame(e));
          lastWrite = Date.now();
        }
        if (!stream.aborted && Date.now() - lastWrite >= heartbeatMs) {
          await stream.write(': heartbeat\n\n');
          lastWrite = Date.now();
        }
      }
    } finally {
      sub.close();
    }
  });
}
