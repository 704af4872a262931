/**
 * Scenario 6, event streams (issue 13 item 8): N concurrent `GET /api/v1/open/events/stream`
 * connections on one gateway process (SQLite, embedded broker). Measures the gateway's resident
 * memory idle and with N streams open, and for each of `events` accepted commands the latency from
 * sending the create request to the moment the LAST subscriber received its `command.accepted`
 * (and the first, for comparison). Subscribers are plain node:http requests in this process, each
 * signed (spec/signing.ts); an event is recognised by the command id in its `data:` line.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../../spec/signing.js';
import { startChild } from '../lib/proc.js';
import type { Profile } from '../lib/profile.js';
import type { BenchCred } from '../lib/requests.js';

export interface StreamsResult {
  streams: number;
  /** Streams that were open when the last event was measured. */
  connected: number;
  idleMb: number;
  streamsMb: number;
  /** (streamsMb − idleMb) / streams, KB. */
  perStreamKb: number;
  /** Per event: ms from the create request to the last subscriber's receipt. */
  lastSubscriberMs: number[];
  /** Per event: ms to the first subscriber. */
  firstSubscriberMs: number[];
  /** Median of lastSubscriberMs. */
  medianLastMs: number;
}

const mb = (b: number) => Math.round((b / (1024 * 1024)) * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const PATH = '/api/v1/open/events/stream';

export async function runStreams(o: { profile: Profile; log: (s: string) => void }): Promise<StreamsResult> {
  const p = o.profile.streams;
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-bench-streams-'));
  const gw = await startChild('gateway', { env: { DATA_DIR: dataDir } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const reqs: http.ClientRequest[] = [];
  try {
    const cred = gw.ready as unknown as BenchCred & { url: string };
    const u = new URL(cred.url);
    await sleep(500);
    const idle = gw.rss();
    /** command_id → receipt times (ms, performance.now()). */
    const seen = new Map<string, number[]>();
    let connected = 0;
    o.log(`streams: opening ${p.streams} streams`);
    await Promise.all(
      Array.from({ length: p.streams }, () =>
        new Promise<void>((resolve, reject) => {
          const query = 'type=command.accepted';
          const headers = signRequest({ method: 'GET', path: PATH, query, apiId: cred.api_id, apiKey: cred.api_key, body: '' });
          const req = http.get({ host: u.hostname, port: u.port, path: `${PATH}?${query}`, headers, agent }, (res) => {
            if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
            connected++;
            res.setEncoding('utf8');
            let buf = '';
            res.on('data', (chunk: string) => {
              buf += chunk;
              let i: number;
              while ((i = buf.indexOf('\n\n')) !== -1) {
                const frame = buf.slice(0, i);
                buf = buf.slice(i + 2);
                const m = /"command_id":"([0-9a-f-]{36})"/.exec(frame);
                if (m) (seen.get(m[1]!) ?? seen.set(m[1]!, []).get(m[1]!)!).push(performance.now());
              }
            });
            res.on('close', () => connected--);
            resolve();
          });
          req.on('error', reject);
          reqs.push(req);
        }),
      ),
    );
    await sleep(2000);
    const streamsRss = gw.rss();
    const last: number[] = [];
    const first: number[] = [];
    for (let e = 0; e < p.events; e++) {
      const body = JSON.stringify({ vendor: 'dji', device_id: 'BENCHSTREAM1', command_type: 'cover_open', payload: {}, idempotency_key: `streams-${process.pid}-${e}-${Date.now()}` });
      const path = '/api/v1/open/downlink/commands';
      const headers = { ...signRequest({ method: 'POST', path, query: '', apiId: cred.api_id, apiKey: cred.api_key, body }), 'Content-Type': 'application/json' };
      const t0 = performance.now();
      const res = await fetch(`${cred.url}${path}`, { method: 'POST', headers, body });
      const { command_id } = (await res.json()) as { command_id: string };
      const until = Date.now() + 30_000;
      while ((seen.get(command_id)?.length ?? 0) < connected && Date.now() < until) await sleep(2);
      const times = seen.get(command_id) ?? [];
      if (times.length < connected) throw new Error(`streams: event ${e} reached ${times.length} of ${connected} subscribers within 30 s`);
      last.push(Math.max(...times) - t0);
      first.push(Math.min(...times) - t0);
      await sleep(200);
    }
    const r = (x: number) => Math.round(x * 10) / 10;
    return {
      streams: p.streams,
      connected,
      idleMb: mb(idle),
      streamsMb: mb(streamsRss),
      perStreamKb: Math.round(((streamsRss - idle) / 1024 / p.streams) * 10) / 10,
      lastSubscriberMs: last.map(r),
      firstSubscriberMs: first.map(r),
      medianLastMs: r(median(last)),
    };
  } finally {
    for (const q of reqs) q.destroy();
    agent.destroy();
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
