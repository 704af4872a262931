/**
 * Scenario 6, webhooks (issue 13 item 8), in one process over a temp-file SQLite store:
 * - fan-out throughput: N deliveries to one endpoint, made due at once, delivered by the worker
 *   (signing, guarded lookup, attempt records) to a local keep-alive receiver, beside a bare
 *   keep-alive HTTP POST loop with the same concurrency (the per-endpoint cap) to the same
 *   receiver: the ceiling. Target ratio ≥ 0.3.
 * - delivery latency: events appended to the log at a fixed rate (the change's transaction), fanned
 *   out and delivered; latency = receiver got it − append resolved. Target p99 ≤ 50 ms at 200/s.
 * The receiver runs in this process too (it answers 204 at once); what that shares is in bench/README.md.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uuidv7 } from '../../server/commands/accept.js';
import { openSqliteStore } from '../../server/store/sqlite/store.js';
import { WebhookFanout } from '../../server/webhooks/fanout.js';
import { enqueueEvent } from '../../server/webhooks/publish.js';
import { newSecret } from '../../server/webhooks/secrets.js';
import { WebhookWorker } from '../../server/webhooks/worker.js';
import type { Profile } from '../lib/profile.js';

export interface WebhooksResult {
  deliveries: number;
  concurrency: number;
  /** Deliveries/s by the worker. */
  deliveredPerSecond: number;
  /** POSTs/s of the bare loop (the ceiling). */
  barePerSecond: number;
  ratio: number;
  latency: { rate: number; events: number; p50: number; p99: number; max: number };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
};

export async function runWebhooks(o: { profile: Profile; log: (s: string) => void }): Promise<WebhooksResult> {
  const p = o.profile.webhooks;
  const dir = mkdtempSync(join(tmpdir(), 'dockgate-bench-wh-'));
  const gotAt = new Map<string, number>();
  let count = 0;
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      if (typeof id === 'string') gotAt.set(id, performance.now());
      count++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const store = await openSqliteStore(join(dir, 'wh.sqlite'));
  const worker = new WebhookWorker({ store, allowPrivate: true, perEndpoint: p.concurrency, pollMs: 50 });
  const fanout = new WebhookFanout({ store, onEnqueued: () => worker.kick(), pollMs: 250 });
  try {
    const cred = { api_id: `bench-${randomUUID()}`, api_key: 'k', name: 'bench', scopes: [], allowed_devices: null, disabled: false, created_at: new Date().toISOString(), updated_at: new Date().toISOString() };
    await store.createCredential(cred);
    const ep = { endpoint_id: randomUUID(), api_id: cred.api_id, name: 'bench', url, status: 'ACTIVE' as const, disabled_reason: null, timeout_seconds: 15, secret: newSecret(), previous_secret: null, previous_secret_expires_at: null, fanout_position: null, failing_since: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString() };
    await store.webhooks.createEndpoint(ep);
    await store.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: ep.endpoint_id, event_type: '*', status: 'ACTIVE', created_at: ep.created_at });

    // Ceiling: bare keep-alive POSTs, same concurrency, same body size.
    const body = JSON.stringify({ type: 'command.completed', timestamp: new Date().toISOString(), data: { command_id: randomUUID(), status: 'SUCCEEDED', pad: 'x'.repeat(600) } });
    const agent = new http.Agent({ keepAlive: true, maxSockets: p.concurrency });
    const post = () => new Promise<void>((resolve, reject) => {
      const r = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => res.resume().on('end', resolve));
      r.on('error', reject);
      r.end(body);
    });
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: p.concurrency }, async () => { while (next++ < p.deliveries) await post(); }));
    const barePerSecond = p.deliveries / ((performance.now() - t0) / 1000);
    agent.destroy();
    o.log(`webhooks: bare POST loop ${Math.round(barePerSecond)}/s`);

    // Worker throughput: N due deliveries, then start the worker.
    for (let i = 0; i < p.deliveries; i++) {
      await enqueueEvent(store.webhooks, { id: uuidv7(), type: 'command.completed', timestamp: new Date().toISOString(), device_id: 'BENCH', sequence: i + 1, data: JSON.parse(body).data }, null);
    }
    const before = count;
    const t1 = performance.now();
    worker.start();
    while (count - before < p.deliveries) await new Promise((r) => setTimeout(r, 5));
    const deliveredPerSecond = p.deliveries / ((performance.now() - t1) / 1000);
    o.log(`webhooks: worker ${Math.round(deliveredPerSecond)}/s`);

    // Latency at a fixed rate, through the event log and the fan-out.
    fanout.start();
    const appended = new Map<string, number>();
    const interval = 1000 / p.rate;
    const start = performance.now();
    for (let i = 0; i < p.latencyEvents; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const id = uuidv7();
      void store.events.append([{ id, type: 'command.completed', timestamp: new Date().toISOString(), device_id: 'BENCH', api_id: cred.api_id, data: { i } }]).then(() => appended.set(id, performance.now()));
    }
    const deadline = performance.now() + 30_000;
    while ([...appended.keys()].some((id) => !gotAt.has(id)) || appended.size < p.latencyEvents) {
      if (performance.now() > deadline) throw new Error(`webhooks: ${[...appended.keys()].filter((id) => !gotAt.has(id)).length} events not delivered in 30 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const lat = [...appended].map(([id, t]) => gotAt.get(id)! - t);
    const latency = { rate: p.rate, events: lat.length, p50: pct(lat, 50), p99: pct(lat, 99), max: pct(lat, 100) };
    o.log(`webhooks: latency at ${p.rate}/s p50 ${latency.p50} ms p99 ${latency.p99} ms`);
    return { deliveries: p.deliveries, concurrency: p.concurrency, deliveredPerSecond: Math.round(deliveredPerSecond), barePerSecond: Math.round(barePerSecond), ratio: Math.round((deliveredPerSecond / barePerSecond) * 100) / 100, latency };
  } finally {
    await fanout.stop();
    await worker.stop();
    await store.close();
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
