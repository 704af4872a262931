/**
 * Mock-only endpoints under `/mock/v1` (docs/scenarios.md "Mock-only endpoints"). They exist only
 * in the mock server, are not part of the production API or its OpenAPI document, and need no
 * signature (the mock listens on loopback and holds throwaway data):
 *
 *   GET    /mock/v1/docks                                  simulated docks with aircraft, rules, counts
 *   GET    /mock/v1/docks/{sn}                             one dock with its recent commands and requests
 *   PUT    /mock/v1/docks/{sn}                             start a dock now (optionally with its aircraft SN)
 *   POST   /mock/v1/docks/{sn}/device-requests             make the dock send a device request
 *   PUT    /mock/v1/docks/{sn}/rules/{command_type|*}      standing scenario for that dock (Prefer grammar)
 *   DELETE /mock/v1/docks/{sn}/rules/{command_type|*}      remove it
 *   telemetry, HMS alarms, silence, disconnect/reconnect   device-routes.ts
 *
 * Errors use the API's envelope `{code, message, request_id, details?}`.
 */
import { Hono, type Context } from 'hono';
import { commandsByType } from '../spec/catalog.js';
import { ApiError } from '../server/http/errors.js';
import { deviceRequestView } from '../server/handlers/views.js';
import type { DeviceRequestRecord, Store } from '../server/store/types.js';
import type { Fleet } from './simulator/fleet.js';
import type { SimulatedDock } from './simulator/dock.js';
import { formatScenario, parsePrefer, PreferError, toRule } from './scenarios.js';
import { addDeviceRoutes } from './device-routes.js';

/** What the mock routes need from the mock server. */
export interface MockRoutesDeps {
  fleet: Fleet;
  store: () => Store;
  /** The dock for `sn` (dock or aircraft SN), started (and announced to the gateway) when there is none. */
  ensureDock(sn: string, droneSn?: string): Promise<SimulatedDock>;
  /** How long an injected request waits for its `requests_reply` on the dock (ms). */
  requestReplyTimeoutMs: number;
  /** How long the endpoint waits for the gateway to store the injected request (ms). */
  storeWaitMs?: number;
  logger: { warn(obj: object, msg?: string): void };
}

/** Dock SNs the simulator accepts: what a DJI SN looks like, and never an MQTT wildcard or level. */
export const DOCK_SN = /^[A-Za-z0-9._-]{1,128}$/;
const REQUEST_TYPE = /^[a-z][a-z0-9_]{0,63}$/;

export function invalid(field: string, message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', message, [{ field, rule: 'mock', message }]);
}

function checkSn(sn: string): string {
  if (!DOCK_SN.test(sn)) throw invalid('sn', `sn must be 1–128 characters of A-Za-z0-9._- (a dock SN), got ${JSON.stringify(sn.slice(0, 140))}.`);
  return sn;
}

export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ApiError('INVALID_REQUEST_BODY', `The request body is not valid JSON: ${(e as Error).message}.`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('', 'The request body must be a JSON object.');
  return v as Record<string, unknown>;
}

/** Summary of a dock for the listing. */
export function dockSummary(d: SimulatedDock) {
  const results: Record<string, number> = {};
  for (const cmd of d.commands) results[cmd.result] = (results[cmd.result] ?? 0) + 1;
  return {
    sn: d.sn,
    drone_sn: d.droneSn,
    connected: d.connected(),
    rules: d.rules().map((r) => ({ key: r.key, rule: r.rule })),
    counts: { commands: d.commands.length, events: d.events.length, requests: d.requests.length, results },
  };
}

/** A dock with its most recent commands and requests (newest first, at most `limit` each). */
export function dockDetail(d: SimulatedDock, limit = 50) {
  return {
    ...dockSummary(d),
    commands: d.commands
      .slice(-limit)
      .reverse()
      .map((c) => ({
        method: c.method,
        transport: c.transport,
        tid: c.tid,
        bid: c.bid,
        result: c.result,
        rule: c.rule,
        issues: c.issues,
        reply: c.reply,
        events: c.events.map((e) => ({ message: e.message, need_reply: e.needReply, reply: e.reply })),
        received_at: c.received_at,
        finished_at: c.finished_at,
      })),
    requests: d.requests
      .slice(-limit)
      .reverse()
      .map((r) => ({ method: r.method, message: r.message, reply: r.reply, error: r.error })),
  };
}

async function waitForStored(store: Store, sn: string, request_type: string, tid: string, ms: number): Promise<DeviceRequestRecord | null> {
  const end = Date.now() + ms;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const page = await store.listDeviceRequests({ allowed_devices: null, device_id: sn, request_type, limit: 50 });
    const hit = page.items.find((r) => r.tid === tid);
    if (hit) return hit;
    if (Date.now() >= end) return null;
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** The `/mock/v1` sub-application (mount with `app.route('/mock/v1', mockRoutes(deps))`). */
export function mockRoutes(deps: MockRoutesDeps): Hono {
  const r = new Hono();

  r.get('/docks', (c) => c.json({ items: deps.fleet.docks().map(dockSummary) }));

  r.get('/docks/:sn', (c) => {
    const sn = checkSn(c.req.param('sn'));
    const d = deps.fleet.get(sn);
    if (!d) throw new ApiError('NOT_FOUND', `No simulated dock ${sn} yet; one starts on the first command or request for it.`);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 50) || 50, 1), 1000);
    return c.json(dockDetail(d, limit));
  });

  r.put('/docks/:sn', async (c) => {
    const sn = checkSn(c.req.param('sn'));
    const body = await jsonBody(c);
    const drone = body.drone_sn;
    if (drone !== undefined && (typeof drone !== 'string' || !DOCK_SN.test(drone) || drone === sn)) {
      throw invalid('drone_sn', 'drone_sn must be an aircraft SN (1–128 characters of A-Za-z0-9._-) other than the dock SN.');
    }
    const existed = deps.fleet.get(sn) !== undefined;
    const dock = await deps.ensureDock(sn, drone as string | undefined);
    if (drone !== undefined && dock.droneSn !== drone) {
      throw invalid('drone_sn', `Simulated dock ${dock.sn} already runs with aircraft ${dock.droneSn}.`);
    }
    return c.json(dockSummary(dock), existed ? 200 : 201);
  });

  r.post('/docks/:sn/device-requests', async (c) => {
    const sn = checkSn(c.req.param('sn'));
    const body = await jsonBody(c);
    const request_type = body.request_type;
    if (typeof request_type !== 'string' || !REQUEST_TYPE.test(request_type)) {
      throw invalid('request_type', 'request_type must be a DJI request method such as config, storage_config_get, flighttask_resource_get, airport_bind_status or flight_areas_get.');
    }
    if ('data' in body && body.data !== null && (typeof body.data !== 'object' || Array.isArray(body.data))) {
      throw invalid('data', 'data must be a JSON object (or null); omit it to use the catalog example.');
    }
    const dock = await deps.ensureDock(sn);
    const sent = await dock.sendRequest(request_type, body.data, { timeoutMs: deps.requestReplyTimeoutMs });
    sent.reply.catch((err: Error) => deps.logger.warn({ event: 'mock_request_unanswered', dock: sn, request_type, err: err.message }, 'injected device request got no requests_reply'));
    const { tid } = sent;
    const stored = await waitForStored(deps.store(), sn, request_type, tid, deps.storeWaitMs ?? 5000);
    if (!stored) throw new ApiError('SERVICE_UNAVAILABLE', `The gateway did not store the ${request_type} request of ${sn} (tid ${tid}) in time.`);
    c.header('Location', `/api/v1/open/device-requests/${stored.request_id}`);
    return c.json({ ...deviceRequestView(stored), tid, bid: sent.bid }, 201);
  });

  const ruleTarget = (c: Context): { sn: string; commandType: string } => {
    const sn = checkSn(c.req.param('sn') ?? '');
    const commandType = c.req.param('command_type') ?? '';
    if (commandType !== '*' && !commandsByType.has(commandType)) throw invalid('command_type', `command_type must be a catalog command_type or *, got ${JSON.stringify(commandType.slice(0, 80))}.`);
    return { sn, commandType };
  };

  r.put('/docks/:sn/rules/:command_type', async (c) => {
    const { sn, commandType } = ruleTarget(c);
    const body = await jsonBody(c);
    if (typeof body.prefer !== 'string') throw invalid('prefer', 'prefer must be a string in the Prefer grammar, e.g. "outcome=failed, code=514107".');
    let scenario;
    try {
      scenario = parsePrefer([{ field: 'prefer', text: body.prefer }]);
    } catch (e) {
      if (e instanceof PreferError) throw invalid(e.field, e.message);
      throw e;
    }
    if (!scenario) throw invalid('prefer', 'prefer names no scenario (use outcome, code, fail_at, delay).');
    const dock = await deps.ensureDock(sn);
    dock.setRule(commandType, toRule(scenario));
    c.header('Preference-Applied', formatScenario(scenario));
    return c.json(dockSummary(dock));
  });

  r.delete('/docks/:sn/rules/:command_type', (c) => {
    const { sn, commandType } = ruleTarget(c);
    const dock = deps.fleet.get(sn);
    if (!dock) throw new ApiError('NOT_FOUND', `No simulated dock ${sn}.`);
    dock.setRule(commandType, null);
    return c.json(dockSummary(dock));
  });

  addDeviceRoutes(r, deps, checkSn);
  return r;
}
