/**
 * Catalog-driven reading of progress `events` (docs/dji/events-and-progress.md): which commands an
 * event method can belong to, how it is tied to its command (`bid` or a flat id field), and the
 * percent / step / DJI status it carries.
 */
import type { CommandDef, ProgressSpec } from '../../spec/types.js';
import type { CommandProgress } from '../store/types.js';
import { isPlainObject } from './envelope.js';

/** Commands that an event method may report on, grouped by how they correlate. */
export interface ProgressRoute {
  /** `bid`, or the flat field pair (`event_field` in event data ↔ command `progress_key`). */
  by: 'bid' | { event_field: string };
  command_types: string[];
}

/** event method → routes. Built once from the catalog. */
export type ProgressIndex = ReadonlyMap<string, ProgressRoute[]>;

export function buildProgressIndex(commands: Iterable<CommandDef>): ProgressIndex {
  const idx = new Map<string, ProgressRoute[]>();
  for (const c of commands) {
    const p = c.progress;
    if (!p) continue;
    const routes = idx.get(p.event_method) ?? [];
    const field = p.correlate_by === 'bid' ? null : p.correlate_by.event_field;
    let r = routes.find((x) => (x.by === 'bid' ? field === null : x.by.event_field === field));
    if (!r) {
      r = { by: field === null ? 'bid' : { event_field: field }, command_types: [] };
      routes.push(r);
    }
    r.command_types.push(c.command_type);
    idx.set(p.event_method, routes);
  }
  return idx;
}

/** Value at a dotted path (`output.progress.percent`) of `data`, or undefined. */
export function getPath(data: unknown, path: string): unknown {
  let cur: unknown = data;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** The correlation key of a flat event (string or integer id), or null. */
export function flatKey(data: Record<string, unknown>, event_field: string): string | null {
  const v = getPath(data, event_field);
  if (typeof v === 'string' && v.length > 0 && v.length <= 256) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return null;
}

export type ProgressOutcome = 'running' | 'succeeded' | 'failed';

/** What one event says: progress values plus whether the DJI status ends the command. */
export interface ReadProgress {
  progress: CommandProgress;
  outcome: ProgressOutcome;
  /** Numeric `data.result` of the event, null when absent. */
  result: number | null;
}

/** Read percent (integer 0–100), step and DJI status from event `data` per the catalog spec. */
export function readProgress(spec: ProgressSpec, data: Record<string, unknown>, now: string): ReadProgress {
  const rawStatus = getPath(data, spec.status_path);
  const dji_status = typeof rawStatus === 'string' ? rawStatus : null;
  const rawPercent = spec.percent_path ? getPath(data, spec.percent_path) : undefined;
  const percent = typeof rawPercent === 'number' && Number.isFinite(rawPercent) ? Math.max(0, Math.min(100, Math.round(rawPercent))) : null;
  const rawStep = spec.step_path ? getPath(data, spec.step_path) : undefined;
  const step = typeof rawStep === 'string' ? rawStep : typeof rawStep === 'number' ? String(rawStep) : null;
  const outcome: ProgressOutcome =
    dji_status !== null && spec.succeeded.includes(dji_status) ? 'succeeded' : dji_status !== null && spec.failed.includes(dji_status) ? 'failed' : 'running';
  const result = typeof data.result === 'number' && Number.isFinite(data.result) ? data.result : null;
  return { progress: { percent, step, dji_status, updated_at: now }, outcome, result };
}
