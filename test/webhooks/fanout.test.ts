/**
 * The fan-out from the event log to deliveries (server/webhooks/fanout.ts) on every store kind it
 * can open here (memory, SQLite): each matching event once per endpoint, only events the endpoint's
 * credential may see, none from before the endpoint existed, none lost when a pass repeats.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../server/commands/accept.js';
import { openMemoryStore } from '../../server/store/memory/store.js';
import { openSqliteStore } from '../../server/store/sqlite/store.js';
import type { Store } from '../../server/store/types.js';
import type { NewEvent } from '../../server/store/types/events.js';
import { WebhookFanout } from '../../server/webhooks/fanout.js';
import { WebhookWorker } from '../../server/webhooks/worker.js';
import { startReceiver } from './receiver.js';
import { credential } from '../store/contract.js';
import { endpoint } from '../store/contract-webhooks.js';

const dir = mkdtempSync(join(tmpdir(), 'dockgate-fanout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kinds: [string, () => Promise<Store>][] = [
  ['memory', () => openMemoryStore()],
  ['sqlite', () => openSqliteStore(join(dir, `${randomUUID()}.sqlite`))],
];

const ev = (o: Partial<NewEvent>): NewEvent => ({ id: uuidv7(), type: 'command.completed', timestamp: new Date().toISOString(), device_id: 'DOCK-1', api_id: null, data: {}, ...o });

describe.each(kinds)('webhook fan-out (%s)', (_name, open) => {
  it('makes one delivery per matching visible event and endpoint, and repeating a pass adds none', async () => {
    const store = await open();
    try {
      const a = credential({ allowed_devices: ['DOCK-1'] });
      const b = credential({ allowed_devices: ['DOCK-2'] });
      await store.createCredential(a);
      await store.createCredential(b);
      const past = new Date(Date.now() - 60_000).toISOString();
      const epA = endpoint({ api_id: a.api_id, created_at: past });
      const epB = endpoint({ api_id: b.api_id, created_at: past });
      for (const e of [epA, epB]) {
        await store.webhooks.createEndpoint(e);
        await store.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: e.endpoint_id, event_type: 'command.*', status: 'ACTIVE', created_at: past });
      }
      await store.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: epA.endpoint_id, event_type: 'device.offline', status: 'ACTIVE', created_at: past });
      const own = ev({ api_id: a.api_id });
      const othersCommand = ev({ api_id: b.api_id, device_id: 'DOCK-1' });
      const deviceEvent = ev({ type: 'device.offline', device_id: 'DOCK-1' });
      const unsubscribed = ev({ type: 'device.online', device_id: 'DOCK-1' });
      const test = ev({ type: 'webhook.test', device_id: null, api_id: a.api_id });
      await store.events.append([own, othersCommand, deviceEvent, unsubscribed, test]);
      let kicked = 0;
      const f = new WebhookFanout({ store, onEnqueued: () => kicked++ });
      expect(await f.pass()).toBe(3);
      expect(await f.pass()).toBe(0);
      expect(kicked).toBe(1);
      for (const e of [own, deviceEvent]) expect((await store.webhooks.getDelivery(epA.endpoint_id, e.id))?.status).toBe('PENDING');
      for (const e of [othersCommand, unsubscribed, test]) expect(await store.webhooks.getDelivery(epA.endpoint_id, e.id)).toBeNull();
      expect((await store.webhooks.getDelivery(epB.endpoint_id, othersCommand.id))?.status).toBe('PENDING');
      expect(await store.webhooks.getDelivery(epB.endpoint_id, deviceEvent.id)).toBeNull();
      // A crash after the deliveries but before the position moved: the pass repeats, nothing doubles.
      await store.webhooks.updateEndpoint(epA.endpoint_id, { fanout_position: null, updated_at: epA.updated_at });
      expect(await f.pass()).toBe(0);
      // Later events continue from the position.
      const later = ev({ api_id: a.api_id });
      await store.events.append([later]);
      expect(await f.pass()).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('an endpoint that sees none of the new events moves past them, so later passes do not rescan them', async () => {
    const store = await open();
    try {
      const b = credential({ allowed_devices: ['DOCK-2'] });
      await store.createCredential(b);
      const past = new Date(Date.now() - 60_000).toISOString();
      const e = endpoint({ api_id: b.api_id, created_at: past });
      await store.webhooks.createEndpoint(e);
      await store.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: e.endpoint_id, event_type: '*', status: 'ACTIVE', created_at: past });
      await store.events.append([ev({ device_id: 'DOCK-1' }), ev({ api_id: 'someone-else' })]);
      const f = new WebhookFanout({ store, onEnqueued: () => {} });
      expect(await f.pass()).toBe(0);
      expect((await store.webhooks.getEndpoint(e.endpoint_id))?.fanout_position).toBe(await store.events.tail());
      const mine = ev({ device_id: 'DOCK-2' });
      await store.events.append([mine, ev({ device_id: 'DOCK-1' })]);
      expect(await f.pass()).toBe(1);
      expect((await store.webhooks.getDelivery(e.endpoint_id, mine.id))?.status).toBe('PENDING');
      expect((await store.webhooks.getEndpoint(e.endpoint_id))?.fanout_position).toBe(await store.events.tail());
    } finally {
      await store.close();
    }
  });

  it('reuses an allow-listed credential\'s visible devices for visibilityTtlMs; a change of the credential applies at once', async () => {
    const store = await open();
    try {
      const a = credential({ allowed_devices: ['DOCK-1'] });
      await store.createCredential(a);
      const past = new Date(Date.now() - 60_000).toISOString();
      const e = endpoint({ api_id: a.api_id, created_at: past });
      await store.webhooks.createEndpoint(e);
      await store.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: e.endpoint_id, event_type: '*', status: 'ACTIVE', created_at: past });
      let lists = 0;
      const list = store.devices.list.bind(store.devices);
      store.devices.list = (f) => (lists++, list(f));
      const f = new WebhookFanout({ store, onEnqueued: () => {}, visibilityTtlMs: 200 });
      await store.events.append([ev({ device_id: 'DOCK-1' })]);
      expect(await f.pass()).toBe(1);
      expect(await f.pass()).toBe(0);
      expect(lists).toBe(1);
      // A registry grant: seen once the remembered set expires.
      await store.devices.add({ sn: 'DOCK-3', kind: 'dock', model_key: null, dock_sn: null, credentials: [a.api_id], mqtt_password_hash: null, mosquitto_password_hash: null, created_at: past, updated_at: past });
      await new Promise((r) => setTimeout(r, 250));
      await store.events.append([ev({ device_id: 'DOCK-3' })]);
      expect(await f.pass()).toBe(1);
      expect(lists).toBe(2);
      // An allow-list change (the credential's updated_at moves): applied on the next pass.
      await store.updateCredential(a.api_id, { allowed_devices: ['DOCK-1', 'DOCK-2'], updated_at: new Date().toISOString() });
      await store.events.append([ev({ device_id: 'DOCK-2' })]);
      expect(await f.pass()).toBe(1);
      expect(lists).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('local appends reach the receiver without the fan-out or the worker waiting for its poll', async () => {
    const store = await open();
    const rx = await startReceiver();
    // Polls far longer than the test: only the wake-ups can deliver in time.
    const worker = new WebhookWorker({ store, allowPrivate: true, pollMs: 60_000 });
    const f = new WebhookFanout({ store, onEnqueued: () => worker.kick(), pollMs: 60_000 });
    try {
      const a = credential();
      await store.createCredential(a);
      const past = new Date(Date.now() - 60_000).toISOString();
      const e = endpoint({ api_id: a.api_id, url: rx.url, created_at: past });
      await store.webhooks.createEndpoint(e);
      await store.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: e.endpoint_id, event_type: '*', status: 'ACTIVE', created_at: past });
      worker.start();
      f.start();
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now();
        const one = ev({ api_id: a.api_id });
        await store.events.append([one]);
        const got = (await rx.waitFor(i + 1, 2000))[i]!;
        expect(got.headers['webhook-id']).toBe(one.id);
        expect(got.at - t0).toBeLessThan(1000);
      }
    } finally {
      await f.stop();
      await worker.stop();
      await rx.close();
      await store.close();
    }
  });

  it('skips events from before the endpoint existed', async () => {
    const store = await open();
    try {
      const a = credential();
      await store.createCredential(a);
      const old = ev({ api_id: a.api_id, timestamp: new Date(Date.now() - 3_600_000).toISOString() });
      await store.events.append([old]);
      const e = endpoint({ api_id: a.api_id, created_at: new Date(Date.now() - 1000).toISOString() });
      await store.webhooks.createEndpoint(e);
      await store.webhooks.createSubscription({ subscription_id: randomUUID(), endpoint_id: e.endpoint_id, event_type: '*', status: 'ACTIVE', created_at: e.created_at });
      expect(await new WebhookFanout({ store, onEnqueued: () => {} }).pass()).toBe(0);
    } finally {
      await store.close();
    }
  });
});
