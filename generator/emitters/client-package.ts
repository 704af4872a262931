/**
 * Emits `packages/client/package.json`, the manifest of the `@dockgate/client` package
 * (packages/client/README.md): its version is the API's (`info.version` of the document), so a
 * spec version bump moves the package with it. The package's code is built, not generated:
 * `npm run build:client` bundles `generated/client/index.ts` and the runtime in `client/` into
 * `packages/client/dist/` (packages/client/build.ts).
 */
import { CLIENT_PACKAGE } from '../../spec/api.js';
import type { Emitter, GeneratedFile } from '../context.js';
import { jsonWithHeader } from '../header.js';

export const CLIENT_PACKAGE_MANIFEST = 'packages/client/package.json';

/** Entry points built by packages/client/build.ts: ESM and CommonJS, each with its declarations. */
const EXPORTS = {
  '.': {
    import: { types: './dist/index.d.ts', default: './dist/index.mjs' },
    require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
  },
  './package.json': './package.json',
};

export const emit: Emitter = (ctx): GeneratedFile[] => {
  const manifest = {
    name: CLIENT_PACKAGE,
    version: String(ctx.openapi.info.version),
    description: `Typed, signed client for the ${String(ctx.openapi.info.title)}: one helper per DJI dock command, waiting for a command's end, retries and timeouts. ESM and CommonJS, no dependencies; runs wherever fetch and Web Crypto do.`,
    license: 'MIT',
    type: 'module',
    // AbortSignal.any (per-attempt timeouts combined with the caller's signal) is in Node ≥ 20.3.
    engines: { node: '>=20.3' },
    sideEffects: false,
    main: './dist/index.cjs',
    module: './dist/index.mjs',
    types: './dist/index.d.ts',
    exports: EXPORTS,
    files: ['dist', 'README.md'],
    keywords: ['dji', 'dock', 'drone', 'openapi', 'dockgate'],
  };
  return [{ path: CLIENT_PACKAGE_MANIFEST, content: jsonWithHeader(manifest, ctx.hash) }];
};

export default emit;
