/**
 * Harness of the multi-instance tests: real gateway processes (`node --import tsx server/main.ts`,
 * one OS process each, so SIGKILL is a real crash), the machine's PostgreSQL (a fresh schema per
 * test file, selected through the URL's `options=-c search_path=…`), the machine's Mosquitto or a
 * private `mosquitto` process on a free port, TCP proxies to cut a connection, simulated docks with
 * SNs unique to the run, and a signing HTTP client.
 *
 * Environment: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), TEST_MQTT_URL
 * (default mqtt://127.0.0.1:1883), CLUSTER_TEST_LOG=1 to stream the instances' logs to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import pg from 'pg';
import { TERMINAL_STATUSES } from '../../spec/api.js';
import { signRequest } from '../../spec/signing.js';
import { createCredential } from '../../server/cli/credentials.js';
import { openPostgresStore } from '../../server/store/postgres/store.js';
import type { Credential } from '../../server/store/types.js';
import { PG_URL, postgresProblem } from '../support/postgres.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export { PG_URL };
export const MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const LOG = process.env.CLUSTER_TEST_LOG === '1';

/** Short id of this test process: schema, share-group, instance and SN names carry it. */
export const RUN = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;

/** An SN unique to this run (DJI SNs match `[A-Za-z0-9]+`). */
export function uniqueSn(prefix = 'CL'): string {
  return `${prefix}${RUN.toUpperCase()}${randomBytes(3).toString('hex').toUpperCase()}`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `fn` until it returns a truthy value; throws `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 100): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(intervalMs);
  }
}

/** Why the cluster tests cannot run here (PostgreSQL or Mosquitto unreachable, no mosquitto binary), or null. */
export async function missingPrerequisite(o: { mosquittoBinary?: boolean } = {}): Promise<string | null> {
  const pgProblem = await postgresProblem();
  if (pgProblem) return `PostgreSQL unreachable at ${PG_URL}: ${pgProblem}`;
  const m = mqtt.connect(MQTT_URL, { reconnectPeriod: 0, connectTimeout: 3000, clientId: `dgcl-probe-${RUN}` });
  m.on('error', () => {});
  const ok = await new Promise<boolean>((r) => {
    m.once('connect', () => r(true));
    m.once('close', () => r(false));
  });
  await m.endAsync(true).catch(() => {});
  if (!ok) return `Mosquitto unreachable at ${MQTT_URL}`;
  if (o.mosquittoBinary) {
    const found = await new Promise<boolean>((r) => {
      const p = spawn('mosquitto', ['-h'], { stdio: 'ignore' });
      p.on('error', () => r(false));
      p.on('exit', () => r(true));
    });
    if (!found) return 'the mosquitto binary is not installed (Debian package `mosquitto`)';
  }
  return null;
}

// ── PostgreSQL ─────────────────────────────────────────────────────────────────────────────

/** `url` with libpq startup option `-c search_path=<schema>` (what the gateway gets as DATABASE_URL). */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  const current = u.searchParams.get('options');
  u.searchParams.set('options', `${current ? current + ' ' : ''}-c search_path=${schema}`);
  return u.toString();
}

/** `url` pointing at another host:port (a proxy in front of the database). */
export function withHostPort(url: string, host: string, port: number): string {
  const u = new URL(url);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
}

export interface ClusterDb {
  schema: string;
  /** DATABASE_URL for the instances: the test database with search_path = schema. */
  url: string;
  /** A credential with every scope and device. */
  credential: Credential;
  /** Read-only SQL for assertions (runs in the schema). */
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<R[]>;
  /** Drop the schema. */
  drop(): Promise<void>;
}

/**
 * A fresh schema, migrated (so concurrently starting instances find it ready), with one credential.
 * The instances select it through `options=-c search_path=<schema>` in DATABASE_URL.
 */
export async function createClusterDb(tag: string): Promise<ClusterDb> {
  const schema = `dgcl_${tag}_${RUN}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const store = await openPostgresStore(PG_URL, { schema, poolSize: 2 });
  let credential: Credential;
  try {
    credential = await createCredential(store, { name: `cluster-${tag}` });
  } finally {
    await store.close();
  }
  const pool = new pg.Pool({ connectionString: withSearchPath(PG_URL, schema), max: 2 });
  pool.on('error', () => {});
  return {
    schema,
    url: withSearchPath(PG_URL, schema),
    credential,
    async query<R>(sql: string, values: unknown[] = []) {
      return (await pool.query(sql, values)).rows as R[];
    },
    async drop() {
      await pool.end().catch(() => {});
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

// ── gateway processes ─────────────────────────────────────────────────────────────────────────

export interface InstanceOptions {
  /** INSTANCE_ID; also the MQTT client id suffix (`dockgate-<id>`). */
  instanceId: string;
  databaseUrl: string;
  mqttUrl: string;
  shareGroup: string;
  /** More environment (overrides). */
  env?: Record<string, string>;
}

/** One gateway OS process. */
export class GatewayProcess {
  url = '';
  private readonly lines: string[] = [];
  private exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;
  /** When the process was seen to exit (ms since the epoch). */
  exitedAt: number | undefined = undefined;
  readonly dataDir: string;

  private constructor(
    readonly name: string,
    readonly options: InstanceOptions,
    readonly child: ChildProcess,
    dataDir: string,
  ) {
    this.dataDir = dataDir;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitedAt = Date.now();
        this.exitCode = code ?? (signal ? -1 : null);
        this.note(`[exit code=${code} signal=${signal}]`);
        resolve(code);
      });
    });
    for (const [stream, label] of [
      [child.stdout, 'out'],
      [child.stderr, 'err'],
    ] as const) {
      let buf = '';
      stream!.setEncoding('utf8');
      stream!.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) !== -1) {
          this.note(`${label}: ${buf.slice(0, i)}`);
          buf = buf.slice(i + 1);
        }
      });
    }
  }

  private note(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 400) this.lines.splice(0, this.lines.length - 400);
    if (LOG) process.stderr.write(`[${this.name}] ${line}\n`);
  }

  /** Start the process and wait until it printed its API URL (≤ `timeoutMs`). */
  static async start(name: string, o: InstanceOptions, timeoutMs = 20_000): Promise<GatewayProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), `dgcl-${name}-`));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: o.databaseUrl,
      MQTT_URL: o.mqttUrl,
      MQTT_SHARE_GROUP: o.shareGroup,
      INSTANCE_ID: o.instanceId,
      LOG_LEVEL: LOG ? 'info' : 'warn',
      DEV_CREDENTIAL: 'false',
      SHUTDOWN_TIMEOUT_MS: '2000',
      ...o.env,
    };
    // node itself (not npx → tsx → node), so a signal reaches the gateway and SIGKILL is a real crash.
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const gw = new GatewayProcess(name, o, child, dataDir);
    try {
      await waitFor(
        `${name} to print its API URL`,
        () => {
          if (gw.exitCode !== undefined) throw new Error(`${name} exited during start:\n${gw.output()}`);
          const m = gw.lines.map((l) => /API:\s+(http:\/\/[^\s/]+)\/api\/v1\/open/.exec(l)).find(Boolean);
          if (m) gw.url = m[1]!;
          return gw.url;
        },
        timeoutMs,
        50,
      );
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n--- ${name} output ---\n${gw.output()}`);
    }
    return gw;
  }

  /** The last lines the process printed. */
  output(): string {
    return this.lines.join('\n');
  }

  alive(): boolean {
    return this.exitCode === undefined;
  }

  /** Send `signal`; resolves with the exit code once the process is gone (≤ `timeoutMs`, then SIGKILL). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 8_000): Promise<number | null> {
    if (this.alive()) this.child.kill(signal);
    let t: NodeJS.Timeout | undefined;
    const code = await Promise.race([this.exited, new Promise<'timeout'>((r) => (t = setTimeout(() => r('timeout'), timeoutMs)))]);
    clearTimeout(t);
    if (code === 'timeout') {
      this.child.kill('SIGKILL');
      return this.exited;
    }
    return code;
  }

  /** Stop and remove the data folder. */
  async dispose(): Promise<void> {
    await this.stop('SIGTERM').catch(() => {});
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  get clientId(): string {
    return `dockgate-${this.options.instanceId}`;
  }
}

/** Forget persistent MQTT sessions (the gateway connects with clean: false) so runs do not pile them up on the broker. */
export async function dropMqttSessions(url: string, clientIds: string[]): Promise<void> {
  await Promise.all(
    clientIds.map(async (clientId) => {
      const c = mqtt.connect(url, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 2_000 });
      c.on('error', () => {});
      await new Promise<void>((r) => {
        c.once('connect', () => r());
        c.once('close', () => r());
      });
      await c.endAsync(true).catch(() => {});
    }),
  );
}

// ── HTTP client ───────────────────────────────────────────────────────────────────────────────

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A signing client for one instance (`baseUrl`) and credential. Network errors reject. */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly cred: Pick<Credential, 'api_id' | 'api_key'>,
  ) {}

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<ApiResponse<T>> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = { ...signRequest({ method, path, apiId: this.cred.api_id, apiKey: this.cred.api_key, body: raw }) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : raw, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  createCommand(body: CommandBody) {
    return this.request<{ command_id: string; status: string; accepted_at: string; code?: string; message?: string }>('POST', '/api/v1/open/downlink/commands', body);
  }

  getCommand(id: string, waitSeconds = 0) {
    return this.request<CommandView>('GET', `/api/v1/open/downlink/commands/${id}${waitSeconds ? `?wait_seconds=${waitSeconds}` : ''}`, undefined, (waitSeconds + 10) * 1000);
  }

  /** GET without signing (health, readiness, metrics). */
  async plain(path: string): Promise<{ status: number; text: string }> {
    const res = await fetch(this.baseUrl + path, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, text: await res.text() };
  }
}

export interface CommandBody {
  vendor: 'dji';
  device_id: string;
  command_type: string;
  payload: Record<string, unknown>;
  idempotency_key: string;
  timeout_seconds?: number;
}

export interface CommandView {
  command_id: string;
  status: string;
  device_id: string;
  gateway_sn: string;
  command_type: string;
  failure_code: string | null;
  failure_reason: string | null;
  response_code: string | null;
  timeout_seconds: number;
  accepted_at: string;
  delivered_at: string | null;
  response_received_at: string | null;
  completed_at: string | null;
  updated_at: string;
}

export const isTerminal = (status: string) => (TERMINAL_STATUSES as readonly string[]).includes(status);

/** A simple command the simulated dock answers with result 0 (`services`, no progress). */
export function simpleCommand(device_id: string, key: string, timeout_seconds = 20): CommandBody {
  return { vendor: 'dji', device_id, command_type: 'debug_mode_open', payload: {}, idempotency_key: key, timeout_seconds };
}

/**
 * Value of one sample in a Prometheus text exposition (`name{a="b"} 3`); labels must match exactly
 * as given (subset match). Returns 0 when absent.
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => ls[k] === v)) {
      sum += Number(m[4]);
      found = true;
    }
  }
  return found ? sum : 0;
}

// ── private broker and TCP proxy ──────────────────────────────────────────────────────────────

/** A free loopback TCP port (bound then released; tiny race acceptable in tests). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * A private Mosquitto (Debian `mosquitto` binary) on a fixed free loopback port, so a test can stop
 * and restart "the broker" without touching the machine's one. Persistence on (saved at shutdown,
 * as a packaged Mosquitto does): persistent sessions and their queued messages survive a SIGTERM
 * restart; a SIGKILL loses them.
 */
export class PrivateMosquitto {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'dgcl-mosq-'));
  private readonly extraDirs: string[] = [];
  private constructor(
    readonly port: number,
    extra: string,
  ) {
    // A packaged mosquitto started as root drops to the `mosquitto` user, which must write the db here.
    chmodSync(this.dir, 0o777);
    const auth = /allow_anonymous/.test(extra) ? '' : 'allow_anonymous true\n';
    writeFileSync(
      join(this.dir, 'mosquitto.conf'),
      `listener ${port} 127.0.0.1\n${auth}persistence true\npersistence_location ${this.dir}/\nautosave_interval 0\nlog_dest none\n${extra}`,
    );
  }

  /** `configure(dir)` may write files into the broker's folder and returns extra config lines. */
  static async start(o: { configure?(dir: string): string } = {}): Promise<PrivateMosquitto> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'dgcl-mosq-cfg-'));
    chmodSync(dir, 0o755);
    const m = new PrivateMosquitto(port, o.configure?.(dir) ?? '');
    m.extraDirs.push(dir);
    await m.start();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Start (again, on the same port) and wait until it accepts MQTT connections. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn('mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], { stdio: 'ignore' });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    await waitFor(
      `mosquitto on port ${this.port}`,
      async () => {
        if (!this.child) throw new Error('mosquitto exited');
        // TCP accept is enough (an MQTT probe would need credentials when anonymous access is off).
        return new Promise<boolean>((r) => {
          const sock = net.connect({ host: '127.0.0.1', port: this.port }, () => {
            sock.destroy();
            r(true);
          });
          sock.on('error', () => r(false));
        });
      },
      10_000,
      100,
    );
  }

  /** Stop the broker (SIGTERM: saves sessions, then drops every connection; SIGKILL: crash) and wait until it is gone. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await gone;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    for (const d of [this.dir, ...this.extraDirs]) rmSync(d, { recursive: true, force: true });
  }
}

export { TcpProxy } from '../support/tcp-proxy.js';
