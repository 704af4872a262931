/**
 * Device registry management: `npm run devices -- <command>` (store from DATA_DIR / DATABASE_URL,
 * flags as for `npm start`).
 *
 *   add <sn> [--kind dock] [--model 3-2-0] [--credential <api_id>]…   register a dock; prints its MQTT login once
 *   list                                                               docks and the aircraft they announced
 *   rotate <sn>                                                        new MQTT password, the old one stops working
 *   remove <sn>                                                        forget a dock (and its aircraft)
 *   export-mosquitto <dir> [--gateway-user dockgate]                   Mosquitto password file + ACL file
 *
 * Aircraft are not added here: a registered dock's `update_topo` registers them. The password is
 * printed only by add and rotate; the store keeps its hashes (server/devices/secrets.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DOWNLINK_KINDS, UPLINK_KINDS, isValidSn } from '../../spec/topics.js';
import { ConfigError } from '../config.js';
import { runStoreCli, splitCliArgs } from './run.js';
import { DeviceRegistrationError, registerDock, rotateDock } from '../devices/register.js';
import type { Store } from '../store/types.js';
import type { DeviceRecord } from '../store/types/devices.js';

export interface DevicesArgs {
  positional: string[];
  kind?: string;
  model?: string;
  credential: string[];
  'gateway-user'?: string;
}

const USAGE = `usage: npm run devices -- add <sn> [--kind dock] [--model DOMAIN-TYPE-SUBTYPE] [--credential API_ID]…
       npm run devices -- list
       npm run devices -- rotate|remove <sn>
       npm run devices -- export-mosquitto <dir> [--gateway-user dockgate]
(store options as for npm start: --data-dir, --database-url)`;

/** Every device, all pages. */
async function allDevices(store: Store): Promise<DeviceRecord[]> {
  const out: DeviceRecord[] = [];
  let cursor: string | undefined;
  do {
    const p = await store.devices.list({ limit: 500, cursor });
    out.push(...p.items);
    cursor = p.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

function describe(d: DeviceRecord): string {
  const where = d.kind === 'aircraft' ? `dock=${d.dock_sn}` : `mqtt_login=${d.mqtt_password_hash ? 'yes' : 'no'}`;
  return `${d.sn}  ${d.kind.padEnd(8)}  model=${d.model_key ?? '?'}  ${where}  credentials=${d.credentials.join(',') || '-'}  created=${d.created_at}`;
}

const loginText = (sn: string, password: string, what: string) =>
  `MQTT username: ${sn}\nMQTT password: ${password}\n(the password is shown only now${what})`;

/** What a dock writes (uplink, plus the telemetry pushes and property-set replies) and reads (downlink). */
const DOCK_WRITES = [...UPLINK_KINDS, 'osd', 'state', 'property/set_reply'];
const DOCK_READS = [...DOWNLINK_KINDS, 'state_reply'];
/** Topic of `sn` for a kind, `sys/` for status and status_reply (spec/topics.ts), `thing/` for the rest. */
const topicFor = (sn: string, kind: string) => `${kind === 'status' || kind === 'status_reply' ? 'sys' : 'thing'}/product/${sn}/${kind}`;

/**
 * The Mosquitto files for the registered docks: `passwd` (`sn:$7$…` lines, docks registered
 * without a Mosquitto hash left out and named in `skipped`) and `acl`: the gateway user reads every
 * dock's uplink and writes its downlink; each client (`pattern`, `%u` = username = dock SN) only its
 * own topics; each dock also its aircraft's (`user` blocks). Mosquitto checks a `$share/…`
 * subscription against the topic without the share prefix, so the gateway's filters need no rule of their own.
 */
export function mosquittoFiles(devices: DeviceRecord[], gatewayUser: string): { passwd: string; acl: string; skipped: string[] } {
  const docks = devices.filter((d) => d.kind === 'dock').sort((a, b) => (a.sn < b.sn ? -1 : 1));
  const skipped = docks.filter((d) => !d.mosquitto_password_hash).map((d) => d.sn);
  const passwd = docks.filter((d) => d.mosquitto_password_hash).map((d) => `${d.sn}:${d.mosquitto_password_hash}\n`).join('');
  const rules = (sn: string, prefix: 'pattern' | 'topic') => [
    ...DOCK_WRITES.map((k) => `${prefix} write ${topicFor(sn, k)}`),
    ...DOCK_READS.map((k) => `${prefix} read ${topicFor(sn, k)}`),
  ];
  const acl = [
    '# Written by `npm run devices -- export-mosquitto` (docs/deployment.md): each dock may use only its own and its aircraft\'s topics.',
    `user ${gatewayUser}`,
    ...[...UPLINK_KINDS, 'osd', 'state'].map((k) => `topic read ${topicFor('+', k)}`),
    ...DOWNLINK_KINDS.map((k) => `topic write ${topicFor('+', k)}`),
    '',
    '# Every client, i.e. each dock: the topics of its own SN.',
    ...rules('%u', 'pattern'),
    '',
    ...docks.flatMap((d) => {
      const aircraft = devices.filter((a) => a.kind === 'aircraft' && a.dock_sn === d.sn).map((a) => a.sn).sort();
      return aircraft.length ? [`user ${d.sn}`, ...aircraft.flatMap((sn) => rules(sn, 'topic')), ''] : [];
    }),
  ].join('\n');
  return { passwd, acl, skipped };
}

/** Runs one CLI command against `store`; returns the text to print. Throws ConfigError on bad usage. */
export async function runDevicesCommand(store: Store, cmd: string, args: DevicesArgs): Promise<string> {
  const sn = args.positional[0];
  switch (cmd) {
    case 'add': {
      if (!sn) throw new ConfigError('add needs a dock SN');
      if (args.kind !== undefined && args.kind !== 'dock') {
        throw new ConfigError(`--kind ${args.kind}: only docks are added here; aircraft are registered by their dock's update_topo`);
      }
      try {
        const { device, login } = await registerDock(store, { sn, model_key: args.model ?? null, credentials: args.credential });
        return `${describe(device)}\n${loginText(login.username, login.password, '')}`;
      } catch (e) {
        if (e instanceof DeviceRegistrationError) throw new ConfigError(e.message);
        throw e;
      }
    }
    case 'list': {
      const all = await allDevices(store);
      return all.length === 0 ? 'no devices' : all.map(describe).join('\n');
    }
    case 'rotate': {
      if (!sn) throw new ConfigError('rotate needs a dock SN');
      const login = await rotateDock(store, sn);
      if (!login) throw new ConfigError(`no dock ${sn}`);
      return loginText(login.username, login.password, '; the old one no longer works');
    }
    case 'remove': {
      if (!sn) throw new ConfigError('remove needs an SN');
      if (!(await store.devices.remove(sn))) throw new ConfigError(`no device ${sn}`);
      return `removed ${sn}`;
    }
    case 'export-mosquitto': {
      if (!sn) throw new ConfigError('export-mosquitto needs a directory');
      const gatewayUser = args['gateway-user'] ?? 'dockgate';
      if (!isValidSn(gatewayUser)) throw new ConfigError(`--gateway-user must be a plain name (A-Z a-z 0-9 . _ -), got ${JSON.stringify(gatewayUser)}`);
      const dir = resolve(sn);
      const files = mosquittoFiles(await allDevices(store), gatewayUser);
      mkdirSync(dir, { recursive: true });
      // The password file holds hashes only, but nobody else needs to read it.
      writeFileSync(join(dir, 'passwd'), files.passwd, { mode: 0o600 });
      writeFileSync(join(dir, 'acl'), files.acl, { mode: 0o600 });
      const lines = [`wrote ${join(dir, 'passwd')} and ${join(dir, 'acl')}`];
      if (files.skipped.length) lines.push(`docks without a Mosquitto hash (rotate them to include them): ${files.skipped.join(', ')}`);
      lines.push(`add dockgate's own login with: mosquitto_passwd -b ${join(dir, 'passwd')} ${gatewayUser} <password>`);
      return lines.join('\n');
    }
    default:
      throw new ConfigError(USAGE);
  }
}

/** Splits CLI args into the subcommand, its own flags, and the remaining store/config flags. */
export function parseDevicesArgs(argv: string[]): { cmd: string; args: DevicesArgs; rest: string[] } {
  const { cmd, positional, flags, rest } = splitCliArgs(argv, ['kind', 'model', 'credential', 'gateway-user']);
  const last = (k: string) => flags.get(k)?.at(-1);
  const credential = (flags.get('credential') ?? []).flatMap((v) => v.split(',').map((x) => x.trim()).filter(Boolean));
  return { cmd, args: { positional, kind: last('kind'), model: last('model'), credential, 'gateway-user': last('gateway-user') }, rest };
}

runStoreCli(import.meta.url, parseDevicesArgs, (store, { cmd, args }: ReturnType<typeof parseDevicesArgs>) => runDevicesCommand(store, cmd, args));
