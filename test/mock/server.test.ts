/** The mock server's own parts: configuration, the mock-only endpoints' input checks, the dock limit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockgateClient } from '../../generated/client/index.js';
import { parseMockArgs } from '../../mock/main.js';
import { mockConfig, SANDBOX_CREDENTIAL, startMock, type MockServer } from '../../mock/server.js';

describe('mockConfig and parseMockArgs', () => {
  it('defaults to port 4010 and log level warn; flags and env win; no dev credential, never PostgreSQL', () => {
    const c = mockConfig([], {});
    expect([c.port, c.logLevel, c.devCredential, c.databaseUrl]).toEqual([4010, 'warn', false, null]);
    expect(mockConfig(['--port', '5000'], { PORT: '6000' }).port).toBe(5000);
    expect(mockConfig([], { PORT: '6000', LOG_LEVEL: 'info', DATABASE_URL: 'postgres://x/y' })).toMatchObject({ port: 6000, logLevel: 'info', databaseUrl: null });
  });

  it('takes --progress-interval out of the gateway flags and checks it', () => {
    expect(parseMockArgs(['--port', '0', '--progress-interval', '250'])).toEqual({ progressIntervalMs: 250, rest: ['--port', '0'] });
    expect(parseMockArgs(['--progress-interval=5'])).toEqual({ progressIntervalMs: 5, rest: [] });
    expect(() => parseMockArgs(['--progress-interval', 'soon'])).toThrow(/--progress-interval must be milliseconds/);
  });
});

describe('mock-only endpoints', () => {
  let m: MockServer;
  const SN = `SRV${Date.now().toString(36).toUpperCase()}`;
  beforeAll(async () => {
    m = await startMock(mockConfig([], { PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent' }), { maxDocks: 2 });
  });
  afterAll(() => m?.close());

  const call = async (method: string, path: string, body?: string) => {
    const res = await fetch(m.url + path, { method, body });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  };

  it('PUT /mock/v1/docks/{sn} starts a dock with the chosen aircraft, which the gateway then routes by', async () => {
    const put = await call('PUT', `/mock/v1/docks/${SN}`, JSON.stringify({ drone_sn: `${SN}-AC` }));
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ sn: SN, drone_sn: `${SN}-AC`, connected: true });
    expect((await call('PUT', `/mock/v1/docks/${SN}`, '')).status).toBe(200);
    const other = await call('PUT', `/mock/v1/docks/${SN}`, JSON.stringify({ drone_sn: 'ELSE' }));
    expect([other.status, other.body.code, other.body.details[0].field]).toEqual([400, 'VALIDATION_FAILED', 'drone_sn']);

    const client = createDockgateClient({ baseUrl: m.url, apiId: SANDBOX_CREDENTIAL.api_id, apiKey: SANDBOX_CREDENTIAL.api_key });
    const r = await client.commands.camera_photo_take({ device_id: `${SN}-AC`, payload: { payload_index: '81-0-0' } } as never);
    const cmd = await client.waitForCommand(r.data!.command_id, { timeoutMs: 10_000 });
    expect([cmd.status, cmd.gateway_sn]).toEqual(['SUCCEEDED', SN]);
  });

  it('rejects bad input with the API error envelope', async () => {
    const badType = await call('POST', `/mock/v1/docks/${SN}/device-requests`, JSON.stringify({ request_type: 'Not A Method' }));
    expect([badType.status, badType.body.code, badType.body.details[0].field]).toEqual([400, 'VALIDATION_FAILED', 'request_type']);
    const badData = await call('POST', `/mock/v1/docks/${SN}/device-requests`, JSON.stringify({ request_type: 'config', data: [1] }));
    expect([badData.status, badData.body.details[0].field]).toEqual([400, 'data']);
    const notJson = await call('POST', `/mock/v1/docks/${SN}/device-requests`, '{');
    expect([notJson.status, notJson.body.code]).toEqual([400, 'INVALID_REQUEST_BODY']);
    const badRule = await call('PUT', `/mock/v1/docks/${SN}/rules/no_such_command`, JSON.stringify({ prefer: 'outcome=timeout' }));
    expect([badRule.status, badRule.body.details[0].field]).toEqual([400, 'command_type']);
    const badPrefer = await call('PUT', `/mock/v1/docks/${SN}/rules/*`, JSON.stringify({ prefer: 'delay=soon' }));
    expect([badPrefer.status, badPrefer.body.details[0].field]).toEqual([400, 'prefer']);
    expect(typeof badPrefer.body.request_id).toBe('string');
    expect(badPrefer.headers.get('x-request-id')).toBe(badPrefer.body.request_id);
  });

  it('injects a request with explicit data and answers 201 with the stored device request', async () => {
    // Not storage_config_get: the mock answers that one itself from its sandbox storage (docs/missions.md).
    const r = await call('POST', `/mock/v1/docks/${SN}/device-requests`, JSON.stringify({ request_type: 'flighttask_resource_get', data: { flight_id: 'f-explicit' } }));
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/api/v1/open/device-requests/${r.body.request_id}`);
    expect(r.body).toMatchObject({ device_id: SN, request_type: 'flighttask_resource_get', reply_code: null, tid: expect.any(String) });
  });

  it('stops starting docks at maxDocks (503 on the mock endpoints)', async () => {
    expect((await call('PUT', `/mock/v1/docks/${SN}B`, '')).status).toBe(201);
    const third = await call('PUT', `/mock/v1/docks/${SN}C`, '');
    expect([third.status, third.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect((await call('GET', '/mock/v1/docks')).body.items).toHaveLength(2);
  });
});
