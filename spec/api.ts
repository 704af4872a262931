/**
 * The REST surface around the command catalog: operations, scopes, statuses and error codes
 * (seeds 000–003, utmos-open-platform.md §4–7, issues 2 and 3). Plain data read by the generator
 * (OpenAPI, routes, client, docs) and by the server (error envelope, scopes).
 */

/** Lifecycle of a downlink command (seed 001–003 "Query Response"). */
export const COMMAND_STATUSES = ['ACCEPTED', 'DELIVERED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'UNMATCHED_RESPONSE'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
/** Statuses after which nothing changes the command any more. */
export const TERMINAL_STATUSES: readonly CommandStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'UNMATCHED_RESPONSE'];

/** Why a command ended badly (`failure_code`). */
export const FAILURE_CODES = {
  DEVICE_EXECUTION_FAILED: 'The dock answered with a non-zero `result`, or a progress event ended in failed/rejected/canceled/timeout.',
  TIMED_OUT: 'No terminal status before `timeout_seconds` elapsed (counted from acceptance).',
  UNMATCHED_RESPONSE: 'A reply carried the command `tid` but another `method` or gateway.',
} as const;
export type FailureCode = keyof typeof FAILURE_CODES;

/** Scopes a credential may hold; each operation needs one. */
export const SCOPES = {
  'open:command:create': 'Create downlink commands.',
  'open:command:read': 'Read and list downlink commands.',
  'open:device-request:read': 'Read and list device requests.',
  'open:device-request:create': 'Reply to device requests.',
} as const;
export type Scope = keyof typeof SCOPES;

/** Error codes of the envelope `{code, message, request_id, details?}` with their HTTP status. */
export const ERROR_CODES = {
  INVALID_REQUEST_BODY: { status: 400, message: 'The request body is not valid JSON (or not UTF-8, or not application/json).' },
  VALIDATION_FAILED: { status: 400, message: 'A field is missing, has the wrong type, or is out of range; `details` names each.' },
  UNSUPPORTED_VENDOR: { status: 400, message: '`vendor` is not supported (only `dji`).' },
  UNSUPPORTED_COMMAND: { status: 400, message: '`command_type` is not in the catalog.' },
  UNAUTHORIZED: { status: 401, message: 'A signing header is missing, or the credential is unknown or disabled.' },
  SIGNATURE_INVALID: { status: 401, message: 'The signature does not match the canonical request.' },
  TIMESTAMP_EXPIRED: { status: 401, message: '`X-Api-Timestamp` is more than 300 s away from the server clock.' },
  NONCE_REPLAYED: { status: 401, message: '`X-Api-Nonce` was already used by this API ID within 300 s.' },
  FORBIDDEN: { status: 403, message: 'The credential lacks the scope, or the device is outside its allowed devices.' },
  COMMAND_NOT_FOUND: { status: 404, message: 'No command with this `command_id` is visible to this credential.' },
  DEVICE_REQUEST_NOT_FOUND: { status: 404, message: 'No device request with this `request_id` is visible to this credential.' },
  NOT_FOUND: { status: 404, message: 'No such route.' },
  IDEMPOTENCY_CONFLICT: { status: 409, message: '`idempotency_key` was already used with a different body.' },
  DEVICE_REQUEST_ALREADY_REPLIED: { status: 409, message: 'The device request already has a reply.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body exceeds the documented limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Request bodies must be `application/json`.' },
  INTERNAL_ERROR: { status: 500, message: 'Platform error; quote `request_id` to support.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The store or broker is unreachable; retry with the same idempotency key.' },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** Limits the server enforces and the docs state. */
export const LIMITS = {
  /** Maximum request body, bytes. Larger → 413 PAYLOAD_TOO_LARGE. */
  maxBodyBytes: 256 * 1024,
  /** `timeout_seconds` range and default. 0 = complete on delivery. */
  timeoutSeconds: { min: 0, max: 300, default: 30 },
  /** `wait_seconds` range on GET command. */
  waitSeconds: { min: 0, max: 30 },
  /** List page size. */
  listLimit: { min: 1, max: 500, default: 100 },
  /** Signature clock skew and nonce window, seconds. */
  signatureWindowSeconds: 300,
  /** `X-Api-Nonce` length and alphabet. */
  nonce: { minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9._-]{8,128}$' },
  /** `idempotency_key` length. */
  idempotencyKey: { minLength: 1, maxLength: 255 },
} as const;

/** The four signing headers (issue 3 §2). */
export const SIGNING_HEADERS = ['X-Api-Id', 'X-Api-Timestamp', 'X-Api-Nonce', 'X-Api-Signature'] as const;

export interface OperationDef {
  operationId: string;
  method: 'get' | 'post';
  path: string;
  summary: string;
  description: string;
  scope: Scope;
  tag: 'Downlink commands' | 'Device requests';
  /** Documented success status. */
  success: 200 | 202;
  /** Documented error codes (besides the auth ones every operation has). */
  errors: ErrorCode[];
}

const AUTH_ERRORS: ErrorCode[] = ['UNAUTHORIZED', 'SIGNATURE_INVALID', 'TIMESTAMP_EXPIRED', 'NONCE_REPLAYED', 'FORBIDDEN'];
export { AUTH_ERRORS };

/** The operations of `/api/v1/open`. Handler method names equal `operationId`. */
export const OPERATIONS: OperationDef[] = [
  {
    operationId: 'createCommand',
    method: 'post',
    path: '/api/v1/open/downlink/commands',
    summary: 'Create a downlink command',
    description:
      'Accepts and persists a command for a DJI dock or aircraft. 202 means durably stored, not executed: follow it with ' +
      '`GET /api/v1/open/downlink/commands/{command_id}` (optionally `wait_seconds`). Retries with the same ' +
      '`idempotency_key` and body return the original response with `Idempotent-Replayed: true`.',
    scope: 'open:command:create',
    tag: 'Downlink commands',
    success: 202,
    errors: ['INVALID_REQUEST_BODY', 'VALIDATION_FAILED', 'UNSUPPORTED_VENDOR', 'UNSUPPORTED_COMMAND', 'IDEMPOTENCY_CONFLICT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'SERVICE_UNAVAILABLE'],
  },
  {
    operationId: 'listCommands',
    method: 'get',
    path: '/api/v1/open/downlink/commands',
    summary: 'List downlink commands',
    description: 'Commands created by this credential, newest first, filtered by `device_id`, `command_type` and `status`, with cursor pagination.',
    scope: 'open:command:read',
    tag: 'Downlink commands',
    success: 200,
    errors: ['VALIDATION_FAILED'],
  },
  {
    operationId: 'getCommand',
    method: 'get',
    path: '/api/v1/open/downlink/commands/{command_id}',
    summary: 'Get a downlink command',
    description:
      'The command and its lifecycle. With `wait_seconds=N` (0–30) the response is held until the command is terminal or N seconds pass, so clients need not poll in a loop.',
    scope: 'open:command:read',
    tag: 'Downlink commands',
    success: 200,
    errors: ['VALIDATION_FAILED', 'COMMAND_NOT_FOUND'],
  },
  {
    operationId: 'listDeviceRequests',
    method: 'get',
    path: '/api/v1/open/device-requests',
    summary: 'List device requests',
    description: 'Requests sent by docks (`thing/product/{gateway_sn}/requests`) of this credential\'s devices, newest first.',
    scope: 'open:device-request:read',
    tag: 'Device requests',
    success: 200,
    errors: ['VALIDATION_FAILED'],
  },
  {
    operationId: 'getDeviceRequest',
    method: 'get',
    path: '/api/v1/open/device-requests/{request_id}',
    summary: 'Get a device request',
    description: 'One device request with its inbound payload and reply state.',
    scope: 'open:device-request:read',
    tag: 'Device requests',
    success: 200,
    errors: ['VALIDATION_FAILED', 'DEVICE_REQUEST_NOT_FOUND'],
  },
  {
    operationId: 'replyDeviceRequest',
    method: 'post',
    path: '/api/v1/open/device-requests/{request_id}/reply',
    summary: 'Reply to a device request',
    description:
      'Publishes `requests_reply` to the dock with the request\'s `tid`, `bid` and `method`; `data` is `{result, output}` built from `reply_code` and `payload` (flat for `config`). A request is answered once: a second reply is 409.',
    scope: 'open:device-request:create',
    tag: 'Device requests',
    success: 202,
    errors: ['INVALID_REQUEST_BODY', 'VALIDATION_FAILED', 'DEVICE_REQUEST_NOT_FOUND', 'DEVICE_REQUEST_ALREADY_REPLIED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'SERVICE_UNAVAILABLE'],
  },
];
