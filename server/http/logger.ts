/**
 * Structured JSON logs (pino). One line per request: request_id, method, path (no query: cursors
 * and filters are not secrets but keep lines short), status, duration_ms. Headers are never logged,
 * so API keys and signatures cannot leak; `redact` guards the usual suspects in ad-hoc objects.
 */
import type { MiddlewareHandler } from 'hono';
import { pino, type Logger } from 'pino';
import './context.js';

/** The process logger: JSON to stdout at `level`. */
export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: { service: 'dockgate' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['api_key', '*.api_key', 'apiKey', '*.apiKey', 'signature', 'headers', '*.headers'], censor: '[redacted]' },
  });
}

/** Middleware logging each request once it is answered (after request-id, so the id is set). */
export function requestLogger(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    await next();
    const status = c.res.status;
    const level = status >= 500 ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    logger[level]({
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - start) * 100) / 100,
      api_id: c.get('credential')?.api_id,
    }, 'request');
  };
}
