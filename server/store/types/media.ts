/**
 * Media files (issue 12 item 3): `store.media`, one record per file a dock reported uploaded with
 * `file_upload_callback` (server/missions/media.ts). Adding a record also counts it on its flight
 * task (`uploaded_count`) and writes its events, in one transaction.
 */
import type { Page } from '../types.js';
import type { NewEvent } from './events.js';

/** One uploaded file. Times ISO-8601 UTC; altitudes m; angles degrees. */
export interface MediaRecord {
  media_id: string;
  /** Dock SN. */
  gateway_sn: string;
  flight_id: string | null;
  object_key: string;
  name: string;
  path: string | null;
  is_original: boolean | null;
  drone_model_key: string | null;
  payload_model_key: string | null;
  shoot_position: { lat: number; lng: number } | null;
  absolute_altitude: number | null;
  relative_altitude: number | null;
  gimbal_yaw_degree: number | null;
  created_time: string | null;
  received_at: string;
}

export interface MediaFilter {
  gateway_sns?: string[] | null;
  flight_id?: string;
  /** ISO: received at or after. */
  from?: string;
  /** ISO: received before. */
  to?: string;
  limit: number;
  cursor?: string;
}

export interface MediaStore {
  /**
   * Record a file unless the dock already reported the same `object_key` (a resent callback):
   * returns false then. A new file counts on its flight task and `events` are written with it.
   */
  add(rec: MediaRecord, events: NewEvent[]): Promise<boolean>;
  /** Newest received first. */
  list(f: MediaFilter): Promise<Page<MediaRecord>>;
}
