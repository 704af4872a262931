/**
 * The event stream of the generated client (`client.streamEvents(query, options)`): an async
 * iterator over `GET /api/v1/open/events/stream` (Server-Sent Events, parsed by
 * `eventsource-parser`) that signs every connection through the client's openapi-fetch middleware,
 * reconnects after a dropped connection or a 5xx, and resumes with `Last-Event-ID` = the last
 * event it yielded, so the caller sees every event once, in log order, across reconnects.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Client } from 'openapi-fetch';
import { DockgateApiError, type ErrorResponse } from './errors.js';

/** Options of `streamEvents`. */
export interface StreamEventsOptions {
  /** Resume after this event id (e.g. the last one processed before a restart). */
  lastEventId?: string;
  /** Stop: abort the connection and end the iteration. */
  signal?: AbortSignal;
  /** Delay before a reconnect, ms (doubles up to `maxRetryMs` while connections keep failing). Default 500. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Called on each reconnect with the error that ended the previous connection. */
  onReconnect?: (err: unknown, attempt: number) => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Follow `path` (a `text/event-stream` operation) with `query`, yielding each event's parsed
 * `data`. Throws `DockgateApiError` on a 4xx answer (a bad filter, an unknown `lastEventId`,
 * missing scope): retrying would not help. Ends when `signal` aborts.
 */
export async function* followEvents<E extends { id: string }>(
  raw: Client<any>,
  path: string,
  query: Record<string, unknown> | undefined,
  options: StreamEventsOptions = {},
): AsyncGenerator<E, void, undefined> {
  let last = options.lastEventId;
  let attempt = 0;
  const base = options.retryMs ?? 500;
  while (!options.signal?.aborted) {
    const ctl = new AbortController();
    const stop = () => ctl.abort();
    options.signal?.addEventListener('abort', stop, { once: true });
    let failure: unknown = null;
    try {
      const { response, error } = await (raw as Client<any>).GET(path as never, {
        params: { query },
        parseAs: 'stream',
        signal: ctl.signal,
        headers: { Accept: 'text/event-stream', ...(last ? { 'Last-Event-ID': last } : {}) },
      } as never);
      if (!response.ok) {
        const body = (error ?? (await response.text().catch(() => null))) as unknown;
        const apiErr = new DockgateApiError(response.status, (typeof body === 'string' ? safeJson(body) : body) as ErrorResponse);
        if (response.status < 500 && response.status !== 429) throw apiErr;
        failure = apiErr;
      } else {
        attempt = 0;
        const queue: EventSourceMessage[] = [];
        const parser = createParser({ onEvent: (m) => queue.push(m) });
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
          while (queue.length) {
            const m = queue.shift()!;
            const ev = JSON.parse(m.data) as E;
            last = m.id ?? ev.id;
            yield ev;
          }
        }
        failure = new Error('event stream ended');
      }
    } catch (err) {
      if (err instanceof DockgateApiError && err.status < 500 && err.status !== 429) throw err;
      failure = err;
    } finally {
      options.signal?.removeEventListener('abort', stop);
      ctl.abort();
    }
    if (options.signal?.aborted) return;
    attempt++;
    options.onReconnect?.(failure, attempt);
    await sleep(Math.min(base * 2 ** (attempt - 1), options.maxRetryMs ?? 10_000), options.signal);
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
