/** Unit tests of the transport (retries, backoff, Retry-After, timeouts), with a scripted fetch. */
import { describe, expect, it } from 'vitest';
import { canonicalRequest, sign } from '../spec/signing.js';
import { isIdempotent, retryAfterMs, signedFetch } from './transport.js';

const credential = { apiId: 'id-1', apiKey: 'k' };
const json = (status: number, headers: Record<string, string> = {}) => new Response('{}', { status, headers: { 'content-type': 'application/json', ...headers } });

/** A fetch answering from `script` in order (an Error entry is thrown), recording what it got. */
function scripted(script: (Response | Error)[]) {
  const seen: { request: Request; body: string; at: number }[] = [];
  const fetch = async (request: Request) => {
    seen.push({ request, body: await request.clone().text(), at: Date.now() });
    const next = script.shift()!;
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, seen };
}

function post(body: unknown, url = 'http://gw.test/api/v1/open/downlink/commands') {
  return new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('isIdempotent / retryAfterMs', () => {
  it('GET, HEAD and bodies with an idempotency_key are idempotent; other POSTs are not', () => {
    const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    expect(isIdempotent('GET', undefined)).toBe(true);
    expect(isIdempotent('POST', bytes({ idempotency_key: 'k' }))).toBe(true);
    expect(isIdempotent('POST', bytes({ reply_code: 'APPROVED' }))).toBe(false);
    expect(isIdempotent('POST', new TextEncoder().encode('not json'))).toBe(false);
    expect(isIdempotent('POST', undefined)).toBe(false);
  });
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('signedFetch', () => {
  it('retries a create with an idempotency_key after 503 and a network error, re-signing each attempt with a fresh nonce', async () => {
    const { fetch, seen } = scripted([json(503), new TypeError('fetch failed'), json(202)]);
    const r = await signedFetch(credential, { fetch, retryBaseDelayMs: 1 })(post({ idempotency_key: 'abc', payload: {} }));
    expect(r.status).toBe(202);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.request.headers.get('X-Api-Nonce'))).size).toBe(3);
    for (const s of seen) {
      const url = new URL(s.request.url);
      const h = (n: string) => s.request.headers.get(n)!;
      const canonical = canonicalRequest({ method: 'POST', path: url.pathname, query: '', apiId: h('X-Api-Id'), timestamp: h('X-Api-Timestamp'), nonce: h('X-Api-Nonce'), body: s.body });
      expect(h('X-Api-Signature')).toBe(sign(credential.apiKey, canonical));
      expect(s.body).toBe('{"idempotency_key":"abc","payload":{}}');
    }
  });

  it('does not retry a POST without an idempotency_key, and returns the last answer when retries run out', async () => {
    const once = scripted([json(503), json(202)]);
    expect((await signedFetch(credential, { fetch: once.fetch, retryBaseDelayMs: 1 })(post({ reply_code: 'APPROVED' }))).status).toBe(503);
    expect(once.seen).toHaveLength(1);
    const thrice = scripted([json(429), json(429), json(429), json(200)]);
    expect((await signedFetch(credential, { fetch: thrice.fetch, retries: 2, retryBaseDelayMs: 1 })(new Request('http://gw.test/x'))).status).toBe(429);
    expect(thrice.seen).toHaveLength(3);
    const down = scripted([new TypeError('a'), new TypeError('b')]);
    await expect(signedFetch(credential, { fetch: down.fetch, retries: 1, retryBaseDelayMs: 1 })(new Request('http://gw.test/x'))).rejects.toThrow('b');
  });

  it('honours Retry-After, and returns the response when it asks for longer than maxRetryDelayMs', async () => {
    const { fetch, seen } = scripted([json(429, { 'Retry-After': '1' }), json(200)]);
    expect((await signedFetch(credential, { fetch })(new Request('http://gw.test/x'))).status).toBe(200);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(990);
    const long = scripted([json(503, { 'Retry-After': '120' }), json(200)]);
    expect((await signedFetch(credential, { fetch: long.fetch })(new Request('http://gw.test/x'))).status).toBe(503);
    expect(long.seen).toHaveLength(1);
  });

  it('aborts an attempt after timeoutMs plus the wait_seconds it asks the server to hold, without retrying', async () => {
    let calls = 0;
    const hang = (r: Request) => (calls++, new Promise<Response>((_, reject) => r.signal.addEventListener('abort', () => reject(r.signal.reason))));
    const start = Date.now();
    const e = await signedFetch(credential, { fetch: hang, timeoutMs: 100 })(new Request('http://gw.test/x')).catch((x: unknown) => x);
    expect((e as Error).name).toBe('TimeoutError');
    expect(calls).toBe(1);
    expect(Date.now() - start).toBeLessThan(1000);
    const held = Date.now();
    await signedFetch(credential, { fetch: hang, timeoutMs: 100 })(new Request('http://gw.test/x?wait_seconds=1')).catch(() => undefined);
    expect(Date.now() - held).toBeGreaterThanOrEqual(1090);
  });
});
