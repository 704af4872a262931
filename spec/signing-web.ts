/**
 * The dockgate request signing scheme on Web Crypto (`globalThis.crypto.subtle`), for clients on
 * any runtime with it (Node ≥ 20, Deno, Bun, browsers, workers): no Node API. Same canonical string
 * as the server's node:crypto implementation (spec/signing-core.ts); pinned to the test vectors of
 * docs/signing.md by test/signing.test.ts.
 */
import { canonicalString, EMPTY_BODY_SHA256, signingHeaders, splitTarget, type SigningHeaders, type SignRequestInput } from './signing-core.js';

const utf8 = new TextEncoder();

function hex(buf: ArrayBuffer): string {
  let out = '';
  for (const b of new Uint8Array(buf)) out += b.toString(16).padStart(2, '0');
  return out;
}

function bytes(data: Uint8Array | string): Uint8Array<ArrayBuffer> {
  return typeof data === 'string' ? utf8.encode(data) : new Uint8Array(data);
}

/** Lowercase hex SHA-256 of the body (a string is hashed as its UTF-8 bytes). */
export async function bodySha256Web(body: Uint8Array | string): Promise<string> {
  if (body.length === 0) return EMPTY_BODY_SHA256;
  return hex(await crypto.subtle.digest('SHA-256', bytes(body)));
}

/** Lowercase hex HMAC-SHA256(key, canonical); the key is used as its UTF-8 bytes. */
export async function signWeb(apiKey: string, canonical: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', utf8.encode(apiKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return hex(await crypto.subtle.sign('HMAC', key, utf8.encode(canonical)));
}

/** A random nonce: a UUID (36 characters of `0-9a-f-`, within the allowed 8–128 of `A-Za-z0-9._-`). */
export function randomNonceWeb(): string {
  return crypto.randomUUID();
}

/** The 4 headers for one request (see `SignRequestInput`); `nonce` defaults to {@link randomNonceWeb}. */
export async function signRequestWeb(i: SignRequestInput): Promise<SigningHeaders> {
  const { path, query } = splitTarget(i);
  const timestamp = String(i.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = i.nonce ?? randomNonceWeb();
  const canonical = canonicalString({ method: i.method, path, query, apiId: i.apiId, timestamp, nonce }, await bodySha256Web(i.body ?? ''));
  return signingHeaders(i.apiId, timestamp, nonce, await signWeb(i.apiKey, canonical));
}
