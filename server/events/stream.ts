/**
 * `GET /api/v1/open/events/stream` (issue 13 item 6): the event log as Server-Sent Events
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html). A follower reads the log from
 * a position (after `Last-Event-ID`, else the tail at connect time) and then polls it every
 * `pollMs`, woken early by local appends; since positions are commit-ordered (store event logs),
 * polling the shared store streams events written by every instance and misses none.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { LIMITS } from '../../spec/api.js';
import type { EventFilter, EventLog } from '../store/types/events.js';
import { eventView } from './view.js';

/** Stream timing; defaults: heartbeat `LIMITS.streamHeartbeatSeconds`, poll 500 ms. */
export interface StreamOptions {
  heartbeatMs?: number;
  /** How often the log is polled for events of other instances (local appends wake it at once). */
  pollMs?: number;
  /** Events per read. */
  batch?: number;
}

/** Where a stream starts: after `position` (null = from the start of the log). */
export type StreamStart = { position: string | null };

/** Count of open streams (metrics, the bench). */
export let openStreams = 0;

/** The SSE response following `log` from `start` for filter `f`. */
export function eventStreamResponse(c: Context, log: EventLog, f: EventFilter, start: StreamStart, o: StreamOptions = {}): Response {
  const heartbeatMs = o.heartbeatMs ?? LIMITS.streamHeartbeatSeconds * 1000;
  const pollMs = o.pollMs ?? 500;
  const batch = o.batch ?? 200;
  return streamSSE(c, async (stream) => {
    openStreams++;
    let position = start.position;
    let wake: (() => void) | null = null;
    let woken = false;
    const poke = () => {
      woken = true;
      wake?.();
    };
    const off = log.onAppend(poke);
    stream.onAbort(poke);
    let lastWrite = Date.now();
    try {
      await stream.write(': connected\n\n');
      while (!stream.aborted && !stream.closed) {
        woken = false;
        // The tail first: every row at or below it is visible to the read that follows, so an
        // empty filtered read may skip to it without missing anything.
        const tail = await log.tail();
        const r = await log.read(position, f, batch);
        for (const e of r.events) {
          await stream.writeSSE({ id: e.id, event: e.type, data: JSON.stringify(eventView(e)) });
          lastWrite = Date.now();
        }
        position = r.events.length ? r.position : (tail ?? position);
        if (r.events.length === batch) continue;
        if (Date.now() - lastWrite >= heartbeatMs) {
          await stream.write(': heartbeat\n\n');
          lastWrite = Date.now();
        }
        if (woken || stream.aborted) continue;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(pollMs, Math.max(1, heartbeatMs - (Date.now() - lastWrite))));
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    } finally {
      off();
      openStreams--;
    }
  });
}
