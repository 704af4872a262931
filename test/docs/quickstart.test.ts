/**
 * docs/quickstart.md is runnable: its shell steps (```sh quickstart blocks, run in order by bash
 * with curl and openssl) and its program (the ```js quickstart.mjs block, run by node in a project
 * outside the repository where the packed `@dockgate/client` is installed, as the guide says) are
 * executed against the real mock server (`startMock`, port 0) and must show what the guide
 * promises: SUCCEEDED, FAILED with DJI code 514107, TIMED_OUT, and a device request answered and
 * received by the simulated dock.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/http/logger.js';
import { mockConfig, startMock, type MockServer } from '../../mock/server.js';
import { partnerProject } from '../client-package/partner.js';

const repo = join(import.meta.dirname, '..', '..');
const markdown = readFileSync(join(repo, 'docs', 'quickstart.md'), 'utf8');

/** Bodies of the fenced blocks whose info string is exactly `info`, in order. */
function blocks(info: string): string[] {
  return [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1].trim() === info).map((m) => m[2]);
}

function run(cmd: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: repo, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

describe('docs/quickstart.md', () => {
  let mock: MockServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dockgate-quickstart-'));
    mock = await startMock(mockConfig([], { PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
  }, 30_000);

  afterAll(async () => {
    await mock?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('documents the sandbox credential the mock really creates', () => {
    expect(mock.credentials.sandbox).toMatchObject({ api_id: 'sandbox', api_key: 'sandbox-secret' });
    expect(markdown).toContain('| API ID | `sandbox` |');
    expect(markdown).toContain('| API key | `sandbox-secret` |');
  });

  it('runs the cURL steps: SUCCEEDED, FAILED 514107, TIMED_OUT, a device request answered', async () => {
    const steps = blocks('sh quickstart');
    expect(steps.length).toBeGreaterThanOrEqual(6);
    const script = join(dir, 'quickstart.sh');
    writeFileSync(script, `set -euo pipefail\n${steps.join('\n')}`);
    const r = await run('bash', [script], { BASE: mock.url }, 40_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
    const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const byStatus = (s: string) => objs.find((o) => o.status === s);
    expect(byStatus('ACCEPTED')).toMatchObject({ command_id: expect.any(String) });
    expect(byStatus('SUCCEEDED')).toMatchObject({ command_type: 'debug_mode_open', response_code: '0', completed_at: expect.any(String) });
    expect(byStatus('FAILED')).toMatchObject({ command_type: 'cover_open', response_code: '514107', failure_code: 'DEVICE_EXECUTION_FAILED', failure_reason: 'dock answered 514107' });
    expect(byStatus('TIMED_OUT')).toMatchObject({ timeout_seconds: 5, failure_code: 'TIMED_OUT', response_received_at: null });
    expect(objs.find((o) => 'items' in o)).toMatchObject({ items: [expect.objectContaining({ request_type: 'flighttask_resource_get', replied_at: null })] });
    expect(objs.find((o) => o.reply_source === 'manual')).toMatchObject({ reply_code: 'APPROVED' });
    // What the simulated dock received on requests_reply (last line of the walkthrough).
    expect(objs.at(-1)).toEqual({ result: 0, output: { file: { url: 'https://example.com/wayline.kmz', fingerprint: '5d41402abc4b2a76b9719d911017c592' } } });
  }, 60_000);

  it('runs the program with the @dockgate/client package installed from its tarball', async () => {
    const [program] = blocks('js quickstart.mjs');
    expect(program).toContain("from '@dockgate/client'");
    expect(markdown).toContain('npm run build:client');
    expect(markdown).toContain('npm install "$CLONE/packages/client"');
    const partner = await partnerProject();
    partner.write({ 'quickstart.mjs': program });
    const r = await partner.node('quickstart.mjs', { DOCKGATE_URL: mock.url }).finally(() => partner.remove());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toMatch(/^cover_open SUCCEEDED response_code=0 +\{"percent":100,"step":"finish","dji_status":"ok"/);
    expect(out[1]).toBe('cover_open FAILED response_code=514107 dock answered 514107 ');
    expect(out[2]).toBe('debug_mode_open TIMED_OUT response_code=null No terminal status within 5 s of acceptance ');
    expect(out[3]).toMatch(/^flighttask_resource_get \{"flight_id":"[^"]+"\}$/);
    expect(out[4]).toMatch(/^replied manual \d{4}-\d\d-\d\dT/);
  }, 60_000);
});
