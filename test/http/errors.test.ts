/** The error envelope, request ids, validation errors, health, spec and docs routes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, commandBody, startTestGateway, type TestCred, type TestGateway } from './harness.js';

let t: TestGateway;
let cred: TestCred;

beforeAll(async () => {
  t = await startTestGateway();
  cred = await t.cred();
});
afterAll(() => t?.close());

describe('error envelope', () => {
  it('has exactly code, message, request_id (and details for validation), no stack', async () => {
    const r = await t.call(cred, 'GET', `${COMMANDS}/00000000-0000-4000-8000-000000000000`);
    expect(r.status).toBe(404);
    expect(Object.keys(r.body).sort()).toEqual(['code', 'message', 'request_id']);
    expect(r.body.code).toBe('COMMAND_NOT_FOUND');
    expect(r.text).not.toMatch(/at .*\.ts:\d+/);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
  });
  it('unknown routes → 404 NOT_FOUND in the envelope', async () => {
    const r = await fetch(t.url + '/nope');
    expect(r.status).toBe(404);
    const b = await r.json();
    expect(b.code).toBe('NOT_FOUND');
    expect(b.request_id).toBe(r.headers.get('x-request-id'));
  });
  it('an unknown route under /api/v1/open is authenticated first, then 404', async () => {
    expect((await fetch(t.url + '/api/v1/open/nope')).status).toBe(401);
    const r = await t.call(cred, 'GET', '/api/v1/open/nope');
    expect([r.status, r.body.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('X-Request-Id', () => {
  it('is echoed when sane, on success and on errors', async () => {
    const ok = await fetch(t.url + '/healthz', { headers: { 'X-Request-Id': 'abc-123.X:y_z' } });
    expect(ok.headers.get('x-request-id')).toBe('abc-123.X:y_z');
    const err = await fetch(t.url + COMMANDS, { headers: { 'X-Request-Id': 'req-err-1' } });
    expect(err.status).toBe(401);
    expect(err.headers.get('x-request-id')).toBe('req-err-1');
    expect((await err.json()).request_id).toBe('req-err-1');
  });
  it('is generated when absent or not sane', async () => {
    const a = await fetch(t.url + '/healthz');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const b = await fetch(t.url + '/healthz', { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const c = await fetch(t.url + '/healthz', { headers: { 'X-Request-Id': 'x'.repeat(129) } });
    expect(c.headers.get('x-request-id')).toHaveLength(36);
  });
});

describe('validation', () => {
  it('names each invalid field and rule', async () => {
    const r = await t.call(cred, 'POST', COMMANDS, { body: { ...commandBody({ payload: { action: 9 } }), timeout_seconds: 301 } });
    expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const fields = r.body.details.map((d: any) => d.field);
    expect(fields).toContain('payload.action');
    expect(fields).toContain('timeout_seconds');
    for (const d of r.body.details) expect(Object.keys(d).sort()).toEqual(['field', 'message', 'rule']);
  });
  it('vendor other than dji → 400 UNSUPPORTED_VENDOR; unknown command_type → 400 UNSUPPORTED_COMMAND', async () => {
    const v = await t.call(cred, 'POST', COMMANDS, { body: { ...commandBody(), vendor: 'autel' } });
    expect([v.status, v.body.code]).toEqual([400, 'UNSUPPORTED_VENDOR']);
    const c = await t.call(cred, 'POST', COMMANDS, { body: { ...commandBody(), command_type: 'make_coffee' } });
    expect([c.status, c.body.code]).toEqual([400, 'UNSUPPORTED_COMMAND']);
  });
  it('bad query values → 400 VALIDATION_FAILED; a foreign cursor → VALIDATION_FAILED on cursor', async () => {
    const l = await t.call(cred, 'GET', COMMANDS, { query: 'limit=501' });
    expect([l.status, l.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(l.body.details[0].field).toBe('limit');
    const cur = await t.call(cred, 'GET', COMMANDS, { query: 'cursor=garbage' });
    expect([cur.status, cur.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(cur.body.details[0].field).toBe('cursor');
    const w = await t.call(cred, 'GET', `${COMMANDS}/00000000-0000-4000-8000-000000000000`, { query: 'wait_seconds=31' });
    expect([w.status, w.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('serving', () => {
  it('/healthz is 200 and /readyz reports store and broker', async () => {
    expect(await (await fetch(t.url + '/healthz')).json()).toEqual({ status: 'ok' });
    const r = await fetch(t.url + '/readyz');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ready', store: 'up', mqtt: 'up' });
  });
  it('/openapi.json and /openapi.yaml serve the generated spec', async () => {
    const j = await fetch(t.url + '/openapi.json');
    expect(j.status).toBe(200);
    expect((await j.json()).openapi).toMatch(/^3\.1/);
    const y = await fetch(t.url + '/openapi.yaml');
    expect(y.headers.get('content-type')).toMatch(/yaml/);
    expect(await y.text()).toMatch(/^openapi: /m);
  });
  it('/docs serves the reference; no path escapes the docs folder', async () => {
    const d = await fetch(t.url + '/docs');
    expect([200, 404]).toContain(d.status); // 404 until the reference is built
    const md = await fetch(t.url + '/docs/signing.md');
    expect(md.status).toBe(200);
    expect(await md.text()).toContain('DOCKGATE-HMAC-SHA256');
    expect((await fetch(t.url + '/docs/..%2Fpackage.json')).status).toBe(404);
    expect((await fetch(t.url + '/docs/.env')).status).toBe(404);
  });
});

describe('readiness', () => {
  it('/readyz is 503 naming the broker when it is unreachable; /healthz stays 200', async () => {
    const net = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = await startTestGateway({ MQTT_URL: `mqtt://127.0.0.1:${port}` });
    try {
      const r = await fetch(down.url + '/readyz');
      expect(r.status).toBe(503);
      expect(await r.json()).toEqual({ status: 'unavailable', store: 'up', mqtt: 'down' });
      expect((await fetch(down.url + '/healthz')).status).toBe(200);
    } finally {
      await down.close();
    }
  });
});
