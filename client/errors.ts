/**
 * What the client's calls resolve with (`ApiResult`, the `{ data, error, response }` of
 * openapi-fetch) and the error thrown by helpers that return data directly.
 */
import type { components } from '../generated/types.js';

/** The error envelope of every non-2xx response: `{code, message, request_id, details?}`. */
export type ErrorResponse = components['schemas']['ErrorResponse'];

/** Outcome of a call, as openapi-fetch gives it: `data` on 2xx, else `error` (the error envelope). */
export type ApiResult<T> = { data: T; error?: undefined; response: Response } | { data?: undefined; error: ErrorResponse; response: Response };

/** openapi-fetch's `{ data, error, response }` narrowed to `ApiResult`. */
export function apiResult<T>(r: { data?: unknown; error?: unknown; response: Response }): ApiResult<T> {
  return r as ApiResult<T>;
}

/**
 * Thrown by helpers that return data directly (`waitForCommand`) when the API answers with an
 * error: `status` is the HTTP status, `error` the envelope (undefined when the body was not one);
 * the message is `<code>: <message>`.
 */
export class DockgateApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ErrorResponse,
  ) {
    super(`${error?.code ?? 'HTTP_' + status}: ${error?.message ?? 'request failed'}`);
    this.name = 'DockgateApiError';
  }
}
