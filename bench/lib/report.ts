/**
 * The results of one `npm run bench`: the JSON document (results.json) and its Markdown rendering
 * (RESULTS.md) with the machine description, one table per scenario and the targets.
 */
import type { AcceptResult } from '../scenarios/accept.js';
import type { E2eResult } from '../scenarios/e2e.js';
import type { MemoryResult } from '../scenarios/memory.js';
import type { StreamsResult } from '../scenarios/streams.js';
import type { WebhooksResult } from '../scenarios/webhooks.js';
import type { MockResult } from '../scenarios/mock.js';
import type { TelemetryResult } from '../scenarios/telemetry.js';
import type { LoadResult } from './load.js';
import type { Machine } from './machine.js';

/** Generator results as `runGeneratorBench()` (bench/generator.ts) returns them. */
export interface GeneratorSection {
  rows: { commands: number; runs: number; median_ms: number; min_ms: number; max_ms: number; ms_per_command: number; files: number; bytes: number }[];
  cli_ms: number | null;
  pass: { catalog: boolean; thousand: boolean; linear: boolean };
}

/** One target check. `pass` null = not measured. */
export interface TargetCheck {
  name: string;
  measured: string;
  goal: string;
  pass: boolean | null;
}

export interface BenchResults {
  profile: 'full' | 'smoke';
  machine: Machine;
  /** Wall time of the whole run, s. */
  totalSeconds: number;
  accept?: AcceptResult | { error: string };
  e2e?: E2eResult | { error: string };
  mock?: MockResult | { error: string };
  generator?: GeneratorSection | { error: string };
  memory?: MemoryResult | { error: string };
  telemetry?: TelemetryResult | { error: string };
  streams?: StreamsResult | { error: string };
  webhooks?: WebhooksResult | { error: string };
  targets: TargetCheck[];
}

const isErr = (x: unknown): x is { error: string } => typeof x === 'object' && x !== null && 'error' in x;
const n0 = (x: number | undefined | null) => (x === undefined || x === null || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const ms = (x: number | undefined | null) => (x === undefined || x === null || !Number.isFinite(x) ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const r2 = (x: number | null | undefined) => (x === undefined || x === null || !Number.isFinite(x) ? '–' : x.toFixed(2));
const mark = (p: boolean | null) => (p === null ? 'not measured' : p ? 'pass' : '**MISSED**');
/**
 * CPU time of the measured process per operation, µs: its cores ÷ ops/s. Unlike ops/s this hardly
 * depends on what else the machine runs, so it backs the ratios up when the machine is busy.
 */
export function cpuPerOp(cpu: Record<string, number> | undefined, perSecond: number | undefined): number | null {
  if (!cpu || !perSecond) return null;
  const main = Object.keys(cpu).find((k) => k !== 'load generator');
  return main === undefined || !Number.isFinite(cpu[main]) ? null : (cpu[main] / perSecond) * 1e6;
}
const us = (x: number | null) => (x === null ? '–' : Math.round(x).toLocaleString('en-US'));

/** "server 0.98, load generator 0.31" (cores). */
const cores = (c: Record<string, number> | undefined) => (c ? Object.entries(c).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ') : '');
const errs = (r: LoadResult | null) => (r === null ? '' : r.errors === 0 ? '0' : `${r.errors} (${(r.errorSamples[0] ?? '').replace(/\|/g, '\\|').slice(0, 120)})`);

/** Ceiling CPU per op ÷ product CPU per op: the throughput ratio both would reach on an idle machine if CPU-bound in their main process. */
function cpuRatio(ceilCpu: Record<string, number> | undefined, ceilRate: number | undefined, cpu: Record<string, number> | undefined, rate: number | undefined): number | null {
  const a = cpuPerOp(ceilCpu, ceilRate);
  const b = cpuPerOp(cpu, rate);
  return a === null || b === null || b === 0 ? null : a / b;
}

/** Derive the target checks from the results. */
export function checkTargets(b: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const t: TargetCheck[] = [];
  if (b.accept && !isErr(b.accept)) {
    const row = b.accept.rows.find((r) => r.target === 'gateway-sqlite');
    const bare = b.accept.rows.find((r) => r.target === 'bare-hono');
    const costRatio = cpuRatio(bare?.cpu, bare?.result?.perSecond, row?.cpu, row?.result?.perSecond);
    t.push({ name: 'Accept path, SQLite ÷ bare Hono', measured: `${r2(row?.ratio)}${costRatio === null ? '' : ` (CPU cost ratio ${r2(costRatio)})`}`, goal: '≥ 0.25', pass: row?.ratio == null ? null : row.ratio >= 0.25 });
  }
  if (b.e2e && !isErr(b.e2e)) {
    for (const broker of new Set(b.e2e.rows.map((r) => r.broker))) {
      const closed = b.e2e.rows.find((r) => r.broker === broker && r.target === 'gateway' && r.load === 'closed');
      const rate = b.e2e.rows.find((r) => r.broker === broker && r.target === 'gateway' && r.load === 'rate');
      const ceil = b.e2e.rows.find((r) => r.broker === broker && r.target === 'ceiling' && r.load === 'closed');
      const costRatio = cpuRatio(ceil?.cpu, ceil?.result?.perSecond, closed?.cpu, closed?.result?.perSecond);
      t.push({ name: `End to end (${broker}), gateway ÷ MQTT loop`, measured: `${r2(closed?.ratio)}${costRatio === null ? '' : ` (CPU cost ratio ${r2(costRatio)})`}`, goal: '≥ 0.25', pass: closed?.ratio == null ? null : closed.ratio >= 0.25 });
      const p99 = rate?.result?.p99;
      const clean = rate?.result ? rate.result.errors === 0 : false;
      t.push({ name: `End to end (${broker}), p99 at ${b.e2e.rate} commands/s`, measured: p99 === undefined ? '–' : `${ms(p99)} ms`, goal: '≤ 25 ms', pass: p99 === undefined ? null : p99 <= 25 && clean });
    }
  }
  if (b.mock && !isErr(b.mock)) {
    const mk = b.mock.rows.find((r) => r.target === 'mock');
    const pr = b.mock.rows.find((r) => r.target === 'prism');
    const costRatio = cpuRatio(pr?.cpu, pr?.result?.perSecond ?? undefined, mk?.cpu, mk?.result?.perSecond ?? undefined);
    t.push({ name: 'Mock ÷ Prism throughput', measured: `${r2(b.mock.ratio)}${costRatio === null ? '' : ` (CPU cost ratio ${r2(costRatio)})`}`, goal: '≥ 3', pass: b.mock.ratio === null ? null : b.mock.ratio >= 3 });
    const measured = b.mock.invalid.some((r) => r.mock !== null) && b.mock.invalid.some((r) => r.prism !== null);
    t.push({
      name: 'Mock rejects every invalid request Prism rejects',
      measured: measured ? (b.mock.missedByMock.length === 0 ? 'all' : `misses ${b.mock.missedByMock.join(', ')}`) : '–',
      goal: 'all',
      pass: measured ? b.mock.missedByMock.length === 0 : null,
    });
  }
  if (b.generator && !isErr(b.generator)) {
    const cat = b.generator.rows.find((r) => r.commands === 83);
    const k = b.generator.rows.find((r) => r.commands === 1000);
    t.push({ name: 'Generator, 83 commands', measured: cat ? `${(cat.median_ms / 1000).toFixed(2)} s` : '–', goal: '< 5 s', pass: cat ? cat.median_ms < 5000 : null });
    t.push({ name: 'Generator, 1,000 commands', measured: k ? `${(k.median_ms / 1000).toFixed(2)} s` : '–', goal: '< 30 s', pass: k ? k.median_ms < 30000 : null });
  }
  if (b.memory && !isErr(b.memory)) {
    t.push({ name: `Gateway RSS with ${b.memory.pending.toLocaleString('en-US')} commands pending`, measured: `${b.memory.pendingMb} MB`, goal: '≤ 300 MB', pass: b.memory.pendingMb <= 300 });
  }
  if (b.telemetry && !isErr(b.telemetry)) {
    const x = b.telemetry;
    for (const broker of ['embedded', 'mosquitto'] as const) {
      const g = x.rows.find((r) => r.broker === broker && r.target === 'gateway');
      t.push({ name: `Telemetry ingest (${broker}), gateway ÷ bare subscriber`, measured: g?.ratio == null ? (g?.skipped ? 'skipped' : '–') : r2(g.ratio), goal: '≥ 0.5', pass: g?.ratio == null ? null : g.ratio >= 0.5 });
    }
    const f = x.freshness;
    t.push({ name: `Freshness of GET /devices/{id} at ${f.rate.toLocaleString('en-US')} osd/s, p99`, measured: f.p99 === null ? (f.skipped ? 'skipped' : '–') : `${ms(f.p99)} ms (${f.seen}/${f.probes} seen)`, goal: '≤ 1,500 ms', pass: f.p99 === null ? null : f.p99 <= 1500 && f.seen === f.probes });
    t.push({ name: `Gateway RSS with ${x.memory.devices.toLocaleString('en-US')} devices reporting`, measured: x.memory.skipped ? 'skipped' : `${x.memory.rssMb} MB (peak ${x.memory.peakMb})`, goal: '≤ 400 MB', pass: x.memory.skipped ? null : x.memory.rssMb <= 400 });
  }
  if (b.webhooks && !isErr(b.webhooks)) {
    const w = b.webhooks;
    t.push({ name: 'Webhook fan-out / bare keep-alive POST loop', measured: `${w.deliveredPerSecond}/s of ${w.barePerSecond}/s = ${w.ratio}`, goal: '≥ 0.3', pass: w.ratio >= 0.3 });
    t.push({ name: `Webhook delivery latency p99 at ${w.latency.rate} events/s`, measured: `${w.latency.p99} ms`, goal: '≤ 50 ms', pass: w.latency.p99 <= 50 });
  }
  return t;
}

/** RESULTS.md */
export function renderMarkdown(b: BenchResults): string {
  const m = b.machine;
  const L: string[] = [];
  L.push('# dockgate benchmarks');
  L.push('');
  L.push(`<!-- written by \`npm run bench\` (bench/run.ts); do not edit by hand. Method and findings: bench/README.md -->`);
  L.push('');
  L.push(`Measured ${m.date.slice(0, 16).replace('T', ' ')} UTC, profile \`${b.profile}\`, whole run ${Math.round(b.totalSeconds)} s.`);
  L.push('');
  L.push('| machine | |');
  L.push('|---|---|');
  L.push(`| CPU | ${m.cpuModel}, ${m.cores} cores |`);
  L.push(`| memory | ${m.memoryGiB} GiB |`);
  L.push(`| OS | ${m.os} |`);
  L.push(`| Node.js | ${m.node} |`);
  L.push(`| load average (1 min) | ${m.loadAtStart} at start, ${m.loadAtEnd ?? '–'} at end |`);
  L.push(`| versions | ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
  L.push('');
  L.push('Reproduce: `npm run bench` (about 6 minutes; `npm run bench -- --smoke` for the quick CI version). All traffic on 127.0.0.1; every server runs in its own process. How it is measured, what Nagle does here, and what limits each number: [README.md](README.md).');
  L.push('');
  L.push('## Targets');
  L.push('');
  L.push('| target | measured | goal | result |');
  L.push('|---|---:|---:|---|');
  for (const t of b.targets) L.push(`| ${t.name} | ${t.measured} | ${t.goal} | ${mark(t.pass)} |`);
  L.push('');

  L.push('## 1. Accept path');
  L.push('');
  if (!b.accept) L.push('Not run.');
  else if (isErr(b.accept)) L.push(`Failed: ${b.accept.error}`);
  else {
    L.push(`Signed, validated \`POST /api/v1/open/downlink/commands\`, all ${b.accept.commandTypes} command types round-robin (catalog examples), unique idempotency keys and nonces, ${b.accept.concurrency} keep-alive connections, closed loop. Ratio = requests/s ÷ the bare Hono endpoint's. Bare Hono and the gateway on SQLite run at once and are measured in ${b.accept.rounds ?? 1} interleaved rounds (bare, gateway, bare, …); each row is the target's median round and the SQLite ratio the median of the per-round ratios. PostgreSQL is one run after them.`);
    L.push('');
    L.push('| target | requests/s | p50 ms | p99 ms | ratio | server CPU µs/request | responses | errors | CPU (cores) |');
    L.push('|---|---:|---:|---:|---:|---:|---|---|---|');
    for (const r of b.accept.rows) {
      if (r.result === null) L.push(`| ${r.target} | – | – | – | – | – | ${r.error ? `FAILED: ${r.error}` : r.skipped ?? ''} | | |`);
      else L.push(`| ${r.target} | ${n0(r.result.perSecond)} | ${ms(r.result.p50)} | ${ms(r.result.p99)} | ${r2(r.ratio)} | ${us(cpuPerOp(r.cpu, r.result.perSecond))} | ${Object.entries(r.statuses).map(([s, c]) => `${s}×${c}`).join(' ')} | ${errs(r.result)} | ${cores(r.cpu)} |`);
    }
    const bareRounds = b.accept.rows.find((r) => r.target === 'bare-hono')?.rounds;
    const sq = b.accept.rows.find((r) => r.target === 'gateway-sqlite');
    if (bareRounds && sq?.rounds) {
      L.push('');
      L.push(`Rounds, requests/s: bare ${bareRounds.map(n0).join(', ')}; gateway on SQLite ${sq.rounds.map(n0).join(', ')}; ratios ${(sq.roundRatios ?? []).map((x) => r2(x)).join(', ')}.`);
    }
  }
  L.push('');

  L.push('## 2. End to end');
  L.push('');
  if (!b.e2e) L.push('Not run.');
  else if (isErr(b.e2e)) L.push(`Failed: ${b.e2e.error}`);
  else {
    const e = b.e2e;
    L.push(
      `POST → published → simulated dock's \`services_reply\` → \`SUCCEEDED\` seen through \`GET …?wait_seconds=10\` (${e.commandTypes} command types that complete with their reply, ${e.docks} docks). ` +
        `load \`closed\`: ${e.concurrency} commands in flight; \`N/s\`: N commands/s offered (open loop), latency from the scheduled start. ` +
        'Ceiling: bare mqtt.js request → reply (QoS 1 both ways) through the same broker. Ratio = gateway commands/s ÷ ceiling round trips/s.',
    );
    L.push('');
    L.push('| broker | target | load | per s | p50 ms | p99 ms | max ms | ratio | CPU µs/op (main process) | errors | CPU (cores) |');
    L.push('|---|---|---|---:|---:|---:|---:|---:|---:|---|---|');
    for (const r of e.rows) {
      if (r.result === null) L.push(`| ${r.broker} | ${r.target} | ${r.offered ? `${r.offered}/s` : r.load} | – | – | – | – | – | – | ${r.error ? `FAILED: ${r.error}` : r.skipped ?? ''} | |`);
      else {
        // Open-loop starts the load generator itself began late (its own CPU starved): latency still counts from the schedule.
        const late = (r.result as LoadResult & { lateStarts?: number }).lateStarts;
        L.push(`| ${r.broker} | ${r.target} | ${r.offered ? `${r.offered}/s` : r.load} | ${n0(r.result.perSecond)} | ${ms(r.result.p50)} | ${ms(r.result.p99)} | ${ms(r.result.max)} | ${r.load === 'closed' ? r2(r.ratio) : ''} | ${us(cpuPerOp(r.cpu, r.result.perSecond))} | ${errs(r.result)}${late ? `; ${late} late starts` : ''} | ${cores(r.cpu)} |`);
      }
    }
    if (e.nagle.length) {
      L.push('');
      L.push('Nagle: the ceiling loop with one request in flight, mqtt.js clients with `noDelay` on vs. left at the Node default (Nagle on):');
      L.push('');
      L.push('| broker | clients noDelay | round trips/s | p50 ms | p99 ms |');
      L.push('|---|---|---:|---:|---:|');
      for (const x of e.nagle) L.push(`| ${x.broker} | ${x.noDelay ? 'yes' : 'no (default)'} | ${n0(x.result.perSecond)} | ${ms(x.result.p50)} | ${ms(x.result.p99)} |`);
    }
  }
  L.push('');

  L.push('## 3. Mock vs Prism');
  L.push('');
  if (!b.mock) L.push('Not run.');
  else if (isErr(b.mock)) L.push(`Failed: ${b.mock.error}`);
  else {
    const k = b.mock;
    L.push(`Same signed create-command requests (all command types), ${k.concurrency} connections, closed loop. Both servers run at once and are measured in ${k.rounds ?? 1} interleaved rounds (mock, Prism, mock, …); each row is the target's median round, the ratio the median of the per-round ratios.`);
    L.push('');
    L.push('| server | requests/s | p50 ms | p99 ms | server CPU µs/request | responses | errors | CPU (cores) |');
    L.push('|---|---:|---:|---:|---:|---|---|---|');
    for (const r of k.rows) {
      const name = r.target === 'prism' ? `Prism ${r.version ?? ''} (\`prism mock generated/openapi.yaml\`)` : 'dockgate mock (`npm run mock`)';
      if (r.result === null) L.push(`| ${name} | – | – | – | – | ${r.skipped ?? ''} | | |`);
      else L.push(`| ${name} | ${n0(r.result.perSecond)} | ${ms(r.result.p50)} | ${ms(r.result.p99)} | ${us(cpuPerOp(r.cpu, r.result.perSecond))} | ${Object.entries(r.statuses).map(([s, c]) => `${s}×${c}`).join(' ')} | ${errs(r.result)} | ${cores(r.cpu)} |`);
    }
    L.push('');
    L.push(`Mock ÷ Prism: ${r2(k.ratio)} (median of the rounds: ${(k.roundRatios ?? []).map((x) => r2(x)).join(', ')}; requests/s per round, mock: ${(k.rows.find((r) => r.target === 'mock')?.rounds ?? []).map(n0).join(', ')}; Prism: ${(k.rows.find((r) => r.target === 'prism')?.rounds ?? []).map(n0).join(', ')}).`);
    L.push('');
    L.push('Invalid requests (each signed; "rejects" = a 4xx answer):');
    L.push('');
    L.push('| case | what is wrong | mock | Prism |');
    L.push('|---|---|---|---|');
    const cell = (x: { status: number; code?: string } | null) => (x === null ? 'not run' : `${x.status >= 400 && x.status < 500 ? 'rejects' : '**accepts**'} ${x.status}${x.code ? ` ${x.code}` : ''}`);
    for (const r of k.invalid) L.push(`| ${r.name} | ${r.what} | ${cell(r.mock)} | ${cell(r.prism)} |`);
  }
  L.push('');

  L.push('## 4. Generator');
  L.push('');
  if (!b.generator) L.push('Not run.');
  else if (isErr(b.generator)) L.push(`Failed: ${b.generator.error}`);
  else {
    L.push('Full regeneration (every emitter, files written to a temp dir), `runGeneratorBench()` of bench/generator.ts.');
    L.push('');
    L.push('| commands | runs | median ms | min ms | max ms | ms/command | files | MB |');
    L.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of b.generator.rows) L.push(`| ${r.commands.toLocaleString('en-US')} | ${r.runs} | ${n0(r.median_ms)} | ${n0(r.min_ms)} | ${n0(r.max_ms)} | ${r.ms_per_command} | ${r.files} | ${(r.bytes / 1e6).toFixed(1)} |`);
    L.push('');
    L.push(`\`npm run generate\` as a process (start to exit): ${b.generator.cli_ms === null ? 'failed' : `${n0(b.generator.cli_ms)} ms`}. Growth no worse than linear: ${b.generator.pass.linear ? 'yes' : 'no'}.`);
  }
  L.push('');

  L.push('## 5. Memory');
  L.push('');
  if (!b.memory) L.push('Not run.');
  else if (isErr(b.memory)) L.push(`Failed: ${b.memory.error}`);
  else {
    const x = b.memory;
    L.push(`Gateway process (SQLite, embedded broker) with ${x.pending.toLocaleString('en-US')} commands pending: docks connected but silent, \`timeout_seconds: 300\`.`);
    L.push('');
    L.push('| idle RSS | RSS with commands pending | peak RSS | commands by status | fill rate |');
    L.push('|---:|---:|---:|---|---:|');
    L.push(`| ${x.idleMb} MB | ${x.pendingMb} MB | ${x.peakMb} MB | ${Object.entries(x.statuses).map(([s, c]) => `${s} ${c}`).join(', ')} | ${n0(x.fillPerSecond)}/s |`);
  }
  L.push('');

  L.push('## 6. Telemetry ingest');
  L.push('');
  if (!b.telemetry) L.push('Not run.');
  else if (isErr(b.telemetry)) L.push(`Failed: ${b.telemetry.error}`);
  else {
    const x = b.telemetry;
    L.push(`${x.devices.toLocaleString('en-US')} simulated devices sending osd (bench/README.md "Telemetry ingest"). Ingest rate: the same QoS 1 burst to a bare mqtt.js subscriber that parses each message (the ceiling) and to the gateway.`);
    L.push('');
    L.push('| broker | target | published | handled | messages/s | ratio | counter | dropped / errors | cores |');
    L.push('|---|---|---:|---:|---:|---:|---|---|---|');
    for (const r of x.rows) {
      const drops = Object.entries(r.drops ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
      L.push(`| ${r.broker} | ${r.target} | ${n0(r.published)} | ${n0(r.handled)} | ${r.skipped ? `skipped: ${r.skipped}` : n0(r.perSecond)} | ${r2(r.ratio)} | ${r.counter ?? ''} | ${drops} | ${cores(r.cpu)} |`);
    }
    L.push('');
    const f = x.freshness;
    L.push(`Freshness (embedded broker), osd publish → visible in \`GET /api/v1/open/devices/{id}\` at ${f.rate.toLocaleString('en-US')} osd/s over ${f.devices.toLocaleString('en-US')} devices: ${f.skipped ? `skipped: ${f.skipped}` : `p50 ${ms(f.p50)} ms, p99 ${ms(f.p99)} ms, max ${ms(f.max)} ms; ${f.seen}/${f.probes} probes seen; publisher ${n0(f.publisher?.perSecond)}/s`}.`);
    L.push('');
    L.push(`Memory: gateway RSS ${x.memory.skipped ? `skipped: ${x.memory.skipped}` : `${x.memory.rssMb} MB (peak ${x.memory.peakMb} MB) after ${x.memory.devices.toLocaleString('en-US')} devices reported ${n0(x.memory.messages)} osd`}.`);
  }
  L.push('');

  L.push('## 7. Event streams');
  L.push('');
  if (!b.streams) L.push('Not run.');
  else if (isErr(b.streams)) L.push(`Failed: ${b.streams.error}`);
  else {
    const x = b.streams;
    L.push(`${x.streams.toLocaleString('en-US')} concurrent \`GET /api/v1/open/events/stream\` subscribers on one gateway process (SQLite, embedded broker); latency from the create request to the last (first) subscriber's receipt of \`command.accepted\`.`);
    L.push('');
    L.push('| idle RSS | RSS with streams | per stream | last subscriber, median | last subscriber, each event | first subscriber, each event |');
    L.push('|---:|---:|---:|---:|---|---|');
    L.push(`| ${x.idleMb} MB | ${x.streamsMb} MB | ${x.perStreamKb} KB | ${x.medianLastMs} ms | ${x.lastSubscriberMs.join(', ')} ms | ${x.firstSubscriberMs.join(', ')} ms |`);
  }
  L.push('');
  return L.join('\n');
}
