/**
 * Authentication and authorization of `/api/v1/open/*` (issue 3 §2, docs/signing.md).
 *
 * Check order (first failure answers; the body was already read and size-checked by body.ts):
 *  1. the four headers present, timestamp all digits, nonce `^[A-Za-z0-9._-]{8,128}$` → 401 UNAUTHORIZED
 *  2. timestamp within ±300 s                                                       → 401 TIMESTAMP_EXPIRED
 *  3. credential exists and is enabled                                              → 401 UNAUTHORIZED
 *  4. signature (constant-time)                                                     → 401 SIGNATURE_INVALID
 *  5. nonce unused for this API ID in 300 s (store.rememberNonce, survives restarts) → 401 NONCE_REPLAYED
 *  6. the route's scope                                                             → 403 FORBIDDEN
 * The nonce is remembered only after the signature is verified, so a forged or corrupted request
 * cannot burn a legitimate nonce. Device-level checks (allowed devices) are done by the handlers.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { LIMITS, type Scope } from '../../spec/api.js';
import { canonicalRequest, sign } from '../../spec/signing.js';
import type { Store } from '../store/types.js';
import { ApiError } from './errors.js';
import type { ScopedRoute } from './route.js';
import './context.js';

export interface AuthOptions {
  store: Pick<Store, 'getCredential' | 'rememberNonce'>;
  routes: readonly ScopedRoute[];
  /** Clock in ms (tests move it). */
  now?: () => number;
}

const NONCE = new RegExp(LIMITS.nonce.pattern);
const DIGITS = /^\d{1,16}$/;

/** Compiles `/a/:id/b` into an anchored regex once, so scope lookup is a few regex tests per request. */
function compileRoutes(routes: readonly ScopedRoute[]): { method: string; re: RegExp; scope: Scope }[] {
  return routes.map((r) => ({
    method: r.method.toUpperCase(),
    re: new RegExp('^' + r.path.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/') + '/?$'),
    scope: r.scope,
  }));
}

/** Path exactly as sent (not percent-decoded, unlike `c.req.path`) and the raw query. */
export function rawTarget(url: string): { path: string; query: string } {
  const start = url.indexOf('/', url.indexOf('://') + 3);
  if (start === -1) return { path: '/', query: '' };
  const q = url.indexOf('?', start);
  return q === -1 ? { path: url.slice(start), query: '' } : { path: url.slice(start, q), query: url.slice(q + 1) };
}

/** Middleware: verifies the signature headers, sets `c.get('credential')`, checks the route scope. */
export function authenticate(o: AuthOptions): MiddlewareHandler {
  const routes = compileRoutes(o.routes);
  const now = o.now ?? Date.now;
  const window = LIMITS.signatureWindowSeconds;
  return async (c, next) => {
    const apiId = c.req.header('x-api-id');
    const ts = c.req.header('x-api-timestamp');
    const nonce = c.req.header('x-api-nonce');
    const signature = c.req.header('x-api-signature');
    const missing = [apiId === undefined && 'X-Api-Id', ts === undefined && 'X-Api-Timestamp', nonce === undefined && 'X-Api-Nonce', signature === undefined && 'X-Api-Signature'].filter(Boolean);
    if (missing.length > 0) throw new ApiError('UNAUTHORIZED', `Missing header${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);
    if (!DIGITS.test(ts!)) throw new ApiError('UNAUTHORIZED', 'X-Api-Timestamp must be Unix time in seconds (digits only).');
    if (!NONCE.test(nonce!)) throw new ApiError('UNAUTHORIZED', `X-Api-Nonce must be 8–128 characters of A-Za-z0-9._-.`);

    const nowMs = now();
    const skew = Number(ts) - nowMs / 1000;
    if (Math.abs(skew) > window) {
      const hint = ts!.length >= 13 ? ' It looks like milliseconds; send seconds.' : '';
      throw new ApiError('TIMESTAMP_EXPIRED', `X-Api-Timestamp is ${Math.round(Math.abs(skew))} s ${skew > 0 ? 'ahead of' : 'behind'} the server clock (allowed ±${window} s).${hint}`);
    }

    const cred = await o.store.getCredential(apiId!);
    if (cred === null || cred.disabled) throw new ApiError('UNAUTHORIZED', 'Unknown or disabled credential.');

    const { path, query } = rawTarget(c.req.url);
    const expected = sign(cred.api_key, canonicalRequest({ method: c.req.method, path, query, apiId: apiId!, timestamp: ts!, nonce: nonce!, body: c.get('rawBody') ?? '' }));
    if (signature!.length !== expected.length || !timingSafeEqual(Buffer.from(signature!, 'latin1'), Buffer.from(expected, 'latin1'))) {
      throw new ApiError('SIGNATURE_INVALID', 'The signature does not match the canonical request (see docs/signing.md).');
    }

    // Remembered until the later of now and the timestamp plus the window: the same nonce with any
    // timestamp the skew check still accepts is refused.
    const expiresAt = new Date(Math.max(nowMs, Number(ts) * 1000) + window * 1000).toISOString();
    if (!(await o.store.rememberNonce(apiId!, nonce!, expiresAt))) throw new ApiError('NONCE_REPLAYED', 'X-Api-Nonce was already used by this API ID within 300 s; sign each request with a fresh nonce.');

    c.set('credential', cred);
    const method = c.req.method;
    for (const r of routes) {
      if (r.method === method && r.re.test(path)) {
        if (!cred.scopes.includes(r.scope)) throw new ApiError('FORBIDDEN', `The credential lacks the scope ${r.scope}.`);
        break;
      }
    }
    return next();
  };
}
