/**
 * The generator driver: catalog in, list of files out (pure), then write them or check them.
 *
 * `generate()` builds the OpenAPI document once (every emitter shares it through the context),
 * runs every emitter and returns the files sorted by path. `writeOrCheck()` is the only place that
 * touches the output tree. Generation is deterministic: the same catalog gives byte-identical
 * files, which is what `npm run generate -- --check` relies on.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ERROR_CODES, FAILURE_CODES, LIMITS, OPERATIONS, SCOPES, COMMAND_STATUSES } from '../spec/api.js';
import type { CommandDef, DeviceRequestDef } from '../spec/types.js';
import { catalogHash, hasGeneratedHeader } from './header.js';
import { buildOpenApi, type OpenApiDocument } from './emitters/openapi.js';

/** One output file; `path` is relative to the output root with `/` separators. */
export interface GeneratedFile {
  path: string;
  content: string | Uint8Array;
}

/** What every emitter receives. */
export interface GenerateContext {
  commands: CommandDef[];
  deviceRequests: DeviceRequestDef[];
  /** sha256 (first 16 hex) of the catalog's canonical serialisation incl. translate fn sources and spec/api.ts data. */
  hash: string;
  /** Built first, shared by all emitters. Treat as read-only. */
  openapi: OpenApiDocument;
}

/** An emitter: a pure function from the context to files. Modules export it as `emit` (or default). */
export type Emitter = (ctx: GenerateContext) => Promise<GeneratedFile[]> | GeneratedFile[];

/** Output folders the generator owns entirely: files in them that it did not produce are "extra". */
export const MANAGED_DIRS = ['generated', 'docs/reference', 'docs/guides'] as const;

/**
 * Emitter modules under `generator/emitters/`, in start order. Modules that do not exist yet are
 * skipped (the two generator engineers land theirs independently); once present, each must export
 * `emit: Emitter` or a default Emitter. `docs` starts first: it runs Redocly in a child process, so
 * it overlaps with the in-process emitters on the second core.
 */
export const EMITTER_MODULES = ['docs', 'openapi', 'examples', 'types', 'validators', 'client', 'routes', 'guides'] as const;

/**
 * Emitters that run in a worker thread, because they spend seconds loading a compiler (the
 * `types` emitter loads TypeScript through openapi-typescript) and need only JSON data: in a worker
 * that work overlaps with the other emitters on the second core. A worker emitter gets the context
 * through structured clone: `openapi`, `hash`, `deviceRequests` and `commands` as JSON
 * (`wire.translate` functions are dropped).
 */
export const WORKER_EMITTERS: ReadonlySet<string> = new Set(['types']);

const here = dirname(fileURLToPath(import.meta.url));

function emitterFile(name: string): string | undefined {
  return ['.ts', '.js'].map((ext) => join(here, 'emitters', name + ext)).find((f) => existsSync(f));
}

async function loadEmitter(name: string, file: string): Promise<Emitter> {
  const mod = (await import(pathToFileURL(file).href)) as { emit?: Emitter; default?: Emitter };
  const emit = mod.emit ?? mod.default;
  if (typeof emit !== 'function') throw new Error(`generator/emitters/${name}: exports neither emit nor a default Emitter`);
  return emit;
}

// CommonJS source of the worker: registers tsx (so the emitter's TypeScript loads), runs the emitter.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const api = await import(workerData.tsxApi);
  api.register();
  const mod = await import(workerData.module);
  const emit = mod.emit ?? mod.default;
  if (typeof emit !== 'function') throw new Error(workerData.module + ': exports neither emit nor a default Emitter');
  parentPort.postMessage({ files: await emit(workerData.ctx) });
})().catch((e) => parentPort.postMessage({ error: (e && e.stack) || String(e) }));
`;

function runInWorker(name: string, file: string, ctx: GenerateContext): Promise<GeneratedFile[]> {
  const require = createRequire(import.meta.url);
  const data = {
    // The ESM entry of tsx's API (its CommonJS build cannot register ESM hooks in a worker).
    tsxApi: pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href,
    module: pathToFileURL(file).href,
    ctx: { ...ctx, commands: JSON.parse(JSON.stringify(ctx.commands)) as CommandDef[] },
  };
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
    let done = false;
    w.once('message', (m: { files?: GeneratedFile[]; error?: string }) => {
      done = true;
      void w.terminate();
      if (m.error) reject(new Error(`generator/emitters/${name} (worker): ${m.error}`));
      else resolve(m.files ?? []);
    });
    w.once('error', (e) => {
      done = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!done) reject(new Error(`generator/emitters/${name} (worker) exited with code ${code} before answering`));
    });
  });
}

/** The catalog hash: commands, device requests and the API surface data of spec/api.ts. */
export function hashCatalog(commands: CommandDef[], deviceRequests: DeviceRequestDef[]): string {
  return catalogHash({ commands, deviceRequests, api: { OPERATIONS, ERROR_CODES, SCOPES, LIMITS, FAILURE_CODES, COMMAND_STATUSES } });
}

/** Build the shared context (hash + OpenAPI document) without running the emitters. */
export function buildContext(input: { commands: CommandDef[]; deviceRequests: DeviceRequestDef[] }): GenerateContext {
  const hash = hashCatalog(input.commands, input.deviceRequests);
  const openapi = buildOpenApi({ commands: input.commands, deviceRequests: input.deviceRequests, hash });
  return { commands: input.commands, deviceRequests: input.deviceRequests, hash, openapi };
}

/**
 * Run every emitter on the catalog. Pure: writes nothing in the tree (an emitter may use a temp
 * dir). Throws when two emitters produce the same path. `only` restricts to named emitter modules.
 */
export async function generate(
  input: { commands: CommandDef[]; deviceRequests: DeviceRequestDef[] },
  opts: { only?: string[]; timings?: Record<string, number> } = {},
): Promise<GeneratedFile[]> {
  const t0 = performance.now();
  const ctx = buildContext(input);
  if (opts.timings) opts.timings.context = performance.now() - t0;
  const names = EMITTER_MODULES.filter((n) => !opts.only || opts.only.includes(n));
  const results = await Promise.all(
    names.map(async (name) => {
      const file = emitterFile(name);
      if (!file) return [];
      const t = performance.now();
      const files = WORKER_EMITTERS.has(name) ? await runInWorker(name, file, ctx) : await (await loadEmitter(name, file))(ctx);
      if (opts.timings) opts.timings[name] = performance.now() - t;
      return files;
    }),
  );
  const files = results.flat();
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`generate: two emitters produced ${f.path}`);
    if (f.path.startsWith('/') || f.path.includes('..') || f.path.includes('\\')) throw new Error(`generate: bad output path ${f.path}`);
    seen.add(f.path);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function toBytes(c: string | Uint8Array): Buffer {
  return typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * Write `files` under `root`, or (with `check`) compare them with what is there.
 * Returns the stale paths (relative, sorted): files whose bytes differ, missing files, and extra
 * files inside `MANAGED_DIRS` that the generator did not produce. When writing, unchanged files are
 * left untouched, and extra files are deleted only if they carry our generated header (a file
 * someone else put there is reported, never removed).
 */
export async function writeOrCheck(files: GeneratedFile[], root: string, check: boolean): Promise<{ stale: string[] }> {
  const stale: string[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const f of files) {
    const abs = join(root, ...f.path.split('/'));
    const want = toBytes(f.content);
    let have: Buffer | null = null;
    try {
      have = await readFile(abs);
    } catch {
      have = null;
    }
    if (have && have.equals(want)) continue;
    stale.push(f.path);
    if (!check) {
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, want);
    }
  }
  for (const d of MANAGED_DIRS) {
    for (const abs of await listFiles(join(root, ...d.split('/')))) {
      const rel = relative(root, abs).split(sep).join('/');
      if (wanted.has(rel)) continue;
      if (!check) {
        const text = await readFile(abs, 'utf8').catch(() => '');
        if (hasGeneratedHeader(text)) {
          await rm(abs);
          stale.push(rel);
        }
        continue;
      }
      stale.push(rel);
    }
  }
  return { stale: stale.sort() };
}
