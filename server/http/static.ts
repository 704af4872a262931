/**
 * Serving built files (the OpenAPI spec, the API reference and guides) without sync fs: each file
 * is read asynchronously on first request and kept in memory (they are small and immutable while
 * the process runs). Only plain relative names are served (no `..`, no hidden files).
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Context } from 'hono';
import { errorResponse } from './errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.yaml': 'application/yaml; charset=utf-8',
  '.yml': 'application/yaml; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};
const SAFE = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** A cached reader over `roots` (first root holding the file wins). */
export function staticFiles(roots: string[]) {
  const cache = new Map<string, Promise<Buffer | null>>();
  function load(name: string): Promise<Buffer | null> {
    let p = cache.get(name);
    if (!p) {
      p = (async () => {
        for (const root of roots) {
          try {
            return await readFile(join(root, name));
          } catch {
            /* try the next root */
          }
        }
        return null;
      })();
      // Missing files are not cached, so files generated after start appear.
      p.then((b) => b === null && cache.delete(name));
      cache.set(name, p);
    }
    return p;
  }
  /** Respond with `name` (relative) or 404 NOT_FOUND. */
  return async function serve(c: Context, name: string): Promise<Response> {
    if (!SAFE.test(name) || name.includes('..')) return errorResponse(c, 'NOT_FOUND', 'No such file.');
    const buf = await load(name);
    if (buf === null) return errorResponse(c, 'NOT_FOUND', `${name} has not been built (run npm run generate).`);
    return c.body(new Uint8Array(buf), 200, { 'Content-Type': TYPES[extname(name)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
  };
}
