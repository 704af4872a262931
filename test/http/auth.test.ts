/** Authentication and authorization through real HTTP (issue 3 §2; order in server/http/auth.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../spec/signing.js';
import { COMMANDS, DEVICE_REQUESTS, commandBody, startTestGateway, type TestCred, type TestGateway } from './harness.js';

let t: TestGateway;
let cred: TestCred;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  t = await startTestGateway();
  cred = await t.cred();
});
afterAll(() => t?.close());

function expectError(r: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
  expect(typeof r.body.message).toBe('string');
  expect(r.body.request_id).toBe(r.headers.get('x-request-id'));
}

describe('headers', () => {
  for (const h of ['X-Api-Id', 'X-Api-Timestamp', 'X-Api-Nonce', 'X-Api-Signature']) {
    it(`missing ${h} → 401 UNAUTHORIZED naming it`, async () => {
      const r = await t.call(cred, 'GET', COMMANDS, { tamper: { omit: h } });
      expectError(r, 401, 'UNAUTHORIZED');
      expect(r.body.message).toContain(h);
    });
  }
  it('a nonce outside 8–128 of A-Za-z0-9._- → 401 UNAUTHORIZED', async () => {
    for (const nonce of ['short', 'has space in it', 'x'.repeat(129), 'émoji-nonce']) {
      const r = await fetch(t.url + COMMANDS, { headers: { ...signRequest({ method: 'GET', path: COMMANDS, apiId: cred.api_id, apiKey: cred.api_key }), 'X-Api-Nonce': encodeURIComponent(nonce) } });
      expect(r.status).toBe(401);
      expect((await r.json()).code).toBe('UNAUTHORIZED');
    }
  });
  it('a non-numeric timestamp → 401 UNAUTHORIZED', async () => {
    const h = signRequest({ method: 'GET', path: COMMANDS, apiId: cred.api_id, apiKey: cred.api_key });
    const r = await fetch(t.url + COMMANDS, { headers: { ...h, 'X-Api-Timestamp': '2026-01-01T00:00:00Z' } });
    expect((await r.json()).code).toBe('UNAUTHORIZED');
  });
});

describe('timestamp', () => {
  it('within ±300 s passes', async () => {
    expect((await t.call(cred, 'GET', COMMANDS, { timestamp: now() - 290 })).status).toBe(200);
    expect((await t.call(cred, 'GET', COMMANDS, { timestamp: now() + 290 })).status).toBe(200);
  });
  it('more than 300 s behind or ahead → 401 TIMESTAMP_EXPIRED', async () => {
    expectError(await t.call(cred, 'GET', COMMANDS, { timestamp: now() - 310 }), 401, 'TIMESTAMP_EXPIRED');
    expectError(await t.call(cred, 'GET', COMMANDS, { timestamp: now() + 310 }), 401, 'TIMESTAMP_EXPIRED');
  });
  it('milliseconds → TIMESTAMP_EXPIRED with a hint', async () => {
    const r = await t.call(cred, 'GET', COMMANDS, { timestamp: Date.now() });
    expectError(r, 401, 'TIMESTAMP_EXPIRED');
    expect(r.body.message).toMatch(/milliseconds/);
  });
});

describe('credential', () => {
  it('unknown API ID → 401 UNAUTHORIZED', async () => {
    expectError(await t.call({ api_id: 'ak_nobody', api_key: 'x' }, 'GET', COMMANDS), 401, 'UNAUTHORIZED');
  });
  it('disabled → 401 UNAUTHORIZED; enabled again → 200', async () => {
    const c = await t.cred();
    await t.gw.store.updateCredential(c.api_id, { disabled: true, updated_at: new Date().toISOString() });
    expectError(await t.call(c, 'GET', COMMANDS), 401, 'UNAUTHORIZED');
    await t.gw.store.updateCredential(c.api_id, { disabled: false, updated_at: new Date().toISOString() });
    expect((await t.call(c, 'GET', COMMANDS)).status).toBe(200);
  });
});

describe('signature', () => {
  it('wrong key → 401 SIGNATURE_INVALID', async () => {
    expectError(await t.call({ ...cred, api_key: cred.api_key + 'x' }, 'GET', COMMANDS), 401, 'SIGNATURE_INVALID');
  });
  it('body, path, query or signature changed after signing → 401 SIGNATURE_INVALID', async () => {
    const body = commandBody();
    expectError(await t.call(cred, 'POST', COMMANDS, { body, tamper: { body: JSON.stringify({ ...body, device_id: 'OTHER' }) } }), 401, 'SIGNATURE_INVALID');
    expectError(await t.call(cred, 'GET', COMMANDS, { query: 'limit=5', tamper: { query: 'limit=6' } }), 401, 'SIGNATURE_INVALID');
    expectError(await t.call(cred, 'GET', COMMANDS, { tamper: { path: DEVICE_REQUESTS } }), 401, 'SIGNATURE_INVALID');
    const good = signRequest({ method: 'GET', path: COMMANDS, apiId: cred.api_id, apiKey: cred.api_key });
    const r = await fetch(t.url + COMMANDS, { headers: { ...good, 'X-Api-Signature': good['X-Api-Signature'].toUpperCase() } });
    expect((await r.json()).code).toBe('SIGNATURE_INVALID');
    expectError(await t.call(cred, 'GET', COMMANDS, { tamper: { signature: 'abc' } }), 401, 'SIGNATURE_INVALID');
  });
  it('the query is canonicalised: any order and escaping of the same pairs verifies', async () => {
    const r = await t.call(cred, 'GET', COMMANDS, { query: 'status=SUCCEEDED&limit=5&device_id=dock%20A%21' });
    expect(r.status).toBe(200);
    const h = signRequest({ method: 'GET', path: COMMANDS, query: 'device_id=dock%20A!&limit=5&status=SUCCEEDED', apiId: cred.api_id, apiKey: cred.api_key });
    const r2 = await fetch(`${t.url}${COMMANDS}?limit=5&status=SUCCEEDED&device_id=dock%20A%21`, { headers: h });
    expect(r2.status).toBe(200);
  });
});

describe('nonce', () => {
  it('reuse within 300 s → 401 NONCE_REPLAYED; another API ID may use the same nonce', async () => {
    const nonce = 'nonce-' + Math.random().toString(36).slice(2);
    expect((await t.call(cred, 'GET', COMMANDS, { nonce })).status).toBe(200);
    expectError(await t.call(cred, 'GET', COMMANDS, { nonce }), 401, 'NONCE_REPLAYED');
    const other = await t.cred();
    expect((await t.call(other, 'GET', COMMANDS, { nonce })).status).toBe(200);
  });
  it('the exact same signed request replayed → NONCE_REPLAYED', async () => {
    const h = signRequest({ method: 'GET', path: COMMANDS, apiId: cred.api_id, apiKey: cred.api_key });
    expect((await fetch(t.url + COMMANDS, { headers: h })).status).toBe(200);
    const r = await fetch(t.url + COMMANDS, { headers: h });
    expect((await r.json()).code).toBe('NONCE_REPLAYED');
  });
  it('a request with a bad signature or expired timestamp does not burn its nonce', async () => {
    const nonce = 'nonce-' + Math.random().toString(36).slice(2);
    expectError(await t.call(cred, 'GET', COMMANDS, { nonce, tamper: { signature: '0'.repeat(64) } }), 401, 'SIGNATURE_INVALID');
    expectError(await t.call(cred, 'GET', COMMANDS, { nonce, timestamp: now() - 1000 }), 401, 'TIMESTAMP_EXPIRED');
    expect((await t.call(cred, 'GET', COMMANDS, { nonce })).status).toBe(200);
  });
});

describe('scopes and devices', () => {
  const ops: [string, string, string, unknown?][] = [
    ['open:command:create', 'POST', COMMANDS, commandBody()],
    ['open:command:read', 'GET', COMMANDS],
    ['open:command:read', 'GET', `${COMMANDS}/00000000-0000-4000-8000-000000000000`],
    ['open:device-request:read', 'GET', DEVICE_REQUESTS],
    ['open:device-request:read', 'GET', `${DEVICE_REQUESTS}/00000000-0000-4000-8000-000000000000`],
    ['open:device-request:create', 'POST', `${DEVICE_REQUESTS}/00000000-0000-4000-8000-000000000000/reply`, { reply_code: 'OK' }],
  ];
  for (const [scope, method, path, body] of ops) {
    it(`${method} ${path.replace(/0{8}-.*?(?=\/|$)/, '{id}')} without ${scope} → 403 FORBIDDEN`, async () => {
      const others = (['open:command:create', 'open:command:read', 'open:device-request:read', 'open:device-request:create'] as const).filter((s) => s !== scope);
      const c = await t.cred({ scopes: [...others] });
      const r = await t.call(c, method, path, { body });
      expectError(r, 403, 'FORBIDDEN');
      expect(r.body.message).toContain(scope);
    });
  }
  it('a device outside the allowed devices → 403 FORBIDDEN; an allowed one → 202', async () => {
    const c = await t.cred({ devices: ['DOCK-ALLOWED-1'] });
    const r = await t.call(c, 'POST', COMMANDS, { body: commandBody({ device_id: 'DOCK-OTHER-1' }) });
    expectError(r, 403, 'FORBIDDEN');
    expect(r.body.message).toContain('DOCK-OTHER-1');
    expect((await t.call(c, 'POST', COMMANDS, { body: commandBody({ device_id: 'DOCK-ALLOWED-1' }) })).status).toBe(202);
  });
  it("another credential's command is 404 COMMAND_NOT_FOUND and absent from its list", async () => {
    const a = await t.cred();
    const b = await t.cred();
    const created = await t.call(a, 'POST', COMMANDS, { body: commandBody() });
    expect(created.status).toBe(202);
    const id = created.body.command_id;
    expect((await t.call(a, 'GET', `${COMMANDS}/${id}`)).status).toBe(200);
    expectError(await t.call(b, 'GET', `${COMMANDS}/${id}`), 404, 'COMMAND_NOT_FOUND');
    expect((await t.call(b, 'GET', COMMANDS)).body.items).toEqual([]);
    expect((await t.call(a, 'GET', COMMANDS)).body.items.map((x: any) => x.command_id)).toEqual([id]);
  });
});

describe('restart', () => {
  it('a nonce used before a restart is still refused after it (nonces live in the store)', async () => {
    const c = await t.cred();
    const h = signRequest({ method: 'GET', path: COMMANDS, apiId: c.api_id, apiKey: c.api_key });
    expect((await fetch(t.url + COMMANDS, { headers: h })).status).toBe(200);
    await t.stop();
    await t.restart();
    const r = await fetch(t.url + COMMANDS, { headers: h });
    expect(r.status).toBe(401);
    expect((await r.json()).code).toBe('NONCE_REPLAYED');
  });
});
