/**
 * Gateway configuration from environment variables and command-line flags (flags win).
 * Every option has an env name (`PORT`) and a flag (`--port 8080` or `--port=8080`); the table in
 * docs/configuration.md is this file in prose. Bad values throw a `ConfigError` naming the option.
 */
import { STORAGE_OPTIONS, storageConfig, type StorageConfig } from './missions/storage.js';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { LIMITS } from '../spec/api.js';

/** Resolved configuration. */
export interface Config {
  /** HTTP bind address. */
  host: string;
  /** HTTP port; 0 = ephemeral. */
  port: number;
  /** Folder for the SQLite file (absolute). */
  dataDir: string;
  /** `postgres://…` to use PostgreSQL, `memory:` for the in-memory store (tests, sandboxes); null for `<dataDir>/dockgate.sqlite`. */
  databaseUrl: string | null;
  /** External broker URL (`mqtt://host:1883`); null = start the embedded aedes broker. */
  mqttUrl: string | null;
  /** Embedded broker bind address and port (falls back to an ephemeral port when taken). */
  mqttHost: string;
  mqttPort: number;
  /** Shared-subscription group (`$share/<group>/…`) for several instances on one broker; null = plain. */
  mqttShareGroup: string | null;
  /** Broker login (overrides credentials in MQTT_URL; a password may contain any character here). */
  mqttUsername: string | null;
  mqttPassword: string | null;
  /** PEM files for TLS to the broker: private CA, client certificate and key (mutual TLS). */
  mqttCaFile: string | null;
  mqttCertFile: string | null;
  mqttKeyFile: string | null;
  /** Embedded broker: only registered docks (and dockgate itself) may connect, each to its own topics. */
  mqttAuth: boolean;
  /** Embedded broker TLS listener: PEM certificate chain and key files (both or neither), and its port. */
  mqttTlsCertFile: string | null;
  mqttTlsKeyFile: string | null;
  mqttTlsPort: number;
  /** Identifies this instance in dispatch leases and logs. */
  instanceId: string;
  /** True when INSTANCE_ID was given: the MQTT session is then persistent (unless in a share group). */
  mqttPersistentSession: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Maximum request body, bytes (413 above). */
  bodyLimit: number;
  /** Create and print a development credential when the store has none. */
  devCredential: boolean;
  /** `WEBHOOK_ALLOW_PRIVATE`: deliver webhooks to loopback/private addresses (and http to loopback). */
  webhookAllowPrivate: boolean;
  /** `STORAGE_*`: object storage that `storage_config_get` is answered with (null: partners answer it). */
  storage: StorageConfig | null;
  /** Grace period for in-flight requests on SIGTERM, ms. */
  shutdownTimeoutMs: number;
  /** TEST ONLY: delay before handling each uplink message, ms (TEST_INGEST_DELAY_MS; 0 = none). */
  testIngestDelayMs: number;
  /** Days events are kept before background pruning. */
  eventRetentionDays: number;
  /** Flat DJI `config` reply the MQTT core sends automatically to docks (`reply_source: auto`). */
  djiConfig: { ntp_server_host: string; ntp_server_port: number; app_id: string; app_key: string; app_license: string };
  /** Seconds without a message after which a device is offline (reason `silence`). */
  deviceSilenceSeconds: number;
  /** DJI `hms.json` with the HMS message texts; null = alarms show their code. */
  hmsMessagesFile: string | null;
}

/** An option value that cannot be used; the message names the option. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** One option: env name, default (as text), description. Flags are derived: `DATA_DIR` → `--data-dir`. */
export const OPTIONS: { env: string; default: string; description: string }[] = [
  { env: 'HOST', default: '127.0.0.1', description: 'HTTP bind address. Use `0.0.0.0` to listen on all interfaces.' },
  { env: 'PORT', default: '8080', description: 'HTTP port; `0` picks a free one.' },
  { env: 'DATA_DIR', default: './data', description: 'Folder of the embedded SQLite database (`dockgate.sqlite`).' },
  { env: 'DATABASE_URL', default: '(unset)', description: '`postgres://user:pass@host/db` to use PostgreSQL instead of SQLite. Unset: SQLite file `dockgate.sqlite` in `DATA_DIR`. `memory:` keeps everything in memory, for tests and sandboxes only: all data is lost when the process exits.' },
  { env: 'MQTT_URL', default: '(unset)', description: 'External broker, e.g. `mqtt://127.0.0.1:1883` (Mosquitto, EMQX). Unset: an embedded aedes broker is started.' },
  { env: 'MQTT_HOST', default: '127.0.0.1', description: 'Bind address of the embedded broker (docks connect here).' },
  { env: 'MQTT_PORT', default: '1883', description: 'Port of the embedded broker; when taken, a free port is used and printed.' },
  { env: 'MQTT_SHARE_GROUP', default: '(unset)', description: 'Shared-subscription group for running several instances on one broker (`$share/<group>/…`).' },
  { env: 'MQTT_USERNAME', default: '(unset)', description: 'Username for the external broker (instead of putting it in `MQTT_URL`).' },
  { env: 'MQTT_PASSWORD', default: '(unset)', description: 'Password for the external broker; any characters allowed (in `MQTT_URL` a `:` would break it).' },
  { env: 'MQTT_CA_FILE', default: '(unset)', description: 'PEM file of the CA that signed the broker\'s TLS certificate (`mqtts://`), for a private CA.' },
  { env: 'MQTT_CERT_FILE', default: '(unset)', description: 'PEM client certificate for mutual TLS with the broker (with `MQTT_KEY_FILE`).' },
  { env: 'MQTT_KEY_FILE', default: '(unset)', description: 'PEM private key of `MQTT_CERT_FILE`.' },
  { env: 'MQTT_AUTH', default: 'true', description: 'Embedded broker only: let in only docks registered with `npm run devices` (username = dock SN, password printed once) and dockgate itself, each dock publishing and subscribing only on its own and its aircraft\'s topics. `false` lets any client in and do anything: for a closed test network only.' },
  { env: 'MQTT_TLS_CERT_FILE', default: '(unset)', description: 'Embedded broker only: PEM certificate (chain) for a TLS listener for docks outside the host (with `MQTT_TLS_KEY_FILE`).' },
  { env: 'MQTT_TLS_KEY_FILE', default: '(unset)', description: 'PEM private key of `MQTT_TLS_CERT_FILE`.' },
  { env: 'MQTT_TLS_PORT', default: '8883', description: 'Port of the embedded broker\'s TLS listener (on `MQTT_HOST`); unlike `MQTT_PORT` there is no fallback when it is taken.' },
  { env: 'INSTANCE_ID', default: '<hostname>-<pid>', description: 'Name of this instance in dispatch leases, logs and its MQTT client id (`dockgate-<id>`); must be unique per running instance. When set (and no share group), the MQTT session is persistent so replies queued while the instance restarts are delivered.' },
  { env: 'LOG_LEVEL', default: 'info', description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.' },
  { env: 'BODY_LIMIT', default: String(LIMITS.maxBodyBytes), description: 'Maximum request body in bytes (suffix `kb`/`mb` allowed); larger bodies get 413.' },
  { env: 'WEBHOOK_ALLOW_PRIVATE', default: 'false', description: 'Deliver webhooks to loopback, link-local and private addresses (and plain http to loopback hosts). Off in production: checked at every delivery against the resolved address.' },
  { env: 'DEV_CREDENTIAL', default: 'true', description: 'On first start with no credentials, create a development credential with all scopes and print its key once.' },
  { env: 'EVENT_RETENTION_DAYS', default: '30', description: 'Days the event log keeps events (`GET /api/v1/open/events`, stream resumption); older ones are pruned in the background.' },
  { env: 'SHUTDOWN_TIMEOUT_MS', default: '10000', description: 'How long SIGTERM waits for in-flight requests before closing connections.' },
  { env: 'TEST_INGEST_DELAY_MS', default: '0', description: 'TEST ONLY, never in production: wait this many ms after receiving each uplink MQTT message before storing it, so a crash test can kill the process between receipt and store (test/cluster/ack-gap.test.ts).' },
  { env: 'DJI_NTP_SERVER_HOST', default: 'pool.ntp.org', description: '`ntp_server_host` of the flat reply the gateway sends automatically to the docks\' `config` requests.' },
  { env: 'DJI_NTP_SERVER_PORT', default: '123', description: '`ntp_server_port` of the automatic `config` reply.' },
  { env: 'DJI_APP_ID', default: '(empty)', description: '`app_id` of the automatic `config` reply (DJI developer app).' },
  { env: 'DJI_APP_KEY', default: '(empty)', description: '`app_key` of the automatic `config` reply.' },
  { env: 'DJI_APP_LICENSE', default: '(empty)', description: '`app_license` of the automatic `config` reply.' },
  { env: 'DEVICE_SILENCE_SECONDS', default: '60', description: 'A device that sent nothing for this many seconds is shown offline (reason `silence`) until its next message.' },
  ...STORAGE_OPTIONS,
  { env: 'HMS_MESSAGES_FILE', default: '(unset)', description: 'DJI\'s `hms.json` (downloaded from DJI\'s HMS page) for the texts of HMS alarms; unset: alarms show their code only.' },
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function flagName(env: string): string {
  return '--' + env.toLowerCase().replace(/_/g, '-');
}

/** Parses `--name value`, `--name=value` and bare `--name` (= "true") into env-style keys. */
function parseFlags(argv: readonly string[]): Record<string, string> {
  const known = new Map(OPTIONS.map((o) => [flagName(o.env), o.env]));
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument ${JSON.stringify(arg)}; options are --name value`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const negated = name.startsWith('--no-') ? known.get('--' + name.slice(5)) : undefined;
    const env = known.get(name) ?? negated;
    if (!env) throw new ConfigError(`unknown option ${name}; known: ${[...known.keys()].join(' ')}`);
    if (negated) out[env] = 'false';
    else if (eq !== -1) out[env] = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[env] = argv[++i];
    else out[env] = 'true';
  }
  return out;
}

function int(name: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) throw new ConfigError(`${name} must be an integer ${min}–${max}, got ${JSON.stringify(v)}`);
  return Number(v);
}

function bool(name: string, v: string): boolean {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(v)}`);
}

function bytes(name: string, v: string): number {
  const m = /^\s*(\d+)\s*(b|kb|k|mb|m)?\s*$/i.exec(v);
  if (!m) throw new ConfigError(`${name} must be a byte count like 262144 or 256kb, got ${JSON.stringify(v)}`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const n = Number(m[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1);
  if (n < 1 || n > 64 * 1024 * 1024) throw new ConfigError(`${name} must be between 1 byte and 64 MiB, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * Resolve the configuration. `argv` are the arguments after the script (`process.argv.slice(2)`),
 * `env` the environment (`process.env`). Empty env values count as unset. Throws `ConfigError`.
 */
export function loadConfig(argv: readonly string[] = [], env: Record<string, string | undefined> = {}): Config {
  const flags = parseFlags(argv);
  const get = (k: string): string | undefined => {
    const v = flags[k] ?? env[k];
    return v === undefined || v === '' ? undefined : v;
  };
  const logLevel = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  const mqttUrl = get('MQTT_URL') ?? null;
  if (mqttUrl !== null && !/^(mqtts?|wss?|tcp|ssl):\/\//.test(mqttUrl)) throw new ConfigError(`MQTT_URL must look like mqtt://host:1883, got ${JSON.stringify(mqttUrl)}`);
  if ((get('MQTT_CERT_FILE') === undefined) !== (get('MQTT_KEY_FILE') === undefined)) {
    throw new ConfigError('MQTT_CERT_FILE and MQTT_KEY_FILE must be given together (mutual TLS needs both)');
  }
  if ((get('MQTT_TLS_CERT_FILE') === undefined) !== (get('MQTT_TLS_KEY_FILE') === undefined)) {
    throw new ConfigError('MQTT_TLS_CERT_FILE and MQTT_TLS_KEY_FILE must be given together (the TLS listener needs both)');
  }
  let storage: StorageConfig | null;
  try {
    storage = storageConfig(get);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const djiConfig = {
    ntp_server_host: get('DJI_NTP_SERVER_HOST') ?? 'pool.ntp.org',
    ntp_server_port: int('DJI_NTP_SERVER_PORT', get('DJI_NTP_SERVER_PORT') ?? '123', 1, 65535),
    app_id: get('DJI_APP_ID') ?? '',
    app_key: get('DJI_APP_KEY') ?? '',
    app_license: get('DJI_APP_LICENSE') ?? '',
  };
  return {
    host: get('HOST') ?? '127.0.0.1',
    port: int('PORT', get('PORT') ?? '8080', 0, 65535),
    dataDir: resolve(get('DATA_DIR') ?? './data'),
    databaseUrl: get('DATABASE_URL') ?? null,
    mqttUrl,
    mqttHost: get('MQTT_HOST') ?? '127.0.0.1',
    mqttPort: int('MQTT_PORT', get('MQTT_PORT') ?? '1883', 0, 65535),
    mqttShareGroup: get('MQTT_SHARE_GROUP') ?? null,
    mqttUsername: get('MQTT_USERNAME') ?? null,
    mqttPassword: get('MQTT_PASSWORD') ?? null,
    mqttCaFile: get('MQTT_CA_FILE') ?? null,
    mqttCertFile: get('MQTT_CERT_FILE') ?? null,
    mqttKeyFile: get('MQTT_KEY_FILE') ?? null,
    mqttAuth: bool('MQTT_AUTH', get('MQTT_AUTH') ?? 'true'),
    mqttTlsCertFile: get('MQTT_TLS_CERT_FILE') ?? null,
    mqttTlsKeyFile: get('MQTT_TLS_KEY_FILE') ?? null,
    mqttTlsPort: int('MQTT_TLS_PORT', get('MQTT_TLS_PORT') ?? '8883', 0, 65535),
    instanceId: get('INSTANCE_ID') ?? `${hostname()}-${process.pid}`,
    // A named instance can resume its MQTT session after a restart; the default name cannot.
    mqttPersistentSession: get('INSTANCE_ID') !== undefined,
    logLevel: logLevel as Config['logLevel'],
    bodyLimit: bytes('BODY_LIMIT', get('BODY_LIMIT') ?? String(LIMITS.maxBodyBytes)),
    devCredential: bool('DEV_CREDENTIAL', get('DEV_CREDENTIAL') ?? 'true'),
    webhookAllowPrivate: bool('WEBHOOK_ALLOW_PRIVATE', get('WEBHOOK_ALLOW_PRIVATE') ?? 'false'),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', get('SHUTDOWN_TIMEOUT_MS') ?? '10000', 0, 600_000),
    testIngestDelayMs: int('TEST_INGEST_DELAY_MS', get('TEST_INGEST_DELAY_MS') ?? '0', 0, 60_000),
    eventRetentionDays: int('EVENT_RETENTION_DAYS', get('EVENT_RETENTION_DAYS') ?? '30', 1, 3650),
    djiConfig,
    deviceSilenceSeconds: int('DEVICE_SILENCE_SECONDS', get('DEVICE_SILENCE_SECONDS') ?? '60', 5, 86_400),
    hmsMessagesFile: get('HMS_MESSAGES_FILE') ?? null,
    storage,
  };
}

/** The options table (markdown) for docs/configuration.md and `--help`. */
export function optionsTable(): string {
  const rows = OPTIONS.map((o) => `| \`${o.env}\` | \`${flagName(o.env)}\` | ${o.default.startsWith('(') ? o.default.slice(1, -1) : '`' + o.default + '`'} | ${o.description} |`);
  return ['| env | flag | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
