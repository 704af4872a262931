/**
 * Starting and talking to benchmark child processes (bench/child.ts roles, or any command).
 * Every child is killed by its pid when the parent stops it or exits.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const CHILD = fileURLToPath(new URL('../child.ts', import.meta.url));
const live = new Set<ChildProcess>();

process.on('exit', () => {
  for (const c of live) if (c.exitCode === null) c.kill('SIGKILL');
});

type Msg = { type: string; [k: string]: unknown };

/** A running bench/child.ts role. */
export interface Child {
  pid: number;
  ready: Msg;
  /** Send a message and resolve with the next reply of `replyType` (rejects on an 'error' reply or exit). */
  ask<T = Msg>(m: Msg, replyType: string, timeoutMs?: number): Promise<T>;
  /** Resident set size of the child, bytes, as the kernel reports it (/proc/<pid>/status VmRSS). */
  rss(): number;
  /** Peak resident set size so far (VmHWM), bytes. */
  peakRss(): number;
  stop(): Promise<void>;
}

/** Options: extra `execArgv` (e.g. `--cpu-prof`), and a timeout for the 'ready' message. */
export async function startChild(role: string, opts: unknown, o: { execArgv?: string[]; readyTimeoutMs?: number; env?: Record<string, string> } = {}): Promise<Child> {
  const cp = spawn(process.execPath, [...(o.execArgv ?? []), '--import', 'tsx', CHILD, role, JSON.stringify(opts ?? {})], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ...(o.env ?? {}) },
  });
  live.add(cp);
  const exited = new Promise<void>((resolve) => cp.once('exit', () => resolve()));
  void exited.then(() => live.delete(cp));
  const waitFor = <T>(type: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${role}: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      const onMsg = (m: Msg) => {
        if (m.type === type) done(null, m as T);
        else if (m.type === 'error') done(new Error(`${role}: ${String(m.message)}`));
      };
      const onExit = (code: number | null) => done(new Error(`${role} exited (code ${code}) while waiting for '${type}'`));
      const done = (e: Error | null, v?: T) => {
        clearTimeout(timer);
        cp.off('message', onMsg);
        cp.off('exit', onExit);
        if (e) reject(e);
        else resolve(v as T);
      };
      cp.on('message', onMsg);
      cp.once('exit', onExit);
    });
  let ready: Msg;
  try {
    ready = await waitFor<Msg>('ready', o.readyTimeoutMs ?? 30_000);
  } catch (e) {
    cp.kill('SIGKILL');
    throw e;
  }
  const status = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${cp.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return {
    pid: cp.pid!,
    ready,
    ask(m, replyType, timeoutMs = 120_000) {
      const p = waitFor<any>(replyType, timeoutMs);
      cp.send(m);
      return p;
    },
    rss: () => status('VmRSS'),
    peakRss: () => status('VmHWM'),
    async stop() {
      if (cp.exitCode !== null || cp.signalCode !== null) return;
      cp.send({ type: 'stop' });
      const t = setTimeout(() => cp.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A plain command (e.g. Prism), killed by pid on stop. Output goes to /dev/null unless `inherit`. */
export function startCommand(cmd: string, args: string[], o: { env?: Record<string, string>; cwd?: string; inherit?: boolean } = {}): { pid: number; stop(): Promise<void>; exited: Promise<number | null> } {
  const cp = spawn(cmd, args, { stdio: ['ignore', o.inherit ? 'inherit' : 'ignore', o.inherit ? 'inherit' : 'ignore'], env: { ...process.env, ...(o.env ?? {}) }, cwd: o.cwd });
  live.add(cp);
  const exited = new Promise<number | null>((resolve) => {
    cp.once('exit', (code) => resolve(code));
    cp.once('error', () => resolve(null)); // e.g. ENOENT: reported through `exited`
  });
  void exited.then(() => live.delete(cp));
  return {
    pid: cp.pid!,
    exited,
    async stop() {
      if (cp.exitCode !== null || cp.signalCode !== null) return;
      cp.kill('SIGTERM');
      const t = setTimeout(() => cp.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

let clkTck = 0;
/** CPU time (user + system) a process has used so far, seconds (/proc/<pid>/stat). NaN when unreadable. */
export function cpuSeconds(pid: number): number {
  try {
    if (clkTck === 0) clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces): utime is the 14th field, stime the 15th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / clkTck;
  } catch {
    return NaN;
  }
}

/**
 * Run `f` and report how many cores each process used meanwhile (CPU seconds ÷ wall seconds):
 * the named child pids, plus `load generator` = this process.
 */
export async function withCpu<T>(pids: Record<string, number>, f: () => Promise<T>): Promise<{ value: T; cpu: Record<string, number> }> {
  const t0 = performance.now();
  const self0 = process.cpuUsage();
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const value = await f();
  const wall = (performance.now() - t0) / 1000;
  const cpu: Record<string, number> = {};
  for (const [k, pid] of Object.entries(pids)) cpu[k] = Math.round(((cpuSeconds(pid) - before[k]) / wall) * 100) / 100;
  const self = process.cpuUsage(self0);
  cpu['load generator'] = Math.round(((self.user + self.system) / 1e6 / wall) * 100) / 100;
  return { value, cpu };
}
