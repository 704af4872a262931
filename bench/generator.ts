/**
 * Generator benchmark (issue 2 §5): full regeneration time — every emitter, files written to a
 * temp dir — for the real catalog and for synthetic catalogs built by cloning catalog commands
 * under new names (up to 1,000 commands). Targets: < 5 s for the catalog, < 30 s for 1,000, growing
 * no worse than linearly. Prints a table and writes `bench/out/generator.json`.
 *
 * Run: `npx tsx bench/generator.ts` (or as part of `npm run bench` via `runGeneratorBench()`).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands as catalogCommands } from '../spec/catalog.js';
import { API } from '../spec/api.js';
import { deviceRequests } from '../spec/requests.js';
import type { CommandDef } from '../spec/types.js';
import { generate, writeOrCheck } from '../generator/generate.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface GeneratorBenchRow {
  commands: number;
  runs: number;
  /** Median wall time of generate() + writing all files, ms. */
  median_ms: number;
  min_ms: number;
  max_ms: number;
  /** Median per-emitter time of the median run, ms (emitters run concurrently, so they overlap). */
  emitters_ms: Record<string, number>;
  files: number;
  bytes: number;
  /** median_ms / commands. */
  ms_per_command: number;
  /**
   * CPU time of the median run, ms: this process (main thread + worker threads) plus finished
   * child processes (Redocly). Unlike wall time it barely depends on what else the machine runs;
   * on an idle 2-core machine wall time is at least cpu_ms / 2.
   */
  cpu_ms: number;
}
export interface GeneratorBenchResult {
  when: string;
  machine: { cpus: number; model: string; loadavg_1m_at_start: number; node: string };
  /** Wall time of `npm run generate -- --out <tmp>` (process start to exit) for the real catalog, ms. */
  cli_ms: number | null;
  rows: GeneratorBenchRow[];
  targets: { catalog_ms: number; thousand_ms: number };
  pass: { catalog: boolean; thousand: boolean; linear: boolean };
}

/** `n` commands: the catalog repeated with renamed `command_type`s (`<type>__c<i>`) past the first copy. */
export function syntheticCatalog(n: number, base: CommandDef[] = catalogCommands): CommandDef[] {
  const out: CommandDef[] = [];
  for (let i = 0; out.length < n; i++) {
    for (const c of base) {
      if (out.length >= n) break;
      out.push(i === 0 ? c : { ...c, command_type: `${c.command_type}__c${i}`, summary: `${c.summary} (synthetic copy ${i})` });
    }
  }
  return out;
}

/** CPU ms of this process (all threads) plus its waited-for children (Linux /proc; children 0 elsewhere). */
function cpuNow(): number {
  const u = process.cpuUsage();
  let children = 0;
  try {
    // /proc/self/stat fields 16-17 (cutime, cstime) in clock ticks (100 Hz on Linux).
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    children = (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    children = 0;
  }
  return (u.user + u.system) / 1000 + children;
}

async function timeOnce(commands: CommandDef[]): Promise<{ ms: number; cpu: number; timings: Record<string, number>; files: number; bytes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'dockgate-bench-gen-'));
  try {
    const timings: Record<string, number> = {};
    const c0 = cpuNow();
    const t0 = performance.now();
    const files = await generate({ commands, deviceRequests, api: API }, { timings });
    await writeOrCheck(files, dir, false);
    const ms = performance.now() - t0;
    const cpu = cpuNow() - c0;
    const bytes = files.reduce((s, f) => s + (typeof f.content === 'string' ? Buffer.byteLength(f.content) : f.content.byteLength), 0);
    return { ms, cpu, timings, files: files.length, bytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function cliOnce(): Promise<number | null> {
  return new Promise(async (resolve) => {
    const dir = await mkdtemp(join(tmpdir(), 'dockgate-bench-cli-'));
    const t0 = performance.now();
    execFile(process.execPath, [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'generator', 'main.ts'), '--out', dir], { cwd: repoRoot }, async (err) => {
      const ms = performance.now() - t0;
      await rm(dir, { recursive: true, force: true });
      resolve(err ? null : ms);
    });
  });
}

const r = (x: number) => Math.round(x);

/** Run the benchmark; `sizes` default [catalog, 250, 500, 1000]. Logs a table. */
export async function runGeneratorBench(o: { sizes?: number[]; runsSmall?: number; write?: boolean; log?: (s: string) => void } = {}): Promise<GeneratorBenchResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const sizes = o.sizes ?? [catalogCommands.length, 250, 500, 1000];
  const loadavg1 = loadavg()[0]!;
  await timeOnce(catalogCommands.slice(0, 5)); // warm-up: module loading, JIT
  const rows: GeneratorBenchRow[] = [];
  for (const n of sizes) {
    const runs = n <= catalogCommands.length ? (o.runsSmall ?? 3) : 1;
    const cmds = syntheticCatalog(n);
    const samples: Awaited<ReturnType<typeof timeOnce>>[] = [];
    for (let i = 0; i < runs; i++) samples.push(await timeOnce(cmds));
    samples.sort((a, b) => a.ms - b.ms);
    const med = samples[Math.floor(samples.length / 2)]!;
    rows.push({
      commands: n,
      runs,
      median_ms: r(med.ms),
      min_ms: r(samples[0]!.ms),
      max_ms: r(samples[samples.length - 1]!.ms),
      emitters_ms: Object.fromEntries(Object.entries(med.timings).map(([k, v]) => [k, r(v)])),
      files: med.files,
      bytes: med.bytes,
      ms_per_command: Math.round((med.ms / n) * 100) / 100,
      cpu_ms: r(med.cpu),
    });
  }
  const cli = await cliOnce();
  const cat = rows.find((x) => x.commands === catalogCommands.length);
  const thousand = rows.find((x) => x.commands === 1000);
  const big = rows[rows.length - 1]!;
  const small = rows[0]!;
  const result: GeneratorBenchResult = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadavg_1m_at_start: Math.round(loadavg1 * 100) / 100, node: process.version },
    cli_ms: cli === null ? null : r(cli),
    rows,
    targets: { catalog_ms: 5000, thousand_ms: 30000 },
    pass: {
      catalog: cat ? cat.median_ms < 5000 : false,
      thousand: thousand ? thousand.median_ms < 30000 : false,
      // "no worse than linear": time per command at the largest size is not above the smallest's.
      linear: big.ms_per_command <= small.ms_per_command * 1.1,
    },
  };
  const emitterNames = [...new Set(rows.flatMap((x) => Object.keys(x.emitters_ms)))];
  log(`generator benchmark (${result.machine.cpus} CPUs, load ${result.machine.loadavg_1m_at_start}, ${result.machine.node})`);
  log(`| commands | runs | median ms | min | max | ms/command | CPU ms | files | MB | ${emitterNames.map((e) => `${e} ms`).join(' | ')} |`);
  log(`|---:|---:|---:|---:|---:|---:|---:|---:|---:|${emitterNames.map(() => '---:').join('|')}|`);
  for (const x of rows)
    log(`| ${x.commands} | ${x.runs} | ${x.median_ms} | ${x.min_ms} | ${x.max_ms} | ${x.ms_per_command} | ${x.cpu_ms} | ${x.files} | ${(x.bytes / 1e6).toFixed(1)} | ${emitterNames.map((e) => x.emitters_ms[e] ?? '').join(' | ')} |`);
  log('(emitter columns: time from start to finish of each emitter; they run concurrently, so they overlap)');
  log(`npm run generate (CLI, ${catalogCommands.length} commands, process start to exit): ${result.cli_ms ?? 'failed'} ms`);
  log(`targets: catalog < 5 s: ${result.pass.catalog ? 'pass' : 'FAIL'}; 1,000 < 30 s: ${result.pass.thousand ? 'pass' : 'FAIL'}; linear: ${result.pass.linear ? 'pass' : 'FAIL'}`);
  if (o.write !== false) {
    await mkdir(join(repoRoot, 'bench', 'out'), { recursive: true });
    await writeFile(join(repoRoot, 'bench', 'out', 'generator.json'), JSON.stringify(result, null, 2) + '\n');
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runGeneratorBench().then(
    (res) => process.exit(res.pass.catalog && res.pass.thousand ? 0 : 1),
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
