/**
 * The shared shapes of the API as JSON Schema 2020-12 objects (the OpenAPI 3.1 schema dialect),
 * emitted as `components.schemas` in this order after the create-command union
 * (docs/internals/contracts.md "API shapes"). Key order is the emitted order.
 */
import { COMMAND_STATUSES, FAILURE_CODES, STATUS_MEANINGS } from './lifecycle.js';
import { ERROR_CODES, type ErrorCode } from './errors.js';
import { LIMITS } from './limits.js';
import { webhookShapes } from './webhooks.js';

/** A JSON Schema object (plain data; key order is the emitted order). */
export type JsonSchema = Record<string, unknown>;

/** `{ $ref: '#/components/schemas/<name>' }`. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}
function str(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', description, ...extra };
}
/** An RFC 3339 date-time string (a function declaration: the shape modules that import it are imported by this one). */
export function dateTime(description: string): JsonSchema {
  return { type: 'string', format: 'date-time', description };
}
const nullable = (s: JsonSchema): JsonSchema => ({ ...s, type: [s.type as string, 'null'] });

/** A page of a list operation: `items` newest first, and the cursor of the next page. */
export function listPage(item: string, itemsDescription: string): JsonSchema {
  return {
    type: 'object',
    required: ['items', 'next_cursor'],
    properties: {
      items: { type: 'array', items: ref(item), description: itemsDescription },
      next_cursor: nullable(str('Opaque cursor for the next page; null on the last page.')),
    },
    additionalProperties: false,
  };
}

/**
 * The create-command body: a `oneOf` of one flat variant per catalog command, discriminated by
 * `discriminator` (no `allOf`: Redoc, openapi-typescript and Ajv all mishandle `allOf` inside
 * discriminated unions; docs/internals/decisions.md lists the issues). Each variant is `envelope` with `command_type` set to a `const` and
 * `payload` to a `$ref` of the command's payload schema (generator/openapi/command-union.ts).
 */
export const COMMAND_UNION = {
  component: 'CreateCommandRequest',
  description: 'Create-command body: one variant per `command_type` (discriminated by `command_type`).',
  discriminator: 'command_type',
  envelope: {
    required: ['vendor', 'device_id', 'command_type', 'payload', 'idempotency_key'],
    properties: {
      vendor: { type: 'string', const: 'dji', description: 'Vendor; only `dji` is supported (else 400 `UNSUPPORTED_VENDOR`).' },
      device_id: str(
        'Target device: the dock (gateway) SN or an aircraft SN behind it. It becomes an MQTT topic level ' +
          '(`thing/product/{gateway_sn}/services`), so it is limited to letters, digits, `.`, `_` and `-` (MQTT ' +
          'wildcards and `/` could not be delivered).',
        { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
      ),
      command_type: { type: 'string', description: 'DJI `services` method (a `const` per variant).' },
      payload: { type: 'object', description: 'The command payload (a `$ref` to its schema per variant).' },
      idempotency_key: str('Idempotency key: a retry with the same key and body returns the original response (`Idempotent-Replayed: true`); the same key with another body is 409 `IDEMPOTENCY_CONFLICT`.', {
        minLength: LIMITS.idempotencyKey.minLength,
        maxLength: LIMITS.idempotencyKey.maxLength,
      }),
      timeout_seconds: {
        type: 'integer',
        minimum: LIMITS.timeoutSeconds.min,
        maximum: LIMITS.timeoutSeconds.max,
        // No `default` keyword: openapi-typescript would type the property as required. The
        // server applies the default (docs/internals/contracts.md); the description states it.
        description: `Seconds from acceptance for the dock to accept the command: its reply (for a command without a reply, the broker's acknowledgement of the publish). Without it the command becomes \`TIMED_OUT\` (\`failure_code\` \`TIMED_OUT\`). For a command without progress events the reply is the outcome, so this bounds the whole command. A progress-tracked job (its section lists \`x-dji.progress\`) that the dock accepted stays \`DELIVERED\` with \`progress\` beyond this time; from then on its catalog limits bound it: no progress event for the silence limit → \`TIMED_OUT\` / \`PROGRESS_SILENCE\`, still running at the maximum duration → \`TIMED_OUT\` / \`MAX_DURATION_EXCEEDED\`. 0 = complete on delivery. Optional; default ${LIMITS.timeoutSeconds.default} (applied by the server).`,
        'x-unit': 's',
      },
    } as Record<string, JsonSchema>,
  },
};

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

/** Component schemas by name, in emitted order. */
export const SHAPES: Record<string, JsonSchema> = {
  CommandAccepted: {
    type: 'object',
    required: ['command_id', 'status', 'accepted_at'],
    properties: {
      command_id: str('Platform command ID, used for follow-up queries.', { format: 'uuid' }),
      status: { type: 'string', const: 'ACCEPTED', description: 'Acceptance status: always `ACCEPTED` (durably stored, not yet executed).' },
      accepted_at: dateTime('Command acceptance time (UTC).'),
    },
    additionalProperties: false,
  },
  CommandStatus: {
    type: 'string',
    enum: [...COMMAND_STATUSES],
    description:
      'Lifecycle status.\n\n- `ACCEPTED`: stored, not yet published.\n- `DELIVERED`: published; the broker acknowledged it. A progress-tracked job stays `DELIVERED` with `progress` while the dock runs it.\n- `SUCCEEDED`: the dock reported success (reply or terminal progress event).\n- `FAILED`: the dock reported failure.\n- `TIMED_OUT`: a limit passed; `failure_code` says which: `TIMED_OUT` (no reply within `timeout_seconds`), `PROGRESS_SILENCE` or `MAX_DURATION_EXCEEDED` (a progress-tracked job\'s limits).\n- `UNMATCHED_RESPONSE`: a reply carried the command `tid` but another `method` or gateway.',
    'x-enumDescriptions': { ...STATUS_MEANINGS },
  },
  Command: {
    type: 'object',
    description: 'A downlink command and its lifecycle.',
    required: [
      'command_id', 'status', 'vendor', 'device_id', 'gateway_sn', 'command_type', 'payload', 'idempotency_key', 'timeout_seconds',
      'response_code', 'response_message', 'vendor_response', 'failure_code', 'failure_reason', 'progress',
      'accepted_at', 'delivered_at', 'response_received_at', 'completed_at', 'updated_at',
    ],
    properties: {
      command_id: str('Platform command ID.', { format: 'uuid' }),
      status: ref('CommandStatus'),
      vendor: { type: 'string', const: 'dji', description: 'Vendor; always `dji`.' },
      device_id: str('Target device ID as sent.'),
      gateway_sn: str('SN of the dock the command was published to (the device itself, or the gateway it sits behind per `update_topo`).'),
      command_type: str('DJI `services` method.'),
      payload: { type: 'object', additionalProperties: true, description: 'The public payload as accepted.' },
      idempotency_key: str('Idempotency key as sent.'),
      timeout_seconds: { type: 'integer', minimum: LIMITS.timeoutSeconds.min, maximum: LIMITS.timeoutSeconds.max, description: 'Effective timeout for the dock to accept the command (default applied); see the request field.', 'x-unit': 's' },
      response_code: nullable(str('Device-side execution code: `data.code`, else `data.result` of the reply (or of the terminal progress event).')),
      response_message: nullable(str('Device-side message: `data.message` / `data.msg` / `data.description`.')),
      vendor_response: { type: ['object', 'null'], additionalProperties: true, description: 'Normalised DJI reply summary: `result`, `code`, `message`, `output` and vendor extension fields.' },
      failure_code: {
        type: ['string', 'null'],
        enum: [...Object.keys(FAILURE_CODES), null],
        description: `Why the command ended badly; null otherwise.\n\n${Object.entries(FAILURE_CODES).map(([k, v]) => `- \`${k}\`: ${v}`).join('\n')}`,
        'x-enumDescriptions': { ...FAILURE_CODES },
      },
      failure_reason: nullable(str('Human explanation of `failure_code`.')),
      progress: {
        type: ['object', 'null'],
        description: 'Latest progress event, for commands that report progress (null otherwise or before the first event).',
        required: ['percent', 'step', 'dji_status', 'updated_at'],
        properties: {
          percent: { type: ['integer', 'null'], minimum: 0, maximum: 100, description: 'Percent complete.', 'x-unit': '%' },
          step: nullable(str('Current step (DJI `step_key`).')),
          dji_status: nullable(str('DJI status of the last event, e.g. `in_progress`, `ok`, `failed`.')),
          updated_at: dateTime('When the last event was received.'),
        },
        additionalProperties: false,
      },
      accepted_at: dateTime('When the command was accepted (UTC).'),
      delivered_at: nullable(dateTime('When the broker acknowledged the publish.')),
      response_received_at: nullable(dateTime('When the dock reply was received.')),
      completed_at: nullable(dateTime('When the command reached a terminal status.')),
      updated_at: dateTime('Last change.'),
    },
    additionalProperties: false,
  },
  CommandList: listPage('Command', 'Commands, newest first.'),
  DeviceRequest: {
    type: 'object',
    description: 'A request a dock sent on `thing/product/{gateway_sn}/requests`.',
    required: ['request_id', 'vendor', 'device_id', 'request_type', 'inbound_payload', 'received_at', 'reply_code', 'reply_message', 'reply_source', 'standardized_reply', 'replied_at'],
    properties: {
      request_id: str('Platform request ID.', { format: 'uuid' }),
      vendor: { type: 'string', const: 'dji', description: 'Vendor; always `dji`.' },
      device_id: str('SN of the gateway that sent the request.'),
      request_type: str('DJI request `method`.{{knownRequestTypes}}'),
      inbound_payload: {
        type: 'object',
        additionalProperties: true,
        description: 'The whole DJI `requests` message as received (`tid`, `bid`, `timestamp`, `gateway`, `method`, `data`).',
      },
      received_at: dateTime('When the request was received.'),
      reply_code: nullable(str('Reply code (the `result` sent to the dock); null until replied.')),
      reply_message: nullable(str('Reply message; null until replied or when none was given.')),
      reply_source: { type: ['string', 'null'], enum: ['manual', 'auto', null], description: '`manual` = replied through the API; `auto` = answered by the platform from its configuration; null until replied.' },
      standardized_reply: { type: ['object', 'null'], additionalProperties: true, description: 'The `requests_reply` `data` that was published.' },
      replied_at: nullable(dateTime('When the reply was published.')),
    },
    additionalProperties: false,
  },
  DeviceRequestList: listPage('DeviceRequest', 'Device requests, newest first.'),
  EventList: listPage('DockgateEvent', 'Events, oldest first (log order); `DockgateEvent` is built from the event catalog (spec/api/events.ts).'),
  DeviceRequestReplyRequest: {
    type: 'object',
    required: ['reply_code'],
    properties: {
      reply_code: str('Reply code, sent to the dock as `result` (`"0"` = success).', { minLength: 1, maxLength: 64 }),
      reply_message: str('Optional message kept with the reply.'),
      payload: { type: 'object', additionalProperties: true, description: 'Reply `output` (or the flat `data` for `config`).' },
    },
    additionalProperties: false,
  },
  DeviceRequestReplyResponse: {
    type: 'object',
    required: ['request_id', 'reply_code', 'reply_message', 'reply_source', 'replied_at'],
    properties: {
      request_id: str('Platform request ID.', { format: 'uuid' }),
      reply_code: str('Reply code as sent.'),
      reply_message: nullable(str('Reply message as sent, or null.')),
      reply_source: { type: 'string', const: 'manual', description: 'Always `manual` for replies through the API.' },
      replied_at: dateTime('When the reply was published.'),
    },
    additionalProperties: false,
  },
  ValidationIssue: {
    type: 'object',
    required: ['field', 'rule', 'message'],
    properties: {
      field: str('Dotted path from the body/query root, e.g. `payload.points[0].latitude`; empty for the whole body.'),
      rule: str('Failed rule: a JSON Schema keyword (`required`, `type`, `enum`, `minimum`, `maximum`, `maxItems`, `additionalProperties`, `const`, `pattern`, `format`) or `x-max-bytes`.'),
      message: str('Human explanation, e.g. "payload.action must be one of 0, 1, 2, 3".'),
    },
    additionalProperties: false,
  },
  ErrorResponse: {
    type: 'object',
    description: 'Error envelope of every non-2xx response.',
    required: ['code', 'message', 'request_id'],
    properties: {
      code: {
        type: 'string',
        enum: CODES,
        description: `Machine-readable code.\n\n${CODES.map((k) => `- \`${k}\` (${ERROR_CODES[k].status}): ${ERROR_CODES[k].message}`).join('\n')}`,
        'x-enumDescriptions': Object.fromEntries(CODES.map((k) => [k, ERROR_CODES[k].message])),
      },
      message: str('Human explanation.'),
      request_id: str('The `X-Request-Id` of this response; quote it to support.'),
      details: { type: 'array', items: ref('ValidationIssue'), description: 'Every validation issue (400 `VALIDATION_FAILED`).' },
    },
    additionalProperties: false,
  },
  ...webhookShapes(),
};

/** The component every error response uses. */
export const ERROR_SHAPE = 'ErrorResponse';

/** Response headers (`components.headers`) by name. */
export const RESPONSE_HEADERS: Record<string, { description: string; schema: JsonSchema }> = {
  'X-Request-Id': { description: 'ID of this request; also `request_id` in error bodies and in the server logs.', schema: { type: 'string' } },
  'Idempotent-Replayed': {
    description: '`true` when this response is the stored original of an earlier request with the same `idempotency_key` and body.',
    schema: { type: 'string', enum: ['true'] },
  },
};

/** Headers every response carries (success and error). */
export const COMMON_RESPONSE_HEADERS = ['X-Request-Id'];
