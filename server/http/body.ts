/**
 * Request bodies, read once. `rawBody(limit)` reads the exact bytes before authentication (the
 * signature hashes them) and enforces the size limit (413 PAYLOAD_TOO_LARGE) without buffering more
 * than the limit; `readJsonBody(c)` checks the media type (415), UTF-8 and JSON (400
 * INVALID_REQUEST_BODY) after authentication, and caches the parsed value. It backs the generated
 * routes' `hooks.readBody`.
 */
import { isUtf8 } from 'node:buffer';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import './context.js';

const EMPTY = new Uint8Array(0);

function tooLarge(limit: number): ApiError {
  return new ApiError('PAYLOAD_TOO_LARGE', `The request body exceeds ${limit} bytes.`);
}

/** Reads a stream of unknown length, giving up (413) as soon as it passes `limit` bytes. */
async function readCapped(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

/**
 * Middleware: puts the exact body bytes on `c.get('rawBody')` (empty for GET/HEAD or no body).
 * A declared `Content-Length` over the limit is refused before reading; a chunked body is counted.
 */
export function rawBody(limit: number): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') {
      c.set('rawBody', EMPTY);
      return next();
    }
    const declared = c.req.header('content-length');
    if (declared !== undefined) {
      const n = Number(declared);
      if (!Number.isFinite(n) || n < 0) throw new ApiError('INVALID_REQUEST_BODY', 'Content-Length is not a number.');
      if (n > limit) throw tooLarge(limit);
      // Node's parser guarantees exactly Content-Length bytes, so the adapter's fast path is safe.
      c.set('rawBody', n === 0 ? EMPTY : new Uint8Array(await c.req.arrayBuffer()));
    } else {
      const stream = c.req.raw.body;
      c.set('rawBody', stream ? await readCapped(stream, limit) : EMPTY);
    }
    return next();
  };
}

/** `application/json`, optionally with `charset=utf-8` (any case); nothing else. */
function isJsonMediaType(ct: string): boolean {
  const semi = ct.indexOf(';');
  const type = (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase();
  if (type !== 'application/json') return false;
  if (semi === -1) return true;
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(ct.slice(semi));
  return charset === null || charset[1].toLowerCase() === 'utf-8' || charset[1].toLowerCase() === 'utf8';
}

/**
 * The parsed JSON body (cached). Throws ApiError: 415 UNSUPPORTED_MEDIA_TYPE when a body is not
 * `application/json`; 400 INVALID_REQUEST_BODY when it is empty, not UTF-8 or not JSON.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const cached = c.get('parsedBody');
  if (cached !== undefined) return cached.value;
  const raw = c.get('rawBody') ?? EMPTY;
  const ct = c.req.header('content-type');
  if (ct === undefined ? raw.byteLength > 0 : !isJsonMediaType(ct)) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `Request bodies must be application/json${ct === undefined ? '; Content-Type is missing' : `, not ${JSON.stringify(ct.slice(0, 100))}`}.`);
  }
  if (raw.byteLength === 0) throw new ApiError('INVALID_REQUEST_BODY', 'A JSON request body is required.');
  if (!isUtf8(raw)) throw new ApiError('INVALID_REQUEST_BODY', 'The request body is not valid UTF-8.');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch (e) {
    throw new ApiError('INVALID_REQUEST_BODY', `The request body is not valid JSON: ${(e as Error).message}.`);
  }
  c.set('parsedBody', { value });
  return value;
}
