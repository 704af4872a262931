/** Unit tests of request signing: the server-side check of spec/signing.ts (node:crypto) accepts what the Web Crypto signer signs. */
import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { canonicalRequest, EMPTY_BODY_SHA256, sign } from '../spec/signing.js';
import { signFetchRequest } from './signing.js';

const credential = { apiId: 'partner-1', apiKey: 'secret-key-1' };

/** What the server computes for a received request. */
async function expected(request: Request): Promise<string> {
  const url = new URL(request.url);
  return sign(
    credential.apiKey,
    canonicalRequest({
      method: request.method,
      path: url.pathname,
      query: url.search.slice(1),
      apiId: request.headers.get('X-Api-Id') ?? '',
      timestamp: request.headers.get('X-Api-Timestamp') ?? '',
      nonce: request.headers.get('X-Api-Nonce') ?? '',
      body: new Uint8Array(await request.arrayBuffer()),
    }),
  );
}

function client(seen: Request[]) {
  const c = createClient<any>({ baseUrl: 'http://gw.test', fetch: async (r: Request) => (seen.push(r), new Response('{}', { headers: { 'content-type': 'application/json' } })) });
  c.use({ onRequest: ({ request }) => signFetchRequest(request, credential) });
  return c;
}

describe('signFetchRequest (as an openapi-fetch middleware)', () => {
  it('signs the exact body bytes, path and query of a POST', async () => {
    const seen: Request[] = [];
    await client(seen).POST('/api/v1/open/downlink/commands', { params: { query: { b: 'x y', a: 1 } }, body: { vendor: 'dji', text: 'héllo' } });
    const r = seen[0]!;
    expect(r.headers.get('X-Api-Id')).toBe('partner-1');
    expect(r.headers.get('X-Api-Timestamp')).toMatch(/^\d+$/);
    expect(r.headers.get('X-Api-Nonce')).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
    expect(r.headers.get('X-Api-Signature')).toBe(await expected(r));
  });

  it('signs a GET without a body over the empty-body hash, and gives every request a fresh nonce', async () => {
    const seen: Request[] = [];
    const c = client(seen);
    await c.GET('/api/v1/open/downlink/commands/{id}', { params: { path: { id: 'abc' } } });
    await c.GET('/api/v1/open/downlink/commands/{id}', { params: { path: { id: 'abc' } } });
    const [a, b] = seen as [Request, Request];
    expect(a.headers.get('X-Api-Signature')).toBe(await expected(a));
    expect(a.headers.get('X-Api-Nonce')).not.toBe(b.headers.get('X-Api-Nonce'));
    const url = new URL(a.url);
    const canonical = canonicalRequest({ method: 'GET', path: url.pathname, query: '', apiId: 'partner-1', timestamp: a.headers.get('X-Api-Timestamp')!, nonce: a.headers.get('X-Api-Nonce')!, body: '' });
    expect(canonical.endsWith(EMPTY_BODY_SHA256)).toBe(true);
    expect(a.headers.get('X-Api-Signature')).toBe(sign(credential.apiKey, canonical));
  });
});
