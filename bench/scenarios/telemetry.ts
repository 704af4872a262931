/**
 * Scenario 6, telemetry ingest (issue 11 item 11): N simulated devices send `osd` through the
 * embedded broker and through Mosquitto (a private instance, `set_tcp_nodelay true`).
 *
 * - **Ingest rate**: the same burst of osd messages (QoS 1, `concurrency` awaiting PUBACK, over a
 *   few connections) is sent once to the ceiling — a bare mqtt.js subscriber that parses each
 *   message (bench/lib/osd.ts) — and once to the gateway; messages/s = messages handled ÷ time from
 *   the first to the last one handled. The gateway's "handled" is read from its MQTT core counters
 *   (IPC `stats`): the counter whose name says osd/telemetry and grew most (see `ingestCounter`).
 *   A gateway that does not take osd in at all gives a "skipped" row, not a failure.
 * - **Freshness** at `rate` messages/s over `devices` devices (open loop, QoS 0 as DJI sends osd):
 *   a probe publishes an osd with a marker property for one device every `probeEveryMs` and polls
 *   the signed `GET /api/v1/open/devices/{id}` until the marker is visible; p50/p99 of publish →
 *   visible. Skipped while the devices API does not answer 200 for the device.
 * - **Memory**: the gateway's RSS after `memoryDevices` devices have each reported at least twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { telemetryTopic } from '../../spec/topics.js';
import { HttpConnection } from '../lib/http1.js';
import type { LoadResult } from '../lib/load.js';
import { startPrivateMosquitto } from '../lib/net.js';
import { osdMessage, type CeilingCount } from '../lib/osd.js';
import { startChild, withCpu, type Child } from '../lib/proc.js';
import type { Profile } from '../lib/profile.js';
import { signedRequest, type BenchCred } from '../lib/requests.js';

export type IngestBroker = 'embedded' | 'mosquitto';

export interface IngestRow {
  broker: IngestBroker;
  target: 'ceiling' | 'gateway';
  /** Messages the publishers got PUBACK for. */
  published: number;
  /** Messages the target handled. */
  handled: number;
  perSecond: number | null;
  /** Gateway: the MQTT core counter read as "handled". */
  counter?: string | null;
  /** gateway ÷ ceiling messages/s. */
  ratio?: number | null;
  /** Gateway: growth of its drop/error counters during the burst (overload_dropped, malformed_messages, handler_errors, fleet_errors). */
  drops?: Record<string, number>;
  cpu?: Record<string, number>;
  skipped?: string;
}

export interface FreshnessResult {
  rate: number;
  devices: number;
  publisher: LoadResult | null;
  probes: number;
  seen: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  skipped?: string;
}

export interface TelemetryResult {
  devices: number;
  rows: IngestRow[];
  freshness: FreshnessResult;
  memory: { devices: number; messages: number; rssMb: number; peakMb: number; skipped?: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => Math.round((b / (1024 * 1024)) * 10) / 10;

/**
 * The gateway counter that counts osd handled: among the MQTT core counters whose name mentions
 * osd or telemetry, the one that grew most between `before` and `after` (several may grow per
 * message, e.g. received and merged; the largest is the per-message one). Null when none grew.
 */
export function ingestCounter(before: Record<string, unknown>, after: Record<string, unknown>): { name: string; delta: number } | null {
  let best: { name: string; delta: number } | null = null;
  for (const [name, v] of Object.entries(after)) {
    if (!/osd|telemetry/i.test(name) || typeof v !== 'number') continue;
    const delta = v - (typeof before[name] === 'number' ? (before[name] as number) : 0);
    if (delta > 0 && (best === null || delta > best.delta)) best = { name, delta };
  }
  return best;
}

async function gatewayStats(gw: Child): Promise<Record<string, unknown>> {
  return (await gw.ask<{ stats: Record<string, unknown> }>({ type: 'stats' }, 'stats', 10_000)).stats;
}

/** Start a gateway child on the broker (`mosquittoUrl` for Mosquitto; its embedded broker otherwise). */
async function startGatewayOn(broker: IngestBroker, mosquittoUrl: string | null, dataDir: string): Promise<Child> {
  return startChild('gateway', { env: { DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...(broker === 'mosquitto' ? { MQTT_URL: mosquittoUrl! } : {}) } });
}

/** Publisher run parameters for `devices` devices `{prefix}{i}` on the broker a child reported (`mqttUrl`, `mqttLogin`). */
const devicesOn = (ready: Record<string, unknown>, prefix: string, devices: number) => ({ url: ready.mqttUrl as string, login: (ready.mqttLogin ?? null) as { username: string; password: string } | null, prefix, devices });

async function ingestRow(target: 'ceiling' | 'gateway', broker: IngestBroker, mosquittoUrl: string | null, pub: Child, prefix: string, p: Profile['telemetry']): Promise<IngestRow> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-bench-tel-'));
  const server = target === 'ceiling' ? await startChild('osd-ceiling', { embedded: broker === 'embedded', url: mosquittoUrl, prefix }) : await startGatewayOn(broker, mosquittoUrl, dataDir);
  try {
    const before = target === 'gateway' ? await gatewayStats(server) : {};
    // Gateway: sample its counters to find when handling started and stopped (parent clock).
    let first: number | null = null;
    let last: number | null = null;
    let seen = 0;
    let counter: string | null = null;
    const sample = async () => {
      const c = ingestCounter(before, await gatewayStats(server));
      if (!c || c.delta === seen) return;
      const now = performance.now();
      first ??= now;
      last = now;
      seen = c.delta;
      counter = c.name;
    };
    const { value: load, cpu } = await withCpu({ [target]: server.pid, publisher: pub.pid }, async () => {
      let sampling = target === 'gateway';
      const loop = (async () => {
        while (sampling) {
          await sample().catch(() => (sampling = false)); // the gateway went away: the run's error says why
          await sleep(25);
        }
      })();
      let r: { result: LoadResult };
      try {
        r = await pub.ask<{ result: LoadResult }>({ type: 'run', params: { ...devicesOn(server.ready, prefix, p.devices), mode: 'closed', concurrency: p.burstConcurrency, count: p.burstCount, durationMs: p.burstDurationMs } }, 'result');
      } catch (e) {
        sampling = false;
        await loop;
        throw e;
      }
      // Let the target drain: stop when the count has not moved for 1 s.
      if (target === 'gateway') {
        for (let still = 0; still < 1000 && seen < r.result.ok; still += 50) {
          const s0 = seen;
          await sleep(50);
          if (seen !== s0) still = 0;
        }
        sampling = false;
        await loop;
      } else await sleep(500);
      return r.result;
    });
    if (target === 'ceiling') {
      const c = (await server.ask<{ result: CeilingCount }>({ type: 'run', params: {} }, 'result')).result;
      const span = c.firstAt !== null && c.lastAt !== null ? (c.lastAt - c.firstAt) / 1000 : 0;
      return { broker, target, published: load.ok, handled: c.count, perSecond: span > 0 ? c.count / span : null, cpu };
    }
    const after = await gatewayStats(server);
    const drops: Record<string, number> = {};
    for (const k of ['overload_dropped', 'malformed_messages', 'handler_errors', 'fleet_errors']) {
      const d = Number(after[k] ?? 0) - Number(before[k] ?? 0);
      if (d > 0) drops[k] = d;
    }
    if (counter === null) return { broker, target, published: load.ok, handled: 0, perSecond: null, counter, cpu, drops, skipped: 'no MQTT core counter about osd/telemetry grew: the gateway does not take osd in' };
    const span = first !== null && last !== null ? (last - first) / 1000 : 0;
    return { broker, target, published: load.ok, handled: seen, perSecond: span > 0 ? seen / span : null, counter, cpu, drops };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function freshness(pub: Child, prefix: string, p: Profile['telemetry'], log: (s: string) => void): Promise<FreshnessResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-bench-tel-'));
  const gw = await startGatewayOn('embedded', null, dataDir);
  // The probe reports for its own device; the publisher for the other devices - 1.
  const probeSn = `${prefix}PROBE`;
  const probe = await mqtt.connectAsync(gw.ready.mqttUrl as string, { clientId: `bench-probe-${randomBytes(4).toString('hex')}`, reconnectPeriod: 0, ...((gw.ready.mqttLogin as object | null) ?? {}) });
  const cred = gw.ready as unknown as BenchCred & { url: string };
  const u = new URL(cred.url);
  const http = new HttpConnection(u.hostname, Number(u.port));
  await http.connect();
  const base: FreshnessResult = { rate: p.rate, devices: p.devices, publisher: null, probes: 0, seen: 0, p50: null, p99: null, max: null };
  try {
    const path = `/api/v1/open/devices/${probeSn}`;
    const get = async () => http.request(signedRequest(u.host, cred, 'GET', path, '', null));
    // Is the device visible at all? One osd, then up to 2 s for a 200.
    await probe.publishAsync(telemetryTopic(probeSn, 'osd'), osdMessage(probeSn, { latitude: 22.5 }, 0), { qos: 1 });
    let status = 0;
    for (let t = 0; t < 20 && status !== 200; t++) {
      status = (await get()).status;
      if (status !== 200) await sleep(100);
    }
    if (status !== 200) return { ...base, skipped: `GET ${path.replace(probeSn, '{id}')} answered ${status}, not 200: devices API absent, or the device is not registered / visible to the bench credential` };
    log(`telemetry: freshness at ${p.rate} osd/s over ${p.devices} devices`);
    const running = pub.ask<{ result: LoadResult }>({ type: 'run', params: { ...devicesOn(gw.ready, `${prefix}F`, p.devices - 1), mode: 'open', rate: p.rate, count: Math.ceil((p.rate * p.rateDurationMs) / 1000), durationMs: p.rateDurationMs } }, 'result', p.rateDurationMs + 60_000);
    const lat: number[] = [];
    let probes = 0;
    const end = performance.now() + p.rateDurationMs;
    await sleep(Math.min(1000, p.rateDurationMs / 4)); // the publishers up to rate first
    while (performance.now() < end) {
      const k = ++probes;
      const t0 = performance.now();
      await probe.publishAsync(telemetryTopic(probeSn, 'osd'), osdMessage(probeSn, { latitude: 22.5 }, k, { bench_probe: k }), { qos: 0 });
      const marker = `"bench_probe":${k}`;
      for (;;) {
        const r = await get();
        if (r.status === 200 && r.body.includes(marker)) {
          lat.push(performance.now() - t0);
          break;
        }
        if (performance.now() - t0 > 5000) break; // counted as not seen
        await sleep(10);
      }
      await sleep(Math.max(0, p.probeEveryMs - (performance.now() - t0)));
    }
    const publisher = (await running).result;
    lat.sort((a, b) => a - b);
    const q = (f: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.ceil(f * lat.length) - 1)]! : null);
    return { ...base, publisher, probes, seen: lat.length, p50: q(0.5), p99: q(0.99), max: lat.at(-1) ?? null };
  } finally {
    http.close();
    await probe.endAsync(true).catch(() => {});
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function memory(pub: Child, prefix: string, p: Profile['telemetry']): Promise<TelemetryResult['memory']> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-bench-tel-'));
  const gw = await startGatewayOn('embedded', null, dataDir);
  try {
    const count = p.memoryDevices * 2;
    const r = await pub.ask<{ result: LoadResult }>({ type: 'run', params: { ...devicesOn(gw.ready, `${prefix}M`, p.memoryDevices), mode: 'open', rate: p.memoryRate, count, durationMs: Math.ceil((count / p.memoryRate) * 1000) + 1000 } }, 'result', 600_000);
    await sleep(3000); // coalesced snapshots written, the process quiet
    return { devices: p.memoryDevices, messages: r.result.ok, rssMb: mb(gw.rss()), peakMb: mb(gw.peakRss()) };
  } finally {
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runTelemetry(o: { profile: Profile; log: (s: string) => void }): Promise<TelemetryResult> {
  const p = o.profile.telemetry;
  const prefix = `BT${randomBytes(3).toString('hex').toUpperCase()}`;
  const rows: IngestRow[] = [];
  const pub = await startChild('osd-publisher', { connections: p.connections });
  try {
    for (const broker of ['embedded', 'mosquitto'] as const) {
      let mosq: { url: string; stop(): Promise<void> } | null = null;
      if (broker === 'mosquitto') {
        try {
          mosq = await startPrivateMosquitto({ noDelay: true });
        } catch (e) {
          for (const target of ['ceiling', 'gateway'] as const) rows.push({ broker, target, published: 0, handled: 0, perSecond: null, skipped: (e as Error).message });
          continue;
        }
      }
      try {
        o.log(`telemetry: ingest through ${broker}, ${p.burstCount} osd over ${p.devices} devices`);
        const ceiling = await ingestRow('ceiling', broker, mosq?.url ?? null, pub, prefix, p);
        const gateway = await ingestRow('gateway', broker, mosq?.url ?? null, pub, prefix, p);
        gateway.ratio = gateway.perSecond !== null && ceiling.perSecond ? gateway.perSecond / ceiling.perSecond : null;
        rows.push(ceiling, gateway);
      } finally {
        await mosq?.stop();
      }
    }
    const fresh = await freshness(pub, prefix, p, o.log);
    o.log(`telemetry: memory with ${p.memoryDevices} devices reporting`);
    const mem = await memory(pub, prefix, p);
    return { devices: p.devices, rows, freshness: fresh, memory: mem };
  } finally {
    await pub.stop();
  }
}
