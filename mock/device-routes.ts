/**
 * Mock-only endpoints that make a simulated dock's telemetry move (docs/scenarios.md "Telemetry,
 * alarms, silence"), mounted by routes.ts under `/mock/v1`:
 *
 *   GET  /mock/v1/docks/{sn}/telemetry      the dock's and aircraft's current osd/state values and alarms
 *   POST /mock/v1/docks/{sn}/hms            raise HMS alarms `{alarms: [{code, level?, module?, …}]}`
 *   POST /mock/v1/docks/{sn}/hms/clear      clear alarms `{codes?: ["0x…"]}` (none: all)
 *   POST /mock/v1/docks/{sn}/silence        stop publishing anything `{silent?: true}` (`false`: speak again)
 *   POST /mock/v1/docks/{sn}/disconnect     drop the MQTT connection
 *   POST /mock/v1/docks/{sn}/reconnect      connect again (re-subscribes and re-announces `update_topo`)
 *
 * `{sn}` may be the dock SN or its aircraft's; the dock is started when there is none (as for the
 * other mock endpoints), except for reconnect, which needs a dock that exists.
 */
import type { Hono } from 'hono';
import { ApiError } from '../server/http/errors.js';
import type { SimulatedDock } from './simulator/dock.js';
import { dockSummary, invalid, jsonBody, type MockRoutesDeps } from './routes.js';

/** A dock's telemetry view: summary, silence, current alarms and property values. */
export function telemetryView(d: SimulatedDock) {
  return {
    ...dockSummary(d),
    silenced: d.silenced,
    flying: d.telemetry.flying(),
    hms: d.hms.list(),
    dock: d.telemetry.snapshot('dock'),
    aircraft: d.telemetry.snapshot('aircraft'),
  };
}

/** Adds the telemetry endpoints to the `/mock/v1` app. `checkSn` validates the path SN. */
export function addDeviceRoutes(r: Hono, deps: MockRoutesDeps, checkSn: (sn: string) => string): void {
  const dockOf = async (sn: string): Promise<SimulatedDock> => deps.ensureDock(checkSn(sn));

  r.get('/docks/:sn/telemetry', async (c) => c.json(telemetryView(await dockOf(c.req.param('sn')))));

  r.post('/docks/:sn/hms', async (c) => {
    const body = await jsonBody(c);
    if (!Array.isArray(body.alarms) || body.alarms.length === 0 || body.alarms.length > 20) {
      throw invalid('alarms', 'alarms must be an array of 1–20 HMS alarms such as {"code": "0x16100083"} (level, module, in_the_sky, device_type, imminent, args optional).');
    }
    const dock = await dockOf(c.req.param('sn'));
    try {
      return c.json({ hms: await dock.raiseHms(body.alarms) });
    } catch (e) {
      if (e instanceof TypeError) throw invalid('alarms', e.message);
      throw e;
    }
  });

  r.post('/docks/:sn/hms/clear', async (c) => {
    const body = await jsonBody(c);
    const codes = body.codes;
    if (codes !== undefined && (!Array.isArray(codes) || !codes.every((x) => typeof x === 'string'))) {
      throw invalid('codes', 'codes must be an array of HMS codes such as "0x16100083"; omit it to clear every alarm.');
    }
    const dock = await dockOf(c.req.param('sn'));
    return c.json({ hms: await dock.clearHms(codes as string[] | undefined) });
  });

  r.post('/docks/:sn/silence', async (c) => {
    const body = await jsonBody(c);
    if (body.silent !== undefined && typeof body.silent !== 'boolean') throw invalid('silent', 'silent must be true (stop publishing) or false (publish again).');
    const dock = await dockOf(c.req.param('sn'));
    dock.silence(body.silent !== false);
    return c.json(telemetryView(dock));
  });

  r.post('/docks/:sn/disconnect', async (c) => {
    const dock = await dockOf(c.req.param('sn'));
    await dock.disconnect();
    return c.json(telemetryView(dock));
  });

  r.post('/docks/:sn/reconnect', async (c) => {
    const sn = checkSn(c.req.param('sn'));
    const dock = deps.fleet.get(sn);
    if (!dock) throw new ApiError('NOT_FOUND', `No simulated dock ${sn}.`);
    try {
      await dock.reconnect();
    } catch (e) {
      throw new ApiError('SERVICE_UNAVAILABLE', `Simulated dock ${sn} did not reconnect: ${(e as Error).message}`);
    }
    return c.json(telemetryView(dock));
  });
}
