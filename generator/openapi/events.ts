/**
 * The event catalog (spec/api/events.ts) in the document: the top-level `webhooks` (OpenAPI 3.1,
 * one Path Item per event type, a `post` describing the delivery a receiver gets), one component
 * per event type (the envelope with a `const` `type` and that type's `data`), and `DockgateEvent`,
 * the union of them discriminated by `type` (the client's typed event union, and the items of the
 * event list). It walks `api.events`; no code names a particular event.
 */
import { eventComponent, ref, type ApiDefinition, type EventDef, type JsonSchema } from '../../spec/api.js';

/** Component name of the union of every event type. */
export const EVENT_UNION = 'DockgateEvent';
/** Tag the webhooks are listed under (one of `api.tags`). */
export const EVENTS_TAG = 'Events';

function checkEvents(api: ApiDefinition): void {
  const seen = new Set<string>();
  for (const e of api.events) {
    if (seen.has(e.type)) throw new Error(`events: duplicate event type ${e.type}`);
    if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(e.type)) throw new Error(`events: type ${JSON.stringify(e.type)} is not <subject>.<name>`);
    seen.add(e.type);
  }
}

/** The event of type `e` as delivered: the envelope around its example `data`. */
export function eventExample(e: EventDef, index: number): Record<string, unknown> {
  const device = (e.example as { device_id?: string; sn?: string } | null)?.device_id ?? (e.example as { sn?: string } | null)?.sn ?? null;
  return {
    id: `01966a3c-7d00-7000-8000-${String(index + 1).padStart(12, '0')}`,
    type: e.type,
    timestamp: '2026-04-22T12:00:00.000Z',
    device_id: device,
    sequence: device === null ? null : index + 1,
    data: e.example,
  };
}

/** `components.schemas` entries: one variant per event type, then the `DockgateEvent` union. */
export function eventSchemas(api: ApiDefinition): Record<string, JsonSchema> {
  checkEvents(api);
  const out: Record<string, JsonSchema> = {};
  const env = api.eventEnvelope;
  for (const e of api.events) {
    out[eventComponent(e.type)] = {
      type: 'object',
      description: `\`${e.type}\`: ${e.summary}.`,
      required: [...env.required],
      properties: { ...env.properties, type: { type: 'string', const: e.type, description: 'Event type.' }, data: e.data },
      additionalProperties: false,
    };
  }
  out[EVENT_UNION] = {
    description: 'An event: one variant per event type, discriminated by `type`.',
    oneOf: api.events.map((e) => ref(eventComponent(e.type))),
    discriminator: { propertyName: 'type', mapping: Object.fromEntries(api.events.map((e) => [e.type, `#/components/schemas/${eventComponent(e.type)}`])) },
  };
  return out;
}

function description(e: EventDef, api: ApiDefinition): string {
  const lines = [`**Emitted:** ${e.emitted}`];
  if (e.pending) lines.push(`\n**Not emitted yet:** the change that emits it is recorded once ${e.pending} lands; the type and its \`data\` are fixed now.`);
  lines.push(
    `\nDelivered as a signed \`POST\` to each endpoint subscribed to \`${e.type}\` or a prefix of it (\`${e.type.split('.')[0]}.*\`), listed by \`GET /api/v1/open/events\` and streamed by \`GET /api/v1/open/events/stream\` (scope \`open:event:read\`). ` +
      `The body is the event envelope (${api.eventEnvelope.required.map((k) => `\`${k}\``).join(', ')}): Standard Webhooks' \`{type, timestamp, data}\` plus \`id\`, \`device_id\` and \`sequence\`.`,
  );
  return lines.join('\n');
}

/** The top-level `webhooks` object: one Path Item (`post`) per event type, catalog order. */
export function webhooks(api: ApiDefinition): Record<string, unknown> {
  checkEvents(api);
  const out: Record<string, unknown> = {};
  api.events.forEach((e, i) => {
    out[e.type] = {
      post: {
        operationId: `event_${e.type.replace(/\./g, '_')}`,
        summary: e.summary,
        description: description(e, api),
        tags: [EVENTS_TAG],
        security: [],
        parameters: api.webhookHeaders.map((h) => ({ name: h.name, in: 'header', required: true, description: h.description, schema: h.schema })),
        requestBody: { required: true, content: { 'application/json': { schema: ref(eventComponent(e.type)), example: eventExample(e, i) } } },
        responses: {
          '200': { description: 'Any 2xx acknowledges the delivery; anything else (or no answer within the timeout) is retried with the same `webhook-id`.' },
          '410': { description: 'Gone: the endpoint is disabled and receives nothing more until re-enabled.' },
        },
      },
    };
  });
  return out;
}
