/**
 * The mock server: the production gateway (`startGateway`: same routes, signing, validation,
 * errors, store, MQTT core and lifecycle) with an embedded broker, a throwaway SQLite store in a
 * temp dir and a fleet of simulated DJI docks (docs/architecture.md, invariant 5: the production code path
 * plus simulated docks, never a second implementation). What it adds, through `AppDeps.extend`:
 *
 * - before create-command runs (after authentication): any valid `device_id` gets a simulated
 *   dock (started and announced with `update_topo` before the command is dispatched), and the
 *   scenario chosen with `Prefer` / `?prefer=` is stored under (api_id, idempotency_key);
 * - the simulated docks resolve that scenario when the command arrives (tid → store → key);
 * - mock-only endpoints under `/mock/v1` (routes.ts);
 * - fixed sandbox credentials (docs/scenarios.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { validateCreateCommandBody } from '../generated/server/validators.js';
import { loadConfig, type Config } from '../server/config.js';
import { readJsonBody } from '../server/http/body.js';
import { ApiError, errorResponse } from '../server/http/errors.js';
import { createLogger } from '../server/http/logger.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../server/mqtt/broker.js';
import { startGateway, type Gateway } from '../server/main.js';
import { registerDock, rotateDock, type DockLogin } from '../server/devices/register.js';
import type { Store } from '../server/store/types.js';
import { SCOPES, type Scope } from '../spec/api.js';
import { Fleet } from './simulator/fleet.js';
import type { SimulatedDock } from './simulator/dock.js';
import type { TelemetryOptions } from './simulator/telemetry.js';
import { DOCK_SN, mockRoutes } from './routes.js';
import { formatScenario, parsePrefer, PreferError, ScenarioRegistry, toRule, type Scenario } from './scenarios.js';

/** A fixed sandbox credential (documented; the mock's data is throwaway, so the key is not secret). */
export interface SandboxCredential {
  api_id: string;
  api_key: string;
  scopes: Scope[];
}

/** All scopes, any device. */
export const SANDBOX_CREDENTIAL: SandboxCredential = { api_id: 'sandbox', api_key: 'sandbox-secret', scopes: Object.keys(SCOPES) as Scope[] };
/** Read scopes only: lets partners see 403 FORBIDDEN, and 404 for the sandbox credential's commands. */
export const SANDBOX_READONLY_CREDENTIAL: SandboxCredential = {
  api_id: 'sandbox-readonly',
  api_key: 'sandbox-readonly-secret',
  scopes: ['open:command:read', 'open:device-request:read', 'open:device:read'],
};

/** Write scopes only: 403 FORBIDDEN on the read operations. */
export const SANDBOX_WRITEONLY_CREDENTIAL: SandboxCredential = {
  api_id: 'sandbox-writeonly',
  api_key: 'sandbox-writeonly-secret',
  scopes: ['open:command:create', 'open:device-request:create'],
};

/** Mock defaults, used when neither a flag nor the environment sets them. */
export const MOCK_DEFAULTS = { PORT: '4010', LOG_LEVEL: 'warn', WEBHOOK_ALLOW_PRIVATE: 'true' } as const;

/**
 * The gateway configuration for the mock: the `npm start` flags and environment (docs/configuration.md)
 * with the mock defaults (port 4010, log level warn). The store is always a fresh SQLite file in a
 * temp dir (DATA_DIR and DATABASE_URL are ignored) and no development credential is created.
 * Throws `ConfigError` like `loadConfig`.
 */
export function mockConfig(argv: readonly string[] = [], env: Record<string, string | undefined> = {}): Config {
  const withDefaults: Record<string, string | undefined> = { ...MOCK_DEFAULTS };
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') withDefaults[k] = v;
  return { ...loadConfig(argv, withDefaults), databaseUrl: null, devCredential: false };
}

export interface MockOptions {
  /** Pause between a dock's progress events, ms (default 0). */
  progressIntervalMs?: number;
  /** The simulated docks' telemetry (osd every 2 s by default; mock/simulator/telemetry.ts); `false`: no periodic osd. */
  telemetry?: TelemetryOptions | false;
  /** How long an injected device request waits for its requests_reply on the dock (default 15 min). */
  requestReplyTimeoutMs?: number;
  /** Most simulated docks at once (each is an MQTT client); past it new device_ids get no dock (default 1000). */
  maxDocks?: number;
  logger?: Logger;
}

/** A running mock server. */
export interface MockServer {
  /** `http://host:port`. */
  url: string;
  /** Broker the gateway and the simulated docks use. */
  mqttUrl: string;
  /** The embedded broker's internal login (for an observer client such as a test's "cloud"); null on an external broker. */
  mqttLogin: { username: string; password: string } | null;
  /** Temp dir of the throwaway SQLite store (deleted by `close`). */
  dataDir: string;
  gateway: Gateway;
  fleet: Fleet;
  scenarios: ScenarioRegistry;
  credentials: { sandbox: SandboxCredential; readonly: SandboxCredential; writeonly: SandboxCredential };
  /** Stop HTTP, the gateway, the docks and the broker; delete the temp store. Idempotent. */
  close(): Promise<void>;
}

/**
 * Object storage the sandbox answers `storage_config_get` with when `STORAGE_*` is not set: the
 * simulated docks only report their uploads (no bytes move), so the mission's media show up in
 * `GET /api/v1/open/media` without any storage to run.
 */
export const SANDBOX_STORAGE: NonNullable<Config['storage']> = {
  endpoint: 'http://127.0.0.1:9000', bucket: 'dockgate-sandbox', region: 'us-east-1', provider: 'minio', keyPrefix: 'media',
  accessKeyId: 'sandbox', secretAccessKey: 'sandbox-secret', stsRoleArn: null, stsEndpoint: null, stsDurationSeconds: 3600,
};

/** How long a new dock may take to be announced (its `update_topo` answered) before commands go anyway. */
const ANNOUNCE_WAIT_MS = 3000;

/**
 * Start the mock: embedded broker (unless `config.mqttUrl`), gateway on a temp SQLite store,
 * sandbox credentials, simulated docks on demand. Rejects (after cleaning up) when a part fails.
 */
export async function startMock(config: Config, o: MockOptions = {}): Promise<MockServer> {
  const logger = o.logger ?? createLogger(config.logLevel);
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-mock-'));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const closeAll = async () => {
    for (const f of cleanups.splice(0).reverse()) await f().catch((err: unknown) => logger.error({ err }, 'mock shutdown step failed'));
  };
  try {
    let mqttUrl = config.mqttUrl;
    let broker: EmbeddedBroker | null = null;
    let store: Store | null = null;
    if (mqttUrl === null) {
      const started = await startEmbeddedBroker({
        host: config.mqttHost,
        port: config.mqttPort,
        logger,
        // The store opens with the gateway, after the broker; until then only the gateway itself connects.
        ...(config.mqttAuth ? { auth: { devices: { get: (sn: string) => store?.devices.get(sn) ?? Promise.resolve(null) } } } : {}),
      });
      cleanups.push(() => started.close());
      mqttUrl = started.url;
      broker = started;
    }
    const embedded = broker;

    const scenarios = new ScenarioRegistry();
    const fleet = new Fleet({
      brokerUrl: mqttUrl,
      // Docks and gateway share the process with the embedded broker: in-memory links, not TCP.
      ...(embedded !== null ? { stream: () => embedded.connectStream() } : {}),
      logger: logger.child({ component: 'simulator' }),
      progressIntervalMs: o.progressIntervalMs ?? 0,
      // The mock provisions its docks itself, as an operator would with `npm run devices -- add`.
      ...(embedded?.internalLogin ? { login: (sn: string) => provisionMockDock(() => store, sn) } : {}),
      telemetry: o.telemetry,
      // The per-request scenario, found from the command the gateway stored before publishing it.
      resolveRule: async ({ tid }) => {
        // No request has asked for a scenario: nothing to look up (the common case, and a store
        // read per command saved).
        if (typeof tid !== 'string' || store === null || scenarios.size === 0) return undefined;
        const cmd = await store.findCommandByTid(tid);
        const s = cmd ? scenarios.get(cmd.api_id, cmd.idempotency_key) : undefined;
        return s ? toRule(s) : undefined;
      },
    });
    cleanups.push(() => fleet.close());

    const ready = new Map<string, Promise<SimulatedDock>>();
    const maxDocks = o.maxDocks ?? 1000;
    const ensureDock = (sn: string, droneSn?: string): Promise<SimulatedDock> => {
      let p = ready.get(sn);
      if (!p) {
        if (fleet.get(sn) === undefined && fleet.docks().length >= maxDocks) {
          return Promise.reject(new ApiError('SERVICE_UNAVAILABLE', `The mock already runs ${maxDocks} simulated docks (its limit); restart it to start over.`));
        }
        p = fleet.ensureDock(sn, droneSn).then(async (d) => {
          await d.announced(ANNOUNCE_WAIT_MS);
          return d;
        });
        ready.set(sn, p);
        p.catch(() => ready.delete(sn));
      }
      return p;
    };

    const gateway = await startGateway(
      { ...config, storage: config.storage ?? SANDBOX_STORAGE, mqttUrl, dataDir, databaseUrl: null, devCredential: false },
      {
        logger,
        ...(embedded !== null ? { broker: embedded } : {}),
        extendApp: (app, deps) => {
          store = deps.store;
          app.use('/api/v1/open/downlink/commands', scenarioMiddleware({ scenarios, ensureDock, logger }));
          app.route('/mock/v1', mockRoutes({ fleet, store: () => deps.store, ensureDock, requestReplyTimeoutMs: o.requestReplyTimeoutMs ?? 15 * 60_000, logger }));
        },
      },
    );
    // Closed first (reverse order): HTTP, MQTT core and store, then the docks, the broker, the temp dir.
    cleanups.push(() => gateway.close());

    const now = new Date().toISOString();
    for (const c of [SANDBOX_CREDENTIAL, SANDBOX_READONLY_CREDENTIAL, SANDBOX_WRITEONLY_CREDENTIAL]) {
      await gateway.store.createCredential({ api_id: c.api_id, api_key: c.api_key, name: c.api_id, scopes: c.scopes, allowed_devices: null, disabled: false, created_at: now, updated_at: now });
    }

    let closing: Promise<void> | null = null;
    return {
      url: gateway.url,
      mqttUrl,
      mqttLogin: embedded?.internalLogin ?? null,
      dataDir,
      gateway,
      fleet,
      scenarios,
      credentials: { sandbox: SANDBOX_CREDENTIAL, readonly: SANDBOX_READONLY_CREDENTIAL, writeonly: SANDBOX_WRITEONLY_CREDENTIAL },
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * Register simulated dock `sn` (or give a known one a new password) in the mock's store and return
 * its MQTT login, so the dock connects to the embedded broker like a registered production dock.
 */
async function provisionMockDock(store: () => Store | null, sn: string): Promise<DockLogin> {
  const s = store();
  if (s === null) throw new Error('the mock store is not open yet');
  if (await s.devices.get(sn)) {
    const login = await rotateDock(s, sn);
    if (login) return login;
  }
  // The sandbox credentials may see every simulated dock.
  return (await registerDock(s, { sn, credentials: [SANDBOX_CREDENTIAL.api_id, SANDBOX_READONLY_CREDENTIAL.api_id, SANDBOX_WRITEONLY_CREDENTIAL.api_id], mosquitto: false })).login;
}

/**
 * Middleware on create-command (after authentication, before the generated route): reads the
 * scenario from `Prefer` / `?prefer=` (400 VALIDATION_FAILED when malformed), makes sure a
 * simulated dock serves the `device_id` of a body that will pass validation, and keeps the
 * scenario under (api_id, idempotency_key) for the dock. Anything else is left to the real route.
 * A request that does not end in 202 gives the previous scenario of that key back.
 */
export function scenarioMiddleware(d: { scenarios: ScenarioRegistry; ensureDock(sn: string): Promise<SimulatedDock>; logger: Logger }): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    let scenario: Scenario | null;
    try {
      scenario = parsePrefer([
        { field: 'Prefer', text: c.req.header('prefer') },
        ...(c.req.queries('prefer') ?? []).map((text) => ({ field: 'prefer', text })),
      ]);
    } catch (e) {
      if (!(e instanceof PreferError)) throw e;
      return errorResponse(c, 'VALIDATION_FAILED', e.message, [{ field: e.field, rule: 'prefer', message: e.message }]);
    }

    let body: unknown;
    try {
      body = await readJsonBody(c);
    } catch {
      return next(); // the route answers 415/400 exactly as in production
    }
    const valid = validateCreateCommandBody(body);
    if (!valid.ok) return next();
    const { device_id, idempotency_key } = valid.value as { device_id: string; idempotency_key: string };
    if (DOCK_SN.test(device_id)) {
      await d.ensureDock(device_id).catch((err: Error) => d.logger.warn({ event: 'mock_dock_failed', device_id, err: err.message }, 'could not start a simulated dock; the command will time out'));
    } else {
      d.logger.warn({ event: 'mock_no_dock', device_id }, 'device_id is not a plain SN (A-Za-z0-9._-), so no simulated dock answers it');
    }
    const api_id = c.get('credential').api_id;
    const previous = scenario ? d.scenarios.set(api_id, idempotency_key, scenario) : undefined;
    await next();
    if (!scenario) return;
    if (c.res.status !== 202) {
      d.scenarios.set(api_id, idempotency_key, previous);
      return;
    }
    c.res.headers.set('Preference-Applied', formatScenario(scenario));
  };
}
