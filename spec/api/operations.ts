/**
 * The operations of `/api/v1/open`, as data: path, scope, parameters with their constraints, request
 * body, success responses, documented errors (seeds 000–003, issues 2 and 3). Handler method names
 * equal `operationId`. The generator walks this list; it has no code of its own per operation.
 */
import { fromCatalog, type FromCatalog } from './catalog-values.js';
import type { ErrorCode } from './errors.js';
import { EXAMPLE_COMMAND_ID, EXAMPLE_REQUEST_ID, EXAMPLE_TIME } from './examples.js';
import type { Tag } from './document.js';
import { LIMITS } from './limits.js';
import type { Scope } from './scopes.js';
import { COMMAND_UNION, ref, type JsonSchema } from './shapes.js';
import { webhookOperations } from './webhooks.js';

/** A path or query parameter (emitted as an OpenAPI Parameter Object, keys in this order). */
export interface ParameterDef {
  name: string;
  in: 'path' | 'query';
  /** Path parameters are always required. */
  required: boolean;
  description: string;
  schema: JsonSchema;
}

/** An `application/json` body: its schema (usually a `ref`) and a single example or named examples. */
export interface MediaDef {
  /** Default `application/json`; `text/event-stream` for a stream of Server-Sent Events. */
  mediaType?: 'application/json' | 'text/event-stream';
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, { summary: string; value: unknown }> | FromCatalog;
}

/** A success response. `headers` names `RESPONSE_HEADERS` besides `COMMON_RESPONSE_HEADERS`. */
export interface ResponseDef {
  description: string;
  headers?: string[];
  content?: MediaDef;
}

export interface OperationDef {
  operationId: string;
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  /** Markdown; the required scope is stated after it. */
  description: string;
  /** Markdown shown after the scope line. */
  details?: string;
  scope: Scope;
  tag: Tag;
  parameters?: ParameterDef[];
  requestBody?: { required: boolean; content: MediaDef };
  /** Success responses by status (the lowest is the documented success). */
  responses: Partial<Record<200 | 201 | 202 | 204, ResponseDef>>;
  /** Documented error codes (besides `COMMON_ERRORS`, which every operation has). */
  errors: ErrorCode[];
  /** `x-codeSamples` of the operation. */
  codeSamples?: FromCatalog;
}

/** A query parameter. */
export function query(name: string, description: string, schema: JsonSchema, required = false): ParameterDef {
  return { name, in: 'query', required, description, schema };
}

/** A path parameter holding a platform UUID. */
export function uuidPath(name: string, description: string): ParameterDef {
  return { name, in: 'path', required: true, description, schema: { type: 'string', format: 'uuid' } };
}

/** `limit` of every list operation. */
export const LIMIT_PARAM = query('limit', `Page size (${LIMITS.listLimit.min}–${LIMITS.listLimit.max}, default ${LIMITS.listLimit.default}).`, {
  type: 'integer',
  minimum: LIMITS.listLimit.min,
  maximum: LIMITS.listLimit.max,
  default: LIMITS.listLimit.default,
});
/** `cursor` of every list operation. */
export const CURSOR_PARAM = query('cursor', '`next_cursor` of the previous page.', { type: 'string', maxLength: 512 });

const shortText = { type: 'string', minLength: 1, maxLength: 128 };

/** `type` filter of the event operations: a type or a prefix ending in `.*`. */
export const EVENT_TYPE_PARAM = query('type', 'Only events of this type (`command.completed`), or of a prefix (`device.*`).', {
  type: 'string',
  maxLength: 64,
  pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?$',
});
/** `device_id` filter of the event operations. */
export const EVENT_DEVICE_PARAM = query('device_id', 'Only events about this device.', shortText);
/** `since` filter of the event operations. */
export const EVENT_SINCE_PARAM = query('since', 'Only events at or after this time (RFC 3339).', { type: 'string', format: 'date-time' });

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
    details:
      'The body is one of {{commandCount}} variants, chosen by `command_type`; each command has its own section (grouped by domain) with its payload, DJI protocol facts and samples.' +
      `\n\n**Limits:** body ≤ ${LIMITS.maxBodyBytes} bytes; \`timeout_seconds\` ${LIMITS.timeoutSeconds.min}–${LIMITS.timeoutSeconds.max} (default ${LIMITS.timeoutSeconds.default}), the time the dock has to accept the command. ` +
      'A progress-tracked job (a wayline flight, an upgrade, a log upload) then runs under its own limits, given in its section: a silence limit between progress events and a maximum duration.',
    scope: 'open:command:create',
    tag: 'Downlink commands',
    requestBody: { required: true, content: { schema: ref(COMMAND_UNION.component), examples: fromCatalog('createCommandExamples') } },
    codeSamples: fromCatalog('createCommandSamples'),
    responses: {
      202: {
        description: 'Accepted: the command is durably stored. On an idempotent replay, the original response with `Idempotent-Replayed: true`.',
        headers: ['Idempotent-Replayed'],
        content: { schema: ref('CommandAccepted'), example: { command_id: EXAMPLE_COMMAND_ID, status: 'ACCEPTED', accepted_at: EXAMPLE_TIME } },
      },
    },
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
    parameters: [
      query('device_id', 'Only commands for this device.', shortText),
      query('command_type', 'Only commands of this `command_type`.', shortText),
      query('status', 'Only commands in this status.', ref('CommandStatus')),
      LIMIT_PARAM,
      CURSOR_PARAM,
    ],
    responses: {
      200: { description: 'A page of commands, newest first.', content: { schema: ref('CommandList'), example: { items: [fromCatalog('exampleCommand')], next_cursor: null } } },
    },
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
    parameters: [
      uuidPath('command_id', 'Platform command ID (from the create response).'),
      query('wait_seconds', `Hold the response until the command is terminal or this many seconds pass (${LIMITS.waitSeconds.min}–${LIMITS.waitSeconds.max}).`, {
        type: 'integer',
        minimum: LIMITS.waitSeconds.min,
        maximum: LIMITS.waitSeconds.max,
        'x-unit': 's',
      }),
    ],
    responses: { 200: { description: 'The command.', content: { schema: ref('Command'), example: fromCatalog('exampleProgressCommand') } } },
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
    parameters: [
      query('vendor', 'Only requests of this vendor.', { type: 'string', enum: ['dji'] }),
      query('device_id', 'Only requests from this device (gateway SN).', shortText),
      query('request_type', 'Only requests with this DJI `method`.', shortText),
      LIMIT_PARAM,
      CURSOR_PARAM,
    ],
    responses: {
      200: { description: 'A page of device requests, newest first.', content: { schema: ref('DeviceRequestList'), example: { items: [fromCatalog('exampleDeviceRequest')], next_cursor: null } } },
    },
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
    parameters: [uuidPath('request_id', 'Platform request ID.')],
    responses: { 200: { description: 'The device request.', content: { schema: ref('DeviceRequest'), example: fromCatalog('exampleDeviceRequest') } } },
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
    parameters: [uuidPath('request_id', 'Platform request ID.')],
    requestBody: { required: true, content: { schema: ref('DeviceRequestReplyRequest'), example: { reply_code: '0', reply_message: 'ok', payload: {} } } },
    responses: {
      202: {
        description: 'Accepted: the reply is stored and published to the dock.',
        content: {
          schema: ref('DeviceRequestReplyResponse'),
          example: { request_id: EXAMPLE_REQUEST_ID, reply_code: '0', reply_message: 'ok', reply_source: 'manual', replied_at: EXAMPLE_TIME },
        },
      },
    },
    errors: ['INVALID_REQUEST_BODY', 'VALIDATION_FAILED', 'DEVICE_REQUEST_NOT_FOUND', 'DEVICE_REQUEST_ALREADY_REPLIED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'SERVICE_UNAVAILABLE'],
  },
  {
    operationId: 'listEvents',
    method: 'get',
    path: '/api/v1/open/events',
    summary: 'List events',
    description:
      'The event log, oldest first: events of this credential\'s commands and allowed devices, kept for a configured time (default 30 days). ' +
      'Each event has a per-device `sequence` for ordering and an `id` for de-duplication; the same events are streamed by `GET /api/v1/open/events/stream` and delivered to webhook endpoints.',
    scope: 'open:event:read',
    tag: 'Events',
    parameters: [EVENT_TYPE_PARAM, EVENT_DEVICE_PARAM, EVENT_SINCE_PARAM, LIMIT_PARAM, CURSOR_PARAM],
    responses: {
      200: { description: 'A page of events, oldest first.', content: { schema: ref('EventList'), example: { items: [{ id: '01966a3c-7d00-7000-8000-000000000001', type: 'command.accepted', timestamp: EXAMPLE_TIME, device_id: 'dock-sn-001', sequence: 1, data: fromCatalog('exampleCommand') }], next_cursor: null } } },
    },
    errors: ['VALIDATION_FAILED'],
  },
  {
    operationId: 'streamEvents',
    method: 'get',
    path: '/api/v1/open/events/stream',
    summary: 'Stream events',
    description:
      'The event log, live, as Server-Sent Events (`text/event-stream`, https://html.spec.whatwg.org/multipage/server-sent-events.html): the same events and filters as `GET /api/v1/open/events`, each sent as `id: <event id>`, `event: <type>`, `data: <event JSON>`. ' +
      'Without a resume point the stream starts with events committed after the request; with `Last-Event-ID` (the header browsers and SSE clients send on reconnect) or `last_event_id`, it first replays every visible event after that one from the log, then follows, so nothing is missed across a reconnect (a pruned or unknown id answers 400 `VALIDATION_FAILED`). ' +
      `Events committed by any instance are streamed. A comment line (\`: heartbeat\`) is sent every ${LIMITS.streamHeartbeatSeconds} s so proxies keep the connection open. The request is signed like any other; the generated client's \`streamEvents\` signs, reconnects and resumes by itself.`,
    scope: 'open:event:read',
    tag: 'Events',
    parameters: [
      EVENT_TYPE_PARAM,
      EVENT_DEVICE_PARAM,
      EVENT_SINCE_PARAM,
      query('last_event_id', 'Resume after this event (as the `Last-Event-ID` header; the header wins when both are sent).', { type: 'string', format: 'uuid' }),
    ],
    responses: {
      200: {
        description: 'A `text/event-stream` that stays open: one SSE event per event, heartbeats as comments.',
        content: {
          mediaType: 'text/event-stream',
          schema: { type: 'string', description: 'SSE frames: `id:` the event id, `event:` its type, `data:` the `DockgateEvent` JSON.' },
          example: `id: 01966a3c-7d00-7000-8000-000000000001\nevent: command.accepted\ndata: {"id":"01966a3c-7d00-7000-8000-000000000001","type":"command.accepted","timestamp":"${EXAMPLE_TIME}","device_id":"dock-sn-001","sequence":1,"data":{}}\n\n: heartbeat\n\n`,
        },
      },
    },
    errors: ['VALIDATION_FAILED'],
  },
  ...webhookOperations(),
];
