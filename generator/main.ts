/**
 * `npm run generate [-- --check] [-- --out <dir>]`: reads the catalog (spec/catalog.ts) and writes
 * everything under `generated/` (and the HTML reference under `docs/reference/`).
 *
 * `--check` writes nothing; it lists every stale, missing or extra generated file and exits 1 when
 * there is any (CI gate: "nothing in generated/ is edited by hand").
 * `--out <dir>` writes (or checks) under another root instead of the repository.
 * `--timings` prints how long each emitter took.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API } from '../spec/api.js';
import { commands } from '../spec/catalog.js';
import { deviceRequests } from '../spec/requests.js';
import { UPLINK } from '../spec/uplink/index.js';
import type { GenerateInput } from './context.js';
import { generate, writeOrCheck } from './generate.js';

/** The repository's input: `commands` (spec/catalog.ts), `deviceRequests` (spec/requests.ts), `api` (spec/api.ts), `uplink` (spec/uplink/). */
export async function loadCatalog(): Promise<GenerateInput> {
  return { commands, deviceRequests, api: API, uplink: UPLINK };
}

/** Parsed CLI arguments. Throws with a usage message on an unknown flag. */
export function parseArgs(argv: string[]): { check: boolean; out: string; timings: boolean } {
  let check = false;
  let timings = false;
  let out = resolve(fileURLToPath(new URL('..', import.meta.url)));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--check') check = true;
    else if (a === '--timings') timings = true;
    else if (a === '--out') {
      const v = argv[++i];
      if (!v) throw new Error('--out needs a directory');
      out = resolve(v);
    } else if (a.startsWith('--out=')) out = resolve(a.slice(6));
    else throw new Error(`unknown argument ${a}\nusage: npm run generate [-- --check] [-- --out <dir>] [-- --timings]`);
  }
  return { check, out, timings };
}

async function main(): Promise<number> {
  const { check, out, timings } = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const catalog = await loadCatalog();
  const times: Record<string, number> = {};
  const files = await generate(catalog, { timings: times });
  if (timings) console.log(`timings (ms, emitters overlap): ${Object.entries(times).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}; since start ${Math.round(performance.now())}`);
  const { stale } = await writeOrCheck(files, out, check);
  const ms = Math.round(performance.now() - t0);
  if (check) {
    if (stale.length) {
      console.error(`generate --check: ${stale.length} generated file(s) differ from what the catalog gives:`);
      for (const s of stale) console.error(`  stale: ${s}`);
      console.error('Run `npm run generate` and commit the result (never edit generated files by hand).');
      return 1;
    }
    console.log(`generate --check: ${files.length} files up to date (${catalog.commands.length} commands, ${ms} ms)`);
    return 0;
  }
  console.log(`generate: ${files.length} files, ${stale.length} changed (${catalog.commands.length} commands, ${ms} ms)`);
  for (const s of stale) console.log(`  updated: ${s}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
