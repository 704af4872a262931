/**
 * `npm run bench`: every benchmark of issue 6 in one bounded run (< 10 minutes on the 2-core
 * machine), written to bench/RESULTS.md and bench/results.json.
 *
 *   npm run bench                      full run → bench/RESULTS.md, bench/results.json
 *   npm run bench -- --smoke           every scenario tiny (CI; not gated on speed) → bench/out/smoke/
 *   npm run bench -- --only accept,e2e run some scenarios (accept, e2e, mock, generator, memory, telemetry, streams, webhooks)
 *   npm run bench -- --cpu-prof        also write V8 CPU profiles of the gateway processes to bench/out/profiles/
 *   npm run bench -- --out DIR         write the results elsewhere
 *   BENCH_DATABASE_URL=postgres://…    PostgreSQL for the accept path (default postgres://postgres@127.0.0.1:5432/test;
 *                                      `--no-pg` skips it)
 *
 * Exit code: 0 when every scenario ran (targets are reported, not enforced); 1 when a scenario
 * failed, or in --smoke when any request failed (the harness or the product is broken).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './lib/machine.js';
import { DEFAULT_PG_URL } from './lib/pg.js';
import { FULL, SMOKE, type Profile } from './lib/profile.js';
import { checkTargets, renderMarkdown, type BenchResults, type GeneratorSection } from './lib/report.js';
import type { LoadResult } from './lib/load.js';
import { runAccept } from './scenarios/accept.js';
import { runE2e } from './scenarios/e2e.js';
import { runMemory } from './scenarios/memory.js';
import { runMock } from './scenarios/mock.js';
import { runStreams } from './scenarios/streams.js';
import { runTelemetry } from './scenarios/telemetry.js';
import { runWebhooks } from './scenarios/webhooks.js';

const BENCH = fileURLToPath(new URL('./', import.meta.url));
const SCENARIOS = ['generator', 'accept', 'e2e', 'mock', 'memory', 'telemetry', 'streams', 'webhooks'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Args {
  profile: Profile;
  only: Set<Scenario>;
  cpuProf: string | undefined;
  out: string;
  pgUrl: string | null;
}

function parseArgs(argv: string[]): Args {
  const smoke = argv.includes('--smoke');
  let only = new Set<Scenario>(SCENARIOS);
  let out = smoke ? join(BENCH, 'out', 'smoke') : BENCH;
  let cpuProf: string | undefined;
  let pgUrl: string | null = process.env.BENCH_DATABASE_URL || DEFAULT_PG_URL;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const eq = a.indexOf('=');
      if (eq !== -1) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--smoke') continue;
    else if (a.startsWith('--only')) {
      const list = val().split(',').map((s) => s.trim()).filter(Boolean);
      for (const s of list) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
      only = new Set(list as Scenario[]);
    } else if (a === '--cpu-prof') cpuProf = join(BENCH, 'out', 'profiles');
    else if (a.startsWith('--out')) out = val();
    else if (a === '--no-pg') pgUrl = null;
    else if (a.startsWith('--pg')) pgUrl = val();
    else throw new Error(`unknown option ${a} (see bench/run.ts)`);
  }
  return { profile: smoke ? SMOKE : FULL, only, cpuProf, out, pgUrl };
}

function log(s: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
}

/** Every LoadResult inside a scenario result (for the smoke check). */
function loadResults(x: unknown, path = ''): { path: string; r: LoadResult }[] {
  if (typeof x !== 'object' || x === null) return [];
  if ('perSecond' in x && 'errors' in x && 'ok' in x) return [{ path, r: x as LoadResult }];
  return Object.entries(x).flatMap(([k, v]) => loadResults(v, path ? `${path}.${k}` : k));
}

/** `error` fields of rows inside scenario results (scenario-level failures are already counted). */
function findErrors(x: unknown, path = ''): string[] {
  if (typeof x !== 'object' || x === null) return [];
  const own = path.split('.').length > 1 && typeof (x as { error?: unknown }).error === 'string' ? [`${path}: ${(x as { error: string }).error}`] : [];
  return own.concat(Object.entries(x).flatMap(([k, v]) => findErrors(v, path ? `${path}.${k}` : k)));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const machine = describeMachine();
  log(`profile ${args.profile.name}; ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAtStart}`);
  if (args.cpuProf) {
    mkdirSync(args.cpuProf, { recursive: true });
    log(`CPU profiles of the gateway and mock processes go to ${args.cpuProf}`);
  }
  const res: Omit<BenchResults, 'targets' | 'totalSeconds'> & { totalSeconds?: number } = { profile: args.profile.name, machine };
  let failed = false;
  const run = async <K extends Scenario>(name: K, f: () => Promise<unknown>) => {
    if (!args.only.has(name)) return;
    const t0 = performance.now();
    try {
      (res as Record<string, unknown>)[name] = await f();
      log(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      failed = true;
      const msg = e instanceof Error ? e.message : String(e);
      (res as Record<string, unknown>)[name] = { error: msg };
      log(`${name}: FAILED: ${e instanceof Error ? e.stack : msg}`);
    }
  };

  // The generator runs first, in this process, while nothing else is loaded or running.
  await run('generator', async () => {
    const { runGeneratorBench } = await import('./generator.js');
    const g = await runGeneratorBench({ sizes: args.profile.generator.sizes, runsSmall: args.profile.name === 'smoke' ? 1 : 3, write: false, log: (s: string) => log(`  ${s}`) });
    return { rows: g.rows, cli_ms: g.cli_ms, pass: g.pass } satisfies GeneratorSection;
  });
  await run('accept', () => runAccept({ profile: args.profile, pgUrl: args.pgUrl, cpuProf: args.cpuProf, log }));
  await run('e2e', () => runE2e({ profile: args.profile, brokers: ['embedded', 'mosquitto', 'mosquitto-nodelay'], cpuProf: args.cpuProf, log, nagle: true }));
  await run('mock', () => runMock({ profile: args.profile, cpuProf: args.cpuProf, log }));
  await run('memory', () => runMemory({ profile: args.profile, log }));
  await run('telemetry', () => runTelemetry({ profile: args.profile, log }));
  await run('streams', () => runStreams({ profile: args.profile, log }));
  await run('webhooks', () => runWebhooks({ profile: args.profile, log }));

  machine.loadAtEnd = Math.round(loadavg()[0] * 100) / 100;
  res.totalSeconds = (performance.now() - started) / 1000;
  const full: BenchResults = { ...(res as BenchResults), targets: checkTargets(res as BenchResults) };
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'results.json'), JSON.stringify(full, null, 2) + '\n');
  writeFileSync(join(args.out, 'RESULTS.md'), renderMarkdown(full));
  log(`wrote ${join(args.out, 'RESULTS.md')} and results.json (${Math.round(full.totalSeconds)} s)`);
  for (const t of full.targets) log(`  ${t.pass === null ? '  -  ' : t.pass ? ' pass' : ' MISS'}  ${t.name}: ${t.measured} (goal ${t.goal})`);

  const rowErrors = findErrors(full);
  for (const e of rowErrors) log(`FAILED: ${e}`);
  if (rowErrors.length) failed = true;
  if (args.profile.name === 'smoke') {
    const late = (r: LoadResult) => (r as LoadResult & { lateFailures?: number }).lateFailures ?? 0;
    const bad = loadResults(full).filter(({ r }) => r.errors > 0 || r.ok === 0 || late(r) > 0);
    for (const b of bad) log(`smoke: ${b.path}: ${b.r.ok} ok, ${b.r.errors} errors, ${late(b.r)} failures after the window ${b.r.errorSamples[0] ?? ''}`);
    if (bad.length) failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}

main().then(
  () => process.exit(),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
