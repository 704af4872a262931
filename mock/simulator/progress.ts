/**
 * The `data` of the progress `events` a dock sends after accepting a progress-tracked command,
 * shaped by the catalog `ProgressSpec` (docs/dji/events-and-progress.md;
 * docs/dji/services-and-replies.md): `result`, the DJI status at `status_path`, percent at `percent_path`,
 * step at `step_path`, and for flat events the job id (`fly_to_id`, `flight_id`) at `event_field`.
 */
import type { ProgressSpec } from '../../spec/types.js';

/** Percent of each event in a successful series; the last one carries the success status. */
export const SUCCESS_PERCENTS = [20, 60, 100] as const;
/** Percent of each event in a failing series; the last one carries the failed status. */
export const FAILURE_PERCENTS = [20, 60] as const;
const STEPS = ['prepare', 'execute', 'finish'] as const;
/** Flat fly-to style events carry route progress next to the status (DOC `D3/drc`). */
const ROUTE_EVENTS = new Set(['fly_to_point_progress', 'takeoff_to_point_progress']);

/**
 * The DJI status of a non-terminal event. The catalog lists only terminal statuses, so this is
 * derived: the `wayline_*` family (flat fly-to/take-off events) uses `wayline_progress`, all
 * others DJI's `in_progress`.
 */
export function inProgressStatus(spec: ProgressSpec): string {
  const all = [...spec.succeeded, ...spec.failed];
  return all.some((s) => s.startsWith('wayline_')) ? 'wayline_progress' : 'in_progress';
}

/** Set `value` at a dotted path (`output.progress.percent`), creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** One planned event: its `data` and whether it ends the job. */
export interface PlannedEvent {
  data: Record<string, unknown>;
  terminal: boolean;
  status: string;
}

/**
 * The series of event `data` for one command. `jobId` is the command payload value of
 * `correlate_by.payload_field` (flat events only). `failCode` makes the series end with the
 * catalog's first failed status and that code in `result`.
 */
export function planProgress(spec: ProgressSpec, o: { jobId?: unknown; failCode?: number } = {}): PlannedEvent[] {
  const failing = o.failCode !== undefined;
  const percents: readonly number[] = failing ? FAILURE_PERCENTS : SUCCESS_PERCENTS;
  const running = inProgressStatus(spec);
  const done = failing ? (spec.failed[0] ?? 'failed') : (spec.succeeded[0] ?? 'ok');
  return percents.map((percent, i) => {
    const terminal = i === percents.length - 1;
    const status = terminal ? done : running;
    const data: Record<string, unknown> = { result: terminal && failing ? o.failCode : 0 };
    if (typeof spec.correlate_by === 'object') data[spec.correlate_by.event_field] = o.jobId ?? null;
    setPath(data, spec.status_path, status);
    if (spec.percent_path) setPath(data, spec.percent_path, percent);
    if (spec.step_path) setPath(data, spec.step_path, STEPS[Math.min(i, STEPS.length - 1)]);
    if (ROUTE_EVENTS.has(spec.event_method)) {
      data.way_point_index = 0;
      data.remaining_distance = Math.round(1000 * (1 - percent / 100));
      data.remaining_time = Math.round(120 * (1 - percent / 100));
    }
    return { data, terminal, status };
  });
}
