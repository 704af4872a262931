/**
 * `file_upload_callback` → media record (issue 12 item 3). DJI's shape: `data.file.{object_key,
 * path, name, ext: {flight_id, drone_model_key, payload_model_key, is_original}, metadata:
 * {gimbal_yaw_degree, absolute_altitude, relative_altitude, create_time, shoot_position: {lat,
 * lng}}}` (https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/file.html).
 * The `events_reply` it asks for is sent by the correlator, as for every event.
 */
import { uuidv7 } from '../commands/accept.js';
import { getPath } from '../mqtt/progress.js';
import type { NewEvent } from '../store/types/events.js';
import type { MediaRecord } from '../store/types/media.js';

const str = (v: unknown, max = 1024): string | null => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The media record of a callback received at `at`, or a reason it is malformed. */
export function readUploadCallback(gateway_sn: string, data: Record<string, unknown>, at: string): MediaRecord | string {
  const f = getPath(data, 'file');
  const object_key = str(getPath(f, 'object_key'));
  const name = str(getPath(f, 'name'), 512);
  if (!object_key || !name) return '`data.file.object_key` and `data.file.name` are required';
  const lat = num(getPath(f, 'metadata.shoot_position.lat'));
  const lng = num(getPath(f, 'metadata.shoot_position.lng'));
  const created = str(getPath(f, 'metadata.create_time'), 64) ?? str(getPath(f, 'metadata.created_time'), 64);
  const createdMs = created === null ? NaN : Date.parse(created);
  const original = getPath(f, 'ext.is_original');
  return {
    media_id: uuidv7(),
    gateway_sn,
    flight_id: str(getPath(f, 'ext.flight_id'), 256),
    object_key,
    name,
    path: str(getPath(f, 'path')),
    is_original: typeof original === 'boolean' ? original : null,
    drone_model_key: str(getPath(f, 'ext.drone_model_key'), 32),
    payload_model_key: str(getPath(f, 'ext.payload_model_key'), 32),
    shoot_position: lat !== null && lng !== null ? { lat, lng } : null,
    absolute_altitude: num(getPath(f, 'metadata.absolute_altitude')),
    relative_altitude: num(getPath(f, 'metadata.relative_altitude')),
    gimbal_yaw_degree: num(getPath(f, 'metadata.gimbal_yaw_degree')),
    created_time: Number.isNaN(createdMs) ? null : new Date(createdMs).toISOString(),
    received_at: at,
  };
}

/** The `media.uploaded` event of a new record (data per spec/api/events.ts). */
export function mediaUploadedEvent(m: MediaRecord): NewEvent {
  return {
    id: uuidv7(),
    type: 'media.uploaded',
    timestamp: m.received_at,
    device_id: m.gateway_sn,
    api_id: null,
    data: { sn: m.gateway_sn, flight_id: m.flight_id, file: { name: m.name, object_key: m.object_key, ...(m.path !== null ? { path: m.path } : {}) } },
  };
}
