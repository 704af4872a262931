/**
 * The `events` methods dockgate knows (`thing/product/{gateway_sn}/events`), with their `data`
 * shapes as far as DJI documents them and whether DJI sets `need_reply: 1` (docs/dji/hms.md,
 * docs/dji/events-and-progress.md, docs/dji/telemetry.md). The progress events the commands use are
 * not repeated here: `progressEvents()` derives them from the command catalog's `progress`.
 */
import { int, latitude, longitude, num, obj, openObj, str, arr } from '../fields.js';
import type { CommandDef } from '../types.js';
import type { UplinkEventDef } from './types.js';

const BASE = 'https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock';
/** DJI page: Dock 3 HMS (`hms` event). */
export const DOCK3_HMS = `${BASE}/dock3/hms.html`;
const DOCK3_MEDIA = `${BASE}/dock3/media.html`;
const DOCK3_WAYLINE = `${BASE}/dock3/wayline.html`;
const DOCK3_DRC = `${BASE}/dock3/drc.html`;
const DOCK3_FLYSAFE = `${BASE}/dock3/flysafe.html`;
const DOCK3_AIRSENSE = `${BASE}/dock3/airsense.html`;
const DOCK3_CMD = `${BASE}/dock3/cmd.html`;
const DOCK3_CFR = `${BASE}/dock3/custom-fly-region.html`;
const opt = { required: false } as const;

/** One item of an `hms` report (also the basis of the API's alarm shape). */
export const HMS_ITEM = obj('One active health alarm.', {
  level: int('Alarm level.', { enum: { 0: 'notice', 1: 'reminder', 2: 'warning' } }),
  module: int('Event module.', { enum: { 0: 'flight task', 1: 'device management', 2: 'media', 3: 'hms' } }),
  in_the_sky: int('Whether the aircraft was flying.', { enum: { 0: 'on the ground', 1: 'in the sky' } }),
  code: str('Alarm code, e.g. `0x16100083` (key of the message in DJI\'s hms.json).', { maxLength: 10240 }),
  device_type: str('Model key `{domain}-{type}-{sub_type}` of the device the alarm is about, e.g. `0-67-0`.'),
  imminent: int('Whether the alarm is transient (e.g. strong wind) and clears by itself.', { enum: { 0: 'no', 1: 'yes' } }),
  args: obj('Values for the message placeholders.', {
    component_index: int('Component index (`%component_index`, `%index`).', opt),
    sensor_index: int('Sensor index (`%sensor_index`).', opt),
  }, opt),
});

/** Events dockgate knows besides the commands' progress events. */
export const KNOWN_EVENTS: UplinkEventDef[] = [
  {
    method: 'hms',
    description: 'Health alarms: each report is the complete list of active alarms (an alarm missing from a report has cleared).',
    data: { list: arr('Active alarms (up to 20).', HMS_ITEM, { maxItems: 20 }) },
    need_reply: false,
    role: 'alarm',
    sources: [DOCK3_HMS, 'https://developer.dji.com/doc/cloud-api-tutorial/en/feature-set/dock-feature-set/hms.html'],
  },
  {
    method: 'file_upload_callback',
    description: 'A media file of a flight was uploaded to object storage.',
    data: {
      file: obj('The uploaded file.', {
        object_key: str('Object key in the bucket.'),
        path: str('Business path.', opt),
        name: str('File name.'),
        ext: openObj('Extension: `flight_id`, `drone_model_key`, `payload_model_key`, `is_original` (further keys not documented).', opt),
        metadata: openObj('Metadata: `gimbal_yaw_degree`, `absolute_altitude`, `relative_altitude`, `create_time`, `shoot_position {lat, lng}`.', opt),
      }),
    },
    need_reply: true,
    role: 'media',
    sources: [DOCK3_MEDIA],
  },
  {
    method: 'highest_priority_upload_flighttask_media',
    description: 'The flight whose media the dock now uploads first.',
    data: { flight_id: str('Flight task ID.') },
    need_reply: true,
    role: 'media',
    sources: [DOCK3_MEDIA],
  },
  {
    method: 'device_exit_homing_notify',
    description: 'The aircraft entered or left return-to-home (`action` 0 exit, 1 enter), with the reason.',
    data: { sn: str('Aircraft SN.', opt), action: int('Action.', { enum: { 0: 'exit homing', 1: 'enter homing' }, ...opt }), reason: int('Reason code.', opt) },
    need_reply: true,
    role: 'notify',
    sources: [DOCK3_WAYLINE],
  },
  {
    method: 'flight_areas_sync_progress',
    description: 'Progress of synchronising custom flight areas to the aircraft.',
    data: { status: str('Sync status.', opt), reason: int('Reason code.', opt) },
    need_reply: true,
    role: 'notify',
    sources: [DOCK3_CFR],
  },
  {
    method: 'flight_areas_drone_location',
    description: 'Aircraft position relative to custom flight areas.',
    data: { drone_locations: arr('Per area: distance and whether inside.', openObj('One area (shape as DJI reports it).'), opt) },
    need_reply: false,
    role: 'notify',
    sources: [DOCK3_CFR],
  },
  {
    method: 'airsense_warning',
    description: 'ADS-B: manned aircraft nearby, with warning level and position.',
    data: { list: arr('Nearby aircraft.', obj('One aircraft.', {
      icao: str('ICAO address.', opt),
      warning_level: int('Warning level 0–4.', opt),
      latitude: latitude('Latitude', opt),
      longitude: longitude('Longitude', opt),
      altitude: num('Altitude.', { unit: 'm', ...opt }),
      heading: num('Heading.', { unit: 'degrees', ...opt }),
      relative_altitude: num('Altitude relative to the aircraft.', { unit: 'm', ...opt }),
      vert_trend: int('Vertical trend.', opt),
      distance: num('Distance.', { unit: 'm', ...opt }),
    }), opt) },
    need_reply: true,
    role: 'notify',
    sources: [DOCK3_AIRSENSE],
  },
  {
    method: 'drc_status_notify',
    description: 'DRC link state changed.',
    data: { result: int('Result code (0 success).', opt), drc_state: int('DRC state.', { enum: { 0: 'not connected', 1: 'connecting', 2: 'connected' }, ...opt }) },
    need_reply: true,
    role: 'notify',
    sources: [DOCK3_DRC],
  },
  {
    method: 'joystick_invalid_notify',
    description: 'Flight controls by joystick became invalid, with the reason.',
    data: { reason: int('Reason code.', opt) },
    need_reply: true,
    role: 'notify',
    sources: [DOCK3_DRC],
  },
  {
    method: 'obstacle_avoidance_notify',
    description: 'Obstacle avoidance state of the aircraft (Dock 3).',
    data: {},
    need_reply: true,
    role: 'notify',
    sources: [DOCK3_FLYSAFE],
  },
  {
    method: 'rtk_calibration',
    description: 'Progress of the dock RTK calibration (Dock 3).',
    data: {},
    need_reply: true,
    role: 'notify',
    sources: [DOCK3_CMD],
  },
];

/**
 * The progress events of the command catalog, one per `event_method` (a method shared by several
 * commands lists them all). `need_reply` is true when any command's progress says DJI sets it.
 */
export function progressEvents(commands: readonly CommandDef[]): UplinkEventDef[] {
  const byMethod = new Map<string, UplinkEventDef>();
  for (const c of commands) {
    if (!c.progress) continue;
    const m = c.progress.event_method;
    const e = byMethod.get(m);
    if (e) {
      e.commands!.push(c.command_type);
      e.need_reply ||= c.progress.need_reply;
    } else {
      byMethod.set(m, {
        method: m,
        description: `Progress of a command (status at \`${c.progress.status_path}\`); correlated by ${c.progress.correlate_by === 'bid' ? '`bid`' : `\`${c.progress.correlate_by.event_field}\``}.`,
        data: {},
        need_reply: c.progress.need_reply,
        role: 'progress',
        commands: [c.command_type],
        sources: c.sources.filter((s) => s.startsWith('https://')).slice(0, 1),
      });
    }
  }
  return [...byMethod.values()];
}
