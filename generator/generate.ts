/**
 * The generator driver: the catalog and the API definition in, a list of files out (pure), then
 * write them or check them.
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
import { pathToFileURL } from 'node:url';
import type { GenerateContext, GeneratedFile, GenerateInput } from './context.js';
import { EMITTERS } from './emitters/index.js';
import { catalogHash, hasGeneratedHeader } from './header.js';
import { buildOpenApi } from './openapi/document.js';
import { UPLINK } from '../spec/uplink/index.js';

/** Output folders the generator owns entirely: files in them that it did not produce are "extra". */
export const MANAGED_DIRS = ['generated', 'docs/reference', 'docs/guides'] as const;

// CommonJS source of the worker: registers tsx (so the emitter's TypeScript loads), runs the emitter.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const api = await import(workerData.tsxApi);
  api.register();
  const mod = await import(workerData.module);
  parentPort.postMessage({ files: await mod.emit(workerData.ctx) });
})().catch((e) => parentPort.postMessage({ error: (e && e.stack) || String(e) }));
`;

/**
 * Run the emitter module at `module` in a worker thread. The context crosses by structured clone,
 * with `commands` as JSON (`wire.translate` functions are dropped).
 */
function runInWorker(name: string, module: URL, ctx: GenerateContext): Promise<GeneratedFile[]> {
  const require = createRequire(import.meta.url);
  const data = {
    // The ESM entry of tsx's API (its CommonJS build cannot register ESM hooks in a worker).
    tsxApi: pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href,
    module: module.href,
    ctx: { ...ctx, commands: JSON.parse(JSON.stringify(ctx.commands)) as GenerateContext['commands'] },
  };
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
    let done = false;
    w.once('message', (m: { files?: GeneratedFile[]; error?: string }) => {
      done = true;
      void w.terminate();
      if (m.error) reject(new Error(`generator emitter ${name} (worker): ${m.error}`));
      else resolve(m.files ?? []);
    });
    w.once('error', (e) => {
      done = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!done) reject(new Error(`generator emitter ${name} (worker) exited with code ${code} before answering`));
    });
  });
}

/** The hash every generated header carries: over the commands, the device requests, the API definition and the uplink catalog. */
export function hashCatalog(input: GenerateInput): string {
  return catalogHash({ commands: input.commands, deviceRequests: input.deviceRequests, api: input.api, uplink: input.uplink ?? UPLINK });
}

/** Build the shared context (hash + OpenAPI document) without running the emitters. */
export function buildContext(input: GenerateInput): GenerateContext {
  const hash = hashCatalog(input);
  return { ...input, hash, openapi: buildOpenApi({ ...input, hash }) };
}

/**
 * Run every emitter (`EMITTERS`) on the input. Pure: writes nothing in the tree (an emitter may use
 * a temp dir). Throws when two emitters produce the same path. `only` restricts to named emitters;
 * `timings` receives the milliseconds per emitter (they overlap) and for building the context.
 */
export async function generate(input: GenerateInput, opts: { only?: string[]; timings?: Record<string, number> } = {}): Promise<GeneratedFile[]> {
  const t0 = performance.now();
  const ctx = buildContext(input);
  if (opts.timings) opts.timings.context = performance.now() - t0;
  const entries = EMITTERS.filter((e) => !opts.only || opts.only.includes(e.name));
  const results = await Promise.all(
    entries.map(async (e) => {
      const t = performance.now();
      const files = 'worker' in e ? await runInWorker(e.name, e.worker, ctx) : await e.emit(ctx);
      if (opts.timings) opts.timings[e.name] = performance.now() - t;
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
