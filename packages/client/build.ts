/**
 * Builds `@dockgate/client` into packages/client/dist/ (`npm run build:client`): the generated
 * typed surface (generated/client/index.ts) and the hand-written runtime (client/, the Web Crypto
 * signer in spec/) with openapi-fetch bundled in, so the package has no dependencies and installs
 * offline.
 *
 * - `dist/index.mjs` (ESM) and `dist/index.cjs` (CommonJS), bundled by esbuild for the `neutral`
 *   platform: an import of a Node built-in on the request path fails the build.
 * - `dist/types/**.d.ts`: declarations emitted by tsc against the DOM library only (no
 *   `@types/node`), so they type-check in a partner's project whatever its runtime; openapi-fetch's
 *   declarations are copied to `dist/types/vendor/` and imported relatively.
 * - `dist/index.d.ts` / `dist/index.d.cts`: the declaration entry points of the `exports` map.
 *
 * dist/ is a build output (not committed, not generated): the manifest beside it is generated
 * (generator/emitters/client-package.ts), the code is built from sources checked by the tests.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkgDir = dirname(fileURLToPath(import.meta.url));
const repo = join(pkgDir, '..', '..');
const entry = join(repo, 'generated', 'client', 'index.ts');
const moduleDir = (name: string) => join(repo, 'node_modules', name);

/** Every `.d.ts` under `dir`. */
function declarations(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? declarations(p) : p.endsWith('.d.ts') ? [p] : [];
  });
}

/** `./x.js`-style relative specifier from the file `from` to the file `to` (without `.d.ts`). */
function specifier(from: string, to: string): string {
  const r = relative(dirname(from), to).replace(/\\/g, '/');
  return r.startsWith('.') ? r : `./${r}`;
}

/**
 * Builds into `dist` (default packages/client/dist). Tests build into a staging copy of the
 * package instead, so builds running at the same time do not share a folder.
 */
export async function buildClientPackage(dist = join(pkgDir, 'dist')): Promise<void> {
  const types = join(dist, 'types');
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version as string;
  const fetchVersion = JSON.parse(readFileSync(join(moduleDir('openapi-fetch'), 'package.json'), 'utf8')).version as string;
  const banner = `/*! @dockgate/client ${version} (MIT). Bundles openapi-fetch ${fetchVersion} and openapi-typescript-helpers (MIT, see THIRD_PARTY_LICENSES). */`;
  for (const format of ['esm', 'cjs'] as const) {
    await build({
      entryPoints: [entry],
      outfile: join(dist, format === 'esm' ? 'index.mjs' : 'index.cjs'),
      bundle: true,
      format,
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: format === 'esm' ? ['import'] : ['require'],
      target: 'es2022',
      banner: { js: banner },
      legalComments: 'none',
      logLevel: 'warning',
    });
  }

  // Declarations: the program of the entry file, against the DOM library only.
  const tsconfig = join(dist, 'tsconfig.build.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [],
        strict: true, skipLibCheck: true, declaration: true, emitDeclarationOnly: true, rootDir: repo, outDir: types,
      },
      files: [entry],
    }),
  );
  try {
    execFileSync(process.execPath, [join(moduleDir('typescript'), 'bin', 'tsc'), '-p', tsconfig], { stdio: 'inherit' });
  } finally {
    rmSync(tsconfig, { force: true });
  }

  // openapi-fetch's types, vendored: the package has no dependencies to resolve them from.
  const vendor = join(types, 'vendor');
  mkdirSync(vendor, { recursive: true });
  const helpers = join(vendor, 'openapi-typescript-helpers.d.ts');
  const fetchTypes = join(vendor, 'openapi-fetch.d.ts');
  copyFileSync(join(moduleDir('openapi-typescript-helpers'), 'dist', 'index.d.ts'), helpers);
  writeFileSync(fetchTypes, readFileSync(join(moduleDir('openapi-fetch'), 'dist', 'index.d.ts'), 'utf8').replace(/(['"])openapi-typescript-helpers\1/g, `'./openapi-typescript-helpers.js'`));
  for (const file of declarations(types)) {
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(/(['"])openapi-fetch\1/g, `'${specifier(file, fetchTypes.replace(/\.d\.ts$/, '.js'))}'`);
    if (fixed !== text) writeFileSync(file, fixed);
  }
  const main = specifier(join(dist, 'index.d.ts'), join(types, 'generated', 'client', 'index.js'));
  writeFileSync(join(dist, 'index.d.ts'), `export * from '${main}';\n`);
  writeFileSync(join(dist, 'index.d.cts'), `export * from '${main}';\n`);

  const licences = ['openapi-fetch', 'openapi-typescript-helpers'].map((m) => `${m}\n\n${readFileSync(join(moduleDir(m), 'LICENSE'), 'utf8').trim()}\n`);
  writeFileSync(join(dist, 'THIRD_PARTY_LICENSES'), licences.join('\n---\n\n'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildClientPackage();
  console.log(`built ${relative(repo, join(pkgDir, 'dist'))}`);
}
