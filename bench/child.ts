/**
 * Child-process entry of the benchmarks: `node --import tsx bench/child.ts <role> '<json options>'`.
 * Servers run in their own process so the load generator (the parent) never shares an event loop
 * with what it measures. Talks to the parent over IPC:
 *   child → parent  {type:'ready', ...}  once serving;  {type:'result', result} after a 'run';
 *                   {type:'rss', rss} after an 'rss';  {type:'error', message} on a failure
 *   parent → child  {type:'run', params} (loop roles);  {type:'rss'};  {type:'stop'};
 *                   {type:'counts'} (gateway: commands by status → {type:'counts', counts})
 *
 * Roles:
 *   bare-http       Hono on @hono/node-server, the create-command path answering a constant 202
 *                   without reading the body (the HTTP ceiling)
 *   gateway         the real gateway (server/main.ts startGateway) with a fresh credential
 *   mqtt-requester  optional embedded broker in this process, joined in memory as the gateway joins
 *                   its own, plus an mqtt.js client publishing requests and waiting for replies (the MQTT ceiling)
 *   mqtt-responder  mqtt.js client answering each request on …/services with …/services_reply
 *   docks           simulated docks (mock/simulator) on a broker
 *   mock            the mock server (mock/server.ts startMock, as `npm run mock` starts it)
 *   osd-publisher   simulated devices publishing osd over a few connections (bench/lib/osd.ts)
 *   osd-ceiling     bare mqtt.js subscriber parsing every osd (optionally beside an embedded broker)
 *   gateway also answers {type:'stats'} with its MQTT core counters → {type:'stats', stats}
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import mqtt, { MqttClient } from 'mqtt';
import { servicesTopic, topicOf } from '../spec/topics.js';
import { closedLoop, openLoop } from './lib/load.js';

type Msg = { type: string; [k: string]: unknown };
const send = (m: Msg) => process.send?.(m);
const stoppers: (() => Promise<void>)[] = [];

process.on('message', (m: Msg) => {
  if (m.type === 'rss') send({ type: 'rss', rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
  else if (m.type === 'stop') void stop();
  else if (m.type === 'stats') send({ type: 'stats', stats: stats() });
  else if (m.type === 'counts') void counts().then(
    (counts) => send({ type: 'counts', counts }),
    (e: unknown) => send({ type: 'error', message: String(e) }),
  );
  else if (m.type === 'run') void onRun(m.params as RunParams).then(
    (result) => send({ type: 'result', result }),
    (e: unknown) => send({ type: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) }),
  );
});
process.on('disconnect', () => void stop());

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => process.exit(0), 5000);
  timer.unref();
  for (const f of stoppers.reverse()) await f().catch(() => {});
  // Let a --cpu-prof profile be written by a normal exit.
  process.exit(0);
}

let counts: () => Promise<Record<string, number>> = async () => ({});
let stats: () => Record<string, unknown> = () => ({});

let onRun: (p: RunParams) => Promise<unknown> = async () => {
  throw new Error('this role does not run loops');
};

/** Parameters of an MQTT ceiling run. */
export interface RunParams {
  mode: 'closed' | 'open';
  concurrency?: number;
  rate?: number;
  count: number;
  warmupMs?: number;
  warmupCount?: number;
  durationMs: number;
}

/** Sets Nagle off on an mqtt.js client's socket (mqtt.js itself leaves the Node default, Nagle on). */
export function mqttNoDelay(client: MqttClient, on: boolean): void {
  const apply = () => (client.stream as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(on);
  client.on('connect', apply);
  if (client.connected) apply();
}

function connectMqtt(url: string, clientId: string, noDelay: boolean, stream?: () => Duplex): Promise<MqttClient> {
  const opts = { clientId, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, clean: true } as const;
  const client = stream ? new MqttClient(() => stream(), { ...opts }) : mqtt.connect(url, opts);
  mqttNoDelay(client, noDelay);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

async function bareHttp(): Promise<void> {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const app = new Hono();
  const body = JSON.stringify({ command_id: '00000000-0000-4000-8000-000000000000', status: 'ACCEPTED', accepted_at: '2026-01-01T00:00:00.000Z' });
  app.post('/api/v1/open/downlink/commands', (c) => c.body(body, 202, { 'Content-Type': 'application/json' }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
  stoppers.push(() => new Promise((r) => server.close(() => r())));
  send({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

async function gateway(o: { env: Record<string, string> }): Promise<void> {
  const { loadConfig } = await import('../server/config.js');
  const { startGateway } = await import('../server/main.js');
  const { createCredential } = await import('../server/cli/credentials.js');
  const config = loadConfig([], { PORT: '0', MQTT_PORT: '0', DEV_CREDENTIAL: 'false', SHUTDOWN_TIMEOUT_MS: '1000', ...o.env });
  const gw = await startGateway(config);
  stoppers.push(() => gw.close());
  const cred = await createCredential(gw.store, { name: 'bench' });
  counts = () => gw.store.countCommandsByStatus();
  stats = () => gw.mqtt.stats();
  // With its embedded broker's logins on, bench MQTT clients (osd publishers, probes) use the internal login.
  send({ type: 'ready', url: gw.url, mqttUrl: gw.mqttUrl, mqttLogin: gw.broker?.internalLogin ?? null, api_id: cred.api_id, api_key: cred.api_key });
}

async function mqttRequester(o: { url?: string; embedded?: boolean; noDelay: boolean; sns: string[] }): Promise<void> {
  let url = o.url;
  let stream: (() => Duplex) | undefined;
  if (o.embedded) {
    const { startEmbeddedBroker } = await import('../server/mqtt/broker.js');
    const broker = await startEmbeddedBroker({ port: 0 });
    stoppers.push(() => broker.close());
    url = broker.url;
    // As the gateway does with its embedded broker: an in-process link, not loopback TCP.
    stream = () => broker.connectStream();
  }
  const client = await connectMqtt(url!, `bench-req-${randomBytes(4).toString('hex')}`, o.noDelay, stream);
  stoppers.push(() => client.endAsync(true));
  const waiting = new Map<string, () => void>();
  client.on('message', (_topic, payload) => {
    let tid: string | undefined;
    try {
      tid = (JSON.parse(payload.toString()) as { tid?: string }).tid;
    } catch {
      return;
    }
    const done = tid === undefined ? undefined : waiting.get(tid);
    if (done) {
      waiting.delete(tid!);
      done();
    }
  });
  // Only our own SNs: the machine's Mosquitto is shared with tests using other SNs.
  await client.subscribeAsync(o.sns.map((sn) => topicOf(sn, 'services_reply')), { qos: 1 });
  let seq = 0;
  const instance = randomBytes(4).toString('hex');
  onRun = async (p: RunParams) => {
    const op = (i: number) =>
      new Promise<boolean>((resolve) => {
        const tid = `${instance}-${seq++}`;
        const timer = setTimeout(() => {
          waiting.delete(tid);
          resolve(false);
        }, 10_000);
        waiting.set(tid, () => {
          clearTimeout(timer);
          resolve(true);
        });
        const sn = o.sns[i % o.sns.length];
        // The same envelope shape and size class as a gateway command.
        const msg = JSON.stringify({ tid, bid: tid, timestamp: Date.now(), method: 'cover_open', data: {} });
        client.publish(servicesTopic(sn), msg, { qos: 1 });
      });
    if (p.mode === 'closed') return closedLoop({ concurrency: p.concurrency!, durationMs: p.durationMs, warmupMs: p.warmupMs, maxCount: p.count, op });
    return openLoop({ rate: p.rate!, count: p.count, warmupCount: p.warmupCount, durationMs: p.durationMs, op });
  };
  send({ type: 'ready', mqttUrl: url });
}

async function mqttResponder(o: { url: string; noDelay: boolean; sns: string[] }): Promise<void> {
  const client = await connectMqtt(o.url, `bench-resp-${randomBytes(4).toString('hex')}`, o.noDelay);
  stoppers.push(() => client.endAsync(true));
  client.on('message', (topic, payload) => {
    let m: { tid?: string; bid?: string; method?: string };
    try {
      m = JSON.parse(payload.toString());
    } catch {
      return;
    }
    const reply = JSON.stringify({ tid: m.tid, bid: m.bid, timestamp: Date.now(), method: m.method, data: { result: 0 } });
    client.publish(topic + '_reply', reply, { qos: 1 });
  });
  await client.subscribeAsync(o.sns.map(servicesTopic), { qos: 1 });
  send({ type: 'ready' });
}

async function docks(o: { url: string; sns: string[]; silent?: boolean; noDelay?: boolean; login?: { username: string; password: string } | null }): Promise<void> {
  const { startFleet } = await import('../mock/simulator/index.js');
  const fleet = await startFleet({
    brokerUrl: o.url,
    docks: o.sns,
    historyLimit: 50,
    // These scenarios measure commands; the telemetry-ingest scenario has its own publishers.
    telemetry: false,
    // The gateway's embedded broker authenticates: the docks use its internal login (one login, no scrypt per dock).
    ...(o.login ? { mqtt: { ...o.login } } : {}),
    rules: o.silent ? { '*': { outcome: 'silent' } } : undefined,
  });
  if (o.noDelay !== undefined) {
    // The simulator leaves mqtt.js' default (Nagle on); see RESULTS.md "Nagle".
    for (const d of fleet.docks()) {
      const c = (d as unknown as { client: MqttClient | null }).client;
      if (c) mqttNoDelay(c, o.noDelay);
    }
  }
  stoppers.push(() => fleet.close());
  send({ type: 'ready' });
}

async function mockServer(): Promise<void> {
  const { mockConfig, startMock } = await import('../mock/server.js');
  // As `npm run mock` runs it (its defaults: log level warn), on ephemeral ports.
  const m = await startMock(mockConfig([], { PORT: '0', MQTT_PORT: '0' }));
  stoppers.push(() => m.close());
  send({ type: 'ready', url: m.url, mqttUrl: m.mqttUrl, api_id: m.credentials.sandbox.api_id, api_key: m.credentials.sandbox.api_key });
}

async function main(): Promise<void> {
  const [role, json] = process.argv.slice(2);
  const opts = json ? JSON.parse(json) : {};
  switch (role) {
    case 'bare-http':
      return bareHttp();
    case 'gateway':
      return gateway(opts);
    case 'mqtt-requester':
      return mqttRequester(opts);
    case 'mqtt-responder':
      return mqttResponder(opts);
    case 'docks':
      return docks(opts);
    case 'mock':
      return mockServer();
    case 'osd-publisher': {
      const { osdPublisher } = await import('./lib/osd.js');
      const pub = osdPublisher(opts);
      stoppers.push(pub.close);
      onRun = (p) => pub.run(p as never);
      return void send({ type: 'ready' });
    }
    case 'osd-ceiling': {
      const { osdCeiling } = await import('./lib/osd.js');
      let url: string = opts.url;
      let stream: (() => Duplex) | undefined;
      if (opts.embedded) {
        const { startEmbeddedBroker } = await import('../server/mqtt/broker.js');
        const broker = await startEmbeddedBroker({ port: 0 });
        stoppers.push(() => broker.close());
        url = broker.url;
        stream = () => broker.connectStream();
      }
      const ceiling = await osdCeiling({ ...opts, url, stream });
      stoppers.push(ceiling.close);
      onRun = async () => ceiling.counts();
      return void send({ type: 'ready', mqttUrl: url });
    }
    default:
      throw new Error(`unknown role ${role}`);
  }
}

main().catch((e: unknown) => {
  send({ type: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) });
  setTimeout(() => process.exit(1), 100);
});
