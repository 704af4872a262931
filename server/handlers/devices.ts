/**
 * Handlers of the device operations (listDevices, getDevice, listDeviceAlarms; docs/fleet.md):
 * thin adapters from the generated routes' validated input to `store.fleet` and the registry.
 *
 * Visibility: a credential without an allow-list (`allowed_devices: null`) sees every device; one
 * with an allow-list sees those SNs, the devices the registry grants it (`devices.credentials`),
 * and the aircraft of any dock it sees. Anything else is 404 DEVICE_NOT_FOUND.
 */
import type { Handlers } from '../../generated/server/routes.js';
import type { components } from '../../generated/types.js';
import { LIMITS } from '../../spec/api.js';
import { modelsByKey } from '../../spec/uplink/index.js';
import { HmsMessages } from '../fleet/hms.js';
import { ApiError } from '../http/errors.js';
import '../http/context.js';
import type { Credential, Store } from '../store/types.js';
import type { AlarmRecord, FleetDevice, PresenceChange, StateSnapshot } from '../store/types/fleet.js';
import { withCursor } from './commands.js';

type Schemas = components['schemas'];

/** How many presence changes and active alarms `getDevice` shows. */
const DETAIL_ITEMS = 20;

export interface DeviceHandlerDeps {
  store: Store;
  /** HMS texts (`HMS_MESSAGES_FILE`); none → `message: null`. */
  hmsMessages?: HmsMessages;
}

/** `Device` view of a fleet record. */
export function deviceView(d: FleetDevice): Schemas['Device'] {
  return {
    sn: d.sn,
    kind: d.kind,
    model_key: d.model_key,
    model_name: (d.model_key && modelsByKey.get(d.model_key)?.name) ?? null,
    dock_sn: d.kind === 'aircraft' ? d.gateway_sn : null,
    online: d.online,
    last_seen_at: d.last_seen_at,
    presence_changed_at: d.changed_at,
    presence_reason: d.reason,
  };
}

const changeView = (c: PresenceChange): Schemas['PresenceChange'] => ({ online: c.online, reason: c.reason, at: c.at });

const stateView = (s: StateSnapshot): Schemas['DeviceState'] => ({
  version: s.version,
  updated_at: s.updated_at,
  group_reported_at: s.group_reported_at,
  properties: s.properties as Schemas['DeviceState']['properties'],
});

/** `Alarm` view; fields the dock did not send (null) are left out, as the item schema has them optional. */
export function alarmView(a: AlarmRecord, messages: HmsMessages, lang: string): Schemas['Alarm'] {
  const v: Record<string, unknown> = { alarm_id: a.alarm_id, sn: a.sn };
  for (const k of ['level', 'module', 'in_the_sky', 'code', 'device_type', 'imminent'] as const) if (a[k] !== null) v[k] = a[k];
  v.args = a.args;
  v.raised_at = a.raised_at;
  v.cleared_at = a.cleared_at;
  v.message = messages.message(a, lang);
  return v as Schemas['Alarm'];
}

/** The SNs a credential with an allow-list may see (null = every device); also used by the mission handlers. */
export async function visibleSns(store: Store, cred: Credential): Promise<Set<string> | null> {
  if (cred.allowed_devices === null) return null;
  const sns = new Set(cred.allowed_devices);
  let cursor: string | undefined;
  do {
    const page = await store.devices.list({ credential: cred.api_id, limit: LIMITS.listLimit.max, cursor });
    for (const d of page.items) sns.add(d.sn);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  for (const dock of [...sns]) {
    for (const a of (await store.fleet.listDevices({ gateway_sn: dock, limit: LIMITS.listLimit.max })).items) sns.add(a.sn);
  }
  return sns;
}

/** The three device handlers, bound to the store and the HMS texts. */
export function deviceHandlers({ store, hmsMessages = HmsMessages.none() }: DeviceHandlerDeps): Pick<Handlers, 'listDevices' | 'getDevice' | 'listDeviceAlarms'> {
  async function visibleDevice(cred: Credential, sn: string): Promise<FleetDevice> {
    const d = await store.fleet.getDevice(sn);
    const sns = d ? await visibleSns(store, cred) : null;
    if (!d || (sns !== null && !sns.has(sn))) throw new ApiError('DEVICE_NOT_FOUND', `No device ${sn} is visible to this credential.`);
    return d;
  }

  /** Active alarms shown on a device: a dock's own; for an aircraft, its dock's alarms about an aircraft (device_type domain 0). */
  async function activeAlarms(d: FleetDevice): Promise<AlarmRecord[]> {
    const dock = d.kind === 'dock' ? d.sn : d.gateway_sn;
    if (!dock) return [];
    const items = (await store.fleet.listAlarms({ sn: dock, state: 'active', limit: DETAIL_ITEMS })).items;
    return d.kind === 'dock' ? items : items.filter((a) => (a.device_type ?? '').startsWith('0-'));
  }

  return {
    async listDevices(c, input) {
      const q = input.query;
      const sns = await visibleSns(store, c.get('credential'));
      const page = await withCursor(
        store.fleet.listDevices({ kind: q.kind, online: q.online, model_key: q.model, sns: sns ? [...sns] : null, limit: q.limit ?? LIMITS.listLimit.default, cursor: q.cursor }),
      );
      return { status: 200, body: { items: page.items.map(deviceView), next_cursor: page.next_cursor } };
    },

    async getDevice(c, input) {
      const d = await visibleDevice(c.get('credential'), input.params.device_sn);
      const lang = input.query.lang ?? 'en';
      const [history, aircraft, state, alarms] = await Promise.all([
        store.fleet.presenceHistory(d.sn, DETAIL_ITEMS),
        d.kind === 'dock' ? store.fleet.listDevices({ gateway_sn: d.sn, limit: LIMITS.listLimit.max }) : Promise.resolve({ items: [] }),
        store.fleet.getState(d.sn),
        activeAlarms(d),
      ]);
      return {
        status: 200,
        body: {
          ...deviceView(d),
          presence_history: history.map(changeView),
          aircraft: aircraft.items.map((a) => a.sn),
          state: state ? stateView(state) : null,
          active_alarms: alarms.map((a) => alarmView(a, hmsMessages, lang)),
        },
      };
    },

    async listDeviceAlarms(c, input) {
      const d = await visibleDevice(c.get('credential'), input.params.device_sn);
      const q = input.query;
      const page = await withCursor(
        store.fleet.listAlarms({ sn: d.sn, state: q.state ?? 'active', since: q.since, limit: q.limit ?? LIMITS.listLimit.default, cursor: q.cursor }),
      );
      return { status: 200, body: { items: page.items.map((a) => alarmView(a, hmsMessages, q.lang ?? 'en')), next_cursor: page.next_cursor } };
    },
  };
}
