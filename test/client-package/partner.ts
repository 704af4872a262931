/**
 * A partner's scratch project outside the repository: `npm pack` of packages/client (built first),
 * the tarball installed offline into a fresh folder under os.tmpdir(), and helpers to run `node`
 * and the repository's `tsc` there (package.test.ts); and the partner-side tools the tests install
 * from their own lockfiles (`installLocked`: generators/, runtimes/).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClientPackage } from '../../packages/client/build.js';

export const REPO = join(import.meta.dirname, '..', '..');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` in `cwd`; never rejects (the exit code is in the result). */
export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Installs the lockfile folder `from` (its package.json and package-lock.json) into the new folder
 * `into` with `npm ci` from the npm registry (or npm's cache). Platform packages the machine cannot
 * run are skipped as optional. Throws with npm's output when the install fails.
 */
export async function installLocked(from: string, into: string): Promise<void> {
  mkdirSync(into);
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(from, f), join(into, f));
  // --ignore-scripts: none of these packages needs one (binaries ship inside the packages).
  const install = await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], into, {}, 240_000);
  if (install.code !== 0) throw new Error(`npm ci of ${from} failed:\n${install.stderr}`);
}

export interface Partner {
  dir: string;
  tarball: string;
  /** Writes `files` (name → text) into the project. */
  write(files: Record<string, string>): void;
  node(file: string, env?: Record<string, string>): Promise<Run>;
  /** The repository's tsc with `args`, in the project. */
  tsc(args: string[]): Promise<Run>;
  remove(): void;
}

/**
 * Builds the client into a staging copy of packages/client (its manifest and README, a fresh
 * dist/: test files running at the same time do not share a build folder), packs it, and installs
 * the tarball into a new project with no network.
 */
export async function partnerProject(): Promise<Partner> {
  const dir = mkdtempSync(join(tmpdir(), 'dockgate-partner-'));
  const stage = join(dir, 'stage');
  const packDir = join(dir, 'pack');
  const app = join(dir, 'app');
  for (const d of [stage, packDir, app]) mkdirSync(d);
  for (const f of ['package.json', 'README.md']) copyFileSync(join(REPO, 'packages', 'client', f), join(stage, f));
  await buildClientPackage(join(stage, 'dist'));
  const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], stage);
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'partner-app', version: '1.0.0', private: true }, null, 2));
  const install = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app);
  if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
  return {
    dir: app,
    tarball,
    write: (files) => {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(app, name), text);
    },
    node: (file, env = {}) => run(process.execPath, [file], app, env),
    tsc: (args) => run(process.execPath, [TSC, ...args], app),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
