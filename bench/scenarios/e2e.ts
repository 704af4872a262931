/**
 * Scenario 2, end to end: a signed POST creates a command, the gateway publishes it, a simulated
 * dock (mock/simulator, its own process) answers with `services_reply`, and the client sees
 * `SUCCEEDED` through `GET …/{command_id}?wait_seconds=10` (a second signed request). Measured
 * through the gateway's embedded broker and through the machine's Mosquitto, at a fixed number of
 * commands in flight (commands/s, p50/p99) and at a fixed offered rate (p99), beside the MQTT
 * ceiling: a bare mqtt.js request/reply loop (QoS 1 both ways, same topics and envelope shape)
 * through the same broker, laid out the same way (requester beside the embedded broker, responder
 * in another process).
 *
 * Command types: the 60 catalog commands published on `services` that complete with their
 * `services_reply` (no progress events, no DRC), example payloads, round-robin over the docks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpPool } from '../lib/http1.js';
import { closedLoop, openLoop, type LoadResult } from '../lib/load.js';
import { startPrivateMosquitto } from '../lib/net.js';
import { startChild, withCpu, type Child } from '../lib/proc.js';
import type { Profile } from '../lib/profile.js';
import { CREATE_PATH, commandBodies, presignCreates, signedRequest, type BenchCred } from '../lib/requests.js';
import type { RunParams } from '../child.js';

export const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';

/**
 * `embedded`: the gateway's own aedes (its sockets Nagle-off); `mosquitto`: the machine's Mosquitto
 * at 127.0.0.1:1883 as configured (Mosquitto 2.x default `set_tcp_nodelay false`: Nagle on at the
 * broker); `mosquitto-nodelay`: the same Mosquitto binary on a private port with
 * `set_tcp_nodelay true`.
 */
export type BrokerKind = 'embedded' | 'mosquitto' | 'mosquitto-nodelay';

export interface E2eRow {
  broker: BrokerKind;
  /** `ceiling` = bare mqtt.js loop; `gateway` = the product. */
  target: 'ceiling' | 'gateway';
  /** `closed` = fixed commands in flight; `rate` = fixed offered rate (the target's 500/s); `low-rate` = a lower rate for the unsaturated latency. */
  load: 'closed' | 'rate' | 'low-rate';
  /** Offered commands/s of a rate row. */
  offered?: number;
  result: LoadResult | null;
  /** gateway closed-loop commands/s ÷ ceiling closed-loop round trips/s (same broker). */
  ratio: number | null;
  /** Cores used per process during the run (warm-up included). */
  cpu?: Record<string, number>;
  /** Not measured because something it needs is missing (e.g. no Mosquitto). */
  skipped?: string;
  /** The run failed (the product or the harness is broken). */
  error?: string;
}

export interface NagleRow {
  /** Whether the mqtt.js clients (requester and responder) disabled Nagle. */
  noDelay: boolean;
  broker: BrokerKind;
  result: LoadResult;
}

export interface E2eResult {
  concurrency: number;
  rate: number;
  commandTypes: number;
  docks: number;
  rows: E2eRow[];
  nagle: NagleRow[];
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'UNMATCHED_RESPONSE']);

function simpleCommands() {
  return commandBodies((c) => c.transport === 'services' && c.reply === 'services_reply' && !c.progress);
}

/** `url` null = embedded broker (inside the requester, as inside the gateway). */
type Runs = Partial<Record<'closed' | 'rate' | 'low', LoadResult>> & { cpu: Partial<Record<'closed' | 'rate' | 'low', Record<string, number>>> };

async function ceiling(url: string | null, p: Profile['e2e'], sns: string[], noDelay: boolean, loads: ('closed' | 'rate')[]): Promise<Runs> {
  const req = await startChild('mqtt-requester', url === null ? { embedded: true, noDelay, sns } : { url, noDelay, sns });
  let resp: Child | null = null;
  try {
    resp = await startChild('mqtt-responder', { url: req.ready.mqttUrl, noDelay, sns });
    const out: Partial<Record<'closed' | 'rate', LoadResult>> = {};
    const cpus: Runs['cpu'] = {};
    for (const load of loads) {
      const params: RunParams =
        load === 'closed'
          ? { mode: 'closed', concurrency: p.concurrency, warmupMs: p.warmupMs, durationMs: p.durationMs, count: p.maxCount }
          : { mode: 'open', rate: p.rate, count: p.rateCount, warmupCount: p.rateWarmup, durationMs: ((p.rateCount + p.rateWarmup) / p.rate) * 1000 + 5000 };
      const { value, cpu } = await withCpu(url === null ? { 'requester + broker': req.pid, responder: resp.pid } : { requester: req.pid, responder: resp.pid }, () =>
        req.ask<{ result: LoadResult }>({ type: 'run', params }, 'result'),
      );
      out[load] = value.result;
      cpus[load] = cpu;
    }
    return { ...out, cpu: cpus };
  } finally {
    await resp?.stop();
    await req.stop();
  }
}

async function product(url: string | null, p: Profile['e2e'], sns: string[], execArgv: string[], log: (s: string) => void): Promise<Required<Runs>> {
  // (Required: every load, including the lower rate, is run against the gateway.)
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-bench-'));
  // A fixed instance id: the gateway keeps a persistent MQTT session (clean: false), and on the
  // shared Mosquitto a new id per run would leave one more stored session behind each time.
  const env: Record<string, string> = { DATA_DIR: dataDir, INSTANCE_ID: 'dockgate-bench' };
  if (url !== null) env.MQTT_URL = url;
  const gw = await startChild('gateway', { env }, { execArgv });
  let docks: Child | null = null;
  const pool = new HttpPool('127.0.0.1', Number(new URL(gw.ready.url as string).port), 1024);
  try {
    docks = await startChild('docks', { url: gw.ready.mqttUrl, login: gw.ready.mqttLogin, sns, noDelay: true }, { execArgv });
    if (execArgv.length) log(`  profiling: gateway pid ${gw.pid}, docks pid ${docks.pid}`);
    const cred = gw.ready as unknown as BenchCred & { url: string };
    const host = new URL(cred.url).host;
    const bodies = simpleCommands();
    const total = p.maxCount + p.rateCount + p.rateWarmup + Math.round(((p.rateCount + p.rateWarmup) * p.lowRate) / p.rate) + 2;
    const t0 = performance.now();
    const posts = presignCreates({ host, cred, count: total, bodies, devices: sns });
    log(`  pre-signed ${posts.length} requests in ${Math.round(performance.now() - t0)} ms`);
    let firstError: string | null = null;
    const fail = (msg: string) => {
      if (firstError === null) firstError = msg;
      return false;
    };
    let offset = 0;
    const op = async (i: number): Promise<boolean> => {
      const created = await pool.request(posts[offset + i]);
      if (created.status !== 202) return fail(`POST ${created.status} ${created.body.toString().slice(0, 200)}`);
      const id = (JSON.parse(created.body.toString()) as { command_id: string }).command_id;
      for (let attempt = 0; attempt < 3; attempt++) {
        const got = await pool.request(signedRequest(host, cred, 'GET', `${CREATE_PATH}/${id}`, 'wait_seconds=10', null));
        if (got.status !== 200) return fail(`GET ${got.status} ${got.body.toString().slice(0, 200)}`);
        const status = (JSON.parse(got.body.toString()) as { status: string }).status;
        if (status === 'SUCCEEDED') return true;
        if (TERMINAL.has(status)) return fail(`command ${id} ended ${status}: ${got.body.toString().slice(0, 300)}`);
      }
      return fail(`command ${id} not terminal after 3 waits`);
    };
    await pool.prewarm(p.concurrency);
    const pids: Record<string, number> = url === null ? { 'gateway + broker': gw.pid, docks: docks.pid } : { gateway: gw.pid, docks: docks.pid };
    const closed = await withCpu(pids, () => closedLoop({ concurrency: p.concurrency, warmupMs: p.warmupMs, durationMs: p.durationMs, maxCount: p.maxCount, op }));
    if (firstError) closed.value.errorSamples.unshift(firstError);
    firstError = null;
    offset = p.maxCount;
    const rate = await withCpu(pids, () => openLoop({ rate: p.rate, count: p.rateCount, warmupCount: p.rateWarmup, durationMs: ((p.rateCount + p.rateWarmup) / p.rate) * 1000 + 5000, op }));
    if (firstError) rate.value.errorSamples.unshift(firstError);
    firstError = null;
    offset = p.maxCount + p.rateCount + p.rateWarmup;
    // Same length in time as the 500/s run, at the lower rate.
    const lowCount = Math.round((p.rateCount * p.lowRate) / p.rate);
    const lowWarm = Math.round((p.rateWarmup * p.lowRate) / p.rate);
    const low = await withCpu(pids, () => openLoop({ rate: p.lowRate, count: lowCount, warmupCount: lowWarm, durationMs: ((lowCount + lowWarm) / p.lowRate) * 1000 + 5000, op }));
    if (firstError) low.value.errorSamples.unshift(firstError);
    return { closed: closed.value, rate: rate.value, low: low.value, cpu: { closed: closed.cpu, rate: rate.cpu, low: low.cpu } };
  } finally {
    pool.close();
    await docks?.stop();
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Run the end-to-end scenario for each broker in `brokers`; `nagle` adds the Nagle comparison of the ceiling loop. */
export async function runE2e(o: { profile: Profile; brokers: BrokerKind[]; cpuProf?: string; log: (s: string) => void; nagle?: boolean }): Promise<E2eResult> {
  const p = o.profile.e2e;
  const execArgv = o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProf}`] : [];
  const rows: E2eRow[] = [];
  const nagle: NagleRow[] = [];
  for (const broker of o.brokers) {
    const sns = Array.from({ length: p.docks }, (_, i) => `BENCH${randomBytes(3).toString('hex').toUpperCase()}D${i}`);
    const skip = (why: string) =>
      rows.push({ broker, target: 'ceiling', load: 'closed', result: null, ratio: null, skipped: why }, { broker, target: 'gateway', load: 'closed', result: null, ratio: null, skipped: why });
    let privateBroker: { url: string; stop(): Promise<void> } | null = null;
    try {
      let url: string | null = null;
      if (broker === 'mosquitto') url = MOSQUITTO_URL;
      if (broker === 'mosquitto-nodelay') {
        try {
          privateBroker = await startPrivateMosquitto({ noDelay: true });
        } catch (e) {
          skip(`private Mosquitto did not start: ${(e as Error).message}`);
          continue;
        }
        url = privateBroker.url;
      }
      o.log(`e2e: MQTT ceiling through ${broker}`);
      let ceil: Runs;
      try {
        ceil = await ceiling(url, p, sns, true, ['closed', 'rate']);
      } catch (e) {
        rows.push({ broker, target: 'ceiling', load: 'closed', result: null, ratio: null, error: `ceiling failed: ${(e as Error).message}` });
        continue;
      }
      rows.push({ broker, target: 'ceiling', load: 'closed', result: ceil.closed!, ratio: 1, cpu: ceil.cpu.closed });
      rows.push({ broker, target: 'ceiling', load: 'rate', offered: p.rate, result: ceil.rate!, ratio: null, cpu: ceil.cpu.rate });
      if (o.nagle) {
        o.log(`e2e: MQTT ceiling through ${broker}, Nagle left on in the mqtt.js clients`);
        // One request in flight: each round trip shows the delayed-ACK stall Nagle can cause.
        const pingPong = { ...p, concurrency: 1, warmupMs: Math.min(p.warmupMs, 500), durationMs: Math.min(p.durationMs, 3000) };
        const on = await ceiling(url, pingPong, sns, true, ['closed']);
        const off = await ceiling(url, pingPong, sns, false, ['closed']);
        nagle.push({ noDelay: true, broker, result: on.closed! }, { noDelay: false, broker, result: off.closed! });
      }
      o.log(`e2e: gateway through ${broker}`);
      let prod: Awaited<ReturnType<typeof product>>;
      try {
        prod = await product(url, p, sns, execArgv, o.log);
      } catch (e) {
        rows.push({ broker, target: 'gateway', load: 'closed', result: null, ratio: null, error: (e as Error).message });
        continue;
      }
      rows.push({ broker, target: 'gateway', load: 'closed', result: prod.closed, ratio: prod.closed.perSecond / ceil.closed!.perSecond, cpu: prod.cpu.closed });
      rows.push({ broker, target: 'gateway', load: 'rate', offered: p.rate, result: prod.rate, ratio: null, cpu: prod.cpu.rate });
      rows.push({ broker, target: 'gateway', load: 'low-rate', offered: p.lowRate, result: prod.low, ratio: null, cpu: prod.cpu.low });
    } finally {
      await privateBroker?.stop();
    }
  }
  return { concurrency: p.concurrency, rate: p.rate, commandTypes: simpleCommands().length, docks: p.docks, rows, nagle };
}
