/** Domain `firmware`: OTA upgrades (seed 004 § firmware; docs/dji/commands.md#firmware). */
import { arr, int, obj, str } from '../fields.js';
import type { CommandDef } from '../types.js';
import { OTA_LIMITS } from '../job-limits.js';

/** Field left optional because DJI's doc example omits it for one device while its reference server requires it. */
const FILE_FIELD_NOTE =
  "DJI's reference server requires it; DJI's doc example omits the file fields for the second device, so it is optional here.";

export const firmwareCommands: CommandDef[] = [
  {
    command_type: 'ota_create',
    domain: 'firmware',
    summary: 'Upgrade the firmware of the dock and/or aircraft',
    description:
      'Starts a firmware upgrade job for up to two devices (the dock and/or its aircraft; each is named by `sn`, the command always goes to the dock). The dock downloads each firmware file and installs it. ' +
      'The `services_reply` carries `result` and `output.status`; progress arrives as `ota_progress` events with the same `bid`: `output.progress.percent`, `output.progress.current_step` (`download_firmware` → `upgrade_firmware`) and `output.status`, where `ok` → SUCCEEDED and `failed`, `rejected`, `canceled`, `timeout` → FAILED. An upgrade can take longer than the 300 s `timeout_seconds` limit. ' +
      'Typical errors: 312014 already upgrading, 312015 dock busy, 312022 aircraft not powered on or not connected, 312704 battery below 20 %.',
    payload: {
      devices: arr(
        'Devices to upgrade (at most 2: dock and aircraft).',
        obj('One device to upgrade.', {
          sn: str('Serial number of the dock or aircraft to upgrade.', { maxLength: 10240 }),
          product_version: str('Target firmware version, e.g. `10.01.1612`.', {
            maxLength: 10240,
            note: "DJI's reference server expects `NN.NN.NNNN`, while DJI's doc example uses `1.00.223`; no pattern is enforced.",
          }),
          file_url: str('Download URL of the firmware package, reachable from the dock.', { required: false, maxLength: 10240, note: FILE_FIELD_NOTE }),
          md5: str('MD5 of the firmware package (hex).', { required: false, maxLength: 10240, note: FILE_FIELD_NOTE }),
          file_size: int('Size of the firmware package.', { required: false, min: 0, unit: 'bytes', note: FILE_FIELD_NOTE }),
          file_name: str('File name of the firmware package.', { required: false, note: FILE_FIELD_NOTE }),
          firmware_upgrade_type: int('Upgrade type.', {
            enum: {
              2: 'consistency upgrade (brings the device to the firmware version its dock/aircraft pairing requires)',
              3: 'normal upgrade (installs `product_version`)',
              4: 'PSDK payload upgrade (Dock 3)',
            },
            note: "DJI's reference server names 2 and 3 the other way round (2 = normal, 3 = consistency); the dock documentation is followed here.",
          }),
        }),
        { minItems: 1, maxItems: 2 },
      ),
    },
    transport: 'services',
    reply: 'services_reply',
    progress: {
      event_method: 'ota_progress',
      correlate_by: 'bid',
      status_path: 'output.status',
      percent_path: 'output.progress.percent',
      step_path: 'output.progress.current_step',
      succeeded: ['ok'],
      failed: ['failed', 'rejected', 'canceled', 'timeout'],
      need_reply: false,
      limits: OTA_LIMITS,
    },
    docks: 'D1 D2 D3',
    example: {
      devices: [
        {
          sn: '1581F6Q8D245P00EKS87',
          product_version: '10.01.1612',
          file_url: 'https://storage.example.com/firmware/m3d_10.01.1612.zip',
          md5: '5f4dcc3b5aa765d61d8327deb882cf99',
          file_size: 653467234,
          file_name: 'm3d_10.01.1612.zip',
          firmware_upgrade_type: 3,
        },
      ],
    },
    sources: [
      'DJI Dock 3 firmware page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/firmware.html',
      'DEMO cloudapi/firmware/OtaCreateRequest.java, OtaCreateDevice.java',
      'docs/dji/events-and-progress.md (ota_progress)',
    ],
  },
];
