/**
 * The mission part of the API definition (issue 12 items 2–3; docs/missions.md): flight tasks
 * (one per DJI `flight_id`, built from the flight-task commands and `flighttask_progress`) and the
 * media files docks reported with `file_upload_callback`. DJI's field meanings:
 * https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/wayline.html
 * and .../dock3/file.html (public pages).
 */
import { SN_PATTERN } from '../topics.js';
import { CURSOR_PARAM, LIMIT_PARAM, query, type OperationDef, type ParameterDef } from './operations.js';
import { listPage, ref, type JsonSchema } from './shapes.js';

const t = (description: string): JsonSchema => ({ type: ['string', 'null'], format: 'date-time', description });
const n = (description: string, type: 'integer' | 'number' = 'integer'): JsonSchema => ({ type: [type, 'null'], description });
const snSchema: JsonSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: SN_PATTERN.source };
const flightIdSchema: JsonSchema = { type: 'string', minLength: 1, maxLength: 256 };


const FLIGHT_TASK: Record<string, JsonSchema> = {
  flight_id: { type: 'string', description: 'DJI `flight_id` of the task (the id given to `flighttask_prepare`).' },
  sn: { type: 'string', description: 'Dock SN.' },
  status: {
    type: 'string',
    description:
      'DJI task status from `flighttask_progress` `output.status` (`sent`, `in_progress`, `paused`, `ok`, `partially_done`, `failed`, `canceled`, `rejected`, `timeout`); `prepared` before the first progress event. `canceled` also when `flighttask_undo` was accepted before the task started.',
  },
  terminal: { type: 'boolean', description: 'Whether `status` ends the task (`ok`, `partially_done`, `failed`, `canceled`, `rejected`, `timeout`); later events do not change it.' },
  percent: { type: ['integer', 'null'], minimum: 0, maximum: 100, description: 'Latest `output.progress.percent`.', 'x-unit': '%' },
  current_step: n('Latest `output.progress.current_step` (DJI step code of the dock\'s task flow).'),
  current_waypoint_index: n('Latest `output.ext.current_waypoint_index`: the waypoint the aircraft is at or flying to (0-based).'),
  wayline_mission_state: n('Latest `output.ext.wayline_mission_state` (DJI wayline execution state code).'),
  media_count: n('`output.ext.media_count`: media files the aircraft shot in this task.'),
  uploaded_count: { type: 'integer', minimum: 0, description: 'Media files of this task the dock reported uploaded (`file_upload_callback`); compare with `media_count`.' },
  track_id: { type: ['string', 'null'], description: '`output.ext.track_id`: the flight track of this task.' },
  break_point: {
    type: ['object', 'null'],
    description: '`output.ext.break_point`: where a broken-off wayline mission stopped. Send it as `break_point` of a new `flighttask_prepare` to resume from there (docs/missions.md).',
    properties: {
      index: n('Waypoint (or segment) index of the break point.'),
      state: n('0: on a segment, 1: at a waypoint.'),
      progress: n('Progress along the segment, 0–1.', 'number'),
      wayline_id: n('Wayline id within the KMZ.'),
    },
    additionalProperties: false,
  },
  result: n('DJI `result` of the latest progress event (0: no error; otherwise the error code, e.g. of a failed mission).'),
  prepared_at: t('When the dock accepted `flighttask_prepare`.'),
  started_at: t('When the dock accepted `flighttask_execute`, or the first `in_progress` event.'),
  paused_at: t('Latest pause (`flighttask_pause` accepted or a `paused` event).'),
  ended_at: t('When the task reached a terminal status.'),
  created_at: { type: 'string', format: 'date-time', description: 'When dockgate first heard of the task.' },
  updated_at: { type: 'string', format: 'date-time', description: 'Last change.' },
  commands: {
    type: 'array',
    description: 'The commands that acted on the task, in the order the dock accepted them.',
    items: {
      type: 'object',
      required: ['command_id', 'command_type', 'at'],
      properties: { command_id: { type: 'string' }, command_type: { type: 'string' }, at: { type: 'string', format: 'date-time', description: 'When the dock accepted it.' } },
      additionalProperties: false,
    },
  },
};

const MEDIA: Record<string, JsonSchema> = {
  media_id: { type: 'string', description: 'Platform id of the record.' },
  sn: { type: 'string', description: 'Dock SN that reported the upload.' },
  flight_id: { type: ['string', 'null'], description: '`ext.flight_id` of the callback: the flight task that shot it.' },
  object_key: { type: 'string', description: 'Key of the file in the object store.' },
  name: { type: 'string', description: 'File name.' },
  path: { type: ['string', 'null'], description: 'Folder the dock reported.' },
  is_original: { type: ['boolean', 'null'], description: '`ext.is_original`: the original file (true) or a preview.' },
  drone_model_key: { type: ['string', 'null'], description: '`ext.drone_model_key` of the aircraft that shot it.' },
  payload_model_key: { type: ['string', 'null'], description: '`ext.payload_model_key` of the camera.' },
  shoot_position: {
    type: ['object', 'null'],
    description: '`metadata.shoot_position`: where it was shot (WGS-84 degrees).',
    properties: { lat: { type: 'number' }, lng: { type: 'number' } },
    additionalProperties: false,
  },
  absolute_altitude: { type: ['number', 'null'], description: '`metadata.absolute_altitude` (m, ellipsoid).', 'x-unit': 'm' },
  relative_altitude: { type: ['number', 'null'], description: '`metadata.relative_altitude` (m above take-off).', 'x-unit': 'm' },
  gimbal_yaw_degree: { type: ['number', 'null'], description: '`metadata.gimbal_yaw_degree`.', 'x-unit': '°' },
  created_time: t('`metadata.created_time`: when it was shot.'),
  received_at: { type: 'string', format: 'date-time', description: 'When dockgate recorded the callback.' },
};

/** The mission shapes (spread into `SHAPES`). */
export const MISSION_SHAPES: Record<string, JsonSchema> = {
  FlightTask: { type: 'object', description: 'A flight task: its DJI progress, break point, media and the commands that acted on it.', required: Object.keys(FLIGHT_TASK), properties: FLIGHT_TASK, additionalProperties: false },
  FlightTaskList: listPage('FlightTask', 'Flight tasks, newest first.'),
  Media: { type: 'object', description: 'A media file a dock uploaded to the object store.', required: Object.keys(MEDIA), properties: MEDIA, additionalProperties: false },
  MediaList: listPage('Media', 'Media, newest received first.'),
};

const EXAMPLE_TASK = {
  flight_id: 'f4a1c2d3-0000-4000-8000-000000000001', sn: 'DOCK3SN0001', status: 'failed', terminal: true, percent: 60, current_step: 25,
  current_waypoint_index: 5, wayline_mission_state: 9, media_count: 5, uploaded_count: 5, track_id: 'track-1',
  break_point: { index: 5, state: 1, progress: 0, wayline_id: 0 }, result: 314015,
  prepared_at: '2026-04-22T12:00:00.000Z', started_at: '2026-04-22T12:00:05.000Z', paused_at: null, ended_at: '2026-04-22T12:12:00.000Z',
  created_at: '2026-04-22T12:00:00.000Z', updated_at: '2026-04-22T12:12:00.000Z',
  commands: [
    { command_id: '0190f5a2-7c1e-7a3b-9c2d-000000000001', command_type: 'flighttask_prepare', at: '2026-04-22T12:00:00.000Z' },
    { command_id: '0190f5a2-7c1e-7a3b-9c2d-000000000002', command_type: 'flighttask_execute', at: '2026-04-22T12:00:05.000Z' },
  ],
};
const EXAMPLE_MEDIA = {
  media_id: '0190f5a2-7c1e-7a3b-9c2d-1e2f3a4b5c6d', sn: 'DOCK3SN0001', flight_id: 'f4a1c2d3-0000-4000-8000-000000000001',
  object_key: 'media/DOCK3SN0001/f4a1c2d3-0000-4000-8000-000000000001/DJI_0001_W.jpeg', name: 'DJI_0001_W.jpeg', path: 'wayline', is_original: true,
  drone_model_key: '0-91-0', payload_model_key: '1-99-0', shoot_position: { lat: 22.58, lng: 113.94 }, absolute_altitude: 120.5, relative_altitude: 100.2,
  gimbal_yaw_degree: -90, created_time: '2026-04-22T12:03:00.000Z', received_at: '2026-04-22T12:03:10.000Z',
};

const timeRange: ParameterDef[] = [
  query('from', 'Only those created (tasks) or received (media) at or after this time.', { type: 'string', format: 'date-time' }),
  query('to', 'Only those created (tasks) or received (media) before this time.', { type: 'string', format: 'date-time' }),
];

/** The mission operations (appended to `OPERATIONS`). */
export const MISSION_OPERATIONS: OperationDef[] = [
  {
    operationId: 'listFlightTasks',
    method: 'get',
    path: '/api/v1/open/flight-tasks',
    summary: 'List flight tasks',
    description: 'Flight tasks of the docks this credential may see, newest first.',
    scope: 'open:device:read',
    tag: 'Missions',
    parameters: [
      query('device_sn', 'Only tasks of this dock.', snSchema),
      query('status', 'Only tasks with this DJI status (e.g. `in_progress`, `ok`, `failed`).', { type: 'string', minLength: 1, maxLength: 64 }),
      ...timeRange,
      LIMIT_PARAM,
      CURSOR_PARAM,
    ],
    responses: { 200: { description: 'A page of flight tasks.', content: { schema: ref('FlightTaskList'), example: { items: [EXAMPLE_TASK], next_cursor: null } } } },
    errors: ['VALIDATION_FAILED', 'SERVICE_UNAVAILABLE'],
  },
  {
    operationId: 'getFlightTask',
    method: 'get',
    path: '/api/v1/open/flight-tasks/{flight_id}',
    summary: 'Get a flight task',
    description: 'One flight task: status, progress, waypoint, break point, media shot and uploaded, and the commands that acted on it.',
    scope: 'open:device:read',
    tag: 'Missions',
    parameters: [{ name: 'flight_id', in: 'path', required: true, description: 'DJI `flight_id`.', schema: flightIdSchema }],
    responses: { 200: { description: 'The flight task.', content: { schema: ref('FlightTask'), example: EXAMPLE_TASK } } },
    errors: ['VALIDATION_FAILED', 'FLIGHT_TASK_NOT_FOUND', 'SERVICE_UNAVAILABLE'],
  },
  {
    operationId: 'listMedia',
    method: 'get',
    path: '/api/v1/open/media',
    summary: 'List media files',
    description: 'Media files docks reported uploaded (`file_upload_callback`), newest received first.',
    scope: 'open:device:read',
    tag: 'Missions',
    parameters: [query('flight_id', 'Only files of this flight task.', flightIdSchema), query('device_sn', 'Only files of this dock.', snSchema), ...timeRange, LIMIT_PARAM, CURSOR_PARAM],
    responses: { 200: { description: 'A page of media files.', content: { schema: ref('MediaList'), example: { items: [EXAMPLE_MEDIA], next_cursor: null } } } },
    errors: ['VALIDATION_FAILED', 'SERVICE_UNAVAILABLE'],
  },
];
