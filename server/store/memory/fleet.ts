/**
 * `FleetStore` in memory (server/store/types/fleet.ts): plain maps, each method one synchronous,
 * atomic step. For tests and sandboxes; nothing survives the process.
 */
import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { alarmKey, decodeSnCursor, encodeSnCursor, later, mergeGroups } from '../fleet-rows.js';
import { StoreUnavailableError, type Page } from '../types.js';
import type {
  AlarmFilter, AlarmRecord, DeviceFacts, FleetDevice, FleetDeviceFilter, FleetStore, HmsItem, PresenceChange, PresenceReason, StateSnapshot,
} from '../types/fleet.js';

export class MemoryFleetStore implements FleetStore {
  private readonly devices = new Map<string, FleetDevice>();
  private readonly history = new Map<string, PresenceChange[]>();
  private readonly states = new Map<string, StateSnapshot>();
  private readonly alarms = new Map<string, AlarmRecord[]>();

  /** `isClosed` is the owning store's state (calls reject once it is closed). */
  constructor(private readonly isClosed: () => boolean) {}

  private run<T>(fn: () => T): Promise<T> {
    try {
      if (this.isClosed()) throw new StoreUnavailableError('memory store is closed');
      return Promise.resolve(structuredClone(fn()));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Forget everything (the owning store's close). */
  clear(): void {
    for (const m of [this.devices, this.history, this.states, this.alarms]) m.clear();
  }

  private change(c: PresenceChange): PresenceChange {
    const h = this.history.get(c.sn) ?? [];
    h.push(c);
    this.history.set(c.sn, h);
    return c;
  }

  seen(sn: string, at: string, facts: DeviceFacts, reason: PresenceReason = 'message'): Promise<PresenceChange | null> {
    return this.run(() => {
      const d = this.devices.get(sn);
      if (!d) {
        this.devices.set(sn, { sn, kind: facts.kind, model_key: facts.model_key ?? null, gateway_sn: facts.gateway_sn ?? null, online: true, last_seen_at: at, changed_at: at, reason });
        return this.change({ sn, online: true, reason, at });
      }
      d.kind = facts.kind;
      if (facts.model_key) d.model_key = facts.model_key;
      if (facts.gateway_sn !== undefined && facts.gateway_sn !== null) d.gateway_sn = facts.gateway_sn;
      d.last_seen_at = later(d.last_seen_at, at);
      if (!d.online && d.changed_at < at) {
        Object.assign(d, { online: true, changed_at: at, reason });
        return this.change({ sn, online: true, reason, at });
      }
      return null;
    });
  }

  setOffline(sn: string, reason: Exclude<PresenceReason, 'message'>, at: string, seenBefore?: string): Promise<PresenceChange | null> {
    return this.run(() => {
      const d = this.devices.get(sn);
      if (!d || !d.online || d.changed_at > at) return null;
      if (seenBefore !== undefined && d.last_seen_at !== null && d.last_seen_at >= seenBefore) return null;
      Object.assign(d, { online: false, changed_at: at, reason });
      return this.change({ sn, online: false, reason, at });
    });
  }

  silentSince(before: string, limit: number): Promise<FleetDevice[]> {
    return this.run(() =>
      [...this.devices.values()]
        .filter((d) => d.online && (d.last_seen_at ?? d.changed_at) < before)
        .sort((a, b) => ((a.last_seen_at ?? '') < (b.last_seen_at ?? '') ? -1 : 1))
        .slice(0, limit),
    );
  }

  getDevice(sn: string): Promise<FleetDevice | null> {
    return this.run(() => this.devices.get(sn) ?? null);
  }

  listDevices(f: FleetDeviceFilter): Promise<Page<FleetDevice>> {
    return this.run(() => {
      const after = f.cursor !== undefined ? decodeSnCursor(f.cursor) : null;
      const allowed = f.sns ? new Set(f.sns) : null;
      const rows = [...this.devices.values()]
        .filter((d) => (after === null || d.sn > after) && (!allowed || allowed.has(d.sn)))
        .filter((d) => (f.kind === undefined || d.kind === f.kind) && (f.online === undefined || d.online === f.online) && (f.model_key === undefined || d.model_key === f.model_key) && (f.gateway_sn === undefined || d.gateway_sn === f.gateway_sn))
        .sort((a, b) => (a.sn < b.sn ? -1 : 1));
      const items = rows.slice(0, f.limit);
      return { items, next_cursor: rows.length > f.limit ? encodeSnCursor(items[items.length - 1]!.sn) : null };
    });
  }

  presenceHistory(sn: string, limit: number): Promise<PresenceChange[]> {
    return this.run(() => [...(this.history.get(sn) ?? [])].reverse().slice(0, limit));
  }

  mergeState(sn: string, properties: Record<string, unknown>, groups: Record<string, string>, at: string): Promise<number> {
    return this.run(() => {
      const s = this.states.get(sn) ?? { sn, properties: {}, version: 0, updated_at: at, group_reported_at: {} };
      s.properties = { ...s.properties, ...structuredClone(properties) };
      s.group_reported_at = mergeGroups(s.group_reported_at, groups);
      s.updated_at = later(s.version ? s.updated_at : null, at);
      s.version += 1;
      this.states.set(sn, s);
      return s.version;
    });
  }

  getState(sn: string): Promise<StateSnapshot | null> {
    return this.run(() => this.states.get(sn) ?? null);
  }

  applyHmsReport(sn: string, items: HmsItem[], at: string): Promise<{ raised: AlarmRecord[]; cleared: AlarmRecord[] }> {
    return this.run(() => {
      const all = this.alarms.get(sn) ?? [];
      const active = new Map(all.filter((a) => a.cleared_at === null).map((a) => [a.key, a]));
      const reported = new Map(items.map((i) => [alarmKey(i), i]));
      const raised: AlarmRecord[] = [];
      const cleared: AlarmRecord[] = [];
      for (const [key, i] of reported) {
        if (active.has(key)) continue;
        const a: AlarmRecord = { ...structuredClone(i), alarm_id: randomUUID(), sn, key, raised_at: at, cleared_at: null };
        all.push(a);
        raised.push(a);
      }
      for (const [key, a] of active) {
        if (reported.has(key)) continue;
        a.cleared_at = at;
        cleared.push(a);
      }
      this.alarms.set(sn, all);
      return { raised, cleared };
    });
  }

  listAlarms(f: AlarmFilter): Promise<Page<AlarmRecord>> {
    return this.run(() => {
      const c = f.cursor !== undefined ? decodeCursor(f.cursor) : null;
      const rows = (this.alarms.get(f.sn) ?? [])
        .filter((a) => (f.state === 'active' ? a.cleared_at === null && (!f.since || a.raised_at >= f.since) : a.cleared_at !== null && (!f.since || a.cleared_at >= f.since)))
        .filter((a) => !c || a.raised_at < c.at || (a.raised_at === c.at && a.alarm_id < c.id))
        .sort((a, b) => (a.raised_at !== b.raised_at ? (a.raised_at < b.raised_at ? 1 : -1) : a.alarm_id < b.alarm_id ? 1 : -1));
      const items = rows.slice(0, f.limit);
      const last = items[items.length - 1];
      return { items, next_cursor: rows.length > f.limit && last ? encodeCursor({ at: last.raised_at, id: last.alarm_id }) : null };
    });
  }
}
