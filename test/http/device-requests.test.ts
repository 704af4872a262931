/** Device requests through real HTTP and a real broker: visibility, reply mapping, 409. */
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceRequestRecord } from '../../server/store/types.js';
import { DEVICE_REQUESTS, startTestGateway, type TestCred, type TestGateway } from './harness.js';

let t: TestGateway;
let cred: TestCred;
let dock: mqtt.MqttClient;

beforeAll(async () => {
  t = await startTestGateway();
  cred = await t.cred();
  // It watches the requests_reply topics of many device_ids, so it logs in as dockgate's own
  // clients do (the embedded broker's internal login), not as one dock.
  dock = await mqtt.connectAsync(t.gw.mqttUrl, { clientId: 'dock-' + randomUUID(), ...t.gw.broker!.internalLogin! });
});
afterAll(async () => {
  await dock?.endAsync();
  await t?.close();
});

async function insert(device_id: string, method: string, data: unknown = {}): Promise<DeviceRequestRecord> {
  const tid = randomUUID();
  const bid = randomUUID();
  return t.gw.store.insertDeviceRequest({
    request_id: randomUUID(),
    vendor: 'dji',
    device_id,
    request_type: method,
    inbound_payload: { tid, bid, timestamp: Date.now(), gateway: device_id, method, data },
    tid,
    bid,
    received_at: new Date().toISOString(),
    reply_code: null,
    reply_message: null,
    reply_payload: null,
    reply_source: null,
    standardized_reply: null,
    replied_at: null,
  });
}

/** The next message on the dock's requests_reply topic. */
async function nextReply(sn: string): Promise<{ reply: Promise<any> }> {
  const topic = `thing/product/${sn}/requests_reply`;
  // Listen before subscribing and return only once subscribed, so a reply published right after
  // cannot slip past the listener.
  const reply = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no requests_reply within 5 s')), 5000);
    const on = (tp: string, msg: Buffer) => {
      if (tp !== topic) return;
      clearTimeout(timer);
      dock.off('message', on);
      resolve(JSON.parse(msg.toString()));
    };
    dock.on('message', on);
  });
  await dock.subscribeAsync(topic, { qos: 1 });
  return { reply };
}

describe('device requests', () => {
  it('lists and gets only the devices the credential may see', async () => {
    const sn1 = 'DOCK-' + randomUUID().slice(0, 8);
    const sn2 = 'DOCK-' + randomUUID().slice(0, 8);
    const r1 = await insert(sn1, 'flighttask_resource_get', { flight_id: 'f1' });
    const r2 = await insert(sn2, 'storage_config_get', { module: 0 });
    const limited = await t.cred({ devices: [sn1] });
    const list = await t.call(limited, 'GET', DEVICE_REQUESTS);
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: any) => x.request_id)).toEqual([r1.request_id]);
    expect(list.body.items[0]).toMatchObject({ vendor: 'dji', device_id: sn1, request_type: 'flighttask_resource_get', reply_code: null, reply_source: null });
    expect(list.body.items[0].inbound_payload.data).toEqual({ flight_id: 'f1' });
    const hidden = await t.call(limited, 'GET', `${DEVICE_REQUESTS}/${r2.request_id}`);
    expect([hidden.status, hidden.body.code]).toEqual([404, 'DEVICE_REQUEST_NOT_FOUND']);
    const all = await t.call(cred, 'GET', DEVICE_REQUESTS, { query: `device_id=${sn2}` });
    expect(all.body.items.map((x: any) => x.request_id)).toEqual([r2.request_id]);
    const byType = await t.call(cred, 'GET', DEVICE_REQUESTS, { query: 'request_type=flighttask_resource_get&limit=500' });
    expect(byType.body.items.map((x: any) => x.request_id)).toContain(r1.request_id);
  });

  it('a manual reply publishes requests_reply with the same tid, bid, method and {result, output}; a second one is 409', async () => {
    const sn = 'DOCK-' + randomUUID().slice(0, 8);
    const req = await insert(sn, 'flighttask_resource_get', { flight_id: 'f9' });
    const { reply: got } = await nextReply(sn);
    const payload = { file: { url: 'https://example.com/x.kmz', fingerprint: 'abc' } };
    const r = await t.call(cred, 'POST', `${DEVICE_REQUESTS}/${req.request_id}/reply`, { body: { reply_code: 'APPROVED', reply_message: 'ok', payload } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ request_id: req.request_id, reply_code: 'APPROVED', reply_message: 'ok', reply_source: 'manual' });
    const msg = await got;
    expect(msg).toMatchObject({ tid: req.tid, bid: req.bid, method: 'flighttask_resource_get', data: { result: 0, output: payload } });
    const again = await t.call(cred, 'POST', `${DEVICE_REQUESTS}/${req.request_id}/reply`, { body: { reply_code: 'APPROVED' } });
    expect([again.status, again.body.code]).toEqual([409, 'DEVICE_REQUEST_ALREADY_REPLIED']);
    const g = await t.call(cred, 'GET', `${DEVICE_REQUESTS}/${req.request_id}`);
    expect(g.body).toMatchObject({ reply_code: 'APPROVED', reply_source: 'manual', standardized_reply: { result: 0, output: payload } });
  });

  it('reply codes map to DJI result: numeric → that number, other words → 1', async () => {
    const sn = 'DOCK-' + randomUUID().slice(0, 8);
    const a = await insert(sn, 'storage_config_get');
    let { reply: got } = await nextReply(sn);
    await t.call(cred, 'POST', `${DEVICE_REQUESTS}/${a.request_id}/reply`, { body: { reply_code: '314001' } });
    expect((await got).data).toEqual({ result: 314001, output: {} });
    const b = await insert(sn, 'storage_config_get');
    ({ reply: got } = await nextReply(sn));
    await t.call(cred, 'POST', `${DEVICE_REQUESTS}/${b.request_id}/reply`, { body: { reply_code: 'REJECTED' } });
    expect((await got).data).toEqual({ result: 1, output: {} });
  });

  it('concurrent replies: exactly one wins', async () => {
    const sn = 'DOCK-' + randomUUID().slice(0, 8);
    const req = await insert(sn, 'airport_organization_get');
    const rs = await Promise.all([0, 1, 2, 3].map(() => t.call(cred, 'POST', `${DEVICE_REQUESTS}/${req.request_id}/reply`, { body: { reply_code: 'OK' } })));
    expect(rs.map((r) => r.status).sort()).toEqual([202, 409, 409, 409]);
  });

  it('an unknown request_id → 404 DEVICE_REQUEST_NOT_FOUND', async () => {
    const r = await t.call(cred, 'POST', `${DEVICE_REQUESTS}/${randomUUID()}/reply`, { body: { reply_code: 'OK' } });
    expect([r.status, r.body.code]).toEqual([404, 'DEVICE_REQUEST_NOT_FOUND']);
  });
});
