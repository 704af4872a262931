/**
 * Latest state (issue 11 item 5): `osd` and `state` reports are merged in memory per device and
 * written to `store.fleet` at most once per flush interval (1 s) per device, as one merge of
 * everything reported since the last write. Telemetry is not a command: a crash loses at most the
 * reports of the last interval (plus a flush in progress); the next report (OSD every 2 s) brings
 * the snapshot back up to date (docs/operations.md).
 */
import type { DeviceKind } from '../../spec/uplink/index.js';
import { groupOf } from '../../spec/uplink/index.js';
import { decodeJsonObject, isPlainObject } from '../mqtt/envelope.js';

/** What is waiting to be written for one device. */
export interface PendingState {
  properties: Record<string, unknown>;
  groups: Record<string, string>;
  /** Receipt time of the latest report. */
  at: string;
}

/** Parse an `osd` / `state` message: a JSON object with an object `data` (`tid`/`bid` not required: OSD carries no method). */
export function parseTelemetry(payload: Uint8Array, maxBytes: number): { ok: true; data: Record<string, unknown> } | { ok: false; reason: string } {
  const dec = decodeJsonObject(payload, maxBytes);
  if (!dec.ok) return dec;
  const data = dec.value.data;
  if (!isPlainObject(data)) return { ok: false, reason: data === undefined ? 'missing `data`' : '`data` must be a JSON object' };
  return { ok: true, data };
}

/** Coalesces reports per device until `take()`. */
export class StateCoalescer {
  private pending = new Map<string, PendingState>();

  /** Merge one report of `sn` (shallow: each reported property replaces the pending value). */
  report(sn: string, kind: DeviceKind, data: Record<string, unknown>, at: string): void {
    let p = this.pending.get(sn);
    if (!p) this.pending.set(sn, (p = { properties: {}, groups: {}, at }));
    for (const [k, v] of Object.entries(data)) {
      p.properties[k] = v;
      // Before update_topo told us the kind, an aircraft's property may be looked up as a dock's.
      const g = groupOf(kind, k);
      p.groups[g === 'other' ? groupOf(kind === 'dock' ? 'aircraft' : 'dock', k) : g] = at;
    }
    p.at = at;
  }

  /** Everything pending, emptied. */
  take(): Map<string, PendingState> {
    const out = this.pending;
    this.pending = new Map();
    return out;
  }

  /** Put back what a failed write did not store (older than what arrived meanwhile). */
  restore(sn: string, p: PendingState): void {
    const now = this.pending.get(sn);
    if (!now) return void this.pending.set(sn, p);
    this.pending.set(sn, { properties: { ...p.properties, ...now.properties }, groups: { ...p.groups, ...now.groups }, at: now.at });
  }

  get size(): number {
    return this.pending.size;
  }
}
