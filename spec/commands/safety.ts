/**
 * Domain `safety`: custom flight areas (geofences) and FlySafe unlock licences (seed 004 § safety;
 * docs/dji/commands.md#safety; DJI Dock 3 pages `custom-fly-region`, `flysafe`).
 */
import { bool, int, obj, str } from '../fields.js';
import type { CommandDef } from '../types.js';

const DOCK3_REGION = 'DJI Dock 3 custom-fly-region page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/custom-fly-region.html';
const DOCK3_FLYSAFE = 'DJI Dock 3 flysafe page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/flysafe.html';

export const safetyCommands: CommandDef[] = [
  {
    command_type: 'flight_areas_get',
    domain: 'safety',
    summary: 'Get custom flight areas (a dock-to-cloud request in DJI)',
    description:
      'Seed 004 lists this as a command, but in DJI Cloud API `flight_areas_get` is a device request in the other direction: after `flight_areas_update` the dock asks the cloud for the custom flight-area (geofence) files on `requests`, and the cloud answers with `{files: [{name, url, checksum (SHA-256), size}]}`. ' +
      'dockgate publishes this command unchanged on `services` as the seed defines it, but no DJI dock documents it as a service: expect a non-zero `result` or TIMED_OUT. ' +
      'To get geofences onto a dock, send `flight_areas_update` and answer the dock’s `flight_areas_get` device request (`GET /api/v1/open/device-requests?request_type=flight_areas_get`, then reply with the file list).',
    payload: {
      area_type: str('Area type filter. Has no DJI counterpart (DJI’s `flight_areas_get` request carries no data).', { required: false }),
    },
    transport: 'services',
    reply: 'services_reply',
    wire: {
      data: {},
      untranslatable:
        'DJI defines `flight_areas_get` only as a dock → cloud request (data null), not as a cloud → dock service, so there is no DJI `data` to translate into',
      notes:
        'Direction disagreement: in DJI Cloud API the dock sends `flight_areas_get` on `requests` and the cloud answers on `requests_reply`; seed 004 lists it as a command with an optional `area_type`, which DJI does not have. ' +
        'dockgate publishes the payload unchanged on `services`; use `flight_areas_update` plus the `flight_areas_get` device request instead.',
    },
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_REGION + ' § 自定义飞行区文件获取 (Requests)', 'DEMO cloudapi/flightarea/FlightAreasGetRequest.java, mqtt/requests/RequestsMethodEnum.java'],
  },
  {
    command_type: 'flight_areas_update',
    domain: 'safety',
    summary: 'Make the dock sync the custom flight areas',
    description:
      'Tells the dock that the custom flight areas (geofences) changed. The dock then requests the files with the device request `flight_areas_get` (answer it with the file list), syncs them to the aircraft and reports `flight_areas_sync_progress` events (`status` `wait_sync`, `synchronizing`, `synchronized`, `fail` or `switch_fail`, with a `reason` code), later also `flight_areas_drone_location` (distance to the area boundary). ' +
      'DJI does not tie those events to this command, so dockgate completes it on the `services_reply` (`result` only).',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_REGION + ' § 自定义飞行区更新指令, § 自定义飞行区文件同步状态', 'DEMO cloudapi/flightarea/FlightAreaMethodEnum.java'],
  },
  {
    command_type: 'unlock_license_list',
    domain: 'safety',
    summary: 'List the FlySafe unlock licences of the aircraft or dock',
    description:
      'Reads the FlySafe unlock licences (permissions to fly in restricted GEO zones) stored on the aircraft or the dock. The answer is in the `services_reply` data: `device_model_domain`, `consistence` (whether the aircraft and dock lists agree) and `licenses[]`, each with `common_fields` (`license_id`, `name`, `type`, `begin_time`/`end_time` in seconds, `enabled`, …) plus one type-specific block (area, circle, country, height, polygon, power or RID unlock).',
    payload: {
      device_model_domain: int('Where to read the licences from.', {
        enum: { 0: 'aircraft: licences imported into the aircraft', 3: 'dock: licences approved on the DJI FlySafe website' },
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { device_model_domain: 0 },
    sources: [DOCK3_FLYSAFE + ' § 获取设备的解禁证书列表'],
  },
  {
    command_type: 'unlock_license_switch',
    domain: 'safety',
    summary: 'Enable or disable one unlock licence',
    description: 'Enables or disables one FlySafe unlock licence on the device. The `services_reply` carries `result` and echoes `license_id`.',
    payload: {
      license_id: int('Unlock licence id, from `unlock_license_list` (`licenses[].common_fields.license_id`).'),
      enable: bool('`true` enables the licence, `false` disables it.'),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { license_id: 1000123, enable: true },
    sources: [DOCK3_FLYSAFE + ' § 启用/禁用设备的单个解禁证书'],
  },
  {
    command_type: 'unlock_license_update',
    domain: 'safety',
    summary: 'Update the unlock licences of the device',
    description:
      'Updates the FlySafe unlock licences on the device: from the offline licence file in `file` when given, otherwise online from the DJI FlySafe server. The `services_reply` carries only `result`.',
    payload: {
      file: obj(
        'Offline licence file; omit it to update from the DJI FlySafe server.',
        {
          url: str('Download URL of the licence file, reachable from the dock.', { format: 'uri' }),
          fingerprint: str('MD5 of the file content (hex).'),
        },
        { required: false },
      ),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { file: { url: 'https://storage.example.com/flysafe/unlock-2026.zip', fingerprint: 'd41d8cd98f00b204e9800998ecf8427e' } },
    sources: [DOCK3_FLYSAFE + ' § 更新设备的解禁证书'],
  },
];
