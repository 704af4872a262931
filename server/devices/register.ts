/**
 * Registering docks and rotating their MQTT passwords: used by `npm run devices` (../cli/devices.ts),
 * by `npm start` for the development dock (../main.ts) and by the mock for its simulated docks.
 * The password is returned once and never stored; the store keeps its hashes (./secrets.ts).
 */
import { isValidSn } from '../../spec/topics.js';
import type { Store } from '../store/types.js';
import type { DeviceRecord } from '../store/types/devices.js';
import { hashPassword, mosquittoHash, newDockPassword } from './secrets.js';

/** An MQTT login for a dock: the username is the dock SN. */
export interface DockLogin {
  username: string;
  password: string;
}

/** Thrown for an SN that cannot be registered (not a topic-safe SN, or already registered). */
export class DeviceRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceRegistrationError';
  }
}

/**
 * Register dock `sn` with a new random password (or `password` when given: tests and the mock).
 * `mosquitto: false` skips the Mosquitto hash (the mock's throwaway docks: half the CPU per dock).
 * Rejects with `DeviceRegistrationError` when the SN is invalid or taken.
 */
export async function registerDock(
  store: Store,
  o: { sn: string; model_key?: string | null; credentials?: string[]; password?: string; mosquitto?: boolean },
): Promise<{ device: DeviceRecord; login: DockLogin }> {
  if (!isValidSn(o.sn)) throw new DeviceRegistrationError(`not a valid SN (1–64 of A-Z a-z 0-9 . _ -, starting alphanumeric): ${JSON.stringify(o.sn)}`);
  if (o.model_key != null && !/^\d+-\d+-\d+$/.test(o.model_key)) throw new DeviceRegistrationError(`--model must be domain-type-sub_type like 3-2-0, got ${JSON.stringify(o.model_key)}`);
  if (await store.devices.get(o.sn)) throw new DeviceRegistrationError(`device ${o.sn} is already registered (rotate its password with: npm run devices -- rotate ${o.sn})`);
  const password = o.password ?? newDockPassword();
  const now = new Date().toISOString();
  const device: DeviceRecord = {
    sn: o.sn,
    kind: 'dock',
    model_key: o.model_key ?? null,
    dock_sn: null,
    credentials: o.credentials ?? [],
    mqtt_password_hash: await hashPassword(password),
    mosquitto_password_hash: o.mosquitto === false ? null : await mosquittoHash(password),
    created_at: now,
    updated_at: now,
  };
  try {
    await store.devices.add(device);
  } catch (err) {
    if (/exists/.test((err as Error).message)) throw new DeviceRegistrationError(`device ${o.sn} is already registered`);
    throw err;
  }
  return { device, login: { username: o.sn, password } };
}

/** Give dock `sn` a new random password (or `password`); the old one stops working. Null when no such dock. */
export async function rotateDock(store: Store, sn: string, password = newDockPassword()): Promise<DockLogin | null> {
  const ok = await store.devices.setPasswordHash(sn, await hashPassword(password), await mosquittoHash(password));
  return ok ? { username: sn, password } : null;
}
