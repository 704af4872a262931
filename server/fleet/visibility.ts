/**
 * Which devices a credential may see (issue 11 item 2, issue 13 item 3), in one place for the
 * device API, the event log and webhook fan-out: a credential without an allow-list
 * (`allowed_devices: null`) sees every device; one with an allow-list sees those SNs, the devices
 * the registry grants it (`devices.credentials`), and the aircraft the fleet has seen under any
 * dock it sees. Resolved at read time, so a grant or an aircraft added later also shows the
 * device's earlier events.
 */
import { LIMITS } from '../../spec/api.js';
import type { Credential, Store } from '../store/types.js';

/** The SNs `cred` may see; null = every device. One registry page per 100 grants, one fleet query per visible dock. */
export async function visibleDevices(store: Store, cred: Credential): Promise<Set<string> | null> {
  if (cred.allowed_devices === null) return null;
  const sns = new Set(cred.allowed_devices);
  let cursor: string | undefined;
  do {
    const page = await store.devices.list({ credential: cred.api_id, limit: LIMITS.listLimit.max, cursor });
    for (const d of page.items) sns.add(d.sn);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  for (const dock of [...sns]) {
    let after: string | undefined;
    do {
      const page = await store.fleet.listDevices({ gateway_sn: dock, limit: LIMITS.listLimit.max, cursor: after });
      for (const a of page.items) sns.add(a.sn);
      after = page.next_cursor ?? undefined;
    } while (after);
  }
  return sns;
}
