/**
 * Device-initiated DJI `requests` (dock → cloud on `thing/product/{gateway_sn}/requests`, answered
 * on `…/requests_reply` with the same `tid`/`bid`/`method`) that the platform knows
 * (docs/dji/requests.md; DJI Dock 3 pages `config`, `organization`, `media`, `wayline`,
 * `custom-fly-region`).
 *
 * `data` is the request `data`; `reply` is the whole `requests_reply` `data`: `{result, output}`
 * for `wrapped` replies, the bare fields for `flat` ones (only `config`). Shapes are informative:
 * the platform stores any request it receives, known or not.
 */
import { arr, bool, int, obj, str } from './fields.js';
import type { DeviceRequestDef, Field } from './types.js';

/** `result` of a wrapped reply. */
const result = int('0 = success; any other value is an error code.');

/** `{result, output}` of a wrapped reply. */
function wrapped(description: string, output: Record<string, Field>): Record<string, Field> {
  return { result, output: obj(description, output) };
}

export const deviceRequests: DeviceRequestDef[] = [
  {
    request_type: 'config',
    description:
      'The dock asks for its cloud configuration, typically after connecting: NTP server for clock sync (needed for timed wayline tasks when the docks cannot reach the Internet) and the credentials of the app registered on the DJI developer website (`app_id`, `app_key`, `app_license`), which license the third-party cloud to the dock. ' +
      'The platform answers automatically from its configuration. Unlike every other request, DJI sends this reply flat, without `result`/`output`.',
    data: {
      config_type: str('Configuration format.', { enum: { json: 'JSON' } }),
      config_scope: str('Configuration scope.', { enum: { product: 'product level' } }),
    },
    reply: {
      ntp_server_host: str('NTP server host the dock syncs its clock with.'),
      ntp_server_port: int('NTP server port; the dock uses 123 when absent.', { required: false, min: 1, max: 65535 }),
      app_id: str('App ID of the app created on the DJI developer website.'),
      app_key: str('App Key of that app.'),
      app_license: str('App License of that app.'),
    },
    reply_form: 'flat',
    auto_reply: true,
    example: { config_type: 'json', config_scope: 'product' },
  },
  {
    request_type: 'airport_bind_status',
    description:
      'The dock asks whether it and its aircraft are bound to an organization in the cloud (device binding, usually during setup in DJI Pilot 2). The reply lists, per SN, whether the device is bound and to which organization, under which call sign.',
    data: {
      devices: arr('Devices to check: the dock and its aircraft.', obj('Device.', { sn: str('Device serial number.') }), { maxItems: 2 }),
    },
    reply: wrapped('Binding state of each device.', {
      bind_status: arr(
        'One entry per requested device.',
        obj('Binding state of one device.', {
          sn: str('Device serial number.'),
          is_device_bind_organization: bool('Whether the device is bound to an organization.'),
          organization_id: str('Organization id.'),
          organization_name: str('Organization name.'),
          device_callsign: str('Name of the device within the organization.'),
        }),
      ),
    }),
    reply_form: 'wrapped',
    auto_reply: false,
    example: { devices: [{ sn: '1581F6Q8D245P00EKS87' }, { sn: '7CTDM3D00BVY4C' }] },
  },
  {
    request_type: 'airport_organization_get',
    description:
      'During binding the dock asks which organization a device binding code and organization id refer to, so the operator can confirm it in DJI Pilot 2. The reply carries the organization name.',
    data: {
      device_binding_code: str('Device binding code entered by the operator.'),
      organization_id: str('Organization id entered by the operator.'),
    },
    reply: wrapped('Organization found.', {
      organization_name: str('Organization name.'),
    }),
    reply_form: 'wrapped',
    auto_reply: false,
    example: { device_binding_code: 'BND-4821-7730', organization_id: 'org-7f3a9c' },
  },
  {
    request_type: 'airport_organization_bind',
    description:
      'The dock asks the cloud to bind it and its aircraft to an organization. The reply lists an error code per SN (`err_code` 0 = bound).',
    data: {
      bind_devices: arr(
        'Devices to bind: the dock and its aircraft.',
        obj('One device to bind.', {
          device_binding_code: str('Device binding code.'),
          organization_id: str('Organization id.'),
          device_callsign: str('Name of the device within the organization.'),
          sn: str('Device serial number.'),
          device_model_key: str('Product key `domain-type-sub_type`, e.g. `3-3-0` (Dock 3).'),
        }),
        { maxItems: 2 },
      ),
    },
    reply: wrapped('Binding result per device.', {
      err_infos: arr(
        'One entry per device.',
        obj('Binding result of one device.', {
          sn: str('Device serial number.'),
          err_code: int('0 = bound; otherwise the binding error code.'),
        }),
      ),
    }),
    reply_form: 'wrapped',
    auto_reply: false,
    example: {
      bind_devices: [
        { device_binding_code: 'BND-4821-7730', organization_id: 'org-7f3a9c', device_callsign: 'Dock North', sn: '7CTDM3D00BVY4C', device_model_key: '3-3-0' },
        { device_binding_code: 'BND-4821-7730', organization_id: 'org-7f3a9c', device_callsign: 'M4TD North', sn: '1581F6Q8D245P00EKS87', device_model_key: '0-100-1' },
      ],
    },
  },
  {
    request_type: 'storage_config_get',
    description:
      'The dock asks for temporary object-storage credentials to upload media files (photos, videos) after a task. The reply names the bucket, endpoint, provider and region, STS credentials and the key prefix under which the dock uploads.',
    data: {
      module: int('What the storage is for.', { enum: { 0: 'media' } }),
    },
    reply: wrapped('Object storage to upload to.', {
      bucket: str('Bucket name.'),
      credentials: obj('Temporary credentials.', {
        access_key_id: str('Access key id.'),
        access_key_secret: str('Secret access key.'),
        expire: int('Validity of the credentials.', { unit: 's' }),
        security_token: str('Session token.'),
      }),
      endpoint: str('Public endpoint of the storage service, e.g. `https://oss-cn-hangzhou.aliyuncs.com`.'),
      provider: str('Storage provider.', { enum: { ali: 'Alibaba Cloud OSS', aws: 'Amazon S3', minio: 'MinIO' } }),
      region: str('Region of the bucket.'),
      object_key_prefix: str('Prefix of the object keys the dock writes.'),
    }),
    reply_form: 'wrapped',
    auto_reply: false,
    example: { module: 0 },
  },
  {
    request_type: 'flighttask_resource_get',
    description:
      'While preparing or running a wayline task the dock asks for the task’s KMZ file by `flight_id`. The reply gives the download URL (DJI’s reference server signs a fresh one) and the file MD5.',
    data: {
      flight_id: str('Task id given to `flighttask_prepare`.'),
    },
    reply: wrapped('Wayline file of the task.', {
      file: obj('Wayline file (KMZ).', {
        url: str('Download URL of the KMZ file.'),
        fingerprint: str('MD5 of the file content.'),
      }),
    }),
    reply_form: 'wrapped',
    auto_reply: false,
    example: { flight_id: '6a1f9d2e-84b3-4c0a-9f57-3e2d1c0b8a71' },
  },
  {
    request_type: 'flighttask_progress_get',
    description:
      'Leapfrog missions (Dock 3): a dock asks for the task state of the other dock, named by `sn`. The reply carries that dock’s current task id, progress and status (values as in the `flighttask_progress` event).',
    data: {
      sn: str('SN of the dock whose task state is wanted.'),
    },
    reply: wrapped('Task state of that dock.', {
      flight_id: str('Current (latest) task id of that dock.'),
      progress: obj('Task progress.', {
        current_step: int('Execution step, as `flighttask_progress.output.progress.current_step`.'),
        percent: int('Progress.', { min: 0, max: 100, unit: '%' }),
      }),
      status: str('Task status, as `flighttask_progress.output.status` (`sent`, `in_progress`, `ok`, `paused`, `rejected`, `failed`, `canceled`, `timeout`, `partially_done`).'),
    }),
    reply_form: 'wrapped',
    auto_reply: false,
    example: { sn: '7CTDM5900BK07M' },
  },
  {
    request_type: 'flight_areas_get',
    description:
      'After `flight_areas_update` (or when it needs them) the dock asks for the custom flight-area (geofence) files. DJI sends `data: null`. The reply lists the files (an empty list when there are no custom flight areas); the dock then reports `flight_areas_sync_progress` events.',
    data: {},
    reply: wrapped('Custom flight-area files.', {
      files: arr(
        'Files; empty when there are no custom flight areas.',
        obj('One flight-area file.', {
          name: str('File name, e.g. `geofence_xxx.json`.'),
          url: str('Download URL of the file.'),
          checksum: str('SHA-256 of the file content.'),
          size: int('File size.', { min: 0, unit: 'bytes' }),
        }),
      ),
    }),
    reply_form: 'wrapped',
    auto_reply: false,
    example: null,
  },
];

/** Lookup by `request_type`. */
export const deviceRequestsByType: ReadonlyMap<string, DeviceRequestDef> = new Map(deviceRequests.map((r) => [r.request_type, r]));
