/**
 * The error envelope `{code, message, request_id, details?}` (spec/api.ts ERROR_CODES gives the
 * status), `ApiError` to throw from anywhere below the routes, and the app-wide onError/notFound.
 * Stacks and internal messages never reach the client; they go to the log with the request id.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { ERROR_CODES, type ErrorCode } from '../../spec/api.js';
import { StoreUnavailableError } from '../store/types.js';
import type { ValidationIssue } from '../validation/index.js';
import './context.js';

/** An error the client caused or must know about; becomes the envelope with `code`'s status. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: ValidationIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'ApiError';
  }
}

/** The envelope response for `code` (default message from ERROR_CODES). */
export function errorResponse(c: Context, code: ErrorCode, message?: string, details?: ValidationIssue[], headers?: Record<string, string>): Response {
  const body: { code: ErrorCode; message: string; request_id: string; details?: ValidationIssue[] } = {
    code,
    message: message ?? ERROR_CODES[code].message,
    request_id: c.get('requestId') ?? '',
  };
  if (details !== undefined) body.details = details;
  return c.json(body, ERROR_CODES[code].status as ContentfulStatusCode, headers);
}

/** onError for the app: ApiError → its envelope, StoreUnavailableError → 503, anything else → 500 (logged). */
export function onError(logger: Logger): ErrorHandler {
  return (err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err.code, err.message, err.details, err.headers);
    const request_id = c.get('requestId');
    if (err instanceof StoreUnavailableError) {
      logger.error({ request_id, err: { name: err.name, message: err.message } }, 'store unavailable');
      return errorResponse(c, 'SERVICE_UNAVAILABLE', 'The store is unreachable; retry with the same idempotency key.', undefined, { 'Retry-After': '1' });
    }
    logger.error({ request_id, err }, 'unhandled error');
    return errorResponse(c, 'INTERNAL_ERROR');
  };
}

/** notFound for the app: 404 NOT_FOUND in the envelope. */
export const notFound: NotFoundHandler = (c) => errorResponse(c, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`);
