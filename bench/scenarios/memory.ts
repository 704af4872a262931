/**
 * Scenario 5, memory: resident set size of the gateway process (SQLite, embedded broker) with
 * N commands pending. The docks are connected but silent (scenario rule `*` = silent) and each
 * command has `timeout_seconds: 300`, so all N are published, DELIVERED, and wait for a reply.
 * RSS is read from /proc/<pid>/status (VmRSS; VmHWM for the peak) without forcing a GC, as an
 * operator's `ps` would see it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpConnection } from '../lib/http1.js';
import { closedLoop } from '../lib/load.js';
import { startChild, type Child } from '../lib/proc.js';
import type { Profile } from '../lib/profile.js';
import { commandBodies, presignCreates, type BenchCred } from '../lib/requests.js';

export interface MemoryResult {
  pending: number;
  /** Commands by status once the run settled. */
  statuses: Record<string, number>;
  /** RSS after start, before any request, MB. */
  idleMb: number;
  /** RSS with N commands pending, after 3 s of quiet, MB. */
  pendingMb: number;
  /** Peak RSS over the run (VmHWM), MB. */
  peakMb: number;
  /** Accepted commands/s while filling. */
  fillPerSecond: number;
}

const mb = (b: number) => Math.round((b / (1024 * 1024)) * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runMemory(o: { profile: Profile; log: (s: string) => void }): Promise<MemoryResult> {
  const p = o.profile.memory;
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-bench-'));
  const gw = await startChild('gateway', { env: { DATA_DIR: dataDir } });
  let docks: Child | null = null;
  try {
    const sns = Array.from({ length: 8 }, (_, i) => `BENCHM${randomBytes(3).toString('hex').toUpperCase()}D${i}`);
    docks = await startChild('docks', { url: gw.ready.mqttUrl, login: gw.ready.mqttLogin, sns, silent: true, noDelay: true });
    await sleep(1000);
    const idle = gw.rss();
    const cred = gw.ready as unknown as BenchCred & { url: string };
    const u = new URL(cred.url);
    const reqs = presignCreates({ host: u.host, cred, count: p.pending, bodies: commandBodies((c) => c.transport === 'services' && c.reply === 'services_reply'), devices: sns, timeoutSeconds: 300 });
    const conns = await Promise.all(Array.from({ length: p.concurrency }, async () => {
      const c = new HttpConnection(u.hostname, Number(u.port));
      await c.connect();
      return c;
    }));
    o.log(`memory: filling ${p.pending} pending commands`);
    const fill = await closedLoop({ concurrency: p.concurrency, durationMs: 120_000, maxCount: reqs.length, op: async (i, w) => (await conns[w].request(reqs[i])).status === 202 });
    for (const c of conns) c.close();
    if (fill.ok !== p.pending) throw new Error(`memory: only ${fill.ok} of ${p.pending} commands accepted (${fill.errorSamples.join('; ')})`);
    // Let the dispatcher publish everything, then read RSS once the process is quiet.
    let statuses: Record<string, number> = {};
    for (let t = 0; t < 60; t++) {
      statuses = (await gw.ask<{ counts: Record<string, number> }>({ type: 'counts' }, 'counts')).counts;
      if ((statuses.ACCEPTED ?? 0) === 0) break;
      await sleep(500);
    }
    await sleep(3000);
    const pendingRss = gw.rss();
    statuses = (await gw.ask<{ counts: Record<string, number> }>({ type: 'counts' }, 'counts')).counts;
    return { pending: p.pending, statuses, idleMb: mb(idle), pendingMb: mb(pendingRss), peakMb: mb(gw.peakRss()), fillPerSecond: fill.perSecond };
  } finally {
    await docks?.stop();
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
