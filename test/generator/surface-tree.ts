/**
 * Test support for the TypeScript surfaces (engineer B): generate the document, examples, types,
 * validators, client and routes in memory for a catalog and write them to a fresh temp tree, so
 * tests exercise what the current catalog and generator give, never the checked-in `generated/`.
 *
 * The tree links `node_modules`, `spec/`, `server/` and `client/` to the repository (the generated
 * code imports `spec/api.ts`, the hand-written runtimes `server/validation/`, `server/http/route.ts`,
 * `client/` and runtime packages) and has a tsconfig extending the repo's.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate } from '../../generator/generate.js';
import type { GenerateInput, GeneratedFile } from '../../generator/context.js';
import { catalog } from './helpers.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SurfaceTree {
  dir: string;
  files: GeneratedFile[];
  /** Text of a generated file by its path (`generated/client/index.ts`). */
  text(path: string): string;
  /** Dynamic import of a file of the tree (`generated/server/validators.js`). */
  load<T = any>(path: string): Promise<T>;
  /** Write an extra file (fixtures) into the tree. */
  write(path: string, content: string): string;
  remove(): void;
}

/** Generate the surfaces for `input` (default: the repository catalog and API definition) into a temp tree. */
export async function surfaceTree(input?: GenerateInput): Promise<SurfaceTree> {
  const cat = input ?? (await catalog());
  const files = await generate(cat, { only: ['openapi', 'examples', 'types', 'validators', 'client', 'routes'] });
  const dir = mkdtempSync(join(tmpdir(), 'dockgate-surfaces-'));
  const write = (path: string, content: string | Uint8Array): string => {
    const abs = join(dir, ...path.split('/'));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    return abs;
  };
  for (const f of files) write(f.path, f.content);
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const linked of ['spec', 'server', 'client']) symlinkSync(join(REPO, linked), join(dir, linked), 'dir');
  write('package.json', JSON.stringify({ type: 'module', private: true }));
  write('tsconfig.json', JSON.stringify({ extends: join(REPO, 'tsconfig.json'), include: ['generated', 'fixture'] }));
  return {
    dir,
    files,
    text(path) {
      const f = files.find((x) => x.path === path);
      if (!f) throw new Error(`not generated: ${path}`);
      return typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
    },
    load: (path) => import(pathToFileURL(join(dir, ...path.split('/'))).href),
    write: (path, content) => write(path, content),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
