/**
 * The flight-task reducer (issue 12 item 2; docs/missions.md): pure functions from the previous
 * record and one fact — a flight-task command the dock accepted, or a `flighttask_progress` event —
 * to the next record and the events written with it. The stores run them inside their transaction
 * (`store.flightTasks.update`). DJI's progress shape (`output.status`, `output.progress.{percent,
 * current_step}`, `output.ext.{flight_id, current_waypoint_index, wayline_mission_state,
 * media_count, track_id, break_point}`):
 * https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/wayline.html
 */
import { uuidv7 } from '../commands/accept.js';
import { getPath } from '../mqtt/progress.js';
import type { NewEvent } from '../store/types/events.js';
import type { BreakPoint, FlightTaskChange, FlightTaskRecord } from '../store/types/flight-tasks.js';

/** DJI task statuses that end a flight task. */
export const TERMINAL_TASK_STATUSES: readonly string[] = ['ok', 'partially_done', 'failed', 'canceled', 'rejected', 'timeout'];

/** The commands that act on a flight task. */
export const FLIGHT_TASK_COMMANDS: readonly string[] = ['flighttask_prepare', 'flighttask_execute', 'flighttask_pause', 'flighttask_recovery', 'flighttask_undo', 'return_home'];

/** A flight-task command the dock accepted. */
export interface AcceptedFlightCommand {
  command_id: string;
  command_type: string;
  api_id: string;
  gateway_sn: string;
  /** When the dock accepted it (ISO). */
  at: string;
}

/** Values read from one `flighttask_progress` event. */
export interface FlightProgress {
  flight_id: string;
  status: string | null;
  percent: number | null;
  current_step: number | null;
  current_waypoint_index: number | null;
  wayline_mission_state: number | null;
  media_count: number | null;
  track_id: string | null;
  break_point: BreakPoint | null;
  result: number | null;
}

const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Read a `flighttask_progress` event's `data`; null without a usable `output.ext.flight_id`. */
export function readFlightProgress(data: Record<string, unknown>): FlightProgress | null {
  const flight_id = getPath(data, 'output.ext.flight_id');
  if (typeof flight_id !== 'string' || flight_id.length === 0 || flight_id.length > 256) return null;
  const status = getPath(data, 'output.status');
  const percent = int(getPath(data, 'output.progress.percent'));
  const bp = getPath(data, 'output.ext.break_point');
  const track = getPath(data, 'output.ext.track_id');
  return {
    flight_id,
    status: typeof status === 'string' && status.length <= 64 ? status : null,
    percent: percent === null ? null : Math.max(0, Math.min(100, percent)),
    current_step: int(getPath(data, 'output.progress.current_step')),
    current_waypoint_index: int(getPath(data, 'output.ext.current_waypoint_index')),
    wayline_mission_state: int(getPath(data, 'output.ext.wayline_mission_state')),
    media_count: int(getPath(data, 'output.ext.media_count')),
    track_id: typeof track === 'string' && track.length <= 256 ? track : null,
    break_point:
      bp && typeof bp === 'object' && !Array.isArray(bp)
        ? { index: int(getPath(bp, 'index')), state: int(getPath(bp, 'state')), progress: num(getPath(bp, 'progress')), wayline_id: int(getPath(bp, 'wayline_id')) }
        : null,
    result: int(data.result),
  };
}

function blank(flight_id: string, gateway_sn: string, at: string): FlightTaskRecord {
  return {
    flight_id, gateway_sn, status: 'prepared', terminal: false, percent: null, current_step: null, current_waypoint_index: null,
    wayline_mission_state: null, media_count: null, uploaded_count: 0, track_id: null, break_point: null, result: null,
    prepared_at: null, started_at: null, paused_at: null, ended_at: null, created_at: at, updated_at: at, commands: [], api_ids: [],
  };
}

function event(type: 'flight_task.updated' | 'flight_task.completed', t: FlightTaskRecord): NewEvent {
  const data =
    type === 'flight_task.updated'
      ? { flight_id: t.flight_id, sn: t.gateway_sn, status: t.status, step: t.current_step === null ? null : String(t.current_step), percent: t.percent }
      : { flight_id: t.flight_id, sn: t.gateway_sn, status: t.status, result: t.result };
  return { id: uuidv7(), type, timestamp: t.updated_at, device_id: t.gateway_sn, api_id: null, data };
}

/** Events for a change from `prev` to `next`: updated on a status or step change, completed on becoming terminal. */
export function flightTaskEvents(prev: FlightTaskRecord | null, next: FlightTaskRecord): NewEvent[] {
  const out: NewEvent[] = [];
  if (!prev || prev.status !== next.status || prev.current_step !== next.current_step) out.push(event('flight_task.updated', next));
  if (next.terminal && !prev?.terminal) out.push(event('flight_task.completed', next));
  return out;
}

/** Apply an accepted command to the task (`flight_id` from its payload, or the dock's open task). */
export function applyCommand(prev: FlightTaskRecord | null, flight_id: string, c: AcceptedFlightCommand): FlightTaskChange | null {
  if (prev?.commands.some((x) => x.command_id === c.command_id)) return null;
  const next = structuredClone(prev ?? blank(flight_id, c.gateway_sn, c.at));
  next.commands.push({ command_id: c.command_id, command_type: c.command_type, at: c.at });
  if (!next.api_ids.includes(c.api_id)) next.api_ids.push(c.api_id);
  next.updated_at = c.at;
  if (!next.terminal) {
    if (c.command_type === 'flighttask_prepare') next.prepared_at ??= c.at;
    if (c.command_type === 'flighttask_execute') next.started_at ??= c.at;
    if (c.command_type === 'flighttask_pause') next.paused_at = c.at;
    if (c.command_type === 'flighttask_undo' && next.started_at === null) {
      next.status = 'canceled';
      next.terminal = true;
      next.ended_at = c.at;
    }
  }
  return { next, events: flightTaskEvents(prev, next) };
}

/** Apply a progress event received at `at`. A terminal task keeps its status (late events change nothing but counters). */
export function applyProgress(prev: FlightTaskRecord | null, gateway_sn: string, p: FlightProgress, at: string): FlightTaskChange | null {
  if (prev?.terminal) return null;
  const next = structuredClone(prev ?? blank(p.flight_id, gateway_sn, at));
  next.updated_at = at;
  if (p.status !== null) next.status = p.status;
  for (const k of ['percent', 'current_step', 'current_waypoint_index', 'wayline_mission_state', 'media_count', 'track_id', 'break_point', 'result'] as const) {
    if (p[k] !== null) (next as unknown as Record<string, unknown>)[k] = p[k];
  }
  if (next.status === 'in_progress') next.started_at ??= at;
  if (next.status === 'paused' && prev?.status !== 'paused') next.paused_at = at;
  if (TERMINAL_TASK_STATUSES.includes(next.status)) {
    next.terminal = true;
    next.ended_at = at;
  }
  return { next, events: flightTaskEvents(prev, next) };
}

/** Count one more uploaded media file on the task. */
export function applyUpload(prev: FlightTaskRecord | null): FlightTaskChange | null {
  if (!prev) return null;
  return { next: { ...prev, uploaded_count: prev.uploaded_count + 1 }, events: [] };
}
