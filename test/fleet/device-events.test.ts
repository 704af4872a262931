/**
 * Device events end to end (issue 13 items 1–2 on issue 11's fleet): the real gateway with its
 * embedded aedes broker and a SQLite store; a dock (plain mqtt.js client with its registry login)
 * comes online, raises and clears an HMS alarm and disconnects. `GET /api/v1/open/events` lists
 * device.online → device.hms_raised → device.hms_cleared → device.offline with the per-device
 * sequence, and a loopback webhook endpoint subscribed to `device.*` receives them, signed; a
 * credential sees them through its allow-list, a registry grant, or the dock of an aircraft.
 */
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestCred, type TestGateway } from '../http/harness.js';
import { uniqueSn } from '../mqtt/harness.js';
import { provisionDock } from '../support/devices.js';
import { startReceiver, type Receiver } from '../webhooks/receiver.js';

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

async function until<T>(f: () => Promise<T | undefined | false>, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('not in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const msg = (method: string, data: unknown) => JSON.stringify({ tid: randomUUID(), bid: randomUUID(), timestamp: Date.now(), method, data });
const item = (code: string) => ({ level: 2, module: 3, in_the_sky: 0, code, device_type: '3-3-0', imminent: 0, args: { component_index: 0, sensor_index: 1 } });

describe('device events end to end', () => {
  it('a dock online, alarm raised and cleared, disconnected: listed in order and delivered to a device.* subscription', async () => {
    const created = await t.call(cred, 'POST', EP, { body: { name: 'fleet', url: rx.url } });
    expect(created.status).toBe(201);
    const id = created.body.endpoint_id;
    expect((await t.call(cred, 'POST', `${EP}/${id}/subscriptions`, { body: { event_type: 'device.*' } })).status).toBe(201);

    const sn = uniqueSn('DOCK');
    const login = await t.dockLogin(sn);
    const dock = await mqtt.connectAsync(t.gw.mqttUrl, { clientId: `dock-${sn}`, reconnectPeriod: 0, protocolVersion: 4, username: login.username, password: login.password });
    const types = async () => {
      const r = await t.call(cred, 'GET', '/api/v1/open/events', { query: `type=${encodeURIComponent('device.*')}&device_id=${sn}` });
      expect(r.status).toBe(200);
      return r.body.items as { type: string; sequence: number; device_id: string; data: Record<string, any> }[];
    };
    try {
      await dock.publishAsync(`thing/product/${sn}/osd`, JSON.stringify({ tid: randomUUID(), bid: randomUUID(), timestamp: Date.now(), data: { cover_state: 0 } }), { qos: 1 });
      await until(async () => (await types()).length === 1);
      await dock.publishAsync(`thing/product/${sn}/events`, msg('hms', { list: [item('0x16100083')] }), { qos: 1 });
      await until(async () => (await types()).length === 2);
      // The same report again changes nothing and writes nothing.
      await dock.publishAsync(`thing/product/${sn}/events`, msg('hms', { list: [item('0x16100083')] }), { qos: 1 });
      await dock.publishAsync(`thing/product/${sn}/events`, msg('hms', { list: [] }), { qos: 1 });
      await until(async () => (await types()).length === 3);
    } finally {
      await dock.endAsync(true);
    }
    const list = await until(async () => {
      const l = await types();
      return l.length === 4 && l;
    });
    expect(list.map((e) => [e.type, e.sequence, e.device_id])).toEqual([
      ['device.online', 1, sn], ['device.hms_raised', 2, sn], ['device.hms_cleared', 3, sn], ['device.offline', 4, sn],
    ]);
    expect(list[0]!.data).toMatchObject({ sn, kind: 'dock', dock_sn: null, reason: 'message' });
    expect(list[1]!.data).toMatchObject({ sn, hms: { key: '0x16100083', level: 2, module: 3, in_the_sky: false, device_type: '3-3-0' } });
    expect(list[2]!.data.hms.alarm_id).toBe(list[1]!.data.hms.alarm_id);
    expect(list[3]!.data).toMatchObject({ sn, kind: 'dock', reason: 'disconnect' });

    const got = await rx.waitFor(4, 10_000);
    const wh = new Webhook(created.body.secret);
    const delivered = got.map((r) => {
      const h = r.headers;
      return wh.verify(r.body, { 'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']) }) as { type: string; data: { sn: string } };
    });
    expect(delivered.filter((d) => d.data.sn === sn).map((d) => d.type).sort()).toEqual(['device.hms_cleared', 'device.hms_raised', 'device.offline', 'device.online']);
  });

  it('visibility: the allow-list, the registry grant (devices.credentials) and the aircraft of a visible dock', async () => {
    const granted = await t.cred({ devices: [] });
    const sn = uniqueSn('DOCK');
    const ac = uniqueSn('AC');
    const listed = await t.cred({ devices: [sn] });
    const other = await t.cred({ devices: ['SOMEONE-ELSE'] });
    const login = await provisionDock(t.gw.store, sn, { credentials: [granted.api_id] });
    const ep = await t.call(granted, 'POST', EP, { body: { name: 'granted', url: rx.url } });
    expect((await t.call(granted, 'POST', `${EP}/${ep.body.endpoint_id}/subscriptions`, { body: { event_type: 'device.*' } })).status).toBe(201);
    const dock = await mqtt.connectAsync(t.gw.mqttUrl, { clientId: `dock-${sn}`, reconnectPeriod: 0, protocolVersion: 4, username: login.username, password: login.password });
    try {
      await dock.publishAsync(`sys/product/${sn}/status`, msg('update_topo', { domain: 3, type: 3, sub_type: 0, sub_devices: [{ sn: ac, domain: 0, type: 100, sub_type: 0, index: 'A' }] }), { qos: 1 });
      const seen = async (c: TestCred) => {
        const r = await t.call(c, 'GET', '/api/v1/open/events', { query: `type=${encodeURIComponent('device.online')}` });
        expect(r.status).toBe(200);
        return (r.body.items as { device_id: string }[]).map((e) => e.device_id).filter((d) => d === sn || d === ac).sort();
      };
      await until(async () => (await seen(cred)).length === 2);
      expect(await seen(granted)).toEqual([sn, ac].sort());
      expect(await seen(listed)).toEqual([sn, ac].sort());
      expect(await seen(other)).toEqual([]);
      // The granted credential's endpoint receives them too (fan-out resolves the same visibility).
      const wh = new Webhook(ep.body.secret);
      const mine = () => rx.received.flatMap((r) => {
        try {
          const h = r.headers;
          return [wh.verify(r.body, { 'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']) }) as { type: string; data: { sn: string } }];
        } catch {
          return []; // another endpoint's delivery (other secret)
        }
      });
      await until(async () => mine().filter((d) => d.type === 'device.online').length === 2, 10_000);
      expect(mine().filter((d) => d.type === 'device.online').map((d) => d.data.sn).sort()).toEqual([sn, ac].sort());
    } finally {
      await dock.endAsync(true);
    }
  });
});
