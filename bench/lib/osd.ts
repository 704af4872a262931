/**
 * Telemetry-ingest bench roles (run inside bench/child.ts): a fleet of simulated devices publishing
 * `osd` reports over a few MQTT connections, and the ceiling — a bare mqtt.js subscriber on
 * `thing/product/+/osd` that parses every message as the gateway must, and does nothing else.
 * Payloads are the simulator's own osd reports (mock/simulator/telemetry.ts), so their size and
 * shape are what a dock and its aircraft send.
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import mqtt, { MqttClient } from 'mqtt';
import { Telemetry } from '../../mock/simulator/telemetry.js';
import { parseTelemetryTopic, TELEMETRY_FILTERS, telemetryTopic } from '../../spec/topics.js';
import { closedLoop, openLoop, type LoadResult } from './load.js';

/** `count` device SNs `{prefix}{i}` (i zero-padded). */
export function benchSns(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);
}

/** The payload template of one aircraft osd report (JSON text without the envelope's ids). */
function osdTemplate(): Record<string, unknown> {
  const t = new Telemetry({ dockSn: 'BENCHDOCK', droneSn: 'BENCHDRONE', canSend: () => false, send: async () => {} }, { osdIntervalMs: 0 });
  return t.reportData('aircraft', 'osd');
}

/** One osd message of device `sn`: envelope with fresh ids, position jittered so no two are equal. */
export function osdMessage(sn: string, data: Record<string, unknown>, seq: number, extra: Record<string, unknown> = {}): string {
  const lat = (data.latitude as number) + (seq % 1000) * 1e-6;
  return JSON.stringify({ tid: `${sn}-${seq}`, bid: sn, timestamp: Date.now(), gateway: sn, data: { ...data, latitude: lat, ...extra } });
}

function connect(url: string, stream: (() => Duplex) | undefined, o: { username?: string; password?: string }): Promise<MqttClient> {
  const opts = { clientId: `bench-osd-${randomBytes(5).toString('hex')}`, protocolVersion: 4 as const, reconnectPeriod: 0, connectTimeout: 5000, clean: true, username: o.username, password: o.password };
  const client = stream ? new MqttClient(() => stream(), opts) : mqtt.connect(url, opts);
  client.on('connect', () => (client.stream as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true));
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

/** Parameters of one publisher run: closed loop (QoS 1, `concurrency` awaiting PUBACK) or open loop at `rate`/s (QoS 0, as DJI sends osd). */
export interface OsdRunParams {
  /** Broker to publish to (clients are reused while it stays the same), with its login if it asks for one. */
  url: string;
  login?: { username: string; password: string } | null;
  /** Devices to report for: `{prefix}{i}`, i < count (benchSns). */
  prefix: string;
  devices: number;
  mode: 'closed' | 'open';
  concurrency?: number;
  rate?: number;
  count: number;
  durationMs: number;
}

/**
 * The publisher role: `connections` MQTT clients sharing the devices round-robin, (re)connected when
 * a run names another broker. One process serves every run of the scenario (no start-up per run).
 */
export function osdPublisher(o: { connections: number }) {
  const data = osdTemplate();
  let clients: MqttClient[] = [];
  let url: string | null = null;
  let seq = 0;
  const close = async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    clients = [];
    url = null;
  };
  const run = async (p: OsdRunParams): Promise<LoadResult> => {
    if (url !== p.url) {
      await close();
      clients = await Promise.all(Array.from({ length: Math.max(1, o.connections) }, () => connect(p.url, undefined, p.login ?? {})));
      url = p.url;
    }
    const sns = benchSns(p.prefix, p.devices);
    const topics = sns.map((sn) => telemetryTopic(sn, 'osd'));
    const qos = p.mode === 'closed' ? 1 : 0;
    const op = () =>
      new Promise<boolean>((resolve) => {
        const d = seq++ % sns.length;
        clients[d % clients.length]!.publish(topics[d]!, osdMessage(sns[d]!, data, seq), { qos }, (err) => resolve(!err));
      });
    if (p.mode === 'closed') return closedLoop({ concurrency: p.concurrency ?? 64, durationMs: p.durationMs, maxCount: p.count, op });
    return openLoop({ rate: p.rate!, count: p.count, durationMs: p.durationMs, op });
  };
  return { run, close };
}

/** What the ceiling subscriber saw: messages of our devices parsed, first/last receive time (ms, performance.now of its process). */
export interface CeilingCount {
  count: number;
  firstAt: number | null;
  lastAt: number | null;
  badJson: number;
}

/**
 * The ceiling role: an mqtt.js subscriber on `thing/product/+/osd` (QoS 1, as the gateway
 * subscribes) that parses the topic and the JSON of every message of our devices (`prefix`) and
 * counts it. With `stream` it joins an embedded broker in memory, as the gateway joins its own.
 */
export async function osdCeiling(o: { url: string; stream?: () => Duplex; prefix: string; username?: string; password?: string }) {
  const client = await connect(o.url, o.stream, o);
  const c: CeilingCount = { count: 0, firstAt: null, lastAt: null, badJson: 0 };
  client.on('message', (topic, payload) => {
    const t = parseTelemetryTopic(topic);
    if (!t || !t.device_sn.startsWith(o.prefix)) return;
    try {
      const m = JSON.parse(payload.toString('utf8')) as { data?: unknown };
      if (typeof m.data !== 'object' || m.data === null) c.badJson++;
    } catch {
      c.badJson++;
      return;
    }
    const now = performance.now();
    c.firstAt ??= now;
    c.lastAt = now;
    c.count++;
  });
  await client.subscribeAsync(TELEMETRY_FILTERS.osd, { qos: 1 });
  return { counts: () => ({ ...c }), close: () => client.endAsync(true) };
}
