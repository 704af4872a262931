/**
 * Test harness: the real gateway (startGateway) on 127.0.0.1 port 0 with an embedded aedes broker
 * on an ephemeral port and a SQLite store in a temp dir, plus a signing fetch helper.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scope } from '../../spec/api.js';
import { signRequest } from '../../spec/signing.js';
import { createCredential } from '../../server/cli/credentials.js';
import { loadConfig } from '../../server/config.js';
import { startGateway, type Gateway } from '../../server/main.js';
import { provisionDock } from '../support/devices.js';

export interface TestCred {
  api_id: string;
  api_key: string;
}

export interface CallOptions {
  query?: string;
  /** JSON-serialised unless a string/Uint8Array (sent as is). */
  body?: unknown;
  timestamp?: number;
  nonce?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Change the request after signing (tamper tests). */
  tamper?: { path?: string; query?: string; body?: string | Uint8Array; signature?: string; omit?: string };
}

export interface TestGateway {
  gw: Gateway;
  url: string;
  dataDir: string;
  cred(o?: { scopes?: Scope[]; devices?: string[] | null; name?: string }): Promise<TestCred>;
  /** Register dock `sn` (default a unique one) for the embedded broker; its MQTT login. */
  dockLogin(sn?: string): Promise<{ sn: string; username: string; password: string }>;
  call(cred: TestCred, method: string, path: string, o?: CallOptions): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  /** Stop the gateway, keep the data dir. */
  stop(): Promise<void>;
  /** Start again on the same data dir (new ports). */
  restart(): Promise<void>;
  /** Stop and delete the data dir. */
  close(): Promise<void>;
}

/** Start a gateway for one test file. `env` adds configuration (e.g. BODY_LIMIT). */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-http-'));
  const config = () => loadConfig([], { PORT: '0', MQTT_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEV_CREDENTIAL: 'false', SHUTDOWN_TIMEOUT_MS: '2000', ...env });
  let gw = await startGateway(config());
  const t: TestGateway = {
    get gw() {
      return gw;
    },
    get url() {
      return gw.url;
    },
    dataDir,
    async cred(o = {}) {
      const c = await createCredential(gw.store, { name: o.name ?? 'test', scopes: o.scopes, allowed_devices: o.devices ?? null });
      return { api_id: c.api_id, api_key: c.api_key };
    },
    dockLogin(sn) {
      return provisionDock(gw.store, sn);
    },
    async call(cred, method, path, o = {}) {
      const query = o.query ?? '';
      const body: string | Uint8Array | undefined =
        o.body === undefined ? undefined : typeof o.body === 'string' || o.body instanceof Uint8Array ? o.body : JSON.stringify(o.body);
      const signed: Record<string, string> = signRequest({ method, path, query, apiId: cred.api_id, apiKey: cred.api_key, body: body ?? '', timestamp: o.timestamp, nonce: o.nonce });
      const tp = o.tamper ?? {};
      if (tp.signature !== undefined) signed['X-Api-Signature'] = tp.signature;
      if (tp.omit) delete signed[tp.omit];
      const headers: Record<string, string> = { ...signed, ...(o.headers ?? {}) };
      if (body !== undefined && o.contentType !== null) headers['Content-Type'] = o.contentType ?? 'application/json';
      const sentQuery = tp.query ?? query;
      const res = await fetch(gw.url + (tp.path ?? path) + (sentQuery ? '?' + sentQuery : ''), { method, headers, body: (tp.body ?? body) as BodyInit | undefined });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async stop() {
      await gw.close();
    },
    async restart() {
      gw = await startGateway(config());
    },
    async close() {
      await gw.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** A valid create-command body (catalog command with a simple payload). */
export function commandBody(o: { device_id?: string; idempotency_key?: string; timeout_seconds?: number; payload?: Record<string, unknown> } = {}) {
  const b: Record<string, unknown> = {
    vendor: 'dji',
    device_id: o.device_id ?? 'DOCK-' + Math.random().toString(36).slice(2, 10).toUpperCase(),
    command_type: 'air_conditioner_mode_switch',
    payload: o.payload ?? { action: 1 },
    idempotency_key: o.idempotency_key ?? 'key-' + Math.random().toString(36).slice(2),
  };
  if (o.timeout_seconds !== undefined) b.timeout_seconds = o.timeout_seconds;
  return b;
}

export const COMMANDS = '/api/v1/open/downlink/commands';
export const DEVICE_REQUESTS = '/api/v1/open/device-requests';
