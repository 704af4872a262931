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

/**
 * `visibleDevices` remembered per credential for `ttlMs`, for a loop that needs it on every pass
 * (the webhook fan-out) where resolving it costs one registry page per 100 grants and one fleet
 * query per visible dock. A change of the credential itself (its `updated_at`: allow-list,
 * disabling) applies at once; a registry grant or an aircraft newly seen under a visible dock
 * applies within `ttlMs`.
 */
export class VisibilityCache {
  private readonly entries = new Map<string, { updated_at: string; until: number; devices: Promise<Set<string> | null> }>();

  constructor(private readonly store: Store, private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  get(cred: Credential): Promise<Set<string> | null> {
    if (cred.allowed_devices === null) return Promise.resolve(null);
    const t = this.now();
    const hit = this.entries.get(cred.api_id);
    if (hit && hit.updated_at === cred.updated_at && t < hit.until) return hit.devices;
    const devices = visibleDevices(this.store, cred);
    const entry = { updated_at: cred.updated_at, until: t + this.ttlMs, devices };
    this.entries.set(cred.api_id, entry);
    // A failed resolution is not remembered: the next pass tries again.
    devices.catch(() => this.entries.get(cred.api_id) === entry && this.entries.delete(cred.api_id));
    return devices;
  }
}
