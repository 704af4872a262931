/**
 * The client's fetch: signs every attempt, bounds each with a timeout, and retries idempotent
 * requests on network errors, 429 and 503 with exponential backoff and full jitter, honouring
 * `Retry-After`. Only standard Fetch and Web Crypto APIs.
 */
import { signFetchRequest, type Credential } from './signing.js';

/** Retry and timeout settings of the client (all optional). */
export interface TransportOptions {
  /** Retries of an idempotent request after a network error, 429 or 503 (default 2: at most 3 attempts). */
  retries?: number;
  /** Backoff base: attempt n waits a random time in [0, retryBaseDelayMs · 2ⁿ) (default 250). */
  retryBaseDelayMs?: number;
  /** Longest wait before a retry (default 10 000); a `Retry-After` longer than this ends the retries and returns the response. */
  maxRetryDelayMs?: number;
  /** Per-attempt timeout in ms, on top of the `wait_seconds` a long-poll asks the server to hold (default 30 000). Throws the `TimeoutError` of `AbortSignal.timeout`; not retried. */
  timeoutMs?: number;
  /** Custom fetch (tests, proxies); default `globalThis.fetch`. */
  fetch?: (request: Request) => Promise<Response>;
}

const RETRY_STATUSES = new Set([429, 503]);

/**
 * Idempotent requests, which the transport may send again: GET and HEAD, and a request whose JSON
 * body carries an `idempotency_key` (the server answers a repeat with the first answer; the
 * per-command helpers always set one).
 */
export function isIdempotent(method: string, body: Uint8Array | undefined): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  if (!body?.length) return false;
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(body));
    return typeof json === 'object' && json !== null && typeof (json as { idempotency_key?: unknown }).idempotency_key === 'string';
  } catch {
    return false;
  }
}

/** Milliseconds a `Retry-After` value (seconds or an HTTP date) asks for; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), ms);
    const onAbort = () => (clearTimeout(timer), reject(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A fetch that signs with `credential` and applies {@link TransportOptions}. The caller's `request.signal` aborts attempts and waits. */
export function signedFetch(credential: Credential, options: TransportOptions = {}): (request: Request) => Promise<Response> {
  const send = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const retries = options.retries ?? 2;
  const base = options.retryBaseDelayMs ?? 250;
  const maxDelay = options.maxRetryDelayMs ?? 10_000;
  return async (request) => {
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
    const retryable = isIdempotent(request.method, body);
    const held = Number(new URL(request.url).searchParams.get('wait_seconds') ?? 0);
    const timeoutMs = (options.timeoutMs ?? 30_000) + (Number.isFinite(held) ? held * 1000 : 0);
    for (let attempt = 0; ; attempt++) {
      const signal = AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
      const signed = await signFetchRequest(new Request(request.url, { method: request.method, headers: request.headers, body, signal }), credential);
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await send(signed);
      } catch (e) {
        if (signal.aborted) throw signal.reason ?? e;
        failure = e;
      }
      const again = retryable && attempt < retries && (response === undefined || RETRY_STATUSES.has(response.status));
      const asked = response ? retryAfterMs(response.headers.get('Retry-After')) : undefined;
      const delay = asked ?? Math.random() * Math.min(maxDelay, base * 2 ** attempt);
      if (!again || delay > maxDelay) {
        if (response) return response;
        throw failure;
      }
      await response?.body?.cancel();
      await sleep(delay, request.signal);
    }
  };
}
