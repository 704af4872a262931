/**
 * The callback (webhook) part of the API definition (issue 13 item 3): shapes and operations on
 * UTMOS' paths (`/api/v1/open/callbacks/endpoints…`, https://docs.utmos.dev/en/api/callbacks), plus
 * dockgate's delivery operations (attempts, redeliver, recover, test event). Delivery itself follows
 * Standard Webhooks (https://www.standardwebhooks.com/); docs/webhooks.md is the guide.
 *
 * Functions, not constants: operations.ts and shapes.ts call them while building their lists (this
 * module imports their helpers, so it must not use them at load time).
 */
import type { OperationDef } from './operations.js';
import { CURSOR_PARAM, LIMIT_PARAM, query, uuidPath } from './operations.js';
import { dateTime, listPage, ref, type JsonSchema } from './shapes.js';

/** Webhook limits the server enforces and the docs state. */
export const WEBHOOK_LIMITS = {
  /** Per-endpoint request timeout, seconds (default: Standard Webhooks' recommendation of 15 s). */
  timeoutSeconds: { min: 1, max: 30, default: 15 },
  /** Subscriptions per endpoint. */
  maxSubscriptions: 100,
  /** Bytes of a response body kept per attempt. */
  responseBytesKept: 1024,
} as const;

const EXAMPLE_ENDPOINT_ID = '5b0c6a3e-2f1d-4e8a-9c7b-1d2e3f4a5b6c';
const EXAMPLE_SUBSCRIPTION_ID = '8e7d6c5b-4a39-4281-9f0e-a1b2c3d4e5f6';
const EXAMPLE_EVENT_ID = 'evt_2Yl5mHb7Jc3Kd9';
const T = '2026-04-22T12:00:00.000Z';
const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });
const nullable = (s: JsonSchema): JsonSchema => ({ ...s, type: [s.type as string, 'null'] });
const eventType = str('An event type (`command.completed`), a prefix ending in `.*` (`device.*`), or `*` for every type.', {
  minLength: 1,
  maxLength: 64,
  pattern: '^(\\*|[a-z_]+\\.\\*|[a-z_]+(\\.[a-z_]+)+)$',
});
const endpointProps = {
  endpoint_id: str('Platform endpoint ID.', { format: 'uuid' }),
  name: str('Your name for it.', { minLength: 1, maxLength: 128 }),
  url: str('Where events are POSTed: `https` (plain `http` to a loopback host only where the operator allows private addresses, e.g. the mock).', { format: 'uri', maxLength: 2048 }),
  status: { type: 'string', enum: ['ACTIVE', 'DISABLED'], description: '`DISABLED` endpoints receive nothing; see `disabled_reason`.' },
  disabled_reason: nullable(str('`manual` (set by you), `gone` (it answered 410), `failing` (every attempt failed for 5 days); null when active.')),
  timeout_seconds: {
    type: 'integer', minimum: WEBHOOK_LIMITS.timeoutSeconds.min, maximum: WEBHOOK_LIMITS.timeoutSeconds.max,
    description: `Per-attempt timeout (${WEBHOOK_LIMITS.timeoutSeconds.min}–${WEBHOOK_LIMITS.timeoutSeconds.max} s, default ${WEBHOOK_LIMITS.timeoutSeconds.default}).`, 'x-unit': 's',
  },
  created_at: dateTime('Creation time (UTC).'),
  updated_at: dateTime('Last change (UTC).'),
};
const ENDPOINT_REQUIRED = Object.keys(endpointProps);
const secretProp = str('Signing secret, `whsec_` + base64 of 32 random bytes. Returned only here (create, rotate): store it.', { pattern: '^whsec_[A-Za-z0-9+/=]+$' });

/** The webhook component schemas, in emitted order. */
export function webhookShapes(): Record<string, JsonSchema> {
  return {
    WebhookEndpoint: { type: 'object', description: 'A callback endpoint (no secret material).', required: ENDPOINT_REQUIRED, properties: endpointProps, additionalProperties: false },
    WebhookEndpointWithSecret: {
      type: 'object',
      description: 'A callback endpoint with its signing secret (create, rotate).',
      required: [...ENDPOINT_REQUIRED, 'secret'],
      properties: { ...endpointProps, secret: secretProp },
      additionalProperties: false,
    },
    WebhookEndpointList: listPage('WebhookEndpoint', 'Endpoints, newest first.'),
    CreateWebhookEndpointRequest: {
      type: 'object',
      required: ['name', 'url'],
      properties: { name: endpointProps.name, url: endpointProps.url, timeout_seconds: endpointProps.timeout_seconds },
      additionalProperties: false,
    },
    UpdateWebhookEndpointRequest: {
      type: 'object',
      description: 'Fields to change; `rotate_secret: true` issues a new secret (returned once) while the old one keeps signing beside it for 24 h.',
      properties: {
        name: endpointProps.name,
        url: endpointProps.url,
        status: endpointProps.status,
        timeout_seconds: endpointProps.timeout_seconds,
        rotate_secret: { type: 'boolean', description: 'Issue a new secret.' },
      },
      additionalProperties: false,
    },
    WebhookSubscription: {
      type: 'object',
      required: ['subscription_id', 'endpoint_id', 'event_type', 'status', 'created_at'],
      properties: {
        subscription_id: str('Platform subscription ID.', { format: 'uuid' }),
        endpoint_id: endpointProps.endpoint_id,
        event_type: eventType,
        status: { type: 'string', const: 'ACTIVE', description: 'Always `ACTIVE` (a deleted subscription is gone).' },
        created_at: dateTime('Creation time (UTC).'),
      },
      additionalProperties: false,
    },
    WebhookSubscriptionList: {
      type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('WebhookSubscription'), description: 'Subscriptions, oldest first.' } }, additionalProperties: false,
    },
    CreateWebhookSubscriptionRequest: { type: 'object', required: ['event_type'], properties: { event_type: eventType }, additionalProperties: false },
    WebhookAttempt: {
      type: 'object',
      description: 'One HTTP attempt of a delivery.',
      required: ['attempt_id', 'endpoint_id', 'event_id', 'attempted_at', 'status_code', 'latency_ms', 'response_body', 'error'],
      properties: {
        attempt_id: str('Attempt ID.', { format: 'uuid' }),
        endpoint_id: endpointProps.endpoint_id,
        event_id: str('The event (also the `webhook-id` header).'),
        attempted_at: dateTime('When the request was sent (UTC).'),
        status_code: nullable({ type: 'integer', description: 'HTTP status of the response; null when none came (timeout, refused address, connection error).' }),
        latency_ms: { type: 'integer', minimum: 0, description: 'Request to response (or failure), ms.', 'x-unit': 'ms' },
        response_body: str(`The first ${WEBHOOK_LIMITS.responseBytesKept} bytes of the response body (UTF-8).`),
        error: nullable(str('Why it failed without a usable response (`timeout after 15000 ms`, `address_not_allowed: …`, `redirect not followed`), else null.')),
      },
      additionalProperties: false,
    },
    WebhookAttemptList: listPage('WebhookAttempt', 'Attempts, newest first.'),
    RecoverWebhookDeliveriesRequest: {
      type: 'object', required: ['since'], properties: { since: dateTime('Retry every failed delivery of the endpoint created at or after this time.') }, additionalProperties: false,
    },
    WebhookDeliveryAccepted: {
      type: 'object',
      required: ['count'],
      properties: {
        count: { type: 'integer', minimum: 0, description: 'Deliveries made due now.' },
        event_id: str('The event sent (test events).'),
      },
      additionalProperties: false,
    },
  };
}

const endpointExample = { endpoint_id: EXAMPLE_ENDPOINT_ID, name: 'production-webhook', url: 'https://partner.example.com/dockgate/webhooks', status: 'ACTIVE', disabled_reason: null, timeout_seconds: 15, created_at: T, updated_at: T };
const withSecret = { ...endpointExample, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
const subscriptionExample = { subscription_id: EXAMPLE_SUBSCRIPTION_ID, endpoint_id: EXAMPLE_ENDPOINT_ID, event_type: 'command.*', status: 'ACTIVE', created_at: T };
const attemptExample = { attempt_id: '0f1e2d3c-4b5a-4697-8877-665544332211', endpoint_id: EXAMPLE_ENDPOINT_ID, event_id: EXAMPLE_EVENT_ID, attempted_at: T, status_code: 503, latency_ms: 42, response_body: 'busy', error: null };
const ENDPOINT = '/api/v1/open/callbacks/endpoints';
const endpointParam = uuidPath('endpoint_id', 'Platform endpoint ID.');
const tag = 'Webhooks' as const;
const BODY_ERRORS = ['INVALID_REQUEST_BODY', 'VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const;

/** The webhook operations, in display order. */
export function webhookOperations(): OperationDef[] {
  return [
    {
      operationId: 'createWebhookEndpoint', method: 'post', path: ENDPOINT, summary: 'Create a webhook endpoint', tag, scope: 'open:callback:manage',
      description: 'Registers an endpoint events are POSTed to, signed per Standard Webhooks. The response carries the signing `secret`, shown this once.',
      requestBody: { required: true, content: { schema: ref('CreateWebhookEndpointRequest'), example: { name: 'production-webhook', url: 'https://partner.example.com/dockgate/webhooks' } } },
      responses: { 201: { description: 'Created, with its secret.', content: { schema: ref('WebhookEndpointWithSecret'), example: withSecret } } },
      errors: [...BODY_ERRORS, 'WEBHOOK_URL_NOT_ALLOWED'],
    },
    {
      operationId: 'listWebhookEndpoints', method: 'get', path: ENDPOINT, summary: 'List webhook endpoints', tag, scope: 'open:callback:read',
      description: 'This credential\'s endpoints, newest first (no secret material).',
      parameters: [LIMIT_PARAM, CURSOR_PARAM],
      responses: { 200: { description: 'A page of endpoints.', content: { schema: ref('WebhookEndpointList'), example: { items: [endpointExample], next_cursor: null } } } },
      errors: ['VALIDATION_FAILED'],
    },
    {
      operationId: 'getWebhookEndpoint', method: 'get', path: `${ENDPOINT}/{endpoint_id}`, summary: 'Get a webhook endpoint', tag, scope: 'open:callback:read',
      description: 'One endpoint (no secret material).',
      parameters: [endpointParam],
      responses: { 200: { description: 'The endpoint.', content: { schema: ref('WebhookEndpoint'), example: endpointExample } } },
      errors: ['VALIDATION_FAILED', 'WEBHOOK_ENDPOINT_NOT_FOUND'],
    },
    {
      operationId: 'updateWebhookEndpoint', method: 'put', path: `${ENDPOINT}/{endpoint_id}`, summary: 'Update a webhook endpoint', tag, scope: 'open:callback:manage',
      description: 'Changes name, url, status or timeout. `rotate_secret: true` issues a new secret, returned in this response only; the old secret keeps signing beside it (a second `v1,` signature) for 24 h. Setting `status: ACTIVE` re-enables a disabled endpoint.',
      parameters: [endpointParam],
      requestBody: { required: true, content: { schema: ref('UpdateWebhookEndpointRequest'), example: { rotate_secret: true } } },
      responses: { 200: { description: 'The endpoint; with `secret` when it was rotated.', content: { schema: ref('WebhookEndpointWithSecret'), example: withSecret } } },
      errors: [...BODY_ERRORS, 'WEBHOOK_URL_NOT_ALLOWED', 'WEBHOOK_ENDPOINT_NOT_FOUND'],
    },
    {
      operationId: 'createWebhookSubscription', method: 'post', path: `${ENDPOINT}/{endpoint_id}/subscriptions`, summary: 'Subscribe an endpoint to events', tag, scope: 'open:callback:manage',
      description: 'Subscribes the endpoint to an event type, a prefix (`device.*`) or `*`. Subscribing twice to the same `event_type` returns the existing subscription. The endpoint receives only events of this credential\'s commands and allowed devices.',
      parameters: [endpointParam],
      requestBody: { required: true, content: { schema: ref('CreateWebhookSubscriptionRequest'), example: { event_type: 'command.*' } } },
      responses: { 201: { description: 'The subscription.', content: { schema: ref('WebhookSubscription'), example: subscriptionExample } } },
      errors: [...BODY_ERRORS, 'WEBHOOK_ENDPOINT_NOT_FOUND'],
    },
    {
      operationId: 'listWebhookSubscriptions', method: 'get', path: `${ENDPOINT}/{endpoint_id}/subscriptions`, summary: 'List an endpoint\'s subscriptions', tag, scope: 'open:callback:read',
      description: 'The endpoint\'s subscriptions, oldest first.',
      parameters: [endpointParam],
      responses: { 200: { description: 'The subscriptions.', content: { schema: ref('WebhookSubscriptionList'), example: { items: [subscriptionExample] } } } },
      errors: ['VALIDATION_FAILED', 'WEBHOOK_ENDPOINT_NOT_FOUND'],
    },
    {
      operationId: 'deleteWebhookSubscription', method: 'delete', path: `${ENDPOINT}/{endpoint_id}/subscriptions/{subscription_id}`, summary: 'Delete a subscription', tag, scope: 'open:callback:manage',
      description: 'Stops the endpoint receiving the subscription\'s events (deliveries already made due still go out).',
      parameters: [endpointParam, uuidPath('subscription_id', 'Platform subscription ID.')],
      responses: { 204: { description: 'Deleted.' } },
      errors: ['VALIDATION_FAILED', 'WEBHOOK_ENDPOINT_NOT_FOUND', 'WEBHOOK_SUBSCRIPTION_NOT_FOUND'],
    },
    {
      operationId: 'listWebhookAttempts', method: 'get', path: '/api/v1/open/callbacks/attempts', summary: 'List delivery attempts', tag, scope: 'open:callback:read',
      description: 'Every HTTP attempt to this credential\'s endpoints, newest first: per endpoint (`endpoint_id`), per event (`event_id`), or both. Each has its time, status code, latency and the first 1 KB of the response.',
      parameters: [query('endpoint_id', 'Only attempts to this endpoint.', { type: 'string', format: 'uuid' }), query('event_id', 'Only attempts of this event.', { type: 'string', minLength: 1, maxLength: 128 }), LIMIT_PARAM, CURSOR_PARAM],
      responses: { 200: { description: 'A page of attempts.', content: { schema: ref('WebhookAttemptList'), example: { items: [attemptExample], next_cursor: null } } } },
      errors: ['VALIDATION_FAILED'],
    },
    {
      operationId: 'redeliverWebhookEvent', method: 'post', path: `${ENDPOINT}/{endpoint_id}/deliveries/{event_id}/redeliver`, summary: 'Redeliver one event', tag, scope: 'open:callback:manage',
      description: 'Makes the event\'s delivery to this endpoint due now, with a fresh retry schedule (same `webhook-id`).',
      parameters: [endpointParam, { name: 'event_id', in: 'path', required: true, description: 'The event ID (`webhook-id`).', schema: { type: 'string', minLength: 1, maxLength: 128 } }],
      responses: { 202: { description: 'Due now.', content: { schema: ref('WebhookDeliveryAccepted'), example: { count: 1 } } } },
      errors: ['VALIDATION_FAILED', 'WEBHOOK_ENDPOINT_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND'],
    },
    {
      operationId: 'recoverWebhookDeliveries', method: 'post', path: `${ENDPOINT}/{endpoint_id}/recover`, summary: 'Retry failed deliveries since a time', tag, scope: 'open:callback:manage',
      description: 'Makes every failed delivery of the endpoint created at or after `since` due now (e.g. after an outage of your receiver).',
      parameters: [endpointParam],
      requestBody: { required: true, content: { schema: ref('RecoverWebhookDeliveriesRequest'), example: { since: T } } },
      responses: { 202: { description: 'How many were made due.', content: { schema: ref('WebhookDeliveryAccepted'), example: { count: 12 } } } },
      errors: [...BODY_ERRORS, 'WEBHOOK_ENDPOINT_NOT_FOUND'],
    },
    {
      operationId: 'sendWebhookTest', method: 'post', path: `${ENDPOINT}/{endpoint_id}/test`, summary: 'Send a test event', tag, scope: 'open:callback:manage',
      description: 'Delivers a `webhook.test` event to this endpoint (whatever its subscriptions), signed and retried like any other.',
      parameters: [endpointParam],
      responses: { 202: { description: 'The test event is due now.', content: { schema: ref('WebhookDeliveryAccepted'), example: { count: 1, event_id: EXAMPLE_EVENT_ID } } } },
      errors: ['VALIDATION_FAILED', 'WEBHOOK_ENDPOINT_NOT_FOUND'],
    },
  ];
}
