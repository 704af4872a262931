/**
 * The frame the store CLIs share (`npm run credentials`, `npm run devices`): split argv into the
 * subcommand, its own flags and the remaining flags (those of `npm start`: store and config), open
 * the configured store, print what the command returns, close the store.
 */
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../config.js';
import type { Store } from '../store/types.js';

/** argv split: `flags` holds each own flag's values in order (`--x v` and `--x=v` alike). */
export interface SplitArgs {
  cmd: string;
  positional: string[];
  flags: Map<string, string[]>;
  /** Flags that are not the command's own, passed on to `loadConfig`. */
  rest: string[];
}

/**
 * Splits `argv` (after the script name). `own` names the command's flags (without `--`); each
 * takes a value. Throws ConfigError when an own flag has no value.
 */
export function splitCliArgs(argv: string[], own: readonly string[]): SplitArgs {
  const [cmd = '', ...tail] = argv;
  const out: SplitArgs = { cmd, positional: [], flags: new Map(), rest: [] };
  for (let i = 0; i < tail.length; i++) {
    const a = tail[i]!;
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(a);
    if (m && own.includes(m[1]!)) {
      const v = m[2] ?? tail[++i];
      if (v === undefined) throw new ConfigError(`--${m[1]} needs a value`);
      out.flags.set(m[1]!, [...(out.flags.get(m[1]!) ?? []), v]);
    } else if (a.startsWith('--')) {
      out.rest.push(a);
      if (!a.includes('=') && i + 1 < tail.length && !tail[i + 1]!.startsWith('--')) out.rest.push(tail[++i]!);
    } else out.positional.push(a);
  }
  return out;
}

/**
 * Runs `command` against the configured store when `moduleUrl` is the script node was started
 * with (so importing the module for its functions runs nothing). Exit codes: 2 for a ConfigError
 * (its message is printed), 1 for anything else.
 */
export function runStoreCli(moduleUrl: string, parse: (argv: string[]) => { rest: string[] }, command: (store: Store, parsed: never) => Promise<string>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  (async () => {
    const parsed = parse(process.argv.slice(2));
    const config = loadConfig(parsed.rest, process.env);
    const { openStore } = await import('../store/index.js');
    const store = await openStore(config);
    try {
      console.log(await command(store, parsed as never));
    } finally {
      await store.close();
    }
  })().catch((e: unknown) => {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(e instanceof ConfigError ? 2 : 1);
  });
}
