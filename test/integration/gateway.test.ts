/**
 * End to end: signed HTTP → real gateway (startGateway) → embedded aedes → a test dock (the dock
 * simulator, scripted; test/support/dock.ts) → correlation → GET with wait_seconds. Each test uses
 * its own dock SN.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, DEVICE_REQUESTS, startTestGateway, type TestCred, type TestGateway } from '../http/harness.js';
import { startDock } from '../support/dock.js';

let t: TestGateway;
let cred: TestCred;

beforeAll(async () => {
  t = await startTestGateway();
  cred = await t.cred();
});
afterAll(() => t?.close());

/** A test dock that answers every command with this reply `data` (or, with null, not at all). */
async function scriptedDock(sn: string, reply: Record<string, unknown> | null) {
  return startDock(t.gw.mqttUrl, { sn, login: await t.dockLogin(sn), script: () => (reply ? { data: reply } : { silent: true }) });
}

async function create(body: Record<string, unknown>) {
  const r = await t.call(cred, 'POST', COMMANDS, { body: { vendor: 'dji', idempotency_key: randomUUID(), ...body } });
  expect(r.status).toBe(202);
  return r.body.command_id as string;
}

const waitFor = (id: string, s = 5) => t.call(cred, 'GET', `${COMMANDS}/${id}`, { query: `wait_seconds=${s}` });

describe('command lifecycle', () => {
  it('ACCEPTED → DELIVERED → SUCCEEDED with the DJI envelope on services and the reply mapped', async () => {
    const sn = 'DOCK-' + randomUUID().slice(0, 8);
    const dock = await scriptedDock(sn, { result: 0, output: { status: 'ok' } });
    try {
      const id = await create({ device_id: sn, command_type: 'air_conditioner_mode_switch', payload: { action: 2 } });
      const r = await waitFor(id);
      expect(r.body).toMatchObject({ command_id: id, status: 'SUCCEEDED', gateway_sn: sn, response_code: '0', failure_code: null });
      expect(r.body.delivered_at).not.toBeNull();
      expect(r.body.completed_at).not.toBeNull();
      expect(r.body.vendor_response).toMatchObject({ result: 0 });
      const m = dock.ofKind('services')[0]!.message!;
      expect(m).toMatchObject({ method: 'air_conditioner_mode_switch', data: { action: 2 } });
      expect(typeof m.tid).toBe('string');
      expect(m.timestamp).toBeGreaterThan(1e12);
    } finally {
      await dock.close();
    }
  });

  it('a non-zero result → FAILED with DEVICE_EXECUTION_FAILED', async () => {
    const sn = 'DOCK-' + randomUUID().slice(0, 8);
    const dock = await scriptedDock(sn, { result: 314001, message: 'cover is blocked' });
    try {
      const id = await create({ device_id: sn, command_type: 'air_conditioner_mode_switch', payload: { action: 1 } });
      const r = await waitFor(id);
      expect(r.body).toMatchObject({ status: 'FAILED', failure_code: 'DEVICE_EXECUTION_FAILED', response_code: '314001' });
    } finally {
      await dock.close();
    }
  });

  it('progress-tracked: DELIVERED with progress after the reply, SUCCEEDED on the terminal event', async () => {
    const sn = 'DOCK-' + randomUUID().slice(0, 8);
    const dock = await scriptedDock(sn, { result: 0 });
    try {
      const id = await create({ device_id: sn, command_type: 'cover_open', payload: {} });
      const m = (await dock.waitFor((x) => x.kind === 'services')).message!;
      const event = (status: string, percent: number) =>
        dock.publish('events', { tid: randomUUID(), bid: m.bid, timestamp: Date.now(), gateway: sn, method: 'cover_open', data: { result: 0, output: { status, progress: { percent, step_key: 'open' } } } });
      await expect.poll(async () => (await t.call(cred, 'GET', `${COMMANDS}/${id}`)).body.status, { timeout: 5000 }).toBe('DELIVERED');
      await event('in_progress', 40);
      await expect.poll(async () => (await t.call(cred, 'GET', `${COMMANDS}/${id}`)).body.progress?.percent, { timeout: 5000 }).toBe(40);
      await event('ok', 100);
      const r = await waitFor(id);
      expect(r.body.status).toBe('SUCCEEDED');
      expect(r.body.progress).toMatchObject({ percent: 100, dji_status: 'ok' });
    } finally {
      await dock.close();
    }
  });

  it('no reply → TIMED_OUT after timeout_seconds; timeout 0 completes on delivery', async () => {
    const sn = 'DOCK-' + randomUUID().slice(0, 8);
    const dock = await scriptedDock(sn, null);
    try {
      const slow = await create({ device_id: sn, command_type: 'air_conditioner_mode_switch', payload: { action: 0 }, timeout_seconds: 1 });
      const fast = await create({ device_id: sn, command_type: 'air_conditioner_mode_switch', payload: { action: 3 }, timeout_seconds: 0 });
      expect((await waitFor(slow, 5)).body).toMatchObject({ status: 'TIMED_OUT', failure_code: 'TIMED_OUT' });
      expect((await waitFor(fast, 5)).body.status).toBe('SUCCEEDED');
    } finally {
      await dock.close();
    }
  });
});

describe('device requests from a dock', () => {
  it('config is answered automatically (flat) and listed with reply_source auto', async () => {
    const sn = 'DOCK-' + randomUUID().slice(0, 8);
    const dock = await startDock(t.gw.mqttUrl, { sn, login: await t.dockLogin(sn) });
    try {
      const sent = await dock.sendRequest('config', { config_type: 'json', config_scope: 'product' });
      const msg: any = await sent.reply;
      const tid = sent.tid;
      expect(msg).toMatchObject({ tid, method: 'config', data: { ntp_server_host: 'pool.ntp.org' } });
      expect(msg.data.result).toBeUndefined();
      const list = await t.call(cred, 'GET', DEVICE_REQUESTS, { query: `device_id=${sn}` });
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ request_type: 'config', reply_source: 'auto' });
      const again = await t.call(cred, 'POST', `${DEVICE_REQUESTS}/${list.body.items[0].request_id}/reply`, { body: { reply_code: 'OK' } });
      expect(again.status).toBe(409);
    } finally {
      await dock.close();
    }
  });
});
