/**
 * `X-Request-Id`: taken from the request when it is sane (1–128 chars of `A-Za-z0-9._:-`, so it
 * is safe in logs and headers), otherwise a fresh UUID; echoed on every response, errors included.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import './context.js';

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Middleware; register first so every later response (and onError/notFound) sees the id. */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given !== undefined && SANE.test(given) ? given : randomUUID();
    c.set('requestId', id);
    await next();
    c.res.headers.set('X-Request-Id', id);
  };
}
