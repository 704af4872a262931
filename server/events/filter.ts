/**
 * Whether a credential's filter admits an event, in JavaScript: the same rule the stores apply in
 * `EventLog.read` (visibility: its own commands' events, and device events of the devices it may
 * see; then type, device and time). For readers that fan one scan out to many filters (the stream
 * hub) and for the memory store's `read`.
 */
import type { EventFilter, EventRecord } from '../store/types/events.js';
import { typeMatches } from './derive.js';

/** `f` with its device list as a set, for matching many events. */
export interface CompiledFilter extends Omit<EventFilter, 'allowed_devices'> {
  allowed_devices: ReadonlySet<string> | null;
}

export function compileFilter(f: EventFilter): CompiledFilter {
  return { ...f, allowed_devices: f.allowed_devices === null ? null : new Set(f.allowed_devices) };
}

/** Whether `e` is visible to `f`'s credential and passes its type, device and `since` filters. */
export function eventMatches(e: EventRecord, f: CompiledFilter): boolean {
  const visible = e.api_id === f.api_id || (e.api_id === null && (f.allowed_devices === null || (e.device_id !== null && f.allowed_devices.has(e.device_id))));
  if (!visible || !typeMatches(f.type, e.type)) return false;
  if (f.device_id && e.device_id !== f.device_id) return false;
  return !(f.since && e.timestamp < f.since);
}
