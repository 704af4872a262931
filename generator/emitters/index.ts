/**
 * The emitters, in start order. Each runs in-process, except the ones marked `worker`: those run in
 * a worker thread because they spend seconds loading a compiler (the `types` emitter loads
 * TypeScript through openapi-typescript) and need only JSON data, so that work overlaps with the
 * other emitters on a second core. `docs` starts first: it runs Redocly in a child process.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emitter } from '../context.js';
import { emit as client } from './client.js';
import { emit as clientPackage } from './client-package.js';
import { emit as docs } from './docs.js';
import { emit as examples } from './examples.js';
import { emit as guides } from './guides.js';
import { emit as openapi } from './openapi.js';
import { emit as routes } from './routes.js';
import { emit as validators } from './validators.js';

/** An emitter of the table: a function, or a module (exporting `emit`) run in a worker thread. */
export type EmitterEntry = { name: string; emit: Emitter } | { name: string; worker: URL };

// This module's own extension (.ts under tsx, .js once compiled), for the worker's module URL.
const ext = extname(fileURLToPath(import.meta.url));

export const EMITTERS: readonly EmitterEntry[] = [
  { name: 'docs', emit: docs },
  { name: 'openapi', emit: openapi },
  { name: 'examples', emit: examples },
  { name: 'types', worker: new URL(`./types${ext}`, import.meta.url) },
  { name: 'validators', emit: validators },
  { name: 'client', emit: client },
  { name: 'client-package', emit: clientPackage },
  { name: 'routes', emit: routes },
  { name: 'guides', emit: guides },
];
