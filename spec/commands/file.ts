/**
 * Domain `file`: dock and aircraft log upload to object storage, and media upload priority
 * (seed 004 § file; docs/dji/commands.md#file; docs/dji/events-and-progress.md and
 * docs/dji/services-and-replies.md for `fileupload_progress` and the `fileupload_list` reply).
 */
import { arr, djiOnlyConstraint, int, obj, str } from '../fields.js';
import type { ArrayField, CommandDef } from '../types.js';
import { LOG_UPLOAD_LIMITS } from '../job-limits.js';

const DOCK3_LOG = 'DJI Dock 3 log page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/log.html';
const DOCK3_MEDIA = 'DJI Dock 3 media page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/media.html';

/** `module_list`: which devices' logs, as DJI's string codes. */
function moduleList(description: string): ArrayField {
  return arr(description, str('Log module', { enum: { '0': 'aircraft', '3': 'dock' } }), {
    note: djiOnlyConstraint('1–2 items (official DJI demo)'),
  });
}

export const fileCommands: CommandDef[] = [
  {
    command_type: 'fileupload_list',
    domain: 'file',
    summary: 'List the log files the aircraft and dock can upload',
    description:
      'Asks the dock which log files of the aircraft and/or the dock can be uploaded. The answer is the `services_reply` itself, and unlike other replies it puts `files` directly in `data` next to `result` (no `output`): `files[]{device_sn, result, module ("0" aircraft, "3" dock), list[]{boot_index, start_time, end_time (epoch ms), size (bytes)}}`. Pass the chosen `boot_index` values to `fileupload_start`.',
    payload: {
      module_list: moduleList('Devices whose log files to list: `"0"` aircraft, `"3"` dock (strings, as DJI sends them).'),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { module_list: ['0', '3'] },
    sources: [DOCK3_LOG, 'DEMO cloudapi/log/FileUploadListRequest.java', 'DEMO cloudapi/log/LogModuleEnum.java'],
  },
  {
    command_type: 'fileupload_start',
    domain: 'file',
    summary: 'Upload log files to object storage',
    description:
      'Makes the dock upload the selected log files of the aircraft and/or the dock (chosen by `boot_index` from `fileupload_list`) to an object-storage bucket (Alibaba Cloud OSS, AWS S3 or MinIO) with the given temporary credentials. The `services_reply` only accepts the job; completion arrives as `fileupload_progress` events with the same `bid` (DJI sets `need_reply` 0), with the overall `output.status` (terminal: `ok`, or `failed`/`rejected`/`canceled`/`timeout`) and per file `output.ext.files[]{module, size, device_sn, key, fingerprint, progress{progress, finish_time, upload_rate}}`. There is no overall percent; each file reports its own. Cancel with `fileupload_update`.',
    payload: {
      bucket: str('Name of the object-storage bucket the files are uploaded to.'),
      region: str('Region (data centre) of the bucket.'),
      credentials: obj('Temporary (STS) credentials the dock uses to write to the bucket.', {
        access_key_id: str('Access key ID.'),
        access_key_secret: str('Secret access key.'),
        expire: int(
          'Expiry of the credentials. DJI documents the unit as seconds, but its example value (1659432522000) looks like an epoch time in milliseconds, and the official DJI demo sends the validity duration in seconds. Forwarded unchanged.',
          { min: 1, unit: 's' },
        ),
        security_token: str('Session (security) token of the temporary credentials.'),
      }),
      endpoint: str('Public endpoint (URL) of the object storage, e.g. `https://oss-cn-hangzhou.aliyuncs.com`.', {
        note: djiOnlyConstraint('(official demo) an `http://` or `https://` URL'),
      }),
      provider: str('Cloud vendor of the object storage: `ali` Alibaba Cloud OSS, `aws` Amazon Web Services S3, `minio` MinIO.', {
        note: djiOnlyConstraint('the values `ali`, `aws`, `minio`'),
      }),
      params: obj('Which log files to upload and where.', {
        files: arr(
          'One entry per device (module).',
          obj('Log files of one device.', {
            object_key: str('Object key (path) of the upload in the bucket.'),
            module: str('Log module', { enum: { '0': 'aircraft', '3': 'dock' } }),
            list: arr(
              'Log files to upload, as listed by `fileupload_list`.',
              obj('One log file.', {
                boot_index: int('Boot index of the log file, from `fileupload_list`.'),
                start_time: int('Start time of the log (epoch ms), as listed by `fileupload_list`. Sent by the official DJI demo and the generic DJI page; not on the Dock pages.', {
                  required: false,
                  unit: 'ms',
                }),
                end_time: int('End time of the log (epoch ms), as listed by `fileupload_list`. Sent by the official DJI demo and the generic DJI page; not on the Dock pages.', {
                  required: false,
                  unit: 'ms',
                }),
                size: int('Size of the log file, as listed by `fileupload_list`. Sent by the official DJI demo and the generic DJI page; not on the Dock pages.', {
                  required: false,
                  unit: 'bytes',
                }),
              }),
            ),
            device_sn: str('SN of the device the logs come from. Sent (required) by the official DJI demo; not on the Dock pages.', { required: false }),
          }),
          { minItems: 1, maxItems: 2 },
        ),
      }),
      file_store_dir: str('Storage directory, as sent by the official DJI demo (required there). Not documented on the DJI Dock pages; forwarded unchanged when given.', {
        required: false,
        note: 'Widened from seed: not in seed 004; DJI demo-only field.',
      }),
      file_type: str('Type of the uploaded files; the official DJI demo sends `text_log`. Not documented on the DJI Dock pages; forwarded unchanged when given.', {
        required: false,
        note: 'Widened from seed: not in seed 004; DJI demo-only field.',
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    progress: {
      event_method: 'fileupload_progress',
      correlate_by: 'bid',
      status_path: 'output.status',
      succeeded: ['ok'],
      failed: ['failed', 'rejected', 'canceled', 'timeout'],
      need_reply: false,
      limits: LOG_UPLOAD_LIMITS,
    },
    docks: 'D1 D2 D3',
    example: {
      bucket: 'dock-logs',
      region: 'eu-central-1',
      credentials: {
        access_key_id: 'ASIAEXAMPLEKEYID',
        access_key_secret: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY',
        expire: 3600,
        security_token: 'FwoGZXIvYXdzEXAMPLETOKEN',
      },
      endpoint: 'https://s3.eu-central-1.amazonaws.com',
      provider: 'aws',
      params: {
        files: [
          {
            object_key: 'logs/7CTDM1D00B0001/dock/boot-321',
            module: '3',
            list: [{ boot_index: 321 }, { boot_index: 322 }],
          },
        ],
      },
    },
    sources: [
      DOCK3_LOG,
      'DEMO cloudapi/log/FileUploadStartRequest.java',
      'DEMO cloudapi/log/FileUploadStartParam.java',
      'DEMO cloudapi/log/FileUploadStartFile.java',
      'DEMO cloudapi/log/LogFileIndex.java',
      'DEMO cloudapi/storage/CredentialsToken.java',
      'docs/dji/events-and-progress.md (fileupload_progress)',
    ],
  },
  {
    command_type: 'fileupload_update',
    domain: 'file',
    summary: 'Cancel a running log upload',
    description:
      'Changes the state of a running log upload (`fileupload_start`) for the given modules; DJI defines only `cancel`. Reply `{result}`; the cancellation then shows in the `fileupload_progress` events of the original upload, not as progress of this command.',
    payload: {
      status: str('New upload status: `cancel` cancels the upload (the only value DJI defines).', {
        note: djiOnlyConstraint('the single value `cancel`'),
      }),
      module_list: moduleList('Modules whose upload is affected: `"0"` aircraft, `"3"` dock.'),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { status: 'cancel', module_list: ['0', '3'] },
    sources: [DOCK3_LOG, 'DEMO cloudapi/log/FileUploadUpdateRequest.java'],
  },
  {
    command_type: 'upload_flighttask_media_prioritize',
    domain: 'file',
    summary: 'Upload the media of a flight task first',
    description:
      'Moves the media of the given flight task to the front of the dock media upload queue. Reply `{result}`. The dock then announces the task now at the top with the `highest_priority_upload_flighttask_media` event (`{flight_id}`) and reports each uploaded file with `file_upload_callback`; these events are not tracked as progress of this command. Media-priority errors are 324030–324032.',
    payload: {
      flight_id: str('ID of the flight task (wayline job) whose media goes first.', {
        note: djiOnlyConstraint('(official demo) no `< > : " / \\ | ? * . _` characters'),
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { flight_id: '4cfb4b2b-2cd8-4cd5-9d4f-1d2b6a3f6d1e' },
    sources: [DOCK3_MEDIA, 'DEMO cloudapi/media/UploadFlighttaskMediaPrioritize.java'],
  },
];
