/**
 * Handlers of the mission operations (listFlightTasks, getFlightTask, listMedia;
 * docs/missions.md): thin adapters from the generated routes' validated input to
 * `store.flightTasks` and `store.media`. A credential sees the tasks and media of the docks it may
 * see (as for devices: server/handlers/devices.ts), and the tasks its own commands acted on.
 */
import type { Handlers } from '../../generated/server/routes.js';
import type { components } from '../../generated/types.js';
import { LIMITS } from '../../spec/api.js';
import { ApiError } from '../http/errors.js';
import '../http/context.js';
import type { Store } from '../store/types.js';
import type { FlightTaskRecord } from '../store/types/flight-tasks.js';
import type { MediaRecord } from '../store/types/media.js';
import { withCursor } from './commands.js';
import { visibleDevices } from '../fleet/visibility.js';

type Schemas = components['schemas'];

/** `FlightTask` view of a record. */
export function flightTaskView(r: FlightTaskRecord): Schemas['FlightTask'] {
  const { gateway_sn, api_ids: _a, ...rest } = r;
  return { ...rest, sn: gateway_sn };
}

/** `Media` view of a record. */
export function mediaView(r: MediaRecord): Schemas['Media'] {
  const { gateway_sn, ...rest } = r;
  return { ...rest, sn: gateway_sn };
}

/** Limit a dock filter to what the credential sees: null = no limit; [] = nothing. */
function docks(sns: Set<string> | null, device_sn: string | undefined): string[] | null {
  if (device_sn !== undefined) return sns === null || sns.has(device_sn) ? [device_sn] : [];
  return sns === null ? null : [...sns];
}

export function missionHandlers({ store }: { store: Store }): Pick<Handlers, 'listFlightTasks' | 'getFlightTask' | 'listMedia'> {
  return {
    async listFlightTasks(c, input) {
      const q = input.query;
      const sns = await visibleDevices(store, c.get('credential'));
      const page = await withCursor(
        store.flightTasks.list({ gateway_sns: docks(sns, q.device_sn), status: q.status, from: q.from, to: q.to, limit: q.limit ?? LIMITS.listLimit.default, cursor: q.cursor }),
      );
      return { status: 200, body: { items: page.items.map(flightTaskView), next_cursor: page.next_cursor } };
    },

    async getFlightTask(c, input) {
      const cred = c.get('credential');
      const r = await store.flightTasks.get(input.params.flight_id);
      const sns = r && !r.api_ids.includes(cred.api_id) ? await visibleDevices(store, cred) : null;
      if (!r || (sns !== null && !sns.has(r.gateway_sn))) throw new ApiError('FLIGHT_TASK_NOT_FOUND', `No flight task ${input.params.flight_id} is visible to this credential.`);
      return { status: 200, body: flightTaskView(r) };
    },

    async listMedia(c, input) {
      const q = input.query;
      const sns = await visibleDevices(store, c.get('credential'));
      const page = await withCursor(
        store.media.list({ gateway_sns: docks(sns, q.device_sn), flight_id: q.flight_id, from: q.from, to: q.to, limit: q.limit ?? LIMITS.listLimit.default, cursor: q.cursor }),
      );
      return { status: 200, body: { items: page.items.map(mediaView), next_cursor: page.next_cursor } };
    },
  };
}
