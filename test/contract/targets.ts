/**
 * The two targets of the contract suite, behind one interface:
 * - `mock`: `startMock` (mock/server.ts) exactly as `npm run mock` composes it; driven only over
 *   HTTP (API through the generated client, scenarios with `Prefer`, device requests through the
 *   mock-only endpoints), with the sandbox credentials.
 * - `production`: `startGateway` with `MQTT_URL=mqtt://127.0.0.1:1883` (the machine's Mosquitto)
 *   and a SQLite store in a temp dir, wired to simulated docks (mock/simulator) over that broker
 *   with unique dock SNs per run; scenarios are dock rules, device requests are sent by the docks.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockgateClient, type ApiResult, type DockgateClient } from '../../generated/client/index.js';
import { createCredential } from '../../server/cli/credentials.js';
import { loadConfig } from '../../server/config.js';
import { startGateway, type Gateway } from '../../server/main.js';
import { mockConfig, SANDBOX_CREDENTIAL, SANDBOX_READONLY_CREDENTIAL, SANDBOX_WRITEONLY_CREDENTIAL, startMock, type MockServer } from '../../mock/server.js';
import { parsePrefer, toRule } from '../../mock/scenarios.js';
import { Fleet } from '../../mock/simulator/fleet.js';
import type { SimulatedDock } from '../../mock/simulator/dock.js';
import type { Contract } from './openapi.js';
import { outcomeKey, Recorder, type Exemptions } from './recorder.js';

export const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';
export const COMMANDS_PATH = '/api/v1/open/downlink/commands';

/** An API credential. */
export interface Cred {
  apiId: string;
  apiKey: string;
}

/** Options of {@link Target.client}. */
export interface ClientOptions {
  cred?: Cred;
  /** Extra headers on every request (e.g. `Prefer`). */
  headers?: Record<string, string>;
  /** Change the signed request before it is sent (tamper cases). */
  tamper?: (req: Request) => Request | Promise<Request>;
  /** Send the (signed) request twice and return the second response (nonce replay). */
  sendTwice?: boolean;
}

export interface Target {
  name: 'mock' | 'production';
  url: string;
  recorder: Recorder;
  /** All scopes, any device. */
  cred: Cred;
  /** Read scopes only (403 on create/reply; others' commands are 404). */
  readCred: Cred;
  /** Write scopes only (403 on list/get). */
  writeCred: Cred;
  /** Dock SNs (with their aircraft) of this run. */
  docks: { sn: string; droneSn: string }[];
  /** Documented outcomes this target cannot produce, with the reason. */
  exempt: Exemptions;
  /** The generated client, with every response checked by the recorder. */
  client(o?: ClientOptions): DockgateClient;
  /** Make each dock of `docks` exist and be known to the gateway (topology). */
  prepareDocks(): Promise<void>;
  /**
   * Create a command whose dock plays `prefer` (the mock's Prefer grammar). Mock: `Prefer` header
   * (or `?prefer=` when `via` is `query`); production: a dock of its own with that rule.
   */
  createWithScenario(prefer: string, body: Record<string, unknown>, via?: 'header' | 'query'): Promise<ApiResult<{ command_id: string }>>;
  /** Make dock `sn` send a device request; resolves with the stored request_id and the message tid. */
  injectDeviceRequest(sn: string, request_type: string, data?: unknown): Promise<{ request_id: string; tid: string }>;
  /** The `requests_reply` dock `sn` received for the request `tid` (null while none). */
  replySeenByDock(sn: string, tid: string): Promise<Record<string, unknown> | null>;
  /** Make dock `sn` raise HMS alarms with these codes (its report then holds them with the ones already active). */
  raiseHms(sn: string, codes: string[]): Promise<void>;
  /** Make dock `sn` clear these HMS alarms (its next report no longer holds them). */
  clearHms(sn: string, codes: string[]): Promise<void>;
  /** Production only: a credential with all scopes limited to `devices`. */
  limitedCred?(devices: string[]): Promise<Cred>;
  /** Production only: make the store unreachable (last step: 503s). */
  breakStore?(): Promise<void>;
  close(): Promise<void>;
}

function runId(): string {
  return randomBytes(3).toString('hex').toUpperCase();
}

/** The generated client over `baseUrl` with the recorder's fetch and optional tampering. */
function makeClient(baseUrl: string, recorder: Recorder, cred: Cred, o: ClientOptions): DockgateClient {
  return createDockgateClient({
    baseUrl,
    apiId: cred.apiId,
    apiKey: cred.apiKey,
    headers: o.headers,
    fetch: async (req: Request) => {
      const r = o.tamper ? await o.tamper(req) : req;
      if (o.sendTwice) await recorder.fetch(r.clone());
      return recorder.fetch(r);
    },
  });
}

/** Whether something accepts TCP on 127.0.0.1:1883. */
export function mosquittoUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: 1883 });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function poll<T>(fn: () => Promise<T | null | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (let delay = 10; ; delay = Math.min(delay * 2, 100)) {
    const v = await fn();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

function waitAnnounced(dock: SimulatedDock, ms: number): Promise<void> {
  return poll(async () => (dock.announces.some((a) => a.reply !== null) ? true : null), ms, `update_topo of ${dock.sn} answered`).then(() => undefined);
}

const UNREACHABLE_500 = 'INTERNAL_ERROR is the unexpected-failure path; no black-box request should produce it';

function baseExemptions(contract: Contract): Exemptions {
  const ex: Exemptions = new Map();
  for (const o of contract.documentedOutcomes()) if (o.code === 'INTERNAL_ERROR') ex.set(outcomeKey(o.operationId, o.status, o.code), UNREACHABLE_500);
  return ex;
}

/** The mock target (in-process `startMock`, same composition as `npm run mock`). */
export async function startMockTarget(contract: Contract): Promise<Target> {
  const mock: MockServer = await startMock(mockConfig([], { PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent' }));
  const recorder = new Recorder('mock', contract);
  const id = runId();
  const docks = [0, 1, 2].map((i) => ({ sn: `MOCK${id}D${i}`, droneSn: `MOCK${id}D${i}-DRONE` }));
  const exempt = baseExemptions(contract);
  for (const o of contract.documentedOutcomes()) {
    if (o.code === 'SERVICE_UNAVAILABLE') exempt.set(outcomeKey(o.operationId, o.status, o.code), 'needs a store/broker outage; fault-injected on the production target only');
  }
  const cred = { apiId: SANDBOX_CREDENTIAL.api_id, apiKey: SANDBOX_CREDENTIAL.api_key };
  const t: Target = {
    name: 'mock',
    url: mock.url,
    recorder,
    cred,
    readCred: { apiId: SANDBOX_READONLY_CREDENTIAL.api_id, apiKey: SANDBOX_READONLY_CREDENTIAL.api_key },
    writeCred: { apiId: SANDBOX_WRITEONLY_CREDENTIAL.api_id, apiKey: SANDBOX_WRITEONLY_CREDENTIAL.api_key },
    docks,
    exempt,
    client: (o = {}) => makeClient(mock.url, recorder, o.cred ?? cred, o),
    async prepareDocks() {
      for (const d of docks) {
        const r = await fetch(`${mock.url}/mock/v1/docks/${d.sn}`, { method: 'PUT', body: JSON.stringify({ drone_sn: d.droneSn }) });
        if (r.status !== 201) throw new Error(`PUT /mock/v1/docks/${d.sn}: ${r.status} ${await r.text()}`);
      }
    },
    async createWithScenario(prefer, body, via = 'header') {
      const c = t.client(via === 'header' ? { headers: { Prefer: prefer } } : {});
      if (via === 'header') return c.createCommand(body as never);
      // The query twin: signed like any query (the client signs the URL it sends).
      return c.raw.POST(COMMANDS_PATH, { body: body as never, params: { query: { prefer } as never } }) as Promise<ApiResult<{ command_id: string }>>;
    },
    async injectDeviceRequest(sn, request_type, data) {
      const res = await fetch(`${mock.url}/mock/v1/docks/${sn}/device-requests`, { method: 'POST', body: JSON.stringify(data === undefined ? { request_type } : { request_type, data }) });
      const body = (await res.json()) as { request_id: string; tid: string };
      if (res.status !== 201) throw new Error(`inject ${request_type} on ${sn}: ${res.status} ${JSON.stringify(body)}`);
      return { request_id: body.request_id, tid: body.tid };
    },
    async raiseHms(sn, codes) {
      const res = await fetch(`${mock.url}/mock/v1/docks/${sn}/hms`, { method: 'POST', body: JSON.stringify({ alarms: codes.map((code) => ({ code })) }) });
      if (res.status !== 200) throw new Error(`raise HMS on ${sn}: ${res.status} ${await res.text()}`);
    },
    async clearHms(sn, codes) {
      const res = await fetch(`${mock.url}/mock/v1/docks/${sn}/hms/clear`, { method: 'POST', body: JSON.stringify({ codes }) });
      if (res.status !== 200) throw new Error(`clear HMS on ${sn}: ${res.status} ${await res.text()}`);
    },
    async replySeenByDock(sn, tid) {
      const res = await fetch(`${mock.url}/mock/v1/docks/${sn}`);
      if (res.status !== 200) return null;
      const d = (await res.json()) as { requests: { message: { tid: string }; reply: Record<string, unknown> | null }[] };
      return d.requests.find((r) => r.message.tid === tid)?.reply ?? null;
    },
    close: () => mock.close(),
  };
  return t;
}

/** The production target: startGateway on the machine's Mosquitto, simulated docks on it too. */
export async function startProductionTarget(contract: Contract): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-contract-'));
  const config = loadConfig([], { PORT: '0', DATA_DIR: dataDir, MQTT_URL: MOSQUITTO_URL, LOG_LEVEL: 'silent', DEV_CREDENTIAL: 'false', SHUTDOWN_TIMEOUT_MS: '2000' });
  let gw: Gateway | null = null;
  let fleet: Fleet | null = null;
  try {
    gw = await startGateway(config);
    const g = gw;
    fleet = new Fleet({ brokerUrl: MOSQUITTO_URL });
    const f = fleet;
    const recorder = new Recorder('production', contract);
    const id = runId();
    const docks = [0, 1, 2].map((i) => ({ sn: `PROD${id}D${i}`, droneSn: `PROD${id}D${i}-DRONE` }));
    const mk = async (scopes?: Parameters<typeof createCredential>[1]['scopes']): Promise<Cred> => {
      const c = await createCredential(g.store, { name: 'contract', scopes });
      return { apiId: c.api_id, apiKey: c.api_key };
    };
    const cred = await mk();
    const readCred = await mk(['open:command:read', 'open:device-request:read', 'open:device:read']);
    const writeCred = await mk(['open:command:create', 'open:device-request:create']);
    let scenarioDocks = 0;
    const t: Target = {
      name: 'production',
      url: g.url,
      recorder,
      cred,
      readCred,
      writeCred,
      docks,
      exempt: baseExemptions(contract),
      client: (o = {}) => makeClient(g.url, recorder, o.cred ?? cred, o),
      async prepareDocks() {
        await Promise.all(docks.map(async (d) => waitAnnounced(await f.ensureDock(d.sn, d.droneSn), 5000)));
      },
      async createWithScenario(prefer, body) {
        const scenario = parsePrefer([{ field: 'prefer', text: prefer }]);
        if (!scenario) throw new Error(`no scenario in ${prefer}`);
        const sn = `PROD${id}S${scenarioDocks++}`;
        const dock = await f.ensureDock(sn);
        await waitAnnounced(dock, 5000);
        dock.setRule('*', toRule(scenario));
        return t.client().createCommand({ ...body, device_id: sn } as never);
      },
      async injectDeviceRequest(sn, request_type, data) {
        const dock = await f.ensureDock(sn);
        const before = dock.requests.at(-1);
        dock.sendRequest(request_type, data, { timeoutMs: 30_000 }).catch(() => {});
        const sent = dock.requests.at(-1);
        if (!sent || sent === before) throw new Error(`dock ${sn} did not send ${request_type}`);
        const tid = String(sent.message.tid);
        const stored = await poll(async () => (await g.store.listDeviceRequests({ allowed_devices: null, device_id: sn, limit: 50 })).items.find((r) => r.tid === tid), 5000, `${request_type} of ${sn} stored`);
        return { request_id: stored.request_id, tid };
      },
      async raiseHms(sn, codes) {
        await (await f.ensureDock(sn)).raiseHms(codes.map((code) => ({ code })));
      },
      async clearHms(sn, codes) {
        await (await f.ensureDock(sn)).clearHms(codes);
      },
      async limitedCred(devices) {
        const c = await createCredential(g.store, { name: 'contract-limited', allowed_devices: devices });
        return { apiId: c.api_id, apiKey: c.api_key };
      },
      async replySeenByDock(sn, tid) {
        return f.get(sn)?.requests.find((r) => r.message.tid === tid)?.reply ?? null;
      },
      async breakStore() {
        await g.store.close();
      },
      async close() {
        await g.close();
        await f.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
    return t;
  } catch (err) {
    await gw?.close().catch(() => {});
    await fleet?.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
