/**
 * Summarise a V8 CPU profile (`npm run bench -- --cpu-prof` writes them to bench/out/profiles/):
 * self time by function and by file, with the project's own files marked, so "what limits it and
 * which of our code is hot" has an answer in numbers.
 *
 *   npx tsx bench/profile-summary.ts bench/out/profiles/CPU.….cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Where a frame's code lives: ours (spec/server/mock/generated/bench), a dependency, or Node. */
export function origin(url: string): string {
  if (url === '') return '(native/V8)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return 'dep:' + (rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]);
  }
  if (path.startsWith('node:')) return 'node:' + path.slice(5).split('/')[0];
  if (path.startsWith(ROOT)) return 'ours:' + path.slice(ROOT.length);
  return path;
}

/** Self time (ms) per function and per origin; `total` = profiled wall time, ms. */
export function summarise(p: CpuProfile): { total: number; byFunction: [string, number][]; byOrigin: [string, number][] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  if (p.samples && p.timeDeltas) {
    for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  } else {
    const per = (p.endTime - p.startTime) / 1000 / Math.max(1, p.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0));
    for (const n of p.nodes) self.set(n.id, (n.hitCount ?? 0) * per);
  }
  const fn = new Map<string, number>();
  const org = new Map<string, number>();
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const o = origin(n.callFrame.url);
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${o}${n.callFrame.url ? ':' + (n.callFrame.lineNumber + 1) : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
    org.set(o, (org.get(o) ?? 0) + ms);
  }
  const sort = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { total: (p.endTime - p.startTime) / 1000, byFunction: sort(fn), byOrigin: sort(org) };
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt === -1 ? 25 : Number(args[topAt + 1]);
  const files = args.filter((a, i) => !a.startsWith('--') && (topAt === -1 || i !== topAt + 1));
  if (files.length === 0) {
    console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile>… [--top N]');
    process.exit(2);
  }
  for (const f of files) {
    const s = summarise(JSON.parse(readFileSync(f, 'utf8')) as CpuProfile);
    const pct = (ms: number) => ((ms / s.total) * 100).toFixed(1).padStart(5) + '%';
    console.log(`\n${f}: ${(s.total / 1000).toFixed(1)} s profiled`);
    console.log('\nself time by origin:');
    for (const [k, v] of s.byOrigin.slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
    console.log('\nself time by function:');
    for (const [k, v] of s.byFunction.slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
