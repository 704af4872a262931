/**
 * The partner quick start as a test: `npm run mock` (the real entry point, as a child process),
 * then a signed cURL-equivalent request (raw fetch + spec/signing.ts) and the generated client:
 * SUCCEEDED, FAILED with a chosen DJI code, TIMED_OUT, and a device request injected through the
 * mock-only endpoint, answered through the API, whose requests_reply the simulated dock records.
 * Finally SIGTERM: the process exits 0 and its temporary store is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockgateClient, type DockgateClient } from '../../generated/client/index.js';
import { signRequest } from '../../spec/signing.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCK = `QS${randomUUID().slice(0, 8).toUpperCase()}`;

let child: ChildProcess;
let output = '';
let base = '';
let dataDir = '';
let client: DockgateClient;

/** What `npm run mock` runs (`tsx mock/main.ts`), without npm's own start-up time. */
function startMockProcess(): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', 'mock/main.ts', '--port', '0', '--mqtt-port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock did not start in 20 s:\n${output}`)), 20_000);
    const check = () => {
      const api = /API:\s+(http:\/\/\S+)\/api\/v1\/open/.exec(output);
      const store = /store:\s+(\S+)/.exec(output);
      if (api && store && output.includes('API key:')) {
        clearTimeout(timer);
        base = api[1];
        dataDir = store[1];
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`mock exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  await startMockProcess();
  client = createDockgateClient({ baseUrl: base, apiId: 'sandbox', apiKey: 'sandbox-secret' });
}, 30_000);

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

/** The cURL of the quick start, as fetch: sign the exact bytes, send them. */
async function signedFetch(method: string, pathAndQuery: string, body?: unknown, extra: Record<string, string> = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = { ...signRequest({ method, path: pathAndQuery, apiId: 'sandbox', apiKey: 'sandbox-secret', body: text }), ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + pathAndQuery, { method, headers, body: body === undefined ? undefined : text });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

describe('quick start against npm run mock', () => {
  it('prints the URLs and the sandbox credential', () => {
    expect(output).toMatch(/API ID:\s+sandbox\b/);
    expect(output).toMatch(/API key:\s+sandbox-secret\b/);
    expect(output).toMatch(/MQTT:\s+mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('/docs');
    expect(output).toContain('/mock/v1/docks');
    expect(existsSync(dataDir)).toBe(true);
  });

  it('cURL-equivalent signed request: cover_open → SUCCEEDED', async () => {
    const created = await signedFetch('POST', '/api/v1/open/downlink/commands', {
      vendor: 'dji',
      device_id: DOCK,
      command_type: 'cover_open',
      payload: {},
      idempotency_key: randomUUID(),
    });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('ACCEPTED');
    const done = await signedFetch('GET', `/api/v1/open/downlink/commands/${created.body.command_id}?wait_seconds=10`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'SUCCEEDED', gateway_sn: DOCK, response_code: '0' });
  });

  it('generated client with Prefer: outcome=failed, code=514107 → FAILED with that DJI code', async () => {
    const failing = createDockgateClient({ baseUrl: base, apiId: 'sandbox', apiKey: 'sandbox-secret', headers: { Prefer: 'outcome=failed, code=514107' } });
    const r = await failing.commands.cover_close({ device_id: DOCK, payload: {} });
    expect(r.response.status).toBe(202);
    expect(r.response.headers.get('preference-applied')).toBe('outcome=failed, code=514107');
    const cmd = await client.waitForCommand(r.data!.command_id, { timeoutMs: 10_000 });
    expect(cmd).toMatchObject({ status: 'FAILED', response_code: '514107', failure_code: 'DEVICE_EXECUTION_FAILED' });
  });

  it('cURL-equivalent with ?prefer=outcome%3Dtimeout and timeout_seconds 1 → TIMED_OUT', async () => {
    const created = await signedFetch('POST', '/api/v1/open/downlink/commands?prefer=outcome%3Dtimeout', {
      vendor: 'dji',
      device_id: DOCK,
      command_type: 'debug_mode_open',
      payload: {},
      idempotency_key: randomUUID(),
      timeout_seconds: 1,
    });
    expect(created.status).toBe(202);
    const cmd = await client.waitForCommand(created.body.command_id, { timeoutMs: 10_000 });
    expect(cmd).toMatchObject({ status: 'TIMED_OUT', failure_code: 'TIMED_OUT' });
  });

  it('answers a device request injected through the mock endpoint; the dock records the requests_reply', async () => {
    const injected = await fetch(`${base}/mock/v1/docks/${DOCK}/device-requests`, { method: 'POST', body: JSON.stringify({ request_type: 'flighttask_resource_get' }) });
    expect(injected.status).toBe(201);
    const { request_id, tid } = (await injected.json()) as { request_id: string; tid: string };

    const listed = await client.listDeviceRequests({ device_id: DOCK, request_type: 'flighttask_resource_get' });
    expect(listed.data?.items.map((i) => i.request_id)).toContain(request_id);
    const reply = await client.replyDeviceRequest(request_id, { reply_code: '0', payload: { file: { url: 'https://example.com/wayline.kmz', fingerprint: 'abc' } } });
    expect(reply.response.status).toBe(202);
    expect(reply.data?.reply_source).toBe('manual');

    let recorded: { reply: { tid: string; data: { result: number; output: unknown } } | null } | undefined;
    for (let i = 0; i < 100 && !recorded?.reply; i++) {
      const detail = (await (await fetch(`${base}/mock/v1/docks/${DOCK}`)).json()) as { requests: { message: { tid: string }; reply: { tid: string; data: { result: number; output: unknown } } | null }[] };
      recorded = detail.requests.find((r) => r.message.tid === tid);
      if (!recorded?.reply) await new Promise((r) => setTimeout(r, 25));
    }
    expect(recorded?.reply).toMatchObject({ tid, data: { result: 0, output: { file: { url: 'https://example.com/wayline.kmz' } } } });
  });

  it('stops on SIGTERM with exit code 0 and deletes its store', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  }, 15_000);
});
