/**
 * Code samples sign correctly: the cURL sample is run by bash (with openssl) against a stub `curl`
 * that prints what it would send, and the signature is checked with spec/signing.ts. The Go sample
 * builds the same canonical string; the TypeScript sample type-checks against the generated client.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalRequest, sign } from '../../spec/signing.js';
import { exampleBody } from '../../generator/openapi/catalog-values.js';
import { commandOperationPath } from '../../generator/openapi/command-union.js';
import { codeSamples, curlSample, goSample } from '../../generator/openapi/samples.js';
import { catalog, syntheticCommand } from './helpers.js';

const repo = join(import.meta.dirname, '..', '..');
const cat = await catalog();
const TO = { baseUrl: cat.api.servers[0]!.url, path: commandOperationPath(cat.api) };

function run(cmd: string, args: string[], env: Record<string, string> = {}, cwd = repo): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env } }, (err, stdout, stderr) => resolve({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr }));
  });
}

/** Run a cURL sample with `curl` replaced by a function printing one argument per line. */
async function runCurlSample(source: string, apiId: string, apiKey: string): Promise<string[]> {
  const script = `curl() { for a in "$@"; do printf '%s\\n' "$a"; done; }\n${source}`;
  const r = await run('bash', ['-c', script], { DOCKGATE_API_ID: apiId, DOCKGATE_API_KEY: apiKey, DOCKGATE_URL: 'http://gw.test:8080' });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.split('\n');
}

describe('code samples', () => {
  it('cURL sample sends the example body with a valid signature (checked with spec/signing.ts)', async () => {
    // A payload with a quote and non-ASCII text exercises shell quoting and byte-exact hashing.
    const c = { ...syntheticCommand(), example: { mode: 1, speed: 3.5, lens: 'ir', label: "it's ünï", target: { height: 10 }, points: [{ x: 1 }] } };
    const body = exampleBody(c, cat.api);
    const apiId = 'ak_test_01';
    const apiKey = 'sk-secret with spaces';
    const args = await runCurlSample(curlSample(body, TO), apiId, apiKey);
    const header = (name: string) => args.find((a) => a.startsWith(`${name}: `))?.slice(name.length + 2);
    expect(args).toContain('http://gw.test:8080/api/v1/open/downlink/commands');
    const sent = args[args.indexOf('--data-binary') + 1]!;
    expect(JSON.parse(sent)).toEqual(body);
    expect(header('X-Api-Id')).toBe(apiId);
    const canonical = canonicalRequest({ method: 'POST', path: '/api/v1/open/downlink/commands', query: '', apiId, timestamp: header('X-Api-Timestamp')!, nonce: header('X-Api-Nonce')!, body: sent });
    expect(header('X-Api-Signature')).toBe(sign(apiKey, canonical));
    expect(Math.abs(Number(header('X-Api-Timestamp')) - Date.now() / 1000)).toBeLessThan(60);
    expect(header('X-Api-Nonce')).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
  });

  it('a wrong key gives a different signature (the check can fail)', async () => {
    const body = exampleBody(cat.commands[0]!, cat.api);
    const args = await runCurlSample(curlSample(body, TO), 'id', 'right-key');
    const header = (name: string) => args.find((a) => a.startsWith(`${name}: `))!.slice(name.length + 2);
    const sent = args[args.indexOf('--data-binary') + 1]!;
    const canonical = canonicalRequest({ method: 'POST', path: '/api/v1/open/downlink/commands', query: '', apiId: 'id', timestamp: header('X-Api-Timestamp'), nonce: header('X-Api-Nonce'), body: sent });
    expect(header('X-Api-Signature')).not.toBe(sign('wrong-key', canonical));
    expect(header('X-Api-Signature')).toBe(sign('right-key', canonical));
  });

  it('Go sample embeds the exact body and the 8-line canonical string', () => {
    const body = exampleBody(cat.commands[0]!, cat.api);
    const go = goSample(body, TO);
    expect(go).toContain(`body := []byte(\`${JSON.stringify(body)}\`)`);
    expect(go).toContain('"DOCKGATE-HMAC-SHA256", "POST", path, "", apiID, ts, nonce, hex.EncodeToString(bodySum[:]),');
    expect(go).toContain('}, "\\n")');
    expect(go).toContain('hmac.New(sha256.New, []byte(apiKey))');
    // A body containing a backtick falls back to an interpreted string literal.
    expect(goSample({ ...body, payload: { s: 'a`b' } }, TO)).toContain(JSON.stringify(JSON.stringify({ ...body, payload: { s: 'a`b' } })));
  });

  const client = join(repo, 'generated/client/index.ts');
  it.runIf(existsSync(client))('TypeScript samples type-check against the generated client', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dockgate-samples-ts-'));
    try {
      const picks = [cat.commands[0]!, ...cat.commands.filter((c) => Object.keys(c.payload).length > 2).slice(0, 3)];
      for (const [i, c] of picks.entries()) {
        const ts = codeSamples(c, exampleBody(c, cat.api), TO).find((s) => s.label === 'TypeScript')!.source;
        await writeFile(join(dir, `sample${i}.mts`), ts.replace("'@dockgate/client'", JSON.stringify(join(repo, 'generated/client/index.js'))) + '\nexport {};\n');
      }
      const r = await run(process.execPath, [
        join(repo, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(repo, 'node_modules/@types'),
        ...picks.map((_, i) => join(dir, `sample${i}.mts`)),
      ]);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
