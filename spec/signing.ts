/**
 * The dockgate request signing scheme on node:crypto (issue 3 §2; docs/signing.md has the
 * walkthrough and test vectors): the server verifies with it, tests and scripts sign with it. The
 * canonical string comes from spec/signing-core.ts, shared with the Web Crypto signer the client
 * package uses (spec/signing-web.ts), so both sides canonicalise byte for byte alike.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { canonicalString, EMPTY_BODY_SHA256, signingHeaders, splitTarget, type CanonicalInput, type SigningHeaders, type SignRequestInput } from './signing-core.js';

export * from './signing-core.js';

/** Lowercase hex SHA-256 of the body (a string is hashed as its UTF-8 bytes). */
export function bodySha256(body: Uint8Array | string): string {
  if (body.length === 0) return EMPTY_BODY_SHA256;
  return createHash('sha256').update(body).digest('hex');
}

/** Canonical string of a request, its body hashed here (see spec/signing-core.ts). */
export function canonicalRequest(i: CanonicalInput): string {
  return canonicalString(i, bodySha256(i.body));
}

/** Lowercase hex HMAC-SHA256(key, canonical); the key is used as its UTF-8 bytes. */
export function sign(apiKey: string, canonical: string): string {
  return createHmac('sha256', apiKey).update(canonical).digest('hex');
}

/** A random nonce: 32 characters of `A-Za-z0-9-_` (within the allowed 8–128 of `A-Za-z0-9._-`). */
export function randomNonce(): string {
  return randomBytes(24).toString('base64url');
}

/** The 4 headers for one request; `nonce` defaults to {@link randomNonce}. */
export function signRequest(i: SignRequestInput): SigningHeaders {
  const { path, query } = splitTarget(i);
  const timestamp = String(i.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = i.nonce ?? randomNonce();
  const canonical = canonicalRequest({ method: i.method, path, query, apiId: i.apiId, timestamp, nonce, body: i.body ?? '' });
  return signingHeaders(i.apiId, timestamp, nonce, sign(i.apiKey, canonical));
}
