/**
 * The device (fleet) part of the API definition (issue 11 item 7): the shapes of a device, its
 * presence, state snapshot and HMS alarms, and the three read operations. The properties a device
 * reports and the HMS item are NOT described here: their schemas (`DockProperties`,
 * `AircraftProperties`, `HmsAlarmReport`) are derived from the uplink catalog (spec/uplink/) by
 * the generator (generator/openapi/uplink.ts).
 */
import { SN_PATTERN } from '../topics.js';
import { CURSOR_PARAM, LIMIT_PARAM, query, type OperationDef, type ParameterDef } from './operations.js';
import { dateTime, listPage, ref, type JsonSchema } from './shapes.js';

const nullableDateTime = (description: string): JsonSchema => ({ type: ['string', 'null'], format: 'date-time', description });
const snSchema: JsonSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: SN_PATTERN.source };

/** Presence reasons (server/store/types/fleet.ts `PresenceReason`). */
export const PRESENCE_REASONS = {
  message: 'a message arrived from the device (or, first seen)',
  update_topo: 'its dock listed it in `update_topo` (online) or dropped it from the list (offline)',
  disconnect: 'the embedded broker saw its connection close',
  silence: 'no message for `DEVICE_SILENCE_SECONDS` (default 60 s)',
} as const;

const DEVICE_PROPERTIES: Record<string, JsonSchema> = {
  sn: { type: 'string', description: 'Device SN (dock or aircraft).' },
  kind: { type: 'string', enum: ['dock', 'aircraft'], description: 'Dock (gateway) or aircraft (sub-device of a dock).' },
  model_key: { type: ['string', 'null'], description: 'DJI model key `{domain}-{type}-{sub_type}` (e.g. `3-3-0`), once known from `update_topo` or the registry.' },
  model_name: { type: ['string', 'null'], description: 'Model name for `model_key` (e.g. `DJI Dock 3`), null when dockgate does not name it.' },
  dock_sn: { type: ['string', 'null'], description: 'For an aircraft: the dock it was last reported under; null for a dock.' },
  online: { type: 'boolean', description: 'Whether the device is online (see `presence_reason`).' },
  last_seen_at: nullableDateTime('Last message heard from the device (recorded at most about once per second).'),
  presence_changed_at: dateTime('When `online` last changed.'),
  // A component of its own, not a ref into Device's properties: generators such as orval resolve
  // only refs to whole components.
  presence_reason: ref('PresenceReason'),
};
const DEVICE_REQUIRED = Object.keys(DEVICE_PROPERTIES);


/** The device shapes, in emitted order (spread into `SHAPES`). */
export const DEVICE_SHAPES: Record<string, JsonSchema> = {
  PresenceReason: {
    type: 'string',
    enum: Object.keys(PRESENCE_REASONS),
    description: `Why \`online\` last changed.\n\n${Object.entries(PRESENCE_REASONS).map(([k, v]) => `- \`${k}\`: ${v}`).join('\n')}`,
    'x-enumDescriptions': { ...PRESENCE_REASONS },
  },
  Device: { type: 'object', description: 'A device and its presence.', required: DEVICE_REQUIRED, properties: DEVICE_PROPERTIES, additionalProperties: false },
  DeviceList: listPage('Device', 'Devices ordered by SN.'),
  PresenceChange: {
    type: 'object',
    required: ['online', 'reason', 'at'],
    properties: { online: { type: 'boolean', description: 'Online after the change.' }, reason: ref('PresenceReason'), at: dateTime('When it changed.') },
    additionalProperties: false,
  },
  DeviceState: {
    type: 'object',
    description: 'The latest state: every property the device reported on `osd` and `state`, merged (a partial report updates only its properties).',
    required: ['version', 'updated_at', 'group_reported_at', 'properties'],
    properties: {
      version: { type: 'integer', minimum: 1, description: 'Increases with every stored update of the snapshot (at most about one per second).' },
      updated_at: dateTime('When the newest report in this snapshot was received.'),
      group_reported_at: {
        type: 'object',
        additionalProperties: { type: 'string', format: 'date-time' },
        description: 'Per property group (`mode`, `position`, `flight`, `cover`, `battery`, … and `other` for properties dockgate does not list), when one of its properties was last reported.',
      },
      properties: { anyOf: [ref('DockProperties'), ref('AircraftProperties')], description: 'The properties as reported (`DockProperties` for a dock, `AircraftProperties` for an aircraft); unknown ones are kept.' },
    },
    additionalProperties: false,
  },
  Alarm: {
    description: 'An HMS alarm: the item as the dock reported it, from the report that raised it until the first report without it.',
    allOf: [
      ref('HmsAlarmReport'),
      {
        type: 'object',
        required: ['alarm_id', 'sn', 'code', 'raised_at', 'cleared_at', 'message'],
        properties: {
          alarm_id: { type: 'string', description: 'Platform alarm ID.' },
          sn: { type: 'string', description: 'SN of the dock that reported it.' },
          raised_at: dateTime('When the first report holding it was received.'),
          cleared_at: nullableDateTime('When the first report without it was received; null while active.'),
          message: { type: ['string', 'null'], description: 'The text from DJI\'s hms.json (`HMS_MESSAGES_FILE`) in `lang`, placeholders filled; null when no file is configured or the code is not in it.' },
        },
      },
    ],
  },
  AlarmList: listPage('Alarm', 'Alarms, newest raised first.'),
  DeviceDetail: {
    type: 'object',
    description: 'A device with its presence history, topology, latest state and active alarms.',
    required: [...DEVICE_REQUIRED, 'presence_history', 'aircraft', 'state', 'active_alarms'],
    properties: {
      ...DEVICE_PROPERTIES,
      presence_history: { type: 'array', items: ref('PresenceChange'), description: 'The last presence changes (up to 20), newest first.' },
      aircraft: { type: 'array', items: { type: 'string' }, description: 'For a dock: SNs of the aircraft reported under it. Empty for an aircraft (see `dock_sn`).' },
      state: { anyOf: [ref('DeviceState'), { type: 'null' }], description: 'Latest state; null before the first `osd`/`state` report.' },
      active_alarms: { type: 'array', items: ref('Alarm'), description: 'Active HMS alarms (of a dock; for an aircraft, its dock\'s alarms about an aircraft), newest first, up to 20.' },
    },
    additionalProperties: false,
  },
};

const snPath: ParameterDef = { name: 'device_sn', in: 'path', required: true, description: 'Device SN (dock or aircraft).', schema: snSchema };
const langParam = query('lang', 'Language of alarm `message` texts (a key of DJI\'s hms.json, e.g. `en`, `zh`); falls back to `zh`. Default `en`.', { type: 'string', pattern: '^[a-z]{2}(-[A-Za-z]{2,4})?$' });

const EXAMPLE_DEVICE = {
  sn: 'DOCK3SN0001', kind: 'dock', model_key: '3-3-0', model_name: 'DJI Dock 3', dock_sn: null, online: true,
  last_seen_at: '2026-04-22T12:00:02.000Z', presence_changed_at: '2026-04-22T11:00:00.000Z', presence_reason: 'message',
};
const EXAMPLE_ALARM = {
  alarm_id: '0190f5a2-7c1e-7a3b-9c2d-1e2f3a4b5c6d', sn: 'DOCK3SN0001', level: 2, module: 3, in_the_sky: 0, code: '0x16100083',
  device_type: '0-100-0', imminent: 1, args: { component_index: 0, sensor_index: 0 }, raised_at: '2026-04-22T11:58:00.000Z', cleared_at: null, message: null,
};

/** The device operations (appended to `OPERATIONS`). */
export const DEVICE_OPERATIONS: OperationDef[] = [
  {
    operationId: 'listDevices',
    method: 'get',
    path: '/api/v1/open/devices',
    summary: 'List devices',
    description: 'Docks and aircraft this credential may see, ordered by SN, with their presence: the base of a fleet map.',
    details: 'A credential sees the devices of its `allowed_devices` (all when it has none) and those the device registry grants it, plus the aircraft of those docks. Only devices that have reported at least once are listed.',
    scope: 'open:device:read',
    tag: 'Devices',
    parameters: [
      query('kind', 'Only docks or only aircraft.', { type: 'string', enum: ['dock', 'aircraft'] }),
      query('online', 'Only online (`true`) or offline (`false`) devices.', { type: 'boolean' }),
      query('model', 'Only devices of this model key `{domain}-{type}-{sub_type}`.', { type: 'string', pattern: '^[0-9]{1,5}-[0-9]{1,5}-[0-9]{1,5}$' }),
      LIMIT_PARAM,
      CURSOR_PARAM,
    ],
    responses: { 200: { description: 'A page of devices.', content: { schema: ref('DeviceList'), example: { items: [EXAMPLE_DEVICE], next_cursor: null } } } },
    errors: ['VALIDATION_FAILED', 'SERVICE_UNAVAILABLE'],
  },
  {
    operationId: 'getDevice',
    method: 'get',
    path: '/api/v1/open/devices/{device_sn}',
    summary: 'Get a device',
    description: 'One device: presence (with its last changes), topology, latest state snapshot and active HMS alarms.',
    scope: 'open:device:read',
    tag: 'Devices',
    parameters: [snPath, langParam],
    responses: {
      200: {
        description: 'The device.',
        content: {
          schema: ref('DeviceDetail'),
          example: {
            ...EXAMPLE_DEVICE,
            presence_history: [{ online: true, reason: 'message', at: '2026-04-22T11:00:00.000Z' }],
            aircraft: ['M4DSN0001'],
            state: { version: 42, updated_at: '2026-04-22T12:00:02.000Z', group_reported_at: { cover: '2026-04-22T12:00:02.000Z' }, properties: { mode_code: 0, cover_state: 0, drone_in_dock: 1, latitude: 22.5, longitude: 113.9 } },
            active_alarms: [EXAMPLE_ALARM],
          },
        },
      },
    },
    errors: ['VALIDATION_FAILED', 'DEVICE_NOT_FOUND', 'SERVICE_UNAVAILABLE'],
  },
  {
    operationId: 'listDeviceAlarms',
    method: 'get',
    path: '/api/v1/open/devices/{device_sn}/alarms',
    summary: 'List a device\'s HMS alarms',
    description: 'HMS alarms a dock reported: active ones (default) or cleared ones, newest raised first; `since` keeps those raised (active) or cleared (cleared) at or after a time.',
    scope: 'open:device:read',
    tag: 'Devices',
    parameters: [
      snPath,
      query('state', '`active` (default) or `cleared`.', { type: 'string', enum: ['active', 'cleared'] }),
      query('since', 'Only alarms raised (active) or cleared (cleared) at or after this time.', { type: 'string', format: 'date-time' }),
      langParam,
      LIMIT_PARAM,
      CURSOR_PARAM,
    ],
    responses: { 200: { description: 'A page of alarms.', content: { schema: ref('AlarmList'), example: { items: [EXAMPLE_ALARM], next_cursor: null } } } },
    errors: ['VALIDATION_FAILED', 'DEVICE_NOT_FOUND', 'SERVICE_UNAVAILABLE'],
  },
];
