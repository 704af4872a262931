/** Request bodies through real HTTP: 413, 415, 400 INVALID_REQUEST_BODY, and the error envelope. */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../spec/api.js';
import { signRequest } from '../../spec/signing.js';
import { COMMANDS, commandBody, startTestGateway, type TestCred, type TestGateway } from './harness.js';

let t: TestGateway;
let cred: TestCred;

beforeAll(async () => {
  t = await startTestGateway();
  cred = await t.cred();
});
afterAll(() => t?.close());

/** POST with a chunked body (no Content-Length), written in `chunks` pieces. */
function postChunked(url: string, headers: Record<string, string>, body: Buffer, chunks = 8): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString('utf8')) }));
    });
    // The server may answer 413 and close before the whole body is written.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    const size = Math.ceil(body.length / chunks);
    for (let i = 0; i < body.length; i += size) req.write(body.subarray(i, i + size));
    req.end();
  });
}

describe('size limit', () => {
  const big = JSON.stringify({ ...commandBody(), pad: 'x'.repeat(LIMITS.maxBodyBytes) });
  it('a declared Content-Length over the limit → 413 PAYLOAD_TOO_LARGE, even before authentication', async () => {
    const signed = await t.call(cred, 'POST', COMMANDS, { body: big });
    expect([signed.status, signed.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const unsigned = await fetch(t.url + COMMANDS, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: big });
    expect(unsigned.status).toBe(413);
    expect((await unsigned.json()).code).toBe('PAYLOAD_TOO_LARGE');
  });
  it('a chunked body over the limit → 413', async () => {
    const body = Buffer.from(big);
    const h = signRequest({ method: 'POST', path: COMMANDS, apiId: cred.api_id, apiKey: cred.api_key, body });
    const r = await postChunked(t.url + COMMANDS, { ...h, 'Content-Type': 'application/json' }, body);
    expect([r.status, r.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
  it('a chunked body within the limit is read whole and verified', async () => {
    const body = Buffer.from(JSON.stringify(commandBody()));
    const h = signRequest({ method: 'POST', path: COMMANDS, apiId: cred.api_id, apiKey: cred.api_key, body });
    const r = await postChunked(t.url + COMMANDS, { ...h, 'Content-Type': 'application/json' }, body, 5);
    expect(r.status).toBe(202);
  });
  it('the server stays healthy afterwards', async () => {
    expect((await fetch(t.url + '/healthz')).status).toBe(200);
  });
});

describe('media type', () => {
  it('a body that is not application/json → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
      const r = await t.call(cred, 'POST', COMMANDS, { body: commandBody(), contentType: ct });
      expect([r.status, r.body.code], ct).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
  });
  it('a body without Content-Type → 415', async () => {
    const r = await t.call(cred, 'POST', COMMANDS, { body: JSON.stringify(commandBody()), contentType: null });
    expect([r.status, r.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });
  it('application/json with charset=utf-8 is fine', async () => {
    expect((await t.call(cred, 'POST', COMMANDS, { body: commandBody(), contentType: 'Application/JSON; charset=UTF-8' })).status).toBe(202);
  });
});

describe('content', () => {
  it('unparsable JSON → 400 INVALID_REQUEST_BODY', async () => {
    for (const body of ['{"vendor":', 'not json', '{"a":1}}', '\ufeff{}']) {
      const r = await t.call(cred, 'POST', COMMANDS, { body });
      expect([r.status, r.body.code], body).toEqual([400, 'INVALID_REQUEST_BODY']);
    }
  });
  it('invalid UTF-8 → 400 INVALID_REQUEST_BODY', async () => {
    const body = Buffer.concat([Buffer.from('{"vendor":"dji","device_id":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const r = await t.call(cred, 'POST', COMMANDS, { body: new Uint8Array(body) });
    expect([r.status, r.body.code]).toEqual([400, 'INVALID_REQUEST_BODY']);
    expect(r.body.message).toMatch(/UTF-8/);
  });
  it('an empty body → 400 INVALID_REQUEST_BODY', async () => {
    const r = await t.call(cred, 'POST', COMMANDS, { body: '' });
    expect([r.status, r.body.code]).toEqual([400, 'INVALID_REQUEST_BODY']);
  });
  it('JSON that is not an object → 400 VALIDATION_FAILED', async () => {
    for (const body of ['[]', '42', 'null', '"x"']) {
      const r = await t.call(cred, 'POST', COMMANDS, { body });
      expect([r.status, r.body.code], body).toEqual([400, 'VALIDATION_FAILED']);
    }
  });
  it('an unauthenticated malformed body gets 401, not a parse error', async () => {
    const r = await fetch(t.url + COMMANDS, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{{{' });
    expect(r.status).toBe(401);
  });
});

describe('malformed HTTP never hurts', () => {
  it('huge headers → 431 from the HTTP parser; the server stays up', async () => {
    const r = await fetch(t.url + '/healthz', { headers: { 'X-Big': 'x'.repeat(64 * 1024) } }).catch(() => null);
    if (r) expect(r.status).toBe(431);
    expect((await fetch(t.url + '/healthz')).status).toBe(200);
  });
  it('a fuzz run of signed garbage bodies gets only 4xx answers in the envelope', async () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const samples: (string | Uint8Array)[] = [
      '['.repeat(100_000),
      '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
      JSON.stringify({ ...commandBody(), payload: { action: { deep: [[[[[[1]]]]]] } } }),
      JSON.stringify({ ...commandBody(), payload: null }),
      JSON.stringify({ ...commandBody(), device_id: 'x'.repeat(5000) }),
      JSON.stringify({ ...commandBody(), idempotency_key: '' }),
      JSON.stringify(commandBody()).replace(/^\{/, '{"__proto__":{"admin":true},"constructor":{"prototype":{}},'),
      '{"vendor":"dji","vendor":"dji"}',
      '\u0000\u0001{}',
    ];
    for (let i = 0; i < 60; i++) {
      const len = Math.floor(rnd() * 400);
      samples.push(new Uint8Array(Array.from({ length: len }, () => Math.floor(rnd() * 256))));
      const ascii = Array.from({ length: len }, () => '{}[]":,0123456789truefalsnul abc\\'[Math.floor(rnd() * 34)]).join('');
      samples.push(ascii);
    }
    const statuses = new Set<number>();
    for (const body of samples) {
      const r = await t.call(cred, 'POST', COMMANDS, { body });
      statuses.add(r.status);
      expect(r.status, String(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(typeof r.body.code).toBe('string');
    }
    expect([...statuses].every((s) => [400, 409].includes(s))).toBe(true);
    expect((await fetch(t.url + '/readyz')).status).toBe(200);
  });
});
