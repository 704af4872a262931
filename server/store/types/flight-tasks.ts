/**
 * Flight tasks (issue 12 item 2): `store.flightTasks`, one record per DJI `flight_id`, built by
 * server/missions/flight-task.ts from the flight-task commands and `flighttask_progress` events.
 * The store keeps the record as a document with a few indexed columns; every change is a
 * read-modify-write in one transaction together with the events it emits (docs/missions.md).
 */
import type { Page } from '../types.js';
import type { NewEvent } from './events.js';

/** A command that acted on a flight task. */
export interface FlightTaskCommand {
  command_id: string;
  command_type: string;
  /** When it was accepted (ISO). */
  at: string;
}

/** DJI `break_point` of `flighttask_progress` (where a broken-off wayline mission stopped). */
export interface BreakPoint {
  index: number | null;
  state: number | null;
  progress: number | null;
  wayline_id: number | null;
}

/** The stored record of one flight task. Times are ISO-8601 UTC. */
export interface FlightTaskRecord {
  flight_id: string;
  /** Dock SN. */
  gateway_sn: string;
  /** DJI task status (`sent`, `in_progress`, `paused`, `ok`, `failed`, …); `prepared` before any progress. */
  status: string;
  /** Whether `status` is terminal (ok, partially_done, failed, canceled, rejected, timeout). */
  terminal: boolean;
  percent: number | null;
  current_step: number | null;
  current_waypoint_index: number | null;
  wayline_mission_state: number | null;
  media_count: number | null;
  /** Media files recorded for this flight (`file_upload_callback`). */
  uploaded_count: number;
  track_id: string | null;
  break_point: BreakPoint | null;
  /** DJI `result` of the latest progress event (0 = no error). */
  result: number | null;
  prepared_at: string | null;
  started_at: string | null;
  paused_at: string | null;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
  commands: FlightTaskCommand[];
  /** Credentials whose commands acted on it (they may read it besides device visibility). */
  api_ids: string[];
}

/** What a change produces: the next record and the events written with it. */
export interface FlightTaskChange {
  next: FlightTaskRecord;
  events: NewEvent[];
}

export interface FlightTaskFilter {
  /** Only these docks (null/undefined = all). */
  gateway_sns?: string[] | null;
  status?: string;
  /** ISO: created at or after. */
  from?: string;
  /** ISO: created before. */
  to?: string;
  limit: number;
  cursor?: string;
}

export interface FlightTaskStore {
  get(flight_id: string): Promise<FlightTaskRecord | null>;
  /**
   * Read-modify-write of one task in one transaction: `change(prev)` (prev null when new) returns
   * the next record and its events, or null to leave it alone. Returns the stored record (null when
   * unchanged).
   */
  update(flight_id: string, change: (prev: FlightTaskRecord | null) => FlightTaskChange | null): Promise<FlightTaskRecord | null>;
  /** The newest non-terminal task of a dock (for commands without a `flight_id`: pause, recovery, return_home). */
  latestOpen(gateway_sn: string): Promise<FlightTaskRecord | null>;
  /** Newest created first. */
  list(f: FlightTaskFilter): Promise<Page<FlightTaskRecord>>;
}
