/**
 * The REST API definition, as data (issue 10 item 1): operations with their parameters, bodies,
 * responses and examples; the shared shapes; scopes, error codes and limits. The generator reads
 * `API` (generator/generate.ts); the server reads the constants (error envelope, scopes, limits).
 */
import { DEVICE_OPERATIONS, DEVICE_SHAPES } from './devices.js';
import { MISSION_OPERATIONS, MISSION_SHAPES } from './missions.js';
import * as document from './document.js';
import { COMMON_ERRORS, ERROR_CODES, ERROR_EXAMPLE_DETAILS } from './errors.js';
import { EXAMPLE_REQUEST_ID_HEADER, EXAMPLES } from './examples.js';
import { FAILURE_CODES, COMMAND_STATUSES } from './lifecycle.js';
import { LIMITS } from './limits.js';
import { OPERATIONS, type OperationDef } from './operations.js';
import { SCOPES } from './scopes.js';
import { EVENTS, EVENT_ENVELOPE, WEBHOOK_HEADERS, type EventDef } from './events.js';
import { COMMAND_UNION, COMMON_RESPONSE_HEADERS, ERROR_SHAPE, RESPONSE_HEADERS, SHAPES, type JsonSchema } from './shapes.js';

export * from './catalog-values.js';
export * from './errors.js';
export * from './events.js';
export * from './lifecycle.js';
export * from './limits.js';
export * from './operations.js';
export * from './scopes.js';
export { COMMAND_UNION, COMMON_RESPONSE_HEADERS, ERROR_SHAPE, RESPONSE_HEADERS, SHAPES, ref, type JsonSchema } from './shapes.js';
export { EXAMPLES } from './examples.js';
export { DEVICE_OPERATIONS, DEVICE_SHAPES, PRESENCE_REASONS } from './devices.js';
export type { Tag } from './document.js';
export { CLIENT_PACKAGE } from './document.js';

/** Everything the generator reads about the REST surface. Plain data (JSON-serialisable). */
export interface ApiDefinition {
  info: typeof document.INFO;
  /** Markdown `info.description`. */
  introduction: string;
  servers: { url: string; description?: string }[];
  /** Operation tags in display order (grouped as "API"). */
  tags: readonly { name: string; description: string }[];
  securitySchemes: Record<string, { type: string; in: string; name: string; description: string }>;
  operations: OperationDef[];
  /** The create-command union over the catalog's commands (the first component schemas). */
  commandUnion: typeof COMMAND_UNION;
  /** The other component schemas, in emitted order. */
  shapes: Record<string, JsonSchema>;
  responseHeaders: Record<string, { description: string; schema: JsonSchema }>;
  /** Headers every response carries. */
  commonResponseHeaders: string[];
  errorCodes: Record<string, { status: number; message: string }>;
  /** Error codes every operation documents besides its own. */
  commonErrors: string[];
  /** `details` of a code's example error response. */
  errorExampleDetails: Record<string, unknown[] | undefined>;
  /** Component of every error response. */
  errorShape: string;
  /** `X-Request-Id` shown in example error bodies. */
  exampleRequestId: string;
  examples: typeof EXAMPLES;
  scopes: Record<string, string>;
  limits: typeof LIMITS;
  failureCodes: Record<string, string>;
  commandStatuses: readonly string[];
  /** The event catalog (top-level `webhooks`, the `DockgateEvent` union). */
  events: EventDef[];
  /** The envelope of every event. */
  eventEnvelope: typeof EVENT_ENVELOPE;
  /** Headers of every webhook delivery. */
  webhookHeaders: typeof WEBHOOK_HEADERS;
}

/** The repository's API definition. */
export const API: ApiDefinition = {
  info: document.INFO,
  introduction: document.INTRODUCTION,
  servers: document.SERVERS,
  tags: document.TAGS,
  securitySchemes: document.SECURITY_SCHEMES,
  operations: [...OPERATIONS, ...DEVICE_OPERATIONS, ...MISSION_OPERATIONS],
  commandUnion: COMMAND_UNION,
  shapes: { ...SHAPES, ...DEVICE_SHAPES, ...MISSION_SHAPES },
  responseHeaders: RESPONSE_HEADERS,
  commonResponseHeaders: COMMON_RESPONSE_HEADERS,
  errorCodes: ERROR_CODES,
  commonErrors: COMMON_ERRORS,
  errorExampleDetails: ERROR_EXAMPLE_DETAILS,
  errorShape: ERROR_SHAPE,
  exampleRequestId: EXAMPLE_REQUEST_ID_HEADER,
  examples: EXAMPLES,
  scopes: SCOPES,
  limits: LIMITS,
  failureCodes: FAILURE_CODES,
  commandStatuses: COMMAND_STATUSES,
  events: EVENTS,
  eventEnvelope: EVENT_ENVELOPE,
  webhookHeaders: WEBHOOK_HEADERS,
};
