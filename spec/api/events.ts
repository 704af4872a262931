/**
 * The event catalog (issue 13 item 1), as data: every event type dockgate records in its event log
 * (`GET /api/v1/open/events`), streams (`GET /api/v1/open/events/stream`) and delivers to webhook
 * endpoints, with the schema of its `data`, when it is emitted and an example. The generator walks
 * this list into the OpenAPI document's top-level `webhooks` (one entry per type), the component
 * `DockgateEvent` (a union discriminated by `type`) and the client's typed union; the server
 * imports the type names. Envelope: `EVENT_ENVELOPE`; docs/events.md explains ordering and dedup.
 */
import { EXAMPLE_DEVICE, EXAMPLE_REQUEST_ID, EXAMPLE_TIME, EXAMPLES } from './examples.js';
import { ref, type JsonSchema } from './shapes.js';

/** One event type. */
export interface EventDef {
  /** `<subject>.<what happened>`; subscriptions may name it or a prefix (`device.*`). */
  type: string;
  summary: string;
  /** Markdown: what change emits it (the event is written in the same transaction as that change). */
  emitted: string;
  /** JSON Schema of `data`. */
  data: JsonSchema;
  /** An example `data`. */
  example: unknown;
  /** The issue whose stored change emits it, when that change is not recorded yet. */
  pending?: string;
}

const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });
const time = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description });
const obj = (required: string[], properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  required,
  properties,
  additionalProperties: true,
});

const COMMAND_DATA: JsonSchema = { ...ref('Command') };
const command = (patch: Record<string, unknown>) => ({ ...EXAMPLES.command, ...patch });
const HMS: JsonSchema = obj(['alarm_id', 'key', 'level', 'module'], {
  alarm_id: str('Platform alarm ID (`Alarm.alarm_id` of `GET /api/v1/open/devices/{device_sn}/alarms`).'),
  key: str('HMS code key (DJI `hms` event `code`, e.g. `0x16100083`).'),
  level: { type: ['integer', 'null'], description: 'DJI level: 0 notice, 1 caution, 2 warning; null when the dock did not send it.' },
  module: { type: ['integer', 'null'], description: 'DJI module: 0 flight mission, 1 device management, 2 media, 3 HMS; null when the dock did not send it.' },
  in_the_sky: { type: ['boolean', 'null'], description: 'Raised while the aircraft was airborne; null when the dock did not send it.' },
  device_type: { type: ['string', 'null'], description: 'DJI `device_type` of the item (`{domain}-{type}-{sub_type}`), when sent.' },
  args: { type: 'object', additionalProperties: true, description: 'DJI `args` (`component_index`, `sensor_index`).' },
});
const HMS_EXAMPLE = { alarm_id: '0190f3a2-6b1c-7c3e-9a10-2b7c1d4e5f60', key: '0x16100083', level: 1, module: 3, in_the_sky: false, device_type: '3-3-0', args: { component_index: 0, sensor_index: 0 } };
const KIND: JsonSchema = { type: 'string', enum: ['dock', 'aircraft'], description: 'Device kind.' };
const DOCK_SN: JsonSchema = { type: ['string', 'null'], description: 'For an aircraft, its dock; null for a dock.' };

/** The event types, in documentation order. */
export const EVENTS: EventDef[] = [
  {
    type: 'command.accepted',
    summary: 'A command was accepted',
    emitted: 'When `POST /api/v1/open/downlink/commands` stores a new command (not on an idempotent replay). `data` is the command as stored (`ACCEPTED`).',
    data: COMMAND_DATA,
    example: command({ status: 'ACCEPTED', response_code: null, vendor_response: null, delivered_at: null, response_received_at: null, completed_at: null, updated_at: EXAMPLE_TIME }),
  },
  {
    type: 'command.delivered',
    summary: 'A command was published to the dock',
    emitted: 'When the broker acknowledged the publish and the command moved to `DELIVERED`.',
    data: COMMAND_DATA,
    example: command({ status: 'DELIVERED', response_code: null, vendor_response: null, response_received_at: null, completed_at: null, updated_at: '2026-04-22T12:00:00.050Z' }),
  },
  {
    type: 'command.progress',
    summary: 'A command reported progress',
    emitted: 'When a progress event of a non-terminal command changed its `progress` (percent, step or DJI status). A repeated identical event emits nothing.',
    data: COMMAND_DATA,
    example: command({ status: 'DELIVERED', command_type: 'firmware_upgrade', progress: { percent: 40, step: 'download_firmware', dji_status: 'in_progress', updated_at: '2026-04-22T12:00:10.000Z' }, response_code: null, vendor_response: null, completed_at: null, updated_at: '2026-04-22T12:00:10.000Z' }),
  },
  {
    type: 'command.completed',
    summary: 'A command reached a terminal status',
    emitted: 'When the command became `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `UNMATCHED_RESPONSE`; the outcome is `data.status` with `failure_code` / `failure_reason` / `response_code`.',
    data: COMMAND_DATA,
    example: command({}),
  },
  {
    type: 'device.online',
    summary: 'A device came online',
    emitted: 'When a device was first heard, or heard again after being offline (`reason: message`), or an aircraft appeared in its dock\'s `update_topo` (`reason: update_topo`). Written in the transaction that marks it online (compare-and-set: one event per change, even with several instances).',
    data: obj(['sn', 'kind', 'dock_sn', 'online_at', 'reason'], {
      sn: str('Device SN.'),
      kind: KIND,
      dock_sn: DOCK_SN,
      online_at: time('When it came online.'),
      reason: { ...ref('PresenceReason'), description: 'Why: `message` (first heard, or heard again) or `update_topo` (an aircraft listed by its dock).' },
    }),
    example: { sn: EXAMPLE_DEVICE, kind: 'dock', dock_sn: null, online_at: EXAMPLE_TIME, reason: 'message' },
  },
  {
    type: 'device.offline',
    summary: 'A device went offline',
    emitted: 'When the broker saw a dock\'s connection close (`disconnect`), a device sent nothing within the silence limit (`silence`), or an aircraft left its dock\'s `update_topo` (`update_topo`). Written in the transaction that marks it offline.',
    data: obj(['sn', 'kind', 'dock_sn', 'offline_at', 'reason'], {
      sn: str('Device SN.'),
      kind: KIND,
      dock_sn: DOCK_SN,
      offline_at: time('When it went offline.'),
      reason: { type: 'string', enum: ['update_topo', 'disconnect', 'silence'], description: 'Why (the `PresenceReason` values other than `message`).' },
    }),
    example: { sn: EXAMPLE_DEVICE, kind: 'dock', dock_sn: null, offline_at: EXAMPLE_TIME, reason: 'silence' },
  },
  {
    type: 'device.hms_raised',
    summary: 'A health (HMS) alarm was raised',
    emitted: 'When a dock\'s `hms` report holds an item that was not active (one event per alarm, written in the transaction that stores the alarm). `sn` is the dock that reported it; `hms.device_type` says which device the item is about.',
    data: obj(['sn', 'hms', 'raised_at'], { sn: str('SN of the dock that reported it.'), hms: HMS, raised_at: time('When it was first reported.') }),
    example: { sn: EXAMPLE_DEVICE, hms: HMS_EXAMPLE, raised_at: EXAMPLE_TIME },
  },
  {
    type: 'device.hms_cleared',
    summary: 'A health (HMS) alarm cleared',
    emitted: 'When a dock\'s `hms` report no longer holds an active alarm (one event per alarm, in the transaction that clears it).',
    data: obj(['sn', 'hms', 'raised_at', 'cleared_at'], { sn: str('SN of the dock that reported it.'), hms: HMS, raised_at: time('When it was first reported.'), cleared_at: time('When it cleared.') }),
    example: { sn: EXAMPLE_DEVICE, hms: HMS_EXAMPLE, raised_at: EXAMPLE_TIME, cleared_at: '2026-04-22T12:05:00.000Z' },
  },
  {
    type: 'device_request.received',
    summary: 'A dock sent a request',
    emitted: 'When a request on `thing/product/{gateway_sn}/requests` is stored. Answer it with `POST /api/v1/open/device-requests/{request_id}/reply` unless the platform answers it.',
    data: { ...ref('DeviceRequest') },
    example: EXAMPLES.deviceRequest,
  },
  {
    type: 'device_request.replied',
    summary: 'A device request was answered',
    emitted: 'When the reply to a device request is stored and published (through the API or by the platform); `reply_source` says which.',
    data: { ...ref('DeviceRequest') },
    example: { ...EXAMPLES.deviceRequest, reply_code: '0', reply_message: 'ok', reply_source: 'manual', standardized_reply: { result: 0, output: {} }, replied_at: '2026-04-22T12:00:01.000Z' },
  },
  {
    type: 'flight_task.updated',
    summary: 'A flight task changed status or step',
    emitted: 'When a flight task\'s status or step changed (not on every percent).',
    data: obj(['flight_id', 'sn', 'status'], {
      flight_id: str('DJI `flight_id` of the task.'),
      sn: str('Dock SN.'),
      status: str('DJI task status, e.g. `in_progress`, `paused`.'),
      step: { type: ['string', 'null'], description: 'Current step, when reported.' },
      percent: { type: ['integer', 'null'], minimum: 0, maximum: 100, description: 'Percent complete at the change.', 'x-unit': '%' },
    }),
    example: { flight_id: 'f4a1c2d3-0000-4000-8000-000000000001', sn: EXAMPLE_DEVICE, status: 'in_progress', step: 'takeoff', percent: 5 },
  },
  {
    type: 'flight_task.completed',
    summary: 'A flight task ended',
    emitted: 'When a flight task reached a terminal status (`ok`, `failed`, `canceled`...).',
    data: obj(['flight_id', 'sn', 'status'], {
      flight_id: str('DJI `flight_id` of the task.'),
      sn: str('Dock SN.'),
      status: str('Terminal DJI task status.'),
      result: { type: ['integer', 'null'], description: 'DJI `result` code (0 = success).' },
    }),
    example: { flight_id: 'f4a1c2d3-0000-4000-8000-000000000001', sn: EXAMPLE_DEVICE, status: 'ok', result: 0 },
  },
  {
    type: 'media.uploaded',
    summary: 'A media file was uploaded',
    emitted: 'When a dock reported a finished media upload (DJI `file_upload_callback`).',
    data: obj(['sn', 'file'], {
      sn: str('Dock SN.'),
      flight_id: { type: ['string', 'null'], description: 'Flight task the file belongs to, when known.' },
      file: obj(['name', 'object_key'], {
        name: str('File name.'),
        object_key: str('Key in the object store.'),
        path: str('Folder as reported by the dock.'),
        fingerprint: str('Fingerprint reported by the dock.'),
      }),
    }),
    example: { sn: EXAMPLE_DEVICE, flight_id: 'f4a1c2d3-0000-4000-8000-000000000001', file: { name: 'DJI_0001.JPG', object_key: 'media/dock-sn-001/DJI_0001.JPG', path: 'wayline', fingerprint: '7c0a…' } },
  },
  {
    type: 'webhook.test',
    summary: 'A test event',
    emitted: 'Only when a test is requested for a webhook endpoint; it is delivered to that endpoint alone and has no device.',
    data: obj(['endpoint_id', 'message'], { endpoint_id: str('The endpoint tested.', { format: 'uuid' }), message: str('Fixed text.') }),
    example: { endpoint_id: EXAMPLE_REQUEST_ID, message: 'dockgate test event' },
  },
];

/** Every event type. */
export type EventType = (typeof EVENTS)[number]['type'];

/** The envelope every event has (log, stream and webhook body), in emitted key order. */
export const EVENT_ENVELOPE = {
  required: ['id', 'type', 'timestamp', 'device_id', 'sequence', 'data'],
  properties: {
    id: str('Event ID (UUIDv7, time-ordered); the `webhook-id` header of deliveries and the SSE `id:` of the stream. Use it to de-duplicate.', { format: 'uuid' }),
    type: str('Event type (a `const` per variant).'),
    timestamp: time('When the change happened (UTC).'),
    device_id: { type: ['string', 'null'], description: 'Device the event is about (the command\'s `device_id`, the request\'s gateway, the device SN); null for `webhook.test`.' },
    sequence: { type: ['integer', 'null'], minimum: 1, description: 'Per-device sequence number, 1, 2, 3… without gaps per `device_id` in commit order; order a device\'s events by it. Null without a device.' },
    data: { type: 'object', description: 'The event\'s data (a schema per type).' },
  } as Record<string, JsonSchema>,
};

/** Headers of every webhook delivery (Standard Webhooks, https://www.standardwebhooks.com/). */
export const WEBHOOK_HEADERS: { name: string; description: string; schema: JsonSchema }[] = [
  { name: 'webhook-id', description: 'The event `id`; the same on every retry (the receiver\'s idempotency key).', schema: { type: 'string' } },
  { name: 'webhook-timestamp', description: 'Unix seconds of this attempt; reject values far from your clock (the `standardwebhooks` library allows ±5 min).', schema: { type: 'string', pattern: '^[0-9]+$' } },
  { name: 'webhook-signature', description: 'Space-separated `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, one per active secret (two for 24 h after a rotation).', schema: { type: 'string' } },
];

/** Component name of an event type's variant: `command.accepted` → `CommandAcceptedEvent`. */
export function eventComponent(type: string): string {
  return `${type.split(/[._]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}Event`;
}
