/**
 * `@dockgate/client` as a partner meets it (issue 14): the package is built and packed, the tarball
 * is installed with no network into a fresh project outside the repository, and from there
 * (a) it imports from plain `.mjs` and `.cjs`, (b) a TypeScript file type-checks with `tsc` under
 * `module: nodenext` while a wrong payload field is a compile error naming the field, and (c) the
 * `.mjs`, `.cjs` and compiled `.mts` programs send a signed command to a running mock and wait for
 * its end; (d) so does the `.mjs` program on Bun and on Deno (the Linux x64 binaries npm ships,
 * installed from test/client-package/runtimes/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/http/logger.js';
import { mockConfig, startMock, type MockServer } from '../../mock/server.js';
import { installLocked, partnerProject, REPO, run, type Partner } from './partner.js';

let partner: Partner;
let mock: MockServer;

beforeAll(async () => {
  [partner, mock] = await Promise.all([
    partnerProject(),
    startMock(mockConfig([], { PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent' }), { logger: createLogger('silent') }),
  ]);
}, 60_000);

/** Installs Bun and Deno beside the partner project; throws when this platform has no binary for one. */
async function runtimes(): Promise<{ bun: string; deno: string }> {
  const into = join(partner.dir, '..', 'runtimes');
  await installLocked(join(import.meta.dirname, 'runtimes'), into);
  const found = { bun: join(into, 'node_modules', '@oven', 'bun-linux-x64', 'bin', 'bun'), deno: join(into, 'node_modules', '@deno', 'linux-x64-glibc', 'deno') };
  for (const [name, path] of Object.entries(found)) {
    if (!existsSync(path)) throw new Error(`no ${name} binary for ${process.platform}-${process.arch} in test/client-package/runtimes`);
  }
  return found;
}

afterAll(async () => {
  await mock?.close();
  partner?.remove();
});

/** The same program in both module systems: cover_open (progress-tracked) and its end, then a 404 as DockgateApiError. */
const program = (load: string) => `${load}
const client = createDockgateClient({ baseUrl: process.env.DOCKGATE_URL, apiId: 'sandbox', apiKey: 'sandbox-secret' });
async function main() {
  const created = await client.commands.cover_open({ device_id: 'PKG-DOCK-1', payload: {} });
  if (created.error) throw new Error(created.error.code);
  const done = await client.waitForCommand(created.data.command_id, { timeoutMs: 30000 });
  const missing = await client.waitForCommand('00000000-0000-4000-8000-000000000000').catch((e) => e);
  console.log(JSON.stringify({ status: created.response.status, final: done.status, type: done.command_type, error: missing instanceof DockgateApiError ? missing.error.code : String(missing) }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

describe('@dockgate/client from its packed tarball', () => {
  it('packs a dependency-free package whose version is the API version, with ESM, CommonJS and declarations', () => {
    const manifest = JSON.parse(readFileSync(join(partner.dir, 'node_modules', '@dockgate', 'client', 'package.json'), 'utf8'));
    const openapi = JSON.parse(readFileSync(join(REPO, 'generated', 'openapi.json'), 'utf8'));
    expect(manifest.version).toBe(openapi.info.version);
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.exports['.']).toEqual({
      import: { types: './dist/index.d.ts', default: './dist/index.mjs' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    });
    expect(readFileSync(join(partner.dir, 'node_modules', '@dockgate', 'client', 'README.md'), 'utf8')).toContain('npm install');
    const bundle = readFileSync(join(partner.dir, 'node_modules', '@dockgate', 'client', 'dist', 'index.mjs'), 'utf8');
    expect(bundle).not.toMatch(/from ['"]node:|require\(['"]node:/);
  });

  it('(a) imports from plain .mjs and .cjs', async () => {
    partner.write({
      'exports.mjs': `import * as c from '@dockgate/client';\nconsole.log(Object.keys(c).sort().join(' '), c.COMMAND_TYPES.length);\n`,
      'exports.cjs': `const c = require('@dockgate/client');\nconsole.log(Object.keys(c).sort().join(' '), c.COMMAND_TYPES.length);\n`,
    });
    const esm = await partner.node('exports.mjs');
    const cjs = await partner.node('exports.cjs');
    expect(esm.stderr).toBe('');
    expect(esm.stdout.trim()).toBe('COMMAND_TYPES DockgateApiError WebhookVerificationError createDockgateClient signFetchRequest verifyWebhook 83');
    expect(cjs).toEqual(esm);
  });

  it('(b) type-checks under module nodenext; a wrong payload field is a compile error naming it', async () => {
    const tsconfig = (files: string[], noEmit: boolean) =>
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit, outDir: 'out', lib: ['es2022', 'dom'], types: [] }, files });
    partner.write({
      'send.mts': [
        "import { createDockgateClient, DockgateApiError, type Command, type CommandInput } from '@dockgate/client';",
        "declare const process: { env: Record<string, string | undefined>; exit(code: number): never };",
        "const client = createDockgateClient({ baseUrl: process.env.DOCKGATE_URL ?? '', apiId: 'sandbox', apiKey: 'sandbox-secret', retries: 1, timeoutMs: 10_000 });",
        "const aim: CommandInput<'camera_aim'> = { device_id: 'PKG-DOCK-3', payload: { payload_index: '81-0-0', camera_type: 'zoom', locked: false, x: 0.62, y: 0.41 } };",
        'void aim;',
        "const created = await client.commands.debug_mode_open({ device_id: 'PKG-DOCK-3', payload: {} });",
        'if (created.error) throw new DockgateApiError(created.response.status, created.error);',
        'const done: Command = await client.waitForCommand(created.data.command_id, { timeoutMs: 30_000 });',
        "console.log(JSON.stringify({ status: created.response.status, final: done.status, type: done.command_type }));",
        '',
      ].join('\n'),
      'send.cts': "import { createDockgateClient } from '@dockgate/client';\nexport const client = createDockgateClient({ baseUrl: 'http://127.0.0.1:1', apiId: 'a', apiKey: 'k' });\nexport const call = () => client.commands.cover_open({ device_id: 'd', payload: {} });\n",
      'wrong.mts': [
        "import { createDockgateClient } from '@dockgate/client';",
        "const client = createDockgateClient({ baseUrl: 'http://127.0.0.1:1', apiId: 'a', apiKey: 'k' });",
        "await client.commands.camera_aim({ device_id: 'd', payload: { payload_index: '81-0-0', camera_type: 'zoom', locked: false, x: 0.62, y: 0.41, zoom_factor: 2 } });",
        "await client.commands.cover_open({ device_id: 'd', payload: { force: true } });",
        "await client.commands.camera_aim({ device_id: 'd', payload: { payload_index: '81-0-0', camera_type: 'thermal', locked: false, x: 0.62, y: 0.41 } });",
        '',
      ].join('\n'),
      'tsconfig.json': tsconfig(['send.mts', 'send.cts'], false),
      'tsconfig.wrong.json': tsconfig(['wrong.mts'], true),
    });
    const good = await partner.tsc(['-p', 'tsconfig.json', '--pretty', 'false']);
    expect(good.stdout + good.stderr).toBe('');
    expect(good.code).toBe(0);
    const bad = await partner.tsc(['-p', 'tsconfig.wrong.json', '--pretty', 'false']);
    expect(bad.code).not.toBe(0);
    const errors = bad.stdout.trim().split('\n');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^wrong\.mts\(3,\d+\): error TS2353: .*'zoom_factor' does not exist/);
    expect(errors[1]).toMatch(/^wrong\.mts\(4,\d+\): error TS2353: .*'force' does not exist in type 'EmptyPayload'/);
    expect(errors[2]).toMatch(/^wrong\.mts\(5,\d+\): error TS2322: Type '"thermal"' is not assignable to type '"zoom" \| "ir" \| "wide"'/);
  }, 60_000);

  it('(c) sends a signed command to the mock and waits for its end, from .mjs, .cjs and the compiled .mts', async () => {
    partner.write({
      'send.mjs': program("import { createDockgateClient, DockgateApiError } from '@dockgate/client';"),
      'send.cjs': program("const { createDockgateClient, DockgateApiError } = require('@dockgate/client');"),
    });
    const env = { DOCKGATE_URL: mock.url };
    const [esm, cjs] = await Promise.all([partner.node('send.mjs', env), partner.node('send.cjs', env)]);
    for (const r of [esm, cjs]) {
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({ status: 202, final: 'SUCCEEDED', type: 'cover_open', error: 'COMMAND_NOT_FOUND' });
    }
    // send.mts was compiled to out/send.mjs by the type-check above.
    const ts = await partner.node(join('out', 'send.mjs'), env);
    expect(ts.stderr).toBe('');
    expect(JSON.parse(ts.stdout)).toEqual({ status: 202, final: 'SUCCEEDED', type: 'debug_mode_open' });
  }, 60_000);

  it('(d) the .mjs program runs on Bun and on Deno', async () => {
    const { bun, deno } = await runtimes();
    const env = { DOCKGATE_URL: mock.url, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' };
    // send.mjs is the program of (c); Deno reads node_modules through the project's package.json.
    const [onBun, onDeno] = await Promise.all([
      run(bun, ['send.mjs'], partner.dir, env),
      run(deno, ['run', '--allow-net', '--allow-env', '--allow-read', 'send.mjs'], partner.dir, env),
    ]);
    for (const r of [onBun, onDeno]) {
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({ status: 202, final: 'SUCCEEDED', type: 'cover_open', error: 'COMMAND_NOT_FOUND' });
    }
  }, 300_000);
});
