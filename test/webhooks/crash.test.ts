/**
 * At-least-once across a crash (issue 13 item 9): a worker process is SIGKILLed while its
 * deliveries are in flight; after its lease ends another worker delivers every event. Nothing is
 * lost, and a duplicate carries the same `webhook-id`. Real processes, a real SQLite file shared
 * between them, a real HTTP receiver on loopback.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/store.js';
import { enqueueEvent } from '../../server/webhooks/publish.js';
import { newSecret } from '../../server/webhooks/secrets.js';
import { WebhookWorker } from '../../server/webhooks/worker.js';
import { endpoint } from '../store/contract-webhooks.js';
import { startReceiver } from './receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'dockgate-wh-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const child = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

it('a SIGKILLed worker\'s deliveries are delivered by another after the lease: none lost, duplicates share the webhook-id', async () => {
  const file = join(dir, 'wh.sqlite');
  const store = await openSqliteStore(file);
  // The receiver holds every request until released: the child dies with requests in flight.
  const held: (() => void)[] = [];
  let hold = true;
  const rx = await startReceiver((_q, s) => (hold ? held.push(() => s.writeHead(204).end()) : s.writeHead(204).end()));
  const ep = endpoint({ url: rx.url, secret: newSecret() });
  await store.webhooks.createEndpoint(ep);
  await store.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: ep.endpoint_id, event_type: '*', status: 'ACTIVE', created_at: ep.created_at });
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const id = randomUUID();
    ids.push(id);
    await enqueueEvent(store.webhooks, { id, type: 'command.completed', timestamp: new Date().toISOString(), device_id: 'DOCK-1', sequence: i + 1, data: { i } }, null);
  }
  const proc = spawn(process.execPath, ['--import', 'tsx', child, file, '1500'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let worker: WebhookWorker | null = null;
  try {
    await new Promise<void>((r) => proc.stdout!.on('data', (d) => String(d).includes('ready') && r()));
    await rx.waitFor(4, 10_000); // the child's per-endpoint cap (4) is in flight
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    hold = false;
    for (const f of held.splice(0)) f(); // the dead child never sees these answers
    worker = new WebhookWorker({ store, owner: 'survivor', allowPrivate: true, pollMs: 50, timeoutMs: 2000, leaseMs: 1500 });
    worker.start();
    const until = Date.now() + 15_000;
    for (;;) {
      const states = await Promise.all(ids.map((id) => store.webhooks.getDelivery(ep.endpoint_id, id)));
      if (states.every((d) => d?.status === 'SUCCEEDED')) break;
      if (Date.now() > until) throw new Error(`not all delivered: ${states.map((d) => d?.status).join(',')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const got = rx.received.map((r) => String(r.headers['webhook-id']));
    expect(new Set(got)).toEqual(new Set(ids));
    // Every request of an event carried that event's id (a duplicate is recognisable as one).
    for (const r of rx.received) expect(ids).toContain(JSON.parse(r.body).id);
    expect(rx.received.every((r) => r.headers['webhook-id'] === JSON.parse(r.body).id)).toBe(true);
  } finally {
    proc.kill('SIGKILL');
    await worker?.stop();
    await rx.close();
    await store.close();
  }
}, 40_000);
