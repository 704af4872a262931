/**
 * Scenario 3, mock vs Prism: the dockgate mock server (`npm run mock`: the real gateway app with
 * an embedded broker, a throwaway store and simulated docks) and `prism mock
 * generated/openapi.yaml` receive the same signed create-command requests (all command types) at
 * a fixed concurrency — requests/s and p99 — and the same fixed set of invalid requests
 * (bench/lib/invalid.ts), recording which each one rejects.
 *
 * Prism only checks that the signing headers are present, so it gets a cycled pool of signed
 * requests; the mock verifies signatures, nonces and idempotency keys, so every request it gets is
 * unique.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HttpConnection, buildRequest } from '../lib/http1.js';
import { INVALID_CASES } from '../lib/invalid.js';
import { closedLoop, medianBy, type LoadResult } from '../lib/load.js';
import { freePort } from '../lib/net.js';
import { startChild, startCommand, withCpu } from '../lib/proc.js';
import type { Profile } from '../lib/profile.js';
import { CREATE_PATH, commandBodies, presignCreates, type BenchCred } from '../lib/requests.js';
import { signRequest } from '../../spec/signing.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface MockTargetRow {
  target: 'mock' | 'prism';
  result: LoadResult | null;
  statuses: Record<string, number>;
  /** Cores used during the run: `server`, `load generator`. */
  cpu?: Record<string, number>;
  /** Version or command line, for the table. */
  version?: string;
  skipped?: string;
  /** Requests/s of every round (the row is the median one). */
  rounds?: number[];
}

export interface InvalidRow {
  name: string;
  what: string;
  /** HTTP status (and our error code when the body has one); null = target not run. */
  mock: { status: number; code?: string } | null;
  prism: { status: number; code?: string } | null;
}

export interface MockResult {
  concurrency: number;
  /** Interleaved rounds per target. */
  rounds: number;
  rows: MockTargetRow[];
  /** Median over rounds of (mock requests/s ÷ Prism requests/s in the round after it). */
  ratio: number | null;
  /** The per-round ratios. */
  roundRatios: number[];
  invalid: InvalidRow[];
  /** Invalid requests Prism rejects and the mock accepts (must be empty). */
  missedByMock: string[];
}

async function waitHttp(port: number, timeoutMs: number, exited: Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => (dead = true));
  while (Date.now() < deadline && !dead) {
    try {
      const c = new HttpConnection('127.0.0.1', port);
      await c.connect();
      await c.request(buildRequest({ method: 'GET', host: `127.0.0.1:${port}`, path: '/healthz' }));
      c.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(dead ? 'process exited before serving' : `no HTTP on port ${port} within ${timeoutMs} ms`);
}

async function closedRun(url: string, requests: Buffer[], p: Profile['mock'], cycle: boolean, pid: number): Promise<{ run: Round; used: number }> {
  const u = new URL(url);
  const conns = await Promise.all(Array.from({ length: p.concurrency }, async () => {
    const c = new HttpConnection(u.hostname, Number(u.port));
    await c.connect();
    return c;
  }));
  const statuses: Record<string, number> = {};
  let firstError: string | null = null;
  try {
    // Prime: one request per connection before the clock starts. The first requests are slow on
    // both servers (Prism compiles its validators lazily; the mock starts a simulated dock per new
    // device_id) and would otherwise eat a short warm-up.
    await Promise.all(conns.map((c, w) => c.request(requests[w])));
    const prime = conns.length;
    let used = prime;
    const { value: result, cpu } = await withCpu({ server: pid }, () => closedLoop({
      concurrency: p.concurrency,
      warmupMs: p.warmupMs,
      durationMs: p.durationMs,
      maxCount: cycle ? p.maxCount : Math.min(p.maxCount, requests.length - prime),
      op: async (i, w) => {
        used = Math.max(used, i + prime + 1);
        const res = await conns[w].request(requests[(i + prime) % requests.length]);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== 202 && firstError === null) firstError = `${res.status} ${res.body.toString().slice(0, 300)}`;
        return res.status === 202;
      },
    }));
    if (firstError) result.errorSamples.unshift(firstError);
    return { run: { result, statuses, cpu }, used };
  } finally {
    for (const c of conns) c.close();
  }
}

async function sendInvalid(url: string, cred: BenchCred): Promise<Record<string, { status: number; code?: string }>> {
  const u = new URL(url);
  const out: Record<string, { status: number; code?: string }> = {};
  for (const ic of INVALID_CASES) {
    const headers: Record<string, string> = signRequest({ method: 'POST', path: CREATE_PATH, query: '', apiId: cred.api_id, apiKey: cred.api_key, body: ic.body });
    headers['Content-Type'] = ic.contentType ?? 'application/json';
    const c = new HttpConnection(u.hostname, Number(u.port));
    await c.connect();
    try {
      const res = await c.request(buildRequest({ method: 'POST', host: u.host, path: CREATE_PATH, headers, body: ic.body }));
      let code: string | undefined;
      try {
        code = (JSON.parse(res.body.toString()) as { code?: string }).code;
      } catch {
        code = undefined;
      }
      out[ic.name] = { status: res.status, code };
    } finally {
      c.close();
    }
  }
  return out;
}

/** The mock (mock/server.ts `startMock`, as `npm run mock` runs it) in a child process; pending when not in the tree. */
async function startMockTarget(cpuProf?: string): Promise<{ url: string; cred: BenchCred; pid: number; stop(): Promise<void> } | string> {
  if (!existsSync(ROOT + 'mock/server.ts')) return 'pending: the mock server (mock/server.ts, issue 4) is not in the tree yet';
  const child = await startChild('mock', {}, { execArgv: cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [] });
  return { url: child.ready.url as string, cred: child.ready as unknown as BenchCred, pid: child.pid, stop: () => child.stop() };
}

/** One measured round of one target. */
interface Round {
  result: LoadResult;
  statuses: Record<string, number>;
  cpu: Record<string, number>;
}

/**
 * Mock vs Prism, both running at once and measured in interleaved rounds (mock, Prism, mock,
 * Prism, …): this shared VM's speed drifts by ±20 % over a minute, which one run of each, a
 * minute apart, turns straight into the ratio. Each target's row is its median round; the ratio is
 * the median of the per-round ratios (each round's mock ÷ the Prism run right after it).
 * `cpuProf` (a directory) profiles the mock's process.
 */
export async function runMock(o: { profile: Profile; cpuProf?: string; log: (s: string) => void }): Promise<MockResult> {
  const p = o.profile.mock;
  const rows: MockTargetRow[] = [];
  const inv: Record<'mock' | 'prism', Record<string, { status: number; code?: string }> | null> = { mock: null, prism: null };
  const devices = ['BENCHMOCK1', 'BENCHMOCK2', 'BENCHMOCK3', 'BENCHMOCK4'];
  const stops: (() => Promise<void>)[] = [];
  let roundRatios: number[] = [];

  try {
    o.log('mock: starting the dockgate mock server and Prism');
    let mock: Awaited<ReturnType<typeof startMockTarget>>;
    try {
      mock = await startMockTarget(o.cpuProf);
    } catch (e) {
      mock = `failed to start: ${(e as Error).message}`;
    }
    if (typeof mock !== 'string') stops.push(mock.stop);

    let prism: { url: string; cred: BenchCred; pid: number; version: string } | string;
    const prismBin = ROOT + 'node_modules/.bin/prism';
    if (!existsSync(prismBin)) prism = '@stoplight/prism-cli is not installed';
    else {
      const port = await freePort();
      const proc = startCommand(prismBin, ['mock', ROOT + 'generated/openapi.yaml', '-h', '127.0.0.1', '-p', String(port)], { cwd: ROOT });
      stops.push(() => proc.stop());
      await waitHttp(port, 90_000, proc.exited);
      const version = (await import(ROOT + 'node_modules/@stoplight/prism-cli/package.json', { with: { type: 'json' } })).default.version as string;
      prism = { url: `http://127.0.0.1:${port}`, cred: { api_id: 'ak_bench', api_key: 'sk_bench' }, pid: proc.pid, version };
    }

    // The mock verifies nonces, so it gets unique requests, a fresh slice each round; Prism only
    // checks that the signing headers are present and gets a cycled pool.
    const mockReqs = typeof mock === 'string' ? [] : presignCreates({ host: new URL(mock.url).host, cred: mock.cred, count: p.maxCount, bodies: commandBodies(), devices });
    const prismReqs = typeof prism === 'string' ? [] : presignCreates({ host: new URL(prism.url).host, cred: prism.cred, count: Math.min(p.maxCount, 20_000), bodies: commandBodies(), devices });
    const mockRounds: Round[] = [];
    const prismRounds: Round[] = [];
    let offset = 0;
    for (let r = 0; r < p.rounds; r++) {
      if (typeof mock !== 'string') {
        o.log(`mock: round ${r + 1}/${p.rounds}: dockgate mock`);
        const { run, used } = await closedRun(mock.url, mockReqs.slice(offset), p, false, mock.pid);
        offset += used;
        mockRounds.push(run);
      }
      if (typeof prism !== 'string') {
        o.log(`mock: round ${r + 1}/${p.rounds}: Prism`);
        prismRounds.push((await closedRun(prism.url, prismReqs, p, true, prism.pid)).run);
      }
    }
    if (typeof mock === 'string') rows.push({ target: 'mock', result: null, statuses: {}, skipped: mock });
    else {
      rows.push({ target: 'mock', ...medianBy(mockRounds, (x) => x.result.perSecond), rounds: mockRounds.map((x) => x.result.perSecond) });
      inv.mock = await sendInvalid(mock.url, mock.cred);
    }
    if (typeof prism === 'string') rows.push({ target: 'prism', result: null, statuses: {}, skipped: prism });
    else {
      rows.push({ target: 'prism', version: prism.version, ...medianBy(prismRounds, (x) => x.result.perSecond), rounds: prismRounds.map((x) => x.result.perSecond) });
      inv.prism = await sendInvalid(prism.url, prism.cred);
    }
    if (mockRounds.length > 0 && mockRounds.length === prismRounds.length) roundRatios = mockRounds.map((m, i) => m.result.perSecond / prismRounds[i].result.perSecond);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }

  const invalid: InvalidRow[] = INVALID_CASES.map((c) => ({ name: c.name, what: c.what, mock: inv.mock?.[c.name] ?? null, prism: inv.prism?.[c.name] ?? null }));
  const rejects = (r: { status: number } | null) => r !== null && r.status >= 400 && r.status < 500;
  const missedByMock = inv.mock && inv.prism ? invalid.filter((r) => rejects(r.prism) && !rejects(r.mock)).map((r) => r.name) : [];
  return { concurrency: p.concurrency, rounds: p.rounds, rows, ratio: roundRatios.length > 0 ? medianBy(roundRatios, (x) => x) : null, roundRatios, invalid, missedByMock };
}
