/**
 * The `data` a simulated dock puts in its device `requests` (dock → cloud,
 * docs/dji/requests.md): the catalog example of `spec/requests.ts` when there is one, with the fields that name the
 * dock itself (`airport_bind_status.devices`, `flighttask_resource_get.flight_id`) filled from the
 * dock's own state. Methods the catalog does not know get the DJI form below, or `{}`.
 */
import { randomUUID } from 'node:crypto';
import { deviceRequestsByType } from '../../spec/requests.js';
import type { DeviceRequestDef } from '../../spec/types.js';

/** The requests the issue names; the CLI and the mock accept others too. */
export const KNOWN_REQUESTS = ['config', 'storage_config_get', 'flighttask_resource_get', 'airport_bind_status', 'flight_areas_get'] as const;

/** DJI request data when the catalog has no example (docs/dji/requests.md). */
const FALLBACK: Record<string, unknown> = {
  config: { config_type: 'json', config_scope: 'product' },
  storage_config_get: { module: 0 },
  // DJI sends `data: null` for flight_areas_get (DOC D3/custom-fly-region); kept so the gateway sees the real form.
  flight_areas_get: null,
};

/** What the dock knows about itself when it builds a request. */
export interface RequestContext {
  dockSn: string;
  droneSn: string;
  /** `flight_id` of the last flight task the dock was given, if any. */
  lastFlightId?: string;
}

/** Request `data` for `method`: catalog example (deep-copied) or DJI fallback, personalised. */
export function requestData(method: string, ctx: RequestContext, defs: ReadonlyMap<string, DeviceRequestDef> = deviceRequestsByType): unknown {
  const def = defs.get(method);
  const base: unknown = def ? structuredClone(def.example) : method in FALLBACK ? structuredClone(FALLBACK[method]) : {};
  if (method === 'airport_bind_status') {
    return { ...(isObject(base) ? base : {}), devices: [{ sn: ctx.dockSn }, { sn: ctx.droneSn }] };
  }
  if (method === 'flighttask_resource_get') {
    const fromExample = isObject(base) && typeof base.flight_id === 'string' ? base.flight_id : undefined;
    return { ...(isObject(base) ? base : {}), flight_id: ctx.lastFlightId ?? fromExample ?? randomUUID() };
  }
  return base;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
