/**
 * Credential management: `npm run credentials -- <command>` (store from DATA_DIR / DATABASE_URL,
 * flags as for `npm start`).
 *
 *   create --name NAME [--scopes a,b] [--devices D1,D2]   scopes default to all; devices to any
 *   list
 *   rotate <api_id>                                        new key, old one stops working
 *   disable <api_id> | enable <api_id>
 *
 * The API key is printed only by create and rotate; it is stored because HMAC verification needs
 * it, and never logged. Also exports `createCredential` (used by main.ts for the dev credential).
 */
import { randomBytes } from 'node:crypto';
import { SCOPES, type Scope } from '../../spec/api.js';
import { ConfigError } from '../config.js';
import { runStoreCli, splitCliArgs } from './run.js';
import type { Credential, Store } from '../store/types.js';

/** A new API ID (`ak_` + 20 hex) and key (`sk_` + 43 base64url chars = 256 bits). */
export function newKeyPair(): { api_id: string; api_key: string } {
  return { api_id: 'ak_' + randomBytes(10).toString('hex'), api_key: 'sk_' + randomBytes(32).toString('base64url') };
}

/** Parses and checks a comma-separated scope list; throws naming the unknown scope. */
export function parseScopes(s: string | undefined): Scope[] {
  if (s === undefined || s.trim() === '' || s === 'all') return Object.keys(SCOPES) as Scope[];
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const x of list) if (!(x in SCOPES)) throw new ConfigError(`unknown scope ${JSON.stringify(x)}; known: ${Object.keys(SCOPES).join(', ')}`);
  return [...new Set(list)] as Scope[];
}

/** Create and store a credential; returns it with its key (show the key once). */
export async function createCredential(store: Store, o: { name: string; scopes?: Scope[]; allowed_devices?: string[] | null }): Promise<Credential> {
  const now = new Date().toISOString();
  const cred: Credential = {
    ...newKeyPair(),
    name: o.name,
    scopes: o.scopes ?? (Object.keys(SCOPES) as Scope[]),
    allowed_devices: o.allowed_devices ?? null,
    disabled: false,
    created_at: now,
    updated_at: now,
  };
  await store.createCredential(cred);
  return cred;
}

/** One line per credential, no key. */
function describe(c: Credential): string {
  return `${c.api_id}  ${c.disabled ? 'DISABLED' : 'enabled '}  name=${JSON.stringify(c.name)}  scopes=${c.scopes.join(',')}  devices=${c.allowed_devices === null ? '*' : c.allowed_devices.join(',')}  created=${c.created_at}`;
}

const USAGE = `usage: npm run credentials -- create --name NAME [--scopes ${Object.keys(SCOPES).join(',')}] [--devices SN1,SN2]
       npm run credentials -- list
       npm run credentials -- rotate|disable|enable <api_id>
(store options as for npm start: --data-dir, --database-url)`;

/** Runs one CLI command against `store`; returns the text to print. Throws ConfigError on bad usage. */
export async function runCredentialsCommand(store: Store, cmd: string, args: { positional: string[]; name?: string; scopes?: string; devices?: string }): Promise<string> {
  switch (cmd) {
    case 'create': {
      if (!args.name) throw new ConfigError('create needs --name');
      const devices = args.devices === undefined || args.devices === '*' ? null : args.devices.split(',').map((d) => d.trim()).filter(Boolean);
      const c = await createCredential(store, { name: args.name, scopes: parseScopes(args.scopes), allowed_devices: devices });
      return `${describe(c)}\nAPI ID:  ${c.api_id}\nAPI key: ${c.api_key}\n(the key is shown only now)`;
    }
    case 'list': {
      const all = await store.listCredentials();
      return all.length === 0 ? 'no credentials' : all.map(describe).join('\n');
    }
    case 'rotate':
    case 'disable':
    case 'enable': {
      const api_id = args.positional[0];
      if (!api_id) throw new ConfigError(`${cmd} needs an api_id`);
      const now = new Date().toISOString();
      const api_key = cmd === 'rotate' ? newKeyPair().api_key : undefined;
      const patch = cmd === 'rotate' ? { api_key, updated_at: now } : { disabled: cmd === 'disable', updated_at: now };
      const c = await store.updateCredential(api_id, patch);
      if (c === null) throw new ConfigError(`no credential ${api_id}`);
      return cmd === 'rotate' ? `${describe(c)}\nAPI ID:  ${c.api_id}\nAPI key: ${api_key}\n(the key is shown only now; the old key no longer works)` : describe(c);
    }
    default:
      throw new ConfigError(USAGE);
  }
}

/** Splits CLI args into the subcommand, its own flags, and the remaining store/config flags. */
export function parseCliArgs(argv: string[]): { cmd: string; args: { positional: string[]; name?: string; scopes?: string; devices?: string }; rest: string[] } {
  const { cmd, positional, flags, rest } = splitCliArgs(argv, ['name', 'scopes', 'devices']);
  const last = (k: string) => flags.get(k)?.at(-1);
  return { cmd, args: { positional, name: last('name'), scopes: last('scopes'), devices: last('devices') }, rest };
}

runStoreCli(import.meta.url, parseCliArgs, (store, { cmd, args }: ReturnType<typeof parseCliArgs>) => runCredentialsCommand(store, cmd, args));
