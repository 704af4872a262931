/**
 * The mock's telemetry endpoints (mock/device-routes.ts) on the real mock server: a dock's osd and
 * state reach its embedded broker, HMS alarms are raised and cleared with complete lists, and a dock
 * goes silent, disconnects and reconnects on request. A plain MQTT subscriber is the "map".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMockArgs } from '../../mock/main.js';
import { mockConfig, startMock, type MockServer } from '../../mock/server.js';
import { telemetryTopic } from '../../spec/topics.js';
import { Cloud, waitFor } from '../simulator/helpers.js';

describe('mock telemetry endpoints', () => {
  let m: MockServer;
  let cloud: Cloud;
  const SN = `TEL${Date.now().toString(36).toUpperCase()}`;
  const DRONE = `${SN}-DRONE`;
  beforeAll(async () => {
    m = await startMock(mockConfig([], { PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent' }), { telemetry: { osdIntervalMs: 50 } });
    // The mock's broker authenticates: the "map" watches with the broker's internal login.
    cloud = await Cloud.connect(m.mqttUrl, [SN, DRONE], m.gateway.broker?.internalLogin);
  });
  afterAll(async () => {
    await cloud?.close();
    await m?.close();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(m.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('--osd-interval is a mock flag', () => {
    expect(parseMockArgs(['--osd-interval', '500', '--port', '0'])).toEqual({ progressIntervalMs: 0, osdIntervalMs: 500, rest: ['--port', '0'] });
    expect(() => parseMockArgs(['--osd-interval=x'])).toThrow(/--osd-interval must be milliseconds/);
  });

  it('a started dock reports osd for itself and its aircraft; GET …/telemetry shows the values', async () => {
    expect((await call('PUT', `/mock/v1/docks/${SN}`)).status).toBe(201);
    await cloud.waitOn(telemetryTopic(SN, 'osd'), () => true, 2);
    await cloud.waitOn(telemetryTopic(DRONE, 'osd'), () => true, 2);
    const t = await call('GET', `/mock/v1/docks/${SN}/telemetry`);
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ sn: SN, silenced: false, flying: false, hms: [], dock: { cover_state: 0, drone_in_dock: 1 }, aircraft: { mode_code: 0 } });
  });

  it('raises and clears HMS alarms, each report carrying the complete list', async () => {
    const bad = await call('POST', `/mock/v1/docks/${SN}/hms`, { alarms: [{ code: 'x' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('alarms');
    expect((await call('POST', `/mock/v1/docks/${SN}/hms`, {})).status).toBe(400);
    const raised = await call('POST', `/mock/v1/docks/${SN}/hms`, { alarms: [{ code: '0x16100083' }, { code: '0x1B010001', device_type: '0-100-0' }] });
    expect(raised.status).toBe(200);
    expect(raised.body.hms.map((i: { code: string }) => i.code)).toEqual(['0x16100083', '0x1B010001']);
    const cleared = await call('POST', `/mock/v1/docks/${SN}/hms/clear`, { codes: ['0x16100083'] });
    expect(cleared.body.hms.map((i: { code: string }) => i.code)).toEqual(['0x1B010001']);
    expect((await call('POST', `/mock/v1/docks/${SN}/hms/clear`)).body.hms).toEqual([]);
    const reports = await cloud.waitOn(`thing/product/${SN}/events`, (x) => x.method === 'hms', 3);
    expect(reports.map((r) => (r.message.data as { list: unknown[] }).list.length)).toEqual([2, 1, 0]);
  });

  it('goes silent and speaks again', async () => {
    const s = await call('POST', `/mock/v1/docks/${SN}/silence`, { silent: true });
    expect(s.body.silenced).toBe(true);
    await new Promise((r) => setTimeout(r, 100)); // a report in flight may still land
    const n = cloud.on(telemetryTopic(SN, 'osd')).length;
    await new Promise((r) => setTimeout(r, 300));
    expect(cloud.on(telemetryTopic(SN, 'osd')).length).toBe(n);
    expect((await call('POST', `/mock/v1/docks/${SN}/silence`, { silent: 'no' })).status).toBe(400);
    expect((await call('POST', `/mock/v1/docks/${SN}/silence`, { silent: false })).body.silenced).toBe(false);
    await cloud.waitOn(telemetryTopic(SN, 'osd'), () => true, n + 2);
  });

  it('disconnects and reconnects', async () => {
    const d = await call('POST', `/mock/v1/docks/${SN}/disconnect`);
    expect(d.body.connected).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    const n = cloud.on(telemetryTopic(SN, 'osd')).length;
    await new Promise((r) => setTimeout(r, 300));
    expect(cloud.on(telemetryTopic(SN, 'osd')).length).toBe(n);
    const r = await call('POST', `/mock/v1/docks/${SN}/reconnect`);
    expect(r.status).toBe(200);
    expect(r.body.connected).toBe(true);
    await waitFor(() => cloud.on(telemetryTopic(SN, 'osd')).length >= n + 2, 3000, 'osd after reconnect');
    expect((await call('POST', '/mock/v1/docks/NOPE123/reconnect')).status).toBe(404);
  });
});
