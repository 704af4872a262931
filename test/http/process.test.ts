/**
 * `npm start` as a real process (server/main.ts): prints URLs and a dev credential once, serves
 * signed requests, and on SIGTERM finishes an in-flight long-poll, refuses new connections and
 * exits 0. Also the credentials CLI against the same data dir.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../spec/signing.js';
import { parseCliArgs, runCredentialsCommand } from '../../server/cli/credentials.js';
import { openStore } from '../../server/store/index.js';
import { COMMANDS, commandBody } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-proc-'));
const env = { ...process.env, PORT: '0', MQTT_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function start(): Promise<{ child: ChildProcess; out: () => string; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('gateway did not start:\n' + out)), 15000);
    child.stdout!.on('data', () => {
      const m = /API:\s+(http:\/\/\S+)\/api\/v1\/open/.exec(out);
      if (m && /MQTT:/.test(out)) {
        clearTimeout(timer);
        resolve({ child, out: () => out, url: m[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

function signed(cred: { id: string; key: string }, method: string, path: string, query = '', body?: string) {
  return signRequest({ method, path, query, apiId: cred.id, apiKey: cred.key, body: body ?? '' });
}

describe('npm start', () => {
  it('prints URLs and the dev credential once, serves it, and shuts down gracefully on SIGTERM', async () => {
    const { child, out, url } = await start();
    const id = /API ID:\s+(\S+)/.exec(out())![1];
    const key = /API key:\s+(\S+)/.exec(out())![1];
    expect(out()).toMatch(/docs:\s+http:\/\/127\.0\.0\.1:\d+\/docs/);
    expect(out()).toMatch(/MQTT:\s+mqtt:\/\/127\.0\.0\.1:\d+/);
    // the JSON log lines never carry the key
    expect(out().split('\n').filter((l) => l.startsWith('{')).join('\n')).not.toContain(key);

    const cred = { id, key };
    const body = JSON.stringify(commandBody());
    const postHeaders = signed(cred, 'POST', COMMANDS, '', body);
    const created = await fetch(url + COMMANDS, { method: 'POST', headers: { ...postHeaders, 'Content-Type': 'application/json' }, body });
    expect(created.status).toBe(202);
    const { command_id } = await created.json();

    const path = `${COMMANDS}/${command_id}`;
    const t0 = Date.now();
    const inflight = fetch(`${url}${path}?wait_seconds=2`, { headers: signed(cred, 'GET', path, 'wait_seconds=2') });
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const res = await inflight;
    expect(res.status).toBe(200);
    // one JSON line per request with the request id; never the key or a signature
    const logs = out().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const line = logs.find((l) => l.msg === 'request' && l.method === 'POST');
    expect(line).toMatchObject({ path: COMMANDS, status: 202, api_id: id });
    expect(typeof line.request_id).toBe('string');
    expect(typeof line.duration_ms).toBe('number');
    expect(out()).not.toContain(postHeaders['X-Api-Signature']);
    expect(out().split('\n').filter((l) => l.startsWith('{')).join('\n')).not.toContain(key);
    expect((await res.json()).command_id).toBe(command_id);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1800);
    expect(await exited).toBe(0);
    await expect(fetch(url + '/healthz')).rejects.toThrow();
  });

  it('a second start on the same data dir creates no new credential; the CLI manages credentials', async () => {
    // One real CLI process; the other commands run in-process on the same SQLite file.
    const created = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/credentials.ts', 'create', '--name', 'partner-a', '--scopes', 'open:command:read', '--devices', 'DOCK1,DOCK2'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(created.status, created.stderr).toBe(0);
    const apiId = /API ID:\s+(\S+)/.exec(created.stdout)![1];
    const key = /API key:\s+(\S+)/.exec(created.stdout)![1];
    const store = await openStore({ dataDir });
    const cli = (...argv: string[]) => {
      const { cmd, args } = parseCliArgs(argv);
      return runCredentialsCommand(store, cmd, args);
    };
    const list = await cli('list');
    expect(list).toContain(apiId);
    expect(list).toContain('devices=DOCK1,DOCK2');
    expect(list).not.toContain(key);
    expect(list.split('\n').filter(Boolean)).toHaveLength(2); // dev credential + partner-a
    await expect(cli('create', '--name', 'x', '--scopes', 'open:everything')).rejects.toThrow(/unknown scope/);
    await expect(cli('disable', 'ak_nope')).rejects.toThrow(/no credential/);

    const { child, out, url } = await start();
    try {
      expect(out()).not.toMatch(/API key:/);
      const ok = await fetch(url + COMMANDS, { headers: signed({ id: apiId, key }, 'GET', COMMANDS) });
      expect(ok.status).toBe(200);
      const newKey = /API key:\s+(\S+)/.exec(await cli('rotate', apiId))![1];
      expect(newKey).not.toBe(key);
      expect((await fetch(url + COMMANDS, { headers: signed({ id: apiId, key }, 'GET', COMMANDS) })).status).toBe(401);
      expect((await fetch(url + COMMANDS, { headers: signed({ id: apiId, key: newKey }, 'GET', COMMANDS) })).status).toBe(200);
      expect(await cli('disable', apiId)).toContain('DISABLED');
      expect((await fetch(url + COMMANDS, { headers: signed({ id: apiId, key: newKey }, 'GET', COMMANDS) })).status).toBe(401);
      await cli('enable', apiId);
      expect((await fetch(url + COMMANDS, { headers: signed({ id: apiId, key: newKey }, 'GET', COMMANDS) })).status).toBe(200);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      await store.close();
    }
  });
});
