/**
 * The webhook operations through a real gateway (SQLite, loopback receivers allowed): endpoints on
 * UTMOS' paths with the secret shown once, subscriptions, test events delivered and verified with
 * `standardwebhooks`, rotation overlap, attempts per endpoint and per event, redeliver, recover,
 * ownership and scopes, URL rules.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../webhooks/receiver.js';
import { startTestGateway, type TestCred, type TestGateway } from './harness.js';

const EP = '/api/v1/open/callbacks/endpoints';
let t: TestGateway;
let rx: Receiver;
let cred: TestCred;

beforeAll(async () => {
  t = await startTestGateway({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  rx = await startReceiver();
  cred = await t.cred();
});
afterAll(async () => {
  await rx?.close();
  await t?.close();
});

const hdrs = (h: Record<string, unknown>) => ({ 'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']) });
async function until<T>(f: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('not in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('webhook endpoints API', () => {
  it('creates an endpoint (secret once), lists and gets it without the secret, and delivers a signed test event', async () => {
    const created = await t.call(cred, 'POST', EP, { body: { name: 'hook', url: rx.url } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'hook', url: rx.url, status: 'ACTIVE', timeout_seconds: 15, disabled_reason: null });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const id = created.body.endpoint_id;
    const got = await t.call(cred, 'GET', `${EP}/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.secret).toBeUndefined();
    const list = await t.call(cred, 'GET', EP);
    expect(list.body.items.map((e: { endpoint_id: string }) => e.endpoint_id)).toContain(id);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');

    const test = await t.call(cred, 'POST', `${EP}/${id}/test`);
    expect(test.status).toBe(202);
    const [req] = await rx.waitFor(1);
    expect(req.headers['webhook-id']).toBe(test.body.event_id);
    expect(new Webhook(created.body.secret).verify(req.body, hdrs(req.headers))).toMatchObject({ type: 'webhook.test', data: { endpoint_id: id } });

    const attempts = await until(async () => {
      const r = await t.call(cred, 'GET', '/api/v1/open/callbacks/attempts', { query: `endpoint_id=${id}` });
      return r.body.items.length > 0 && r.body.items;
    });
    expect(attempts[0]).toMatchObject({ endpoint_id: id, event_id: test.body.event_id, status_code: 204, error: null });
    const byEvent = await t.call(cred, 'GET', '/api/v1/open/callbacks/attempts', { query: `event_id=${encodeURIComponent(test.body.event_id)}` });
    expect(byEvent.body.items).toHaveLength(1);

    const again = await t.call(cred, 'POST', `${EP}/${id}/deliveries/${test.body.event_id}/redeliver`);
    expect(again.status).toBe(202);
    const both = await rx.waitFor(2);
    expect(both[1].headers['webhook-id']).toBe(test.body.event_id);
    expect((await t.call(cred, 'POST', `${EP}/${id}/deliveries/evt_nope/redeliver`)).body.code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');
    expect((await t.call(cred, 'POST', `${EP}/${id}/recover`, { body: { since: '2020-01-01T00:00:00Z' } })).body).toEqual({ count: 0 });
  });

  it('rotates the secret: the new one is shown once and both sign for the overlap', async () => {
    const created = await t.call(cred, 'POST', EP, { body: { name: 'rot', url: rx.url } });
    const id = created.body.endpoint_id;
    const rotated = await t.call(cred, 'PUT', `${EP}/${id}`, { body: { rotate_secret: true } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const renamed = await t.call(cred, 'PUT', `${EP}/${id}`, { body: { name: 'renamed' } });
    expect(renamed.body).toMatchObject({ name: 'renamed' });
    expect(renamed.body.secret).toBeUndefined();
    const n = rx.received.length;
    const test = await t.call(cred, 'POST', `${EP}/${id}/test`);
    const req = (await rx.waitFor(n + 1)).find((r) => r.headers['webhook-id'] === test.body.event_id)!;
    expect(new Webhook(rotated.body.secret).verify(req.body, hdrs(req.headers))).toBeTruthy();
    expect(new Webhook(created.body.secret).verify(req.body, hdrs(req.headers))).toBeTruthy();
  });

  it('manages subscriptions (type or prefix, idempotent per type) and deletes them', async () => {
    const id = (await t.call(cred, 'POST', EP, { body: { name: 's', url: rx.url } })).body.endpoint_id;
    const a = await t.call(cred, 'POST', `${EP}/${id}/subscriptions`, { body: { event_type: 'device.*' } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ endpoint_id: id, event_type: 'device.*', status: 'ACTIVE' });
    expect((await t.call(cred, 'POST', `${EP}/${id}/subscriptions`, { body: { event_type: 'device.*' } })).body.subscription_id).toBe(a.body.subscription_id);
    await t.call(cred, 'POST', `${EP}/${id}/subscriptions`, { body: { event_type: 'command.completed' } });
    expect((await t.call(cred, 'POST', `${EP}/${id}/subscriptions`, { body: { event_type: 'Device Online' } })).status).toBe(400);
    const list = await t.call(cred, 'GET', `${EP}/${id}/subscriptions`);
    expect(list.body.items.map((s: { event_type: string }) => s.event_type)).toEqual(['device.*', 'command.completed']);
    const del = await t.call(cred, 'DELETE', `${EP}/${id}/subscriptions/${a.body.subscription_id}`);
    expect(del.status).toBe(204);
    expect((await t.call(cred, 'DELETE', `${EP}/${id}/subscriptions/${a.body.subscription_id}`)).body.code).toBe('WEBHOOK_SUBSCRIPTION_NOT_FOUND');
  });

  it('hides other credentials\' endpoints, checks scopes and refuses URLs that are not https', async () => {
    const id = (await t.call(cred, 'POST', EP, { body: { name: 'mine', url: rx.url } })).body.endpoint_id;
    const other = await t.cred();
    expect((await t.call(other, 'GET', `${EP}/${id}`)).body.code).toBe('WEBHOOK_ENDPOINT_NOT_FOUND');
    expect((await t.call(other, 'PUT', `${EP}/${id}`, { body: { rotate_secret: true } })).status).toBe(404);
    expect((await t.call(other, 'GET', EP)).body.items).toEqual([]);
    const reader = await t.cred({ scopes: ['open:callback:read'] });
    expect((await t.call(reader, 'POST', EP, { body: { name: 'x', url: 'https://example.com/h' } })).status).toBe(403);
    expect((await t.call(reader, 'GET', EP)).status).toBe(200);
    const bad = await t.call(cred, 'POST', EP, { body: { name: 'x', url: 'http://example.com/hook' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('WEBHOOK_URL_NOT_ALLOWED');
    expect((await t.call(cred, 'POST', EP, { body: { name: 'x', url: 'https://u:p@example.com/hook' } })).body.code).toBe('WEBHOOK_URL_NOT_ALLOWED');
  });
});

describe('webhook URLs without WEBHOOK_ALLOW_PRIVATE', () => {
  it('refuses plain http even to loopback', async () => {
    const g = await startTestGateway();
    try {
      const c = await g.cred();
      const r = await g.call(c, 'POST', EP, { body: { name: 'x', url: 'http://127.0.0.1:9/hook' } });
      expect(r.body.code).toBe('WEBHOOK_URL_NOT_ALLOWED');
      expect((await g.call(c, 'POST', EP, { body: { name: 'x', url: 'https://hooks.example.com/h' } })).status).toBe(201);
    } finally {
      await g.close();
    }
  });
});

describe('events to webhooks', () => {
  it('delivers command.accepted, command.delivered and command.completed of a command, signed, in per-device sequence', async () => {
    const r2 = await startReceiver();
    try {
      const c = await t.cred();
      const ep = await t.call(c, 'POST', EP, { body: { name: 'cmds', url: r2.url } });
      await t.call(c, 'POST', `${EP}/${ep.body.endpoint_id}/subscriptions`, { body: { event_type: 'command.*' } });
      const other = await t.cred();
      const res = await t.call(other, 'POST', '/api/v1/open/downlink/commands', { body: { vendor: 'dji', device_id: 'DOCK-OTHER', command_type: 'air_conditioner_mode_switch', payload: { action: 1 }, idempotency_key: 'k-other', timeout_seconds: 0 } });
      expect(res.status).toBe(202);
      const sent = await t.call(c, 'POST', '/api/v1/open/downlink/commands', { body: { vendor: 'dji', device_id: 'DOCK-WH', command_type: 'air_conditioner_mode_switch', payload: { action: 1 }, idempotency_key: 'k-wh', timeout_seconds: 0 } });
      expect(sent.status).toBe(202);
      await until(async () => r2.received.some((x) => JSON.parse(x.body).type === 'command.completed') && true, 8000);
      const wh = new Webhook(ep.body.secret);
      const bodies = r2.received.map((x) => wh.verify(x.body, hdrs(x.headers)) as { type: string; id: string; sequence: number; data: { command_id: string } });
      // Only this credential's command: the other credential's events are not delivered here.
      expect(bodies.every((b) => b.data.command_id === sent.body.command_id)).toBe(true);
      const types = bodies.sort((a, b) => a.sequence - b.sequence).map((b) => b.type);
      expect(types).toEqual(['command.accepted', 'command.delivered', 'command.completed']);
      expect(r2.received.map((x) => x.headers['webhook-id'])).toEqual(r2.received.map((x) => JSON.parse(x.body).id));
    } finally {
      await r2.close();
    }
  });
});
