/** The error envelope's codes (`{code, message, request_id, details?}`) with their HTTP status. */
import { LIMITS } from './limits.js';

/** Error codes of the envelope `{code, message, request_id, details?}` with their HTTP status. */
export const ERROR_CODES = {
  INVALID_REQUEST_BODY: { status: 400, message: 'The request body is not valid JSON (or not UTF-8, or not application/json).' },
  VALIDATION_FAILED: { status: 400, message: 'A field is missing, has the wrong type, or is out of range; `details` names each.' },
  UNSUPPORTED_VENDOR: { status: 400, message: '`vendor` is not supported (only `dji`).' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 400, message: 'The endpoint `url` is not allowed: it must be https (http only to loopback where private addresses are allowed), without credentials or fragment.' },
  UNSUPPORTED_COMMAND: { status: 400, message: '`command_type` is not in the catalog.' },
  UNAUTHORIZED: { status: 401, message: 'A signing header is missing, or the credential is unknown or disabled.' },
  SIGNATURE_INVALID: { status: 401, message: 'The signature does not match the canonical request.' },
  TIMESTAMP_EXPIRED: { status: 401, message: '`X-Api-Timestamp` is more than 300 s away from the server clock.' },
  NONCE_REPLAYED: { status: 401, message: '`X-Api-Nonce` was already used by this API ID within 300 s.' },
  FORBIDDEN: { status: 403, message: 'The credential lacks the scope, or the device is outside its allowed devices.' },
  COMMAND_NOT_FOUND: { status: 404, message: 'No command with this `command_id` is visible to this credential.' },
  DEVICE_REQUEST_NOT_FOUND: { status: 404, message: 'No device request with this `request_id` is visible to this credential.' },
  DEVICE_NOT_FOUND: { status: 404, message: 'No device with this SN is visible to this credential.' },
  WEBHOOK_ENDPOINT_NOT_FOUND: { status: 404, message: 'No webhook endpoint with this `endpoint_id` belongs to this credential.' },
  WEBHOOK_SUBSCRIPTION_NOT_FOUND: { status: 404, message: 'The endpoint has no subscription with this `subscription_id`.' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, message: 'The endpoint has no delivery of this event.' },
  FLIGHT_TASK_NOT_FOUND: { status: 404, message: 'No flight task with this `flight_id` is visible to this credential.' },
  NOT_FOUND: { status: 404, message: 'No such route.' },
  IDEMPOTENCY_CONFLICT: { status: 409, message: '`idempotency_key` was already used with a different body.' },
  DEVICE_REQUEST_ALREADY_REPLIED: { status: 409, message: 'The device request already has a reply.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body exceeds the documented limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Request bodies must be `application/json`.' },
  INTERNAL_ERROR: { status: 500, message: 'Platform error; quote `request_id` to support.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The store or broker is unreachable; retry with the same idempotency key.' },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** Errors of the signing and scope check, possible on every operation. */
export const AUTH_ERRORS: ErrorCode[] = ['UNAUTHORIZED', 'SIGNATURE_INVALID', 'TIMESTAMP_EXPIRED', 'NONCE_REPLAYED', 'FORBIDDEN'];

/** Errors every operation documents besides its own: the auth errors, then a platform failure. */
export const COMMON_ERRORS: ErrorCode[] = [...AUTH_ERRORS, 'INTERNAL_ERROR'];

/** `details` shown in a code's documented example response (codes without an entry have none). */
export const ERROR_EXAMPLE_DETAILS: Partial<Record<ErrorCode, { field: string; rule: string; message: string }[]>> = {
  VALIDATION_FAILED: [{ field: 'timeout_seconds', rule: 'maximum', message: `timeout_seconds must be <= ${LIMITS.timeoutSeconds.max}` }],
};
