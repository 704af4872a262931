/** The machine a run was measured on, written beside the numbers. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Machine {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started (other work on the machine skews numbers). */
  loadAtStart: number;
  loadAtEnd?: number;
  /** Versions of the parts the numbers stand on. */
  versions: Record<string, string>;
}

function pkgVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function cmdVersion(cmd: string, args: string[], re: RegExp): string {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 3000 });
    return re.exec(out)?.[1] ?? out.trim().split('\n')[0];
  } catch (e) {
    const out = String((e as { stdout?: string }).stdout ?? '') + String((e as { stderr?: string }).stderr ?? '');
    return re.exec(out)?.[1] ?? 'not found';
  }
}

export function describeMachine(): Machine {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch {
    /* not Linux */
  }
  return {
    date: new Date().toISOString(),
    cpuModel: model,
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAtStart: Math.round(os.loadavg()[0] * 100) / 100,
    versions: {
      hono: pkgVersion('hono'),
      '@hono/node-server': pkgVersion('@hono/node-server'),
      aedes: pkgVersion('aedes'),
      mqtt: pkgVersion('mqtt'),
      'better-sqlite3': pkgVersion('better-sqlite3'),
      pg: pkgVersion('pg'),
      '@stoplight/prism-cli': pkgVersion('@stoplight/prism-cli'),
      mosquitto: cmdVersion('mosquitto', ['-h'], /mosquitto version (\S+)/),
      postgresql: cmdVersion('psql', ['--version'], /(\d+\.\d+)/),
    },
  };
}
