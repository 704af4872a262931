/**
 * Scenario 1, the accept path: signed, validated `POST /api/v1/open/downlink/commands` across all
 * 83 command types (catalog examples, unique idempotency keys and nonces, fresh timestamps) at a
 * fixed concurrency, against the gateway on SQLite and on PostgreSQL, beside a bare Hono endpoint
 * on the same @hono/node-server stack (the HTTP ceiling). Every server runs in its own process;
 * the parent drives it with bench/lib/http1.ts over keep-alive connections.
 *
 * The gateway runs as shipped (embedded broker, dispatcher publishing every accepted command,
 * request log at `info` to /dev/null); no dock is connected, so commands wait for a reply
 * (`timeout_seconds: 300`, so none times out during the run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpConnection } from '../lib/http1.js';
import { closedLoop, medianBy, type LoadResult } from '../lib/load.js';
import { freshSchema } from '../lib/pg.js';
import { startChild, withCpu, type Child } from '../lib/proc.js';
import type { Profile } from '../lib/profile.js';
import { commandBodies, presignCreates, type BenchCred } from '../lib/requests.js';

/** One measured target. */
export interface AcceptRow {
  target: 'bare-hono' | 'gateway-sqlite' | 'gateway-postgres';
  result: LoadResult | null;
  /** Status codes seen in the window (e.g. {202: n}). */
  statuses: Record<string, number>;
  /** Cores used during the run (warm-up included): `server` and `load generator`. */
  cpu?: Record<string, number>;
  /** result.perSecond / bare-hono perSecond. */
  ratio: number | null;
  /** Why the row is missing (e.g. PostgreSQL unreachable). */
  skipped?: string;
  /** Requests/s of each interleaved round (the row is the median one). */
  rounds?: number[];
  /** Per-round ratios to the bare endpoint (the row's ratio is their median). */
  roundRatios?: number[];
  /** The run failed (the product or the harness is broken). */
  error?: string;
}

export interface AcceptResult {
  concurrency: number;
  commandTypes: number;
  /** Interleaved rounds of bare Hono and the gateway on SQLite. */
  rounds: number;
  rows: AcceptRow[];
}

/** One measured run of one target. */
interface Measured {
  result: LoadResult;
  statuses: Record<string, number>;
  cpu: Record<string, number>;
}

/** Drive `url` with `requests` (cycled when `cycle`) at `concurrency`; counts statuses. */
async function drive(url: string, requests: Buffer[], p: Profile['accept'], expect: number, cycle: boolean, serverPid: number): Promise<{ run: Measured; used: number }> {
  const u = new URL(url);
  const conns = await Promise.all(
    Array.from({ length: p.concurrency }, async () => {
      const c = new HttpConnection(u.hostname, Number(u.port));
      await c.connect();
      return c;
    }),
  );
  const statuses: Record<string, number> = {};
  let firstError: string | null = null;
  let used = 0;
  try {
    const { value: result, cpu } = await withCpu({ server: serverPid }, () =>
      closedLoop({
        concurrency: p.concurrency,
        warmupMs: p.warmupMs,
        durationMs: p.durationMs,
        maxCount: cycle ? Number.MAX_SAFE_INTEGER : requests.length,
        op: async (i, w) => {
          used = Math.max(used, i + 1);
          const res = await conns[w].request(requests[i % requests.length]);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status !== expect && firstError === null) firstError = `${res.status} ${res.body.toString().slice(0, 300)}`;
          return res.status === expect;
        },
      }),
    );
    if (firstError) result.errorSamples.unshift(firstError);
    return { run: { result, statuses, cpu }, used };
  } finally {
    for (const c of conns) c.close();
  }
}

const DEVICES = Array.from({ length: 16 }, (_, i) => `BENCHDOCK${String(i).padStart(2, '0')}`);

async function gatewayRun(env: Record<string, string>, p: Profile['accept'], execArgv: string[], log: (s: string) => void): Promise<Measured> {
  const gw: Child = await startChild('gateway', { env }, { execArgv });
  try {
    const cred = gw.ready as unknown as BenchCred & { url: string };
    if (execArgv.length) log(`  profiling: gateway pid ${gw.pid}`);
    const t0 = performance.now();
    const reqs = presignCreates({ host: new URL(cred.url).host, cred, count: p.gatewayRequests, bodies: commandBodies(), devices: DEVICES, timeoutSeconds: 300 });
    log(`  pre-signed ${reqs.length} requests in ${Math.round(performance.now() - t0)} ms`);
    return (await drive(cred.url, reqs, p, 202, false, gw.pid)).run;
  } finally {
    await gw.stop();
  }
}

/**
 * Run the accept-path scenario. `pgUrl` null skips PostgreSQL. `profile` bounds every run;
 * `cpuProf` (a directory) profiles the gateway children.
 */
export async function runAccept(o: { profile: Profile; pgUrl: string | null; cpuProf?: string; log: (s: string) => void }): Promise<AcceptResult> {
  const p = o.profile.accept;
  const execArgv = o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProf}`] : [];
  const rows: AcceptRow[] = [];

  // Bare Hono and the gateway on SQLite run at once and are measured in interleaved rounds (bare,
  // gateway, bare, …): this shared VM's speed drifts within a minute, which two runs a minute apart
  // turn straight into the ratio. Each row is the target's median round; the ratio is the median
  // of the per-round ratios (each gateway round ÷ the bare round just before it).
  o.log('accept: starting the bare Hono endpoint and the gateway on SQLite');
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-bench-'));
  const bare = await startChild('bare-http', {}, { execArgv });
  let gw: Child | null = null;
  let ceiling = NaN;
  try {
    gw = await startChild('gateway', { env: { DATA_DIR: dataDir } }, { execArgv });
    const cred = gw.ready as unknown as BenchCred & { url: string };
    if (execArgv.length) o.log(`  profiling: bare pid ${bare.pid}, gateway pid ${gw.pid}`);
    // The bare endpoint checks nothing, so a pool of signed requests is cycled (same bytes per
    // request as the gateway gets); the gateway gets unique ones, a fresh slice each round.
    // `timeout_seconds: 300`: no dock answers here, and commands timing out in the later rounds
    // (the default is 30 s) would add the sweeper's work to what is measured.
    const bareReqs = presignCreates({ host: new URL(bare.ready.url as string).host, cred: { api_id: 'ak_bench', api_key: 'sk_bench' }, count: p.bareRequests, bodies: commandBodies(), devices: DEVICES, timeoutSeconds: 300 });
    const t0 = performance.now();
    const gwReqs = presignCreates({ host: new URL(cred.url).host, cred, count: p.gatewayRequests, bodies: commandBodies(), devices: DEVICES, timeoutSeconds: 300 });
    o.log(`  pre-signed ${gwReqs.length} requests in ${Math.round(performance.now() - t0)} ms`);
    const bareRounds: Measured[] = [];
    const gwRounds: Measured[] = [];
    let offset = 0;
    for (let r = 0; r < p.rounds; r++) {
      o.log(`accept: round ${r + 1}/${p.rounds}: bare Hono`);
      bareRounds.push((await drive(bare.ready.url as string, bareReqs, p, 202, true, bare.pid)).run);
      o.log(`accept: round ${r + 1}/${p.rounds}: gateway on SQLite`);
      const { run, used } = await drive(cred.url, gwReqs.slice(offset), p, 202, false, gw.pid);
      offset += used;
      gwRounds.push(run);
    }
    const ratios = gwRounds.map((g, i) => g.result.perSecond / bareRounds[i].result.perSecond);
    const bareMedian = medianBy(bareRounds, (x) => x.result.perSecond);
    ceiling = bareMedian.result.perSecond;
    rows.push({ target: 'bare-hono', ...bareMedian, ratio: 1, rounds: bareRounds.map((x) => x.result.perSecond) });
    rows.push({ target: 'gateway-sqlite', ...medianBy(gwRounds, (x) => x.result.perSecond), ratio: medianBy(ratios, (x) => x), rounds: gwRounds.map((x) => x.result.perSecond), roundRatios: ratios });
  } finally {
    await gw?.stop();
    await bare.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (o.pgUrl === null) rows.push({ target: 'gateway-postgres', result: null, statuses: {}, ratio: null, skipped: 'PostgreSQL not configured' });
  else {
    o.log('accept: gateway on PostgreSQL');
    let schema: Awaited<ReturnType<typeof freshSchema>> | null = null;
    try {
      schema = await freshSchema(o.pgUrl);
      const dataDir2 = mkdtempSync(join(tmpdir(), 'dockgate-bench-'));
      try {
        const r = await gatewayRun({ DATA_DIR: dataDir2, DATABASE_URL: schema.url }, p, execArgv, o.log);
        rows.push({ target: 'gateway-postgres', ...r, ratio: r.result.perSecond / ceiling });
      } finally {
        rmSync(dataDir2, { recursive: true, force: true });
      }
    } catch (e) {
      if (schema === null) rows.push({ target: 'gateway-postgres', result: null, statuses: {}, ratio: null, skipped: `PostgreSQL unreachable: ${(e as Error).message}` });
      else rows.push({ target: 'gateway-postgres', result: null, statuses: {}, ratio: null, error: (e as Error).message });
    } finally {
      await schema?.drop().catch(() => {});
    }
  }
  return { concurrency: p.concurrency, commandTypes: commandBodies().length, rounds: p.rounds, rows };
}
