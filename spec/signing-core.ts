/**
 * The canonicalisation of the dockgate signing scheme (docs/signing.md), with no hash backend and
 * no Node API: spec/signing.ts (node:crypto; the server verifies with it) and
 * spec/signing-web.ts (Web Crypto; the client package signs with it) both build the canonical
 * string here, so the two sides canonicalise byte for byte alike.
 *
 * Signature = lowercase hex HMAC-SHA256(api_key, canonical string), where the canonical string is
 * 8 lines joined by "\n" with no trailing newline:
 *
 *   DOCKGATE-HMAC-SHA256
 *   <HTTP method, upper case>
 *   <path exactly as sent, without the query>
 *   <canonical query, see canonicalQuery>
 *   <X-Api-Id>
 *   <X-Api-Timestamp>
 *   <X-Api-Nonce>
 *   <lowercase hex SHA-256 of the raw body bytes; of the empty string when there is no body>
 */

/** First line of the canonical string. */
export const SIGNING_ALGORITHM = 'DOCKGATE-HMAC-SHA256';

/** SHA-256 of zero bytes, the body hash of GET requests. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Inputs of the canonical string. `query` is the raw query as sent, without '?', possibly ''. */
export interface CanonicalInput {
  method: string;
  path: string;
  query: string;
  apiId: string;
  timestamp: string;
  nonce: string;
  body: Uint8Array | string;
}

/** RFC 3986 encoding: encodeURIComponent plus `!'()*`, so only A-Z a-z 0-9 - _ . ~ stay literal. */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * Decode one query component as sent. `+` is kept literal (RFC 3986, not form encoding); a
 * component whose percent-escapes are not valid UTF-8 is taken literally (its `%` re-encodes to
 * `%25`), so every input has exactly one canonical form and verification never throws.
 */
function decodeComponent(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Canonical query: split the raw query on `&` (empty pieces dropped), each piece on its first `=`
 * (no `=` → empty value), decode, re-encode with {@link rfc3986}, sort by encoded name then
 * encoded value (plain code-unit order, which is byte order for the ASCII encoded form), join
 * `name=value` pairs with `&`. '' when there are no pairs.
 */
export function canonicalQuery(query: string): string {
  if (query === '') return '';
  if (query.charCodeAt(0) === 63 /* ? */) query = query.slice(1);
  const pairs: [string, string][] = [];
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq === -1 ? piece : piece.slice(0, eq);
    const value = eq === -1 ? '' : piece.slice(eq + 1);
    pairs.push([rfc3986(decodeComponent(name)), rfc3986(decodeComponent(value))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let out = '';
  for (let i = 0; i < pairs.length; i++) out += (i === 0 ? '' : '&') + pairs[i][0] + '=' + pairs[i][1];
  return out;
}

/** Canonical string from the request parts and the lowercase hex SHA-256 of its body (issue 3 §2). */
export function canonicalString(i: Omit<CanonicalInput, 'body'>, bodyHash: string): string {
  return (
    SIGNING_ALGORITHM + '\n' +
    i.method.toUpperCase() + '\n' +
    i.path + '\n' +
    canonicalQuery(i.query) + '\n' +
    i.apiId + '\n' +
    i.timestamp + '\n' +
    i.nonce + '\n' +
    bodyHash
  );
}

/** The four signing headers. */
export type SigningHeaders = Record<'X-Api-Id' | 'X-Api-Timestamp' | 'X-Api-Nonce' | 'X-Api-Signature', string>;

/** What a client signs: `path` may carry `?query` when `query` is omitted; `timestamp` is Unix seconds (default now); the body must be the exact bytes (or string) that will be sent. */
export interface SignRequestInput {
  method: string;
  path: string;
  query?: string;
  apiId: string;
  apiKey: string;
  body?: Uint8Array | string | null;
  timestamp?: number;
  nonce?: string;
}

/** `path` and `query` of a {@link SignRequestInput}, the query split off the path when not given. */
export function splitTarget(i: { path: string; query?: string }): { path: string; query: string } {
  if (i.query !== undefined) return { path: i.path, query: i.query };
  const q = i.path.indexOf('?');
  return q === -1 ? { path: i.path, query: '' } : { path: i.path.slice(0, q), query: i.path.slice(q + 1) };
}

/** The four headers, given the values signed and the signature. */
export function signingHeaders(apiId: string, timestamp: string, nonce: string, signature: string): SigningHeaders {
  return { 'X-Api-Id': apiId, 'X-Api-Timestamp': timestamp, 'X-Api-Nonce': nonce, 'X-Api-Signature': signature };
}
