/**
 * Registered test docks: a dock registered in the store (as `npm run devices -- add` does) with
 * its MQTT login, so tests connect docks to an embedded broker that checks logins (MQTT_AUTH on).
 */
import { registerDock, type DockLogin } from '../../server/devices/register.js';
import type { Store } from '../../server/store/types.js';
import { uniqueSn } from './dock.js';

/** Register dock `sn` (default a unique one) and return its login (username = SN). */
export async function provisionDock(store: Store, sn = uniqueSn(), o: { credentials?: string[] } = {}): Promise<DockLogin & { sn: string }> {
  const { login } = await registerDock(store, { sn, credentials: o.credentials });
  return { sn, ...login };
}
