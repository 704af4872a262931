/**
 * The static API reference: `docs/reference/index.html`, built by `redocly build-docs` (Redoc) from
 * the same OpenAPI document the other emitters use.
 *
 * - One child process per generation (not per command): the CLI costs about 2 s whatever the size.
 * - `--inlineBundle` embeds the Redoc script, so the page works offline and does not change when a
 *   CDN does; the output is then byte-identical for the same document (checked by the tests), so
 *   `--check` can compare it. Redocly's update check and telemetry are turned off (they would wait
 *   on the network).
 * - The input is written to a temp dir; nothing in the tree is touched.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withHeader } from '../header.js';
import type { Emitter, GeneratedFile } from '../context.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Path of the Redocly CLI entry (`@redocly/cli/bin/cli.js`). */
export function redoclyCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
}

/** Environment for Redocly child processes: no update check, no telemetry, no colours. */
export function redoclyEnv(): NodeJS.ProcessEnv {
  return { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', REDOCLY_TELEMETRY: 'off', NO_COLOR: '1', FORCE_COLOR: '0' };
}

/** Run the Redocly CLI with `args`; resolves with stdout+stderr, rejects with them on a non-zero exit. */
export function runRedocly(args: string[], cwd = repoRoot): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [redoclyCli(), ...args], { cwd, env: redoclyEnv(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Render the HTML reference for an OpenAPI document (object). Throws with Redocly's output on failure. */
export async function buildDocsHtml(openapi: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dockgate-docs-'));
  try {
    const input = join(dir, 'openapi.json');
    const output = join(dir, 'index.html');
    await writeFile(input, JSON.stringify(openapi));
    const r = await runRedocly(['build-docs', input, '-o', output, '--config', join(repoRoot, 'redocly.yaml'), '--inlineBundle']);
    if (r.code !== 0) throw new Error(`redocly build-docs failed (exit ${r.code}):\n${r.output}`);
    return await readFile(output, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Attribution logo shown instead of Redoc's CDN images (a data: URI, so the page makes no outside request). */
const LOGO =
  'data:image/svg+xml,' +
  encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="56" height="14"><text x="0" y="11" font-family="sans-serif" font-size="11" fill="#0044D4">Redocly</text></svg>');

/**
 * Make the page fully offline (added for test/docs/browser.test.ts, which fails on console errors):
 * Redoc 3 always loads its attribution logo from cdn.redoc.ly, and without an icon link browsers
 * ask the gateway for /favicon.ico (404). Both would log "Failed to load resource" errors.
 */
export function offlineHtml(html: string): string {
  return html
    .replaceAll('https://cdn.redoc.ly/redoc/logo-mini-full.svg', LOGO)
    .replaceAll('https://cdn.redoc.ly/redoc/logo-mini.svg', LOGO)
    .replace(/<head>/i, '<head>\n  <link rel="icon" href="data:,">');
}

/** Writes `docs/reference/index.html`. */
export const emit: Emitter = async (ctx): Promise<GeneratedFile[]> => {
  const html = offlineHtml(await buildDocsHtml(ctx.openapi));
  return [{ path: 'docs/reference/index.html', content: withHeader('docs/reference/index.html', html, ctx.hash) }];
};
