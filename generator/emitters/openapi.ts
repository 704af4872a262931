/**
 * The OpenAPI 3.1 document (issue 2 §3, docs/internals/contracts.md "API shapes"), built once per generation and
 * shared by every emitter through `GenerateContext.openapi`; this emitter writes it as
 * `generated/openapi.yaml` and `generated/openapi.json`.
 *
 * Shape choices (why):
 * - The create-command body is `oneOf` of flat variants `CreateCommand_<command_type>` (no `allOf`:
 *   Redoc, openapi-typescript and Ajv all mishandle `allOf` inside discriminated unions, see
 *   toolkit-anchors.md §B–C) with `command_type` a `const` and an explicit `discriminator.mapping`.
 * - Each command's payload is its own component `Payload_<command_type>`, so clients get a named type.
 * - A single operation carries every command, so each command also gets a documentation-only tag
 *   (`x-traitTag`: Redoc renders it as a section with no operations) holding its description, payload
 *   table, DJI protocol facts, wire translation and its cURL/TypeScript/Go samples; tags are grouped
 *   per domain with `x-tagGroups`. The samples are also attached as `x-codeSamples` to each variant.
 */
import { AUTH_ERRORS, COMMAND_STATUSES, ERROR_CODES, FAILURE_CODES, LIMITS, OPERATIONS, SCOPES, type ErrorCode, type OperationDef } from '../../spec/api.js';
import { DOMAINS, type CommandDef, type DeviceRequestDef, type Domain, type Field } from '../../spec/types.js';
import { jsonWithHeader, withHeader } from '../header.js';
import { toYaml } from '../yaml.js';
import {
  fieldDescription,
  fieldSchema,
  flattenFields,
  objectSchema,
  payloadSchema,
  payloadSchemaName,
  typeLabel,
  variantSchemaName,
  type JsonSchema,
} from '../schema.js';
import { codeSamples, type CodeSample } from './samples.js';
import type { Emitter, GeneratedFile } from '../generate.js';

/** The document as plain data (JSON-serialisable; key order is the emitted order). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: Record<string, unknown>;
  servers: { url: string; description?: string }[];
  security: Record<string, string[]>[];
  tags: Record<string, unknown>[];
  'x-tagGroups': { name: string; tags: string[] }[];
  paths: Record<string, Record<string, any>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, Record<string, unknown>>;
    headers: Record<string, Record<string, unknown>>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** Security scheme names, one per signing header; all four are required together. */
export const SECURITY_SCHEMES = { ApiId: 'X-Api-Id', ApiTimestamp: 'X-Api-Timestamp', ApiNonce: 'X-Api-Nonce', ApiSignature: 'X-Api-Signature' } as const;

/** Tag of a command's documentation page (its `command_type`). */
export function commandTag(c: CommandDef): string {
  return c.command_type;
}
/** Tag of a domain overview page. */
export function domainTag(d: Domain): string {
  return `${d} commands`;
}
const DEVICE_REQUEST_TYPES_TAG = 'Device request types';
/** Where the gateway serves the signing guide (generator/emitters/guides.ts renders docs/signing.md there). */
const SIGNING_GUIDE = '/docs/guides/signing.html';

const EXAMPLE_DEVICE = 'dock-sn-001';
const EXAMPLE_COMMAND_ID = '3c9a9be3-c710-41a1-96c8-41bf4d684dff';
const EXAMPLE_REQUEST_ID = '7d1f0c2e-5b7a-4c3e-9a61-2f0e8d4b9c10';
const EXAMPLE_TIME = '2026-04-22T12:00:00.000Z';
const EXAMPLE_REQUEST_ID_HEADER = 'req_01HZX3K4Q9N6V2B8C7D5E4F3G2';

/** Escape text for one Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n+/g, '<br>').trim();
}

/** A representative valid create-command body for a command (its catalog example). */
export function exampleBody(c: CommandDef): Record<string, unknown> {
  return {
    vendor: 'dji',
    device_id: EXAMPLE_DEVICE,
    command_type: c.command_type,
    payload: c.example,
    idempotency_key: `req-${c.command_type}-001`,
    timeout_seconds: LIMITS.timeoutSeconds.default,
  };
}

// ---------------------------------------------------------------------------------------------
// Command documentation (Markdown for the per-command tag)

function fieldRows(fields: Record<string, Field>): string {
  const rows = flattenFields(fields);
  if (!rows.length) return 'Empty object `{}`: the command takes no parameters.\n';
  const lines = ['| Field | Type | Required | Description |', '|---|---|---|---|'];
  for (const r of rows) {
    const d = fieldDescription(r.field) + (r.field.deprecated ? '\n\n**Deprecated.**' : '');
    lines.push(`| \`${r.path}\` | ${cell(typeLabel(r.field))} | ${r.required ? 'yes' : 'no'} | ${cell(d)} |`);
  }
  return lines.join('\n') + '\n';
}

function protocolFacts(c: CommandDef): string {
  const topic = `thing/product/{gateway_sn}/${c.transport}`;
  const out = [`- **Transport:** published on \`${topic}\` with \`method\` = \`${c.command_type}\`.`];
  if (c.bid_from)
    out.push(`- **Envelope \`bid\`:** the payload's \`${c.bid_from}\` instead of a fresh UUID (as DJI's reference server does), so progress events carry it whether the dock echoes the command \`bid\` or fills in the id itself.`);
  if (c.reply === 'services_reply')
    out.push('- **Reply:** the dock answers on `thing/product/{gateway_sn}/services_reply` echoing `tid`/`bid`; `data.result` 0 = accepted/succeeded, non-zero = `FAILED` (`DEVICE_EXECUTION_FAILED`).');
  else if (c.reply === 'drc/up')
    out.push(`- **Reply:** the dock answers on \`thing/product/{gateway_sn}/drc/up\` with the same \`method\` (and \`seq\` on Dock 3).`);
  else out.push('- **Reply:** none. The command is `SUCCEEDED` once the broker acknowledges the publish.');
  if (c.progress) {
    const p = c.progress;
    const corr =
      p.correlate_by === 'bid'
        ? 'by the command `bid`'
        : `by event \`data.${p.correlate_by.event_field}\` = payload \`${p.correlate_by.payload_field}\``;
    out.push(
      `- **Progress:** completion arrives later as \`${p.event_method}\` events on \`thing/product/{gateway_sn}/events\`, matched ${corr}. ` +
        `Status at \`data.${p.status_path}\`` +
        (p.percent_path ? `, percent at \`data.${p.percent_path}\`` : '') +
        (p.step_path ? `, step at \`data.${p.step_path}\`` : '') +
        `. Succeeded: ${p.succeeded.map((s) => `\`${s}\``).join(', ')}; failed: ${p.failed.map((s) => `\`${s}\``).join(', ') || '—'}. ` +
        (p.need_reply ? 'Events carry `need_reply: 1` and are acknowledged on `events_reply`.' : 'Events do not ask for a reply.'),
    );
  } else if (c.reply !== 'none') {
    out.push('- **Progress:** none; the reply is the final result.');
  }
  out.push(`- **Docks:** ${c.docks}.`);
  return out.join('\n') + '\n';
}

function wireSection(c: CommandDef): string {
  if (!c.wire) return '';
  const w = c.wire;
  const how = w.translate
    ? 'The gateway translates the public payload into the DJI `data` below before publishing (an explicit, tested function in the catalog).'
    : `No translation is possible: ${w.untranslatable ?? 'see notes'}. The payload is published unchanged.`;
  return `### Wire translation\n\n${w.notes.trim()}\n\n${how}\n\nDJI \`data\` shape:\n\n${fieldRows(w.data)}\n`;
}

function samplesSection(samples: CodeSample[]): string {
  const fence: Record<string, string> = { Shell: 'bash', TypeScript: 'typescript', Go: 'go' };
  return samples.map((s) => `#### ${s.label}\n\n\`\`\`${fence[s.lang] ?? ''}\n${s.source.trimEnd()}\n\`\`\`\n`).join('\n');
}

/** Markdown page of one command (tag description). */
export function commandMarkdown(c: CommandDef, samples: CodeSample[]): string {
  const head = [
    `**\`${c.command_type}\`** — ${c.summary.replace(/\.$/, '')}. Domain \`${c.domain}\`.` + (c.deprecated ? ' **Deprecated by DJI** (still accepted).' : ''),
    c.description.trim(),
  ].join('\n\n');
  return [
    head,
    `### Payload\n\nSend as \`payload\` with \`command_type: "${c.command_type}"\` to \`POST /api/v1/open/downlink/commands\` (schema \`${payloadSchemaName(c.command_type)}\`).\n\n${fieldRows(c.payload)}`,
    `### DJI protocol\n\n${protocolFacts(c)}`,
    wireSection(c),
    `### Example request body\n\n\`\`\`json\n${JSON.stringify(exampleBody(c), null, 2)}\n\`\`\`\n`,
    `### Code samples\n\n${samplesSection(samples)}`,
    c.sources.length ? `### Sources\n\n${c.sources.map((s) => `- ${s}`).join('\n')}\n` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function domainMarkdown(d: Domain, list: CommandDef[]): string {
  if (!list.length) return `Commands of the \`${d}\` domain (seed 004). None in the catalog yet.`;
  const rows = list.map(
    (c) => `| [\`${c.command_type}\`](#/${commandTag(c)}) | ${cell(c.summary)}${c.deprecated ? ' (deprecated)' : ''} | \`${c.transport}\` | ${c.progress ? `events \`${c.progress.event_method}\`` : c.reply} |`,
  );
  return `Commands of the \`${d}\` domain (seed 004): ${list.length}. Each is a \`command_type\` of \`POST /api/v1/open/downlink/commands\`.\n\n| command_type | Summary | Transport | Completion |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}

function deviceRequestsMarkdown(list: DeviceRequestDef[]): string {
  if (!list.length) return 'Request types sent by docks on `thing/product/{gateway_sn}/requests`. None are described in the catalog yet; any request is stored and listed with its raw `inbound_payload`.';
  const parts = [
    'Request types docks send on `thing/product/{gateway_sn}/requests` that the platform knows. Any other request is still stored and listed with its raw `inbound_payload`. Shapes are informative (DJI `data` of the request and of `requests_reply`).',
  ];
  for (const r of list) {
    parts.push(
      `### \`${r.request_type}\`\n\n${r.description.trim()}\n\n` +
        `- Reply form: ${r.reply_form === 'flat' ? 'flat `data` (no `{result, output}` wrapper)' : '`{result, output}`'}\n` +
        `- Answered automatically by the platform: ${r.auto_reply ? 'yes' : 'no (reply with `POST /api/v1/open/device-requests/{request_id}/reply`)'}\n\n` +
        `Request \`data\`:\n\n${fieldRows(r.data)}\nReply \`data\`:\n\n${fieldRows(r.reply)}` +
        (r.example ? `\nExample request \`data\`:\n\n\`\`\`json\n${JSON.stringify(r.example, null, 2)}\n\`\`\`\n` : ''),
    );
  }
  return parts.join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Components

function str(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', description, ...extra };
}
const dateTime = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description });
const nullable = (s: JsonSchema): JsonSchema => ({ ...s, type: [s.type as string, 'null'] });

function variantSchema(c: CommandDef, samples: CodeSample[]): JsonSchema {
  const s: JsonSchema = {
    type: 'object',
    title: c.command_type,
    description: `${c.summary.replace(/\.$/, '')}.${c.deprecated ? ' Deprecated by DJI (still accepted).' : ''} See the \`${c.command_type}\` section for protocol facts and samples.`,
    required: ['vendor', 'device_id', 'command_type', 'payload', 'idempotency_key'],
    properties: {
      vendor: { type: 'string', const: 'dji', description: 'Vendor; only `dji` is supported (else 400 `UNSUPPORTED_VENDOR`).' },
      device_id: str(
        'Target device: the dock (gateway) SN or an aircraft SN behind it. It becomes an MQTT topic level ' +
          '(`thing/product/{gateway_sn}/services`), so it is limited to letters, digits, `.`, `_` and `-` (MQTT ' +
          'wildcards and `/` could not be delivered).',
        { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
      ),
      command_type: { type: 'string', const: c.command_type, description: `DJI \`services\` method: \`${c.command_type}\`.` },
      payload: { $ref: `#/components/schemas/${payloadSchemaName(c.command_type)}` },
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
        description: `Seconds from acceptance until a command without a terminal status becomes \`TIMED_OUT\`; 0 = complete on delivery. Optional; default ${LIMITS.timeoutSeconds.default} (applied by the server).`,
        'x-unit': 's',
      },
    },
    additionalProperties: false,
    'x-dji': {
      transport: c.transport,
      reply: c.reply,
      ...(c.progress ? { progress: c.progress } : {}),
      ...(c.wire
        ? {
            wire: {
              notes: c.wire.notes,
              translation: c.wire.translate ? 'translate' : 'untranslatable',
              ...(c.wire.untranslatable ? { untranslatable: c.wire.untranslatable } : {}),
              data: objectSchema(c.wire.data, { description: `DJI \`data\` of \`${c.command_type}\`.` }),
            },
          }
        : {}),
      docks: c.docks,
    },
    'x-codeSamples': samples,
  };
  if (c.deprecated) s.deprecated = true;
  return s;
}

function commandSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'A downlink command and its lifecycle.',
    required: [
      'command_id', 'status', 'vendor', 'device_id', 'gateway_sn', 'command_type', 'payload', 'idempotency_key', 'timeout_seconds',
      'response_code', 'response_message', 'vendor_response', 'failure_code', 'failure_reason', 'progress',
      'accepted_at', 'delivered_at', 'response_received_at', 'completed_at', 'updated_at',
    ],
    properties: {
      command_id: str('Platform command ID.', { format: 'uuid' }),
      status: { $ref: '#/components/schemas/CommandStatus' },
      vendor: { type: 'string', const: 'dji', description: 'Vendor; always `dji`.' },
      device_id: str('Target device ID as sent.'),
      gateway_sn: str('SN of the dock the command was published to (the device itself, or the gateway it sits behind per `update_topo`).'),
      command_type: str('DJI `services` method.'),
      payload: { type: 'object', additionalProperties: true, description: 'The public payload as accepted.' },
      idempotency_key: str('Idempotency key as sent.'),
      timeout_seconds: { type: 'integer', minimum: LIMITS.timeoutSeconds.min, maximum: LIMITS.timeoutSeconds.max, description: 'Effective timeout (default applied).', 'x-unit': 's' },
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
  };
}

function deviceRequestSchema(known: DeviceRequestDef[]): JsonSchema {
  const types = known.length ? ` Known types: ${known.map((r) => `\`${r.request_type}\``).join(', ')} (see "${DEVICE_REQUEST_TYPES_TAG}").` : '';
  return {
    type: 'object',
    description: 'A request a dock sent on `thing/product/{gateway_sn}/requests`.',
    required: ['request_id', 'vendor', 'device_id', 'request_type', 'inbound_payload', 'received_at', 'reply_code', 'reply_message', 'reply_source', 'standardized_reply', 'replied_at'],
    properties: {
      request_id: str('Platform request ID.', { format: 'uuid' }),
      vendor: { type: 'string', const: 'dji', description: 'Vendor; always `dji`.' },
      device_id: str('SN of the gateway that sent the request.'),
      request_type: str(`DJI request \`method\`.${types}`),
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
  };
}

function components(commands: CommandDef[], deviceRequests: DeviceRequestDef[], samples: Map<string, CodeSample[]>): OpenApiDocument['components'] {
  const schemas: Record<string, JsonSchema> = {};
  const mapping: Record<string, string> = {};
  for (const c of commands) mapping[c.command_type] = `#/components/schemas/${variantSchemaName(c.command_type)}`;
  schemas.CreateCommandRequest = {
    description: 'Create-command body: one variant per `command_type` (discriminated by `command_type`).',
    oneOf: commands.map((c) => ({ $ref: mapping[c.command_type] })),
    discriminator: { propertyName: 'command_type', mapping },
  };
  for (const c of commands) {
    schemas[variantSchemaName(c.command_type)] = variantSchema(c, samples.get(c.command_type) ?? []);
    schemas[payloadSchemaName(c.command_type)] = payloadSchema(c);
  }
  schemas.CreateCommandResponse = {
    type: 'object',
    required: ['command_id', 'status', 'accepted_at'],
    properties: {
      command_id: str('Platform command ID, used for follow-up queries.', { format: 'uuid' }),
      status: { type: 'string', const: 'ACCEPTED', description: 'Acceptance status: always `ACCEPTED` (durably stored, not yet executed).' },
      accepted_at: dateTime('Command acceptance time (UTC).'),
    },
    additionalProperties: false,
  };
  schemas.CommandStatus = {
    type: 'string',
    enum: [...COMMAND_STATUSES],
    description:
      'Lifecycle status.\n\n- `ACCEPTED`: stored, not yet published.\n- `DELIVERED`: published; the broker acknowledged it.\n- `SUCCEEDED`: the dock reported success (reply or terminal progress event).\n- `FAILED`: the dock reported failure.\n- `TIMED_OUT`: no terminal status within `timeout_seconds`.\n- `UNMATCHED_RESPONSE`: a reply carried the command `tid` but another `method` or gateway.',
    'x-enumDescriptions': {
      ACCEPTED: 'Stored, not yet published.',
      DELIVERED: 'Published; the broker acknowledged it.',
      SUCCEEDED: 'The dock reported success.',
      FAILED: 'The dock reported failure.',
      TIMED_OUT: 'No terminal status within timeout_seconds.',
      UNMATCHED_RESPONSE: 'A reply carried the command tid but another method or gateway.',
    },
  };
  schemas.Command = commandSchema();
  schemas.CommandList = {
    type: 'object',
    required: ['items', 'next_cursor'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/Command' }, description: 'Commands, newest first.' },
      next_cursor: nullable(str('Opaque cursor for the next page; null on the last page.')),
    },
    additionalProperties: false,
  };
  schemas.DeviceRequest = deviceRequestSchema(deviceRequests);
  schemas.DeviceRequestList = {
    type: 'object',
    required: ['items', 'next_cursor'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/DeviceRequest' }, description: 'Device requests, newest first.' },
      next_cursor: nullable(str('Opaque cursor for the next page; null on the last page.')),
    },
    additionalProperties: false,
  };
  schemas.DeviceRequestReplyRequest = {
    type: 'object',
    required: ['reply_code'],
    properties: {
      reply_code: str('Reply code, sent to the dock as `result` (`"0"` = success).', { minLength: 1, maxLength: 64 }),
      reply_message: str('Optional message kept with the reply.'),
      payload: { type: 'object', additionalProperties: true, description: 'Reply `output` (or the flat `data` for `config`).' },
    },
    additionalProperties: false,
  };
  schemas.DeviceRequestReplyResponse = {
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
  };
  schemas.ValidationIssue = {
    type: 'object',
    required: ['field', 'rule', 'message'],
    properties: {
      field: str('Dotted path from the body/query root, e.g. `payload.points[0].latitude`; empty for the whole body.'),
      rule: str('Failed rule: a JSON Schema keyword (`required`, `type`, `enum`, `minimum`, `maximum`, `maxItems`, `additionalProperties`, `const`, `pattern`, `format`) or `x-max-bytes`.'),
      message: str('Human explanation, e.g. "payload.action must be one of 0, 1, 2, 3".'),
    },
    additionalProperties: false,
  };
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];
  schemas.ErrorResponse = {
    type: 'object',
    description: 'Error envelope of every non-2xx response.',
    required: ['code', 'message', 'request_id'],
    properties: {
      code: {
        type: 'string',
        enum: codes,
        description: `Machine-readable code.\n\n${codes.map((k) => `- \`${k}\` (${ERROR_CODES[k].status}): ${ERROR_CODES[k].message}`).join('\n')}`,
        'x-enumDescriptions': Object.fromEntries(codes.map((k) => [k, ERROR_CODES[k].message])),
      },
      message: str('Human explanation.'),
      request_id: str('The `X-Request-Id` of this response; quote it to support.'),
      details: { type: 'array', items: { $ref: '#/components/schemas/ValidationIssue' }, description: 'Every validation issue (400 `VALIDATION_FAILED`).' },
    },
    additionalProperties: false,
  };

  // Absolute link: the gateway serves the guides at /docs/guides/ (server/app.ts); in the
  // repository the same text is docs/signing.md, named so a reader of the file finds it.
  const scopeText = `The signature scheme is described in the [signing guide](${SIGNING_GUIDE}) (\`docs/signing.md\` in the repository) and in the API introduction.`;
  return {
    schemas,
    securitySchemes: {
      ApiId: { type: 'apiKey', in: 'header', name: SECURITY_SCHEMES.ApiId, description: `The credential's API ID. ${scopeText}` },
      ApiTimestamp: { type: 'apiKey', in: 'header', name: SECURITY_SCHEMES.ApiTimestamp, description: `Unix time in seconds; within ±${LIMITS.signatureWindowSeconds} s of the server clock.` },
      ApiNonce: { type: 'apiKey', in: 'header', name: SECURITY_SCHEMES.ApiNonce, description: `Unique per API ID within ${LIMITS.signatureWindowSeconds} s; \`${LIMITS.nonce.pattern}\`.` },
      ApiSignature: {
        type: 'apiKey',
        in: 'header',
        name: SECURITY_SCHEMES.ApiSignature,
        description: `Lowercase hex HMAC-SHA256 of the canonical request string, keyed with the API key. ${scopeText}`,
      },
    },
    headers: {
      'X-Request-Id': { description: 'ID of this request; also `request_id` in error bodies and in the server logs.', schema: { type: 'string' } },
      'Idempotent-Replayed': {
        description: '`true` when this response is the stored original of an earlier request with the same `idempotency_key` and body.',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Operations

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function errorExample(code: ErrorCode): Record<string, unknown> {
  const v: Record<string, unknown> = { code, message: ERROR_CODES[code].message.replace(/`/g, ''), request_id: EXAMPLE_REQUEST_ID_HEADER };
  if (code === 'VALIDATION_FAILED')
    v.details = [{ field: 'timeout_seconds', rule: 'maximum', message: `timeout_seconds must be <= ${LIMITS.timeoutSeconds.max}` }];
  return v;
}

function errorResponses(op: OperationDef): Record<string, unknown> {
  const all = [...op.errors, ...AUTH_ERRORS, 'INTERNAL_ERROR' as ErrorCode];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of all) {
    const s = ERROR_CODES[c].status;
    if (!byStatus.has(s)) byStatus.set(s, []);
    if (!byStatus.get(s)!.includes(c)) byStatus.get(s)!.push(c);
  }
  const out: Record<string, unknown> = {};
  for (const s of [...byStatus.keys()].sort((a, b) => a - b)) {
    const cs = byStatus.get(s)!;
    out[String(s)] = {
      description: cs.map((c) => `\`${c}\`: ${ERROR_CODES[c].message}`).join(' '),
      headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } },
      content: {
        'application/json': {
          schema: ref('ErrorResponse'),
          examples: Object.fromEntries(cs.map((c) => [c, { summary: c, value: errorExample(c) }])),
        },
      },
    };
  }
  return out;
}

function exampleCommand(c: CommandDef | undefined): Record<string, unknown> {
  return {
    command_id: EXAMPLE_COMMAND_ID,
    status: 'SUCCEEDED',
    vendor: 'dji',
    device_id: EXAMPLE_DEVICE,
    gateway_sn: EXAMPLE_DEVICE,
    command_type: c?.command_type ?? 'cover_open',
    payload: c?.example ?? {},
    idempotency_key: `req-${c?.command_type ?? 'cover_open'}-001`,
    timeout_seconds: LIMITS.timeoutSeconds.default,
    response_code: '0',
    response_message: null,
    vendor_response: { result: 0, output: { status: 'ok' } },
    failure_code: null,
    failure_reason: null,
    progress: c?.progress ? { percent: 100, step: null, dji_status: 'ok', updated_at: '2026-04-22T12:00:20.000Z' } : null,
    accepted_at: EXAMPLE_TIME,
    delivered_at: '2026-04-22T12:00:00.050Z',
    response_received_at: '2026-04-22T12:00:00.400Z',
    completed_at: '2026-04-22T12:00:20.000Z',
    updated_at: '2026-04-22T12:00:20.000Z',
  };
}

function exampleDeviceRequest(r: DeviceRequestDef | undefined): Record<string, unknown> {
  return {
    request_id: EXAMPLE_REQUEST_ID,
    vendor: 'dji',
    device_id: EXAMPLE_DEVICE,
    request_type: r?.request_type ?? 'config',
    inbound_payload: {
      tid: '6a7bfe89-c386-4043-b600-b518e10096cc',
      bid: '42a19f36-5117-4520-bd13-fd61d818d52e',
      timestamp: 1776859200000,
      gateway: EXAMPLE_DEVICE,
      method: r?.request_type ?? 'config',
      data: r?.example ?? {},
    },
    received_at: EXAMPLE_TIME,
    reply_code: null,
    reply_message: null,
    reply_source: null,
    standardized_reply: null,
    replied_at: null,
  };
}

const limitParam = {
  name: 'limit',
  in: 'query',
  required: false,
  description: `Page size (${LIMITS.listLimit.min}–${LIMITS.listLimit.max}, default ${LIMITS.listLimit.default}).`,
  schema: { type: 'integer', minimum: LIMITS.listLimit.min, maximum: LIMITS.listLimit.max, default: LIMITS.listLimit.default },
};
const cursorParam = { name: 'cursor', in: 'query', required: false, description: '`next_cursor` of the previous page.', schema: { type: 'string', maxLength: 512 } };
const q = (name: string, description: string, schema: JsonSchema) => ({ name, in: 'query', required: false, description, schema });
const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string', format: 'uuid' } });

function operation(op: OperationDef, commands: CommandDef[], deviceRequests: DeviceRequestDef[], samples: Map<string, CodeSample[]>): Record<string, unknown> {
  const okHeaders: Record<string, unknown> = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };
  const o: Record<string, unknown> = {
    operationId: op.operationId,
    summary: op.summary,
    description: `${op.description}\n\n**Required scope:** \`${op.scope}\` — ${SCOPES[op.scope]}`,
    tags: [op.tag],
    'x-required-scope': op.scope,
  };
  let ok: Record<string, unknown>;
  switch (op.operationId) {
    case 'createCommand': {
      const firstWithPayload = commands.find((c) => Object.keys(c.payload).length) ?? commands[0];
      o.description +=
        `\n\nThe body is one of ${commands.length} variants, chosen by \`command_type\`; each command has its own section (grouped by domain) with its payload, DJI protocol facts and samples.` +
        `\n\n**Limits:** body ≤ ${LIMITS.maxBodyBytes} bytes; \`timeout_seconds\` ${LIMITS.timeoutSeconds.min}–${LIMITS.timeoutSeconds.max} (default ${LIMITS.timeoutSeconds.default}).`;
      o.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: ref('CreateCommandRequest'),
            examples: Object.fromEntries(commands.map((c) => [c.command_type, { summary: c.summary, value: exampleBody(c) }])),
          },
        },
      };
      okHeaders['Idempotent-Replayed'] = { $ref: '#/components/headers/Idempotent-Replayed' };
      ok = {
        description: 'Accepted: the command is durably stored. On an idempotent replay, the original response with `Idempotent-Replayed: true`.',
        headers: okHeaders,
        content: { 'application/json': { schema: ref('CreateCommandResponse'), example: { command_id: EXAMPLE_COMMAND_ID, status: 'ACCEPTED', accepted_at: EXAMPLE_TIME } } },
      };
      if (firstWithPayload) o['x-codeSamples'] = samples.get(firstWithPayload.command_type) ?? [];
      break;
    }
    case 'listCommands':
      o.parameters = [
        q('device_id', 'Only commands for this device.', { type: 'string', minLength: 1, maxLength: 128 }),
        q('command_type', 'Only commands of this `command_type`.', { type: 'string', minLength: 1, maxLength: 128 }),
        q('status', 'Only commands in this status.', ref('CommandStatus')),
        limitParam,
        cursorParam,
      ];
      ok = { description: 'A page of commands, newest first.', headers: okHeaders, content: { 'application/json': { schema: ref('CommandList'), example: { items: [exampleCommand(commands[0])], next_cursor: null } } } };
      break;
    case 'getCommand':
      o.parameters = [
        idParam('command_id', 'Platform command ID (from the create response).'),
        q('wait_seconds', `Hold the response until the command is terminal or this many seconds pass (${LIMITS.waitSeconds.min}–${LIMITS.waitSeconds.max}).`, {
          type: 'integer',
          minimum: LIMITS.waitSeconds.min,
          maximum: LIMITS.waitSeconds.max,
          'x-unit': 's',
        }),
      ];
      ok = { description: 'The command.', headers: okHeaders, content: { 'application/json': { schema: ref('Command'), example: exampleCommand(commands.find((c) => c.progress) ?? commands[0]) } } };
      break;
    case 'listDeviceRequests':
      o.parameters = [
        q('vendor', 'Only requests of this vendor.', { type: 'string', enum: ['dji'] }),
        q('device_id', 'Only requests from this device (gateway SN).', { type: 'string', minLength: 1, maxLength: 128 }),
        q('request_type', 'Only requests with this DJI `method`.', { type: 'string', minLength: 1, maxLength: 128 }),
        limitParam,
        cursorParam,
      ];
      ok = { description: 'A page of device requests, newest first.', headers: okHeaders, content: { 'application/json': { schema: ref('DeviceRequestList'), example: { items: [exampleDeviceRequest(deviceRequests[0])], next_cursor: null } } } };
      break;
    case 'getDeviceRequest':
      o.parameters = [idParam('request_id', 'Platform request ID.')];
      ok = { description: 'The device request.', headers: okHeaders, content: { 'application/json': { schema: ref('DeviceRequest'), example: exampleDeviceRequest(deviceRequests[0]) } } };
      break;
    case 'replyDeviceRequest':
      o.parameters = [idParam('request_id', 'Platform request ID.')];
      o.requestBody = {
        required: true,
        content: { 'application/json': { schema: ref('DeviceRequestReplyRequest'), example: { reply_code: '0', reply_message: 'ok', payload: {} } } },
      };
      ok = {
        description: 'Accepted: the reply is stored and published to the dock.',
        headers: okHeaders,
        content: {
          'application/json': {
            schema: ref('DeviceRequestReplyResponse'),
            example: { request_id: EXAMPLE_REQUEST_ID, reply_code: '0', reply_message: 'ok', reply_source: 'manual', replied_at: EXAMPLE_TIME },
          },
        },
      };
      break;
    default:
      throw new Error(`openapi: no shape for operation ${op.operationId} (add it to generator/emitters/openapi.ts)`);
  }
  o.responses = { [String(op.success)]: ok, ...errorResponses(op) };
  return o;
}

// ---------------------------------------------------------------------------------------------

function introduction(commands: CommandDef[]): string {
  return [
    'dockgate is an open platform for commanding DJI docks and aircraft: business systems send signed REST requests, the gateway publishes them to the dock over MQTT in the DJI Cloud API envelope (`tid`, `bid`, `timestamp`, `method`, `data`), correlates the dock\'s `services_reply` and progress `events` back to the command, and moves it through `ACCEPTED` → `DELIVERED` → `SUCCEEDED` | `FAILED` | `TIMED_OUT` | `UNMATCHED_RESPONSE`. Docks also send `requests`, stored as device requests that partners list and answer.',
    `The catalog holds ${commands.length} command types in ${DOMAINS.length} domains; each has its own section below (grouped by domain) with its payload, DJI protocol facts, wire translation where the public payload differs from DJI \`data\`, and cURL / TypeScript / Go samples.`,
    '## Signing',
    `Every request carries four headers: \`X-Api-Id\`, \`X-Api-Timestamp\` (Unix seconds, ±${LIMITS.signatureWindowSeconds} s), \`X-Api-Nonce\` (unique per API ID within ${LIMITS.signatureWindowSeconds} s) and \`X-Api-Signature\` = lowercase hex HMAC-SHA256, keyed with the API key, of the canonical string (8 lines joined by \`\\n\`, no trailing newline):`,
    '```\nDOCKGATE-HMAC-SHA256\n<HTTP method, upper case>\n<path exactly as sent, without the query>\n<query pairs sorted by name then value, RFC 3986-encoded, joined by &; empty if none>\n<X-Api-Id>\n<X-Api-Timestamp>\n<X-Api-Nonce>\n<lowercase hex SHA-256 of the raw body bytes (of the empty string without a body)>\n```',
    `Full rules and test vectors: the [signing guide](${SIGNING_GUIDE}) (\`docs/signing.md\` in the repository). The generated TypeScript client signs for you.`,
    '## Scopes',
    Object.entries(SCOPES).map(([k, v]) => `- \`${k}\`: ${v}`).join('\n'),
    '## Errors',
    'Every non-2xx response is `{code, message, request_id, details?}`; every response carries `X-Request-Id`.',
    '| code | HTTP | meaning |\n|---|---|---|\n' +
      (Object.keys(ERROR_CODES) as ErrorCode[]).map((k) => `| \`${k}\` | ${ERROR_CODES[k].status} | ${cell(ERROR_CODES[k].message)} |`).join('\n'),
  ].join('\n\n');
}

/**
 * Build the OpenAPI 3.1 document for a catalog. Pure and deterministic: the same input gives a
 * deep-equal document (commands keep catalog order). Throws on a duplicate `command_type`.
 */
export function buildOpenApi(input: { commands: CommandDef[]; deviceRequests: DeviceRequestDef[]; hash: string }): OpenApiDocument {
  const { commands, deviceRequests } = input;
  const seen = new Set<string>();
  for (const c of commands) {
    if (seen.has(c.command_type)) throw new Error(`catalog: duplicate command_type ${c.command_type}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(c.command_type)) throw new Error(`catalog: command_type ${JSON.stringify(c.command_type)} is not a valid component name`);
    seen.add(c.command_type);
  }
  const samples = new Map(commands.map((c) => [c.command_type, codeSamples(c, exampleBody(c))]));

  const paths: OpenApiDocument['paths'] = {};
  for (const op of OPERATIONS) {
    paths[op.path] ??= {};
    paths[op.path]![op.method] = operation(op, commands, deviceRequests, samples);
  }

  const byDomain = new Map<Domain, CommandDef[]>(DOMAINS.map((d) => [d, []]));
  for (const c of commands) byDomain.get(c.domain)?.push(c);

  const tags: Record<string, unknown>[] = [
    { name: 'Downlink commands', description: 'Create, list and query downlink commands (DJI `services` methods sent to docks).' },
    { name: 'Device requests', description: 'Requests docks send to the cloud (`thing/product/{gateway_sn}/requests`): list, read, reply.' },
    { name: DEVICE_REQUEST_TYPES_TAG, description: deviceRequestsMarkdown(deviceRequests), 'x-traitTag': true },
  ];
  const groups: OpenApiDocument['x-tagGroups'] = [{ name: 'API', tags: ['Downlink commands', 'Device requests', DEVICE_REQUEST_TYPES_TAG] }];
  for (const d of DOMAINS) {
    const list = byDomain.get(d)!;
    tags.push({ name: domainTag(d), 'x-displayName': `Overview: ${d}`, description: domainMarkdown(d, list), 'x-traitTag': true });
    for (const c of list) tags.push({ name: commandTag(c), description: commandMarkdown(c, samples.get(c.command_type)!), 'x-traitTag': true });
    groups.push({ name: `Commands: ${d}`, tags: [domainTag(d), ...list.map(commandTag)] });
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'dockgate open platform API',
      version: '1.0.0',
      summary: 'Signed REST in, DJI Cloud API MQTT out.',
      description: introduction(commands),
      license: { name: 'MIT', identifier: 'MIT' },
      'x-catalog-hash': input.hash,
    },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'Local gateway (`npm start`, default port); replace with your deployment.' }],
    security: [{ ApiId: [], ApiTimestamp: [], ApiNonce: [], ApiSignature: [] }],
    tags,
    'x-tagGroups': groups,
    paths,
    components: components(commands, deviceRequests, samples),
  };
}

/** Writes `generated/openapi.yaml` (with `#` header) and `generated/openapi.json` (with `x-generated`). */
export const emit: Emitter = (ctx): GeneratedFile[] => {
  const yaml = toYaml(ctx.openapi as unknown as Record<string, unknown>);
  return [
    { path: 'generated/openapi.yaml', content: withHeader('generated/openapi.yaml', yaml, ctx.hash) },
    { path: 'generated/openapi.json', content: jsonWithHeader(ctx.openapi as unknown as Record<string, unknown>, ctx.hash) },
  ];
};
export default emit;
