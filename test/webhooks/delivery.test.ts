/**
 * Webhook delivery against real HTTP receivers on loopback (issue 13 items 4, 5, 9): signatures
 * verified by the `standardwebhooks` library, retries in schedule order after the receiver was down,
 * 410, 429 + Retry-After, timeouts, redirects, huge bodies, private addresses, rotation overlap.
 * The retry schedule is compressed (milliseconds) instead of sleeping.
 */
import { randomUUID } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../server/store/memory/store.js';
import type { Store } from '../../server/store/types.js';
import { enqueueEvent, type EventEnvelope } from '../../server/webhooks/publish.js';
import { newSecret } from '../../server/webhooks/secrets.js';
import { WebhookWorker, type WebhookWorkerOptions } from '../../server/webhooks/worker.js';
import { endpoint } from '../store/contract-webhooks.js';
import { startReceiver, type Receiver } from './receiver.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SCHEDULE = [50, 100, 150, 200];

async function setup(rx: Receiver | string, opts: Partial<WebhookWorkerOptions> = {}, secret = newSecret()) {
  const store: Store = await openMemoryStore();
  const ep = endpoint({ url: typeof rx === 'string' ? rx : rx.url, secret });
  await store.webhooks.createEndpoint(ep);
  await store.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: ep.endpoint_id, event_type: 'command.*', status: 'ACTIVE', created_at: ep.created_at });
  const worker = new WebhookWorker({ store, allowPrivate: true, schedule: SCHEDULE, pollMs: 20, timeoutMs: 500, ...opts });
  worker.start();
  cleanups.push(() => store.close(), () => worker.stop());
  const publish = async (data: unknown = { n: 1 }) => {
    const ev: EventEnvelope = { id: `evt_${randomUUID()}`, type: 'command.completed', timestamp: new Date().toISOString(), device_id: 'DOCK-1', sequence: 1, data };
    await enqueueEvent(store.webhooks, ev, ['api-1']);
    worker.kick();
    return ev;
  };
  const attempts = async (event_id?: string) => (await store.webhooks.listAttempts({ api_id: 'api-1', endpoint_id: ep.endpoint_id, event_id, limit: 100 })).items.reverse();
  const until = async (cond: () => Promise<boolean>, ms = 5000) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { store, ep, worker, publish, attempts, until, secret };
}

const headersOf = (h: Record<string, unknown>) => ({ 'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']) });

describe('webhook delivery', () => {
  it('delivers a Standard Webhooks request that standardwebhooks verifies, with the event id as webhook-id', async () => {
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    const { publish, secret, attempts, until } = await setup(rx);
    const ev = await publish({ command_id: 'c-1' });
    const [got] = await rx.waitFor(1);
    expect(got.headers['webhook-id']).toBe(ev.id);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    const verified = new Webhook(secret).verify(got.body, headersOf(got.headers));
    expect(verified).toEqual({ type: 'command.completed', timestamp: ev.timestamp, data: { command_id: 'c-1' }, id: ev.id, device_id: 'DOCK-1', sequence: 1 });
    expect(() => new Webhook(newSecret()).verify(got.body, headersOf(got.headers))).toThrow();
    await until(async () => (await attempts()).length === 1);
    expect((await attempts())[0]).toMatchObject({ status_code: 204, error: null, event_id: ev.id });
  });

  it('signs with the old and the new secret during a rotation overlap', async () => {
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    const { store, ep, publish, secret } = await setup(rx);
    const fresh = newSecret();
    await store.webhooks.updateEndpoint(ep.endpoint_id, { secret: fresh, previous_secret: secret, previous_secret_expires_at: new Date(Date.now() + 60_000).toISOString(), updated_at: new Date().toISOString() });
    await publish();
    const [got] = await rx.waitFor(1);
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(new Webhook(fresh).verify(got.body, headersOf(got.headers))).toBeTruthy();
    expect(new Webhook(secret).verify(got.body, headersOf(got.headers))).toBeTruthy();
  });

  it('receiver down for a while then back: every event delivered, retried in schedule order, same webhook-id', async () => {
    const probe = await startReceiver();
    const port = probe.port;
    await probe.close();
    const { publish, attempts, until } = await setup(`http://127.0.0.1:${port}/hook`);
    const events = [await publish({ n: 1 }), await publish({ n: 2 })];
    await until(async () => (await attempts(events[0].id)).length >= 3);
    const rx = await startReceiver(undefined, port);
    cleanups.push(() => rx.close());
    await rx.waitFor(2);
    expect(new Set(rx.received.map((r) => r.headers['webhook-id']))).toEqual(new Set(events.map((e) => e.id)));
    await until(async () => (await attempts(events[0].id)).at(-1)?.status_code === 204);
    const a = await attempts(events[0].id);
    expect(a.slice(0, -1).every((x) => x.status_code === null && x.error)).toBe(true);
    expect(a.at(-1)?.status_code).toBe(204);
    // Gaps between attempts follow the schedule (at least each step's delay).
    for (let i = 1; i < a.length; i++) expect(Date.parse(a[i].attempted_at) - Date.parse(a[i - 1].attempted_at)).toBeGreaterThanOrEqual(SCHEDULE[i - 1] - 5);
  });

  it('gives up after the schedule and marks the delivery FAILED; recover makes it due again', async () => {
    const rx = await startReceiver((_q, s) => s.writeHead(500).end('boom'));
    cleanups.push(() => rx.close());
    const { store, ep, publish, attempts, until } = await setup(rx);
    const ev = await publish();
    await until(async () => (await store.webhooks.getDelivery(ep.endpoint_id, ev.id))?.status === 'FAILED');
    const a = await attempts(ev.id);
    expect(a.map((x) => x.status_code)).toEqual([500, 500, 500, 500, 500]);
    expect(a[0].response_body).toBe('boom');
    rx.respond = (_q, s) => s.writeHead(200).end();
    expect(await store.webhooks.recoverFailed(ep.endpoint_id, ev.timestamp, new Date().toISOString())).toBe(1);
    await until(async () => (await store.webhooks.getDelivery(ep.endpoint_id, ev.id))?.status === 'SUCCEEDED');
  });

  it('410 disables the endpoint', async () => {
    const rx = await startReceiver((_q, s) => s.writeHead(410).end());
    cleanups.push(() => rx.close());
    const { store, ep, publish, until } = await setup(rx);
    const ev = await publish();
    await until(async () => (await store.webhooks.getEndpoint(ep.endpoint_id))?.status === 'DISABLED');
    expect(await store.webhooks.getEndpoint(ep.endpoint_id)).toMatchObject({ disabled_reason: 'gone' });
    expect((await store.webhooks.getDelivery(ep.endpoint_id, ev.id))?.status).toBe('FAILED');
  });

  it('429 with Retry-After waits that long instead of the schedule step', async () => {
    let n = 0;
    const rx = await startReceiver((_q, s) => (n++ === 0 ? s.writeHead(429, { 'retry-after': '1' }).end() : s.writeHead(200).end()));
    cleanups.push(() => rx.close());
    const { publish } = await setup(rx);
    await publish();
    const got = await rx.waitFor(2, 5000);
    expect(got[1].at - got[0].at).toBeGreaterThanOrEqual(950);
  });

  it('a slow receiver times out (recorded) and one slow endpoint does not hold up another', async () => {
    const slow = await startReceiver(() => {});
    const fast = await startReceiver();
    cleanups.push(() => slow.close(), () => fast.close());
    const { store, ep, publish, attempts, until } = await setup(slow, { timeoutMs: 300, perEndpoint: 1 });
    const other = endpoint({ url: fast.url });
    await store.webhooks.createEndpoint(other);
    await store.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: other.endpoint_id, event_type: '*', status: 'ACTIVE', created_at: other.created_at });
    for (let i = 0; i < 3; i++) await publish();
    await fast.waitFor(3, 2000);
    await until(async () => (await attempts()).length >= 1);
    expect((await attempts())[0]).toMatchObject({ status_code: null, error: expect.stringMatching(/timeout/) });
    void ep;
  });

  it('does not follow a redirect (a 3xx is a failure) and reads only the first part of a huge body', async () => {
    const target = await startReceiver();
    const redirect = await startReceiver((_q, s) => s.writeHead(307, { location: target.url }).end());
    const huge = await startReceiver((_q, s) => {
      s.writeHead(200);
      s.end('x'.repeat(5 * 1024 * 1024));
    });
    cleanups.push(() => target.close(), () => redirect.close(), () => huge.close());
    const r = await setup(redirect);
    await r.publish();
    await r.until(async () => (await r.attempts()).length >= 1);
    expect((await r.attempts())[0]).toMatchObject({ status_code: 307, error: 'redirect not followed' });
    expect(target.received).toHaveLength(0);
    const h = await setup(huge);
    await h.publish();
    await h.until(async () => (await h.attempts()).length >= 1);
    const [a] = await h.attempts();
    expect(a.status_code).toBe(200);
    expect(a.response_body).toHaveLength(1024);
  });

  it('refuses an endpoint whose name resolves to a private address unless private addresses are allowed (checked at delivery)', async () => {
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    const resolve = ((_h: string, _o: unknown, cb: (e: null, a: LookupAddress[]) => void) => cb(null, [{ address: '127.0.0.1', family: 4 }])) as never;
    const url = `http://hooks.example.test:${rx.port}/hook`;
    const refused = await setup(url, { allowPrivate: false, resolve });
    await refused.publish();
    await refused.until(async () => (await refused.attempts()).length >= 1);
    expect((await refused.attempts())[0]).toMatchObject({ status_code: null, error: expect.stringMatching(/address_not_allowed.*127\.0\.0\.1/) });
    expect(rx.received).toHaveLength(0);
    const allowed = await setup(url, { allowPrivate: true, resolve });
    await allowed.publish();
    await rx.waitFor(1);
  });
});
