/**
 * Two instances (two PostgreSQL pools, two workers) share one endpoint's deliveries through
 * `FOR UPDATE SKIP LOCKED` claims: each delivery is attempted once, by one of them, and both work.
 * Needs PostgreSQL (TEST_DATABASE_URL); skipped with a message when unreachable unless CI=true.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../server/store/postgres/store.js';
import { enqueueEvent } from '../../server/webhooks/publish.js';
import { WebhookWorker } from '../../server/webhooks/worker.js';
import { endpoint } from '../store/contract-webhooks.js';
import { startReceiver } from './receiver.js';
import { PG_URL, postgresProblem } from '../support/postgres.js';

const url = PG_URL;
const schema = `dgwh_${process.pid}_${randomBytes(3).toString('hex')}`;
const problem = await postgresProblem();
if (problem && process.env.CI !== 'true') console.warn(`[test/webhooks/postgres] SKIPPED: PostgreSQL unreachable at ${url} (${problem})`);

afterAll(async () => {
  if (problem) return;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

describe.skipIf(problem !== null && process.env.CI !== 'true')('webhook delivery on PostgreSQL, two instances', () => {
  it('shares the deliveries: every event attempted exactly once, by either instance', async () => {
    const a = await openPostgresStore(url, { schema });
    const b = await openPostgresStore(url, { schema });
    const rx = await startReceiver((_q, s) => setTimeout(() => s.writeHead(204).end(), 5));
    const workers = [new WebhookWorker({ store: a, owner: 'A', allowPrivate: true, pollMs: 10, perEndpoint: 4 }), new WebhookWorker({ store: b, owner: 'B', allowPrivate: true, pollMs: 10, perEndpoint: 4 })];
    try {
      const ep = endpoint({ url: rx.url });
      await a.webhooks.createEndpoint(ep);
      await a.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: ep.endpoint_id, event_type: '*', status: 'ACTIVE', created_at: ep.created_at });
      const ids = Array.from({ length: 60 }, () => randomUUID());
      for (const id of ids) await enqueueEvent(a.webhooks, { id, type: 'command.completed', timestamp: new Date().toISOString(), device_id: 'D', sequence: 1, data: {} }, null);
      for (const w of workers) w.start();
      await rx.waitFor(60, 20_000);
      await new Promise((r) => setTimeout(r, 300));
      const got = rx.received.map((r) => String(r.headers['webhook-id']));
      expect(got).toHaveLength(60);
      expect(new Set(got)).toEqual(new Set(ids));
      const attempts = (await a.webhooks.listAttempts({ api_id: 'api-1', endpoint_id: ep.endpoint_id, limit: 500 })).items;
      expect(attempts).toHaveLength(60);
    } finally {
      for (const w of workers) await w.stop();
      await rx.close();
      await a.close();
      await b.close();
    }
  }, 30_000);
});
