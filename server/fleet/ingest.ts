/**
 * The fleet ingest of one gateway instance (issue 11 items 4–6), fed by the MQTT core
 * (server/mqtt/core.ts) and the embedded broker's disconnect hook:
 *
 * - Presence: a device is online from its first message; offline when `update_topo` drops it
 *   (aircraft), when the embedded broker sees its client disconnect, or after `silenceSeconds`
 *   without a message; back with its next message. Messages only move a timestamp in memory; the
 *   flush (every `flushMs`) writes `store.fleet.seen` once per heard device, whose compare-and-set
 *   returns a change to exactly one instance. A silence sweep runs every `sweepMs` on every
 *   instance; `setOffline`'s compare-and-set makes one of them record it.
 * - Latest state: server/fleet/state.ts coalesces `osd`/`state`; the same flush merges them.
 * - HMS: each report is diffed at once (server/fleet/hms.ts; store.fleet.applyHmsReport).
 *
 * Nothing here throws into the MQTT core: store failures are counted (`fleet_errors`), logged, and
 * what was not written is kept for the next flush.
 */
import type { Logger } from 'pino';
import { isValidSn } from '../../spec/topics.js';
import { kindOfModel, modelKey, type DeviceKind } from '../../spec/uplink/index.js';
import { isPlainObject, type DjiEnvelope } from '../mqtt/envelope.js';
import type { Stats } from '../mqtt/stats.js';
import type { Store } from '../store/types.js';
import type { DeviceFacts, PresenceChange } from '../store/types/fleet.js';
import { parseHmsReport } from './hms.js';
import { StateCoalescer } from './state.js';

export interface FleetIngestOptions {
  store: Store;
  logger: Logger;
  stats: Stats;
  /** Offline after this many seconds without a message (default 60). */
  silenceSeconds?: number;
  /** Snapshot / last-seen write period, ms (default 1000). */
  flushMs?: number;
  /** Silence sweep period, ms (default min(5000, silence / 4)). */
  sweepMs?: number;
  /** Clock (ms), injectable for tests. */
  now?: () => number;
}

/** What the ingest knows of a device without asking the store. */
interface Known {
  kind: DeviceKind;
  model_key: string | null;
  gateway_sn: string | null;
}

export class FleetIngest {
  private readonly state = new StateCoalescer();
  /** sn → receipt time (ms) of its latest message since the last flush. */
  private heardAt = new Map<string, number>();
  private readonly known = new Map<string, Known>();
  private readonly now: () => number;
  private flushTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  readonly silenceMs: number;

  constructor(private readonly o: FleetIngestOptions) {
    this.now = o.now ?? Date.now;
    this.silenceMs = (o.silenceSeconds ?? 60) * 1000;
  }

  /** Start the flush and silence timers (unref'd). */
  start(): void {
    this.flushTimer ??= setInterval(() => void this.flush(), this.o.flushMs ?? 1000);
    this.sweepTimer ??= setInterval(() => void this.sweepSilence(), this.o.sweepMs ?? Math.min(5000, this.silenceMs / 4));
    this.flushTimer.unref();
    this.sweepTimer.unref();
  }

  /** Stop the timers and write what is pending. */
  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.sweepTimer);
    this.flushTimer = this.sweepTimer = undefined;
    await this.flush();
  }

  private iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }

  /** Any valid message of `sn` (a gateway on its own topics, or a device on its osd/state). */
  heard(sn: string): void {
    this.heardAt.set(sn, this.now());
  }

  /** An `osd` / `state` report of `sn`, already parsed. */
  telemetry(sn: string, data: Record<string, unknown>): void {
    this.o.stats.inc('telemetry_messages');
    const at = this.now();
    this.heardAt.set(sn, at);
    this.state.report(sn, this.known.get(sn)?.kind ?? 'dock', data, this.iso(at));
  }

  /**
   * Facts of `sn`: from update_topo when seen in this process, else the device registry, else the
   * topology table (aircraft when it has a gateway).
   */
  private async facts(sn: string): Promise<DeviceFacts> {
    const k = this.known.get(sn);
    if (k) return k;
    const reg = await this.o.store.devices.get(sn);
    if (reg) {
      const f: Known = { kind: reg.kind, model_key: reg.model_key, gateway_sn: reg.dock_sn };
      this.known.set(sn, f);
      return f;
    }
    const gw = await this.o.store.gatewayOf(sn);
    const f: Known = { kind: gw && gw !== sn ? 'aircraft' : 'dock', model_key: null, gateway_sn: gw && gw !== sn ? gw : null };
    this.known.set(sn, f);
    return f;
  }

  private changed(c: PresenceChange | null): void {
    if (!c) return;
    this.o.stats.inc('presence_changes');
    this.o.logger.info({ sn: c.sn, online: c.online, reason: c.reason }, c.online ? 'device online' : 'device offline');
  }

  private failed(err: unknown, what: string, sn?: string): void {
    this.o.stats.inc('fleet_errors');
    this.o.logger.warn({ err, sn }, `fleet: ${what} not stored`);
  }

  /** Write pending snapshots and last-seen times (one flush at a time). */
  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    const states = this.state.take();
    const heard = this.heardAt;
    this.heardAt = new Map();
    await Promise.all([
      ...[...states].map(async ([sn, p]) => {
        try {
          await this.o.store.fleet.mergeState(sn, p.properties, p.groups, p.at);
          this.o.stats.inc('state_writes');
        } catch (err) {
          this.state.restore(sn, p);
          this.failed(err, 'state', sn);
        }
      }),
      ...[...heard].map(async ([sn, ms]) => {
        try {
          this.changed(await this.o.store.fleet.seen(sn, this.iso(ms), await this.facts(sn)));
        } catch (err) {
          if (!this.heardAt.has(sn)) this.heardAt.set(sn, ms);
          this.failed(err, 'presence', sn);
        }
      }),
    ]);
  }

  /** Mark offline every online device silent for `silenceSeconds` (compare-and-set in the store). */
  async sweepSilence(): Promise<void> {
    const now = this.now();
    const cutoff = this.iso(now - this.silenceMs);
    try {
      for (const d of await this.o.store.fleet.silentSince(cutoff, 1000)) {
        if (this.heardAt.has(d.sn)) continue; // heard since the last flush: not silent
        this.changed(await this.o.store.fleet.setOffline(d.sn, 'silence', this.iso(now), cutoff));
      }
    } catch (err) {
      this.failed(err, 'silence sweep');
    }
  }

  /** The embedded broker saw a client that published as these gateway SNs disconnect: they and their aircraft go offline. */
  async disconnected(sns: readonly string[]): Promise<void> {
    const at = this.iso();
    for (const sn of sns) {
      this.heardAt.delete(sn);
      try {
        this.changed(await this.o.store.fleet.setOffline(sn, 'disconnect', at));
        for (const a of (await this.o.store.fleet.listDevices({ gateway_sn: sn, online: true, limit: 100 })).items) {
          this.heardAt.delete(a.sn);
          this.changed(await this.o.store.fleet.setOffline(a.sn, 'disconnect', at));
        }
      } catch (err) {
        this.failed(err, 'disconnect', sn);
      }
    }
  }

  /**
   * An `update_topo` of `gateway_sn` (after the topology table was updated): the dock's model, each
   * listed aircraft online (reason `update_topo`) with its model, aircraft no longer listed offline.
   */
  async topology(gateway_sn: string, env: DjiEnvelope): Promise<void> {
    const at = this.iso();
    const d = env.data;
    const dockKey = modelKey(d.domain, d.type, d.sub_type);
    this.known.set(gateway_sn, { kind: 'dock', model_key: dockKey, gateway_sn: null });
    const listed = new Map<string, Known>();
    for (const s of Array.isArray(d.sub_devices) ? d.sub_devices : []) {
      if (!isPlainObject(s) || !isValidSn(s.sn) || s.sn === gateway_sn) continue;
      const key = modelKey(s.domain, s.type, s.sub_type);
      listed.set(s.sn, { kind: kindOfModel(key) ?? 'aircraft', model_key: key, gateway_sn });
    }
    try {
      this.changed(await this.o.store.fleet.seen(gateway_sn, at, this.known.get(gateway_sn)!));
      for (const [sn, k] of listed) {
        this.known.set(sn, k);
        this.changed(await this.o.store.fleet.seen(sn, at, k, 'update_topo'));
      }
      for (const a of (await this.o.store.fleet.listDevices({ gateway_sn, online: true, limit: 100 })).items) {
        if (!listed.has(a.sn)) {
          this.heardAt.delete(a.sn);
          this.changed(await this.o.store.fleet.setOffline(a.sn, 'update_topo', at));
        }
      }
    } catch (err) {
      this.failed(err, 'topology', gateway_sn);
    }
  }

  /** An `hms` event of `gateway_sn`; returns a reason when the report is malformed (nothing stored). */
  async hms(gateway_sn: string, env: DjiEnvelope): Promise<string | null> {
    const items = parseHmsReport(env.data);
    if (typeof items === 'string') return items;
    try {
      const { raised, cleared } = await this.o.store.fleet.applyHmsReport(gateway_sn, items, this.iso());
      this.o.stats.inc('hms_reports');
      this.o.stats.inc('alarms_raised', raised.length);
      this.o.stats.inc('alarms_cleared', cleared.length);
      if (raised.length || cleared.length) this.o.logger.info({ gateway_sn, raised: raised.map((a) => a.code), cleared: cleared.map((a) => a.code) }, 'HMS alarms changed');
    } catch (err) {
      this.failed(err, 'hms', gateway_sn);
    }
    return null;
  }

  /** Pending devices (metrics / tests). */
  pending(): { states: number; heard: number } {
    return { states: this.state.size, heard: this.heardAt.size };
  }
}
