/**
 * Who may use the embedded broker, and for what (issue 11 item 3): aedes' `authenticate`,
 * `authorizePublish`, `authorizeSubscribe` and `authorizeForward` hooks
 * (https://github.com/moscajs/aedes/blob/main/docs/Aedes.md#handler-authenticate-client-username-password-callback).
 *
 * - dockgate's own clients (the MQTT core, in-process or over TCP) log in with the internal
 *   credential made here at start-up (username `$dockgate`, a random password; never stored, gone
 *   with the process) and may do anything;
 * - a registered dock logs in with its SN as username and the password `npm run devices` printed,
 *   verified against the stored scrypt hash (../devices/secrets.ts). Verified results are cached in
 *   memory for `cacheTtlMs`, keyed by the stored hash and a SHA-256 of the password, so a reconnect
 *   storm does not run scrypt per connection, and a rotated or removed dock is refused at once
 *   (the hash is read from the store on every CONNECT; only the scrypt is skipped);
 * - anyone else gets CONNACK 5 "not authorized" (aedes speaks MQTT 3.1.1 only; an MQTT 5 CONNECT is
 *   refused with 1 "unacceptable protocol version" before these hooks run).
 *
 * A dock may publish and subscribe only under `thing/product/{sn}/…` and `sys/product/{sn}/…` of its
 * own SN and of its aircraft (`update_topo` registers them, server/mqtt/topology.ts). MQTT 3.1.1 has
 * no way to tell a publisher "not authorized" (MQTT-3.3.5-2: acknowledge or disconnect): a refused
 * PUBLISH is acknowledged per its QoS and delivered to nobody; a refused SUBSCRIBE gets SUBACK 0x80.
 * Each refusal is counted by reason (`refused()`, exported as `dockgate_mqtt_refused_total{reason}`).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AedesOptions } from 'aedes';
import { isValidSn } from '../../spec/topics.js';
import { verifyPassword } from '../devices/secrets.js';
import type { DeviceRegistry } from '../store/types/devices.js';

/** Username of dockgate's own clients; `$` cannot start an SN, so no dock can take it. */
export const INTERNAL_USERNAME = '$dockgate';

/** Why something was refused (the `reason` label of `dockgate_mqtt_refused_total`). */
export const REFUSAL_REASONS = ['unknown_client', 'bad_password', 'store_unavailable', 'publish_topic', 'subscribe_topic'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Where a refused PUBLISH goes: a topic nobody may subscribe to (and `authorizeForward` drops). */
const REFUSED_TOPIC = '$dockgate/refused';

export interface BrokerAuthOptions {
  /** The registry (only `get` is used; the mock passes one that waits for its store). */
  devices: Pick<DeviceRegistry, 'get'>;
  /** How long a verified (or failed) password check is reused, ms (default 10 min). */
  cacheTtlMs?: number;
  /** Most cached checks (oldest dropped first; default 10,000). */
  cacheMax?: number;
  /** How long a dock's right to an aircraft's topics is reused before asking the store again, ms (default 30 s). */
  aircraftTtlMs?: number;
  /** Clock, ms (tests). */
  now?: () => number;
}

/** The hooks to pass to aedes, the internal login, and the refusal counters. */
export interface BrokerAuth {
  hooks: Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>;
  /** The login of dockgate's own clients (this process only). */
  internal: { username: string; password: string };
  /** Refusals by reason since start. */
  refused(): Record<RefusalReason, number>;
  /** Password checks that ran scrypt (the rest came from the cache). */
  scryptRuns(): number;
}

type Identity = { internal: true } | { internal: false; sn: string; aircraft: Map<string, number> };

/** Root and SN of a topic (or filter) of the DJI layout, or null when it is not one. */
function topicSn(topic: string): string | null {
  const levels = topic.split('/');
  if (levels.length < 4 || (levels[0] !== 'thing' && levels[0] !== 'sys') || levels[1] !== 'product') return null;
  return isValidSn(levels[2]) ? levels[2] : null;
}

/** Create the auth of one broker. */
export function createBrokerAuth(o: BrokerAuthOptions): BrokerAuth {
  const now = o.now ?? Date.now;
  const ttl = o.cacheTtlMs ?? 10 * 60_000;
  const max = o.cacheMax ?? 10_000;
  const aircraftTtl = o.aircraftTtlMs ?? 30_000;
  const internal = { username: INTERNAL_USERNAME, password: randomBytes(32).toString('base64url') };
  const internalPw = Buffer.from(internal.password);
  const counts = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>;
  const identities = new WeakMap<object, Identity>();
  /** key(stored hash, sha256(password)) → {ok, until}; Map order = insertion order, oldest first. */
  const checks = new Map<string, { ok: boolean; until: number }>();
  let scryptRuns = 0;

  const refuse = (reason: RefusalReason) => counts[reason]++;

  async function passwordMatches(password: Buffer, hash: string): Promise<boolean> {
    const key = `${hash}\0${createHash('sha256').update(password).digest('base64')}`;
    const hit = checks.get(key);
    if (hit && hit.until > now()) return hit.ok;
    scryptRuns++;
    const ok = await verifyPassword(password.toString('utf8'), hash);
    checks.delete(key);
    checks.set(key, { ok, until: now() + ttl });
    while (checks.size > max) checks.delete(checks.keys().next().value as string);
    return ok;
  }

  /** Whether dock `id` may use the topics of `sn`: its own, or an aircraft registered under it. */
  async function mayUse(id: Extract<Identity, { internal: false }>, sn: string): Promise<boolean> {
    if (sn === id.sn) return true;
    const until = id.aircraft.get(sn);
    if (until !== undefined && until > now()) return true;
    const d = await o.devices.get(sn);
    if (d?.kind === 'aircraft' && d.dock_sn === id.sn) {
      id.aircraft.set(sn, now() + aircraftTtl);
      return true;
    }
    id.aircraft.delete(sn);
    return false;
  }

  const notAuthorized = (message: string, returnCode = 5) => Object.assign(new Error(message), { returnCode });

  const hooks: BrokerAuth['hooks'] = {
    authenticate(client, username, password, done) {
      const pw = password ?? Buffer.alloc(0);
      if (username === INTERNAL_USERNAME) {
        if (pw.length === internalPw.length && timingSafeEqual(pw, internalPw)) {
          identities.set(client, { internal: true });
          return done(null, true);
        }
        refuse('bad_password');
        return done(notAuthorized('not authorized') as never, false);
      }
      if (!isValidSn(username)) {
        refuse('unknown_client');
        return done(notAuthorized('not authorized') as never, false);
      }
      o.devices
        .get(username)
        .then(async (d) => {
          if (d?.kind !== 'dock' || d.mqtt_password_hash === null) {
            refuse('unknown_client');
            return done(notAuthorized('not authorized') as never, false);
          }
          if (!(await passwordMatches(pw, d.mqtt_password_hash))) {
            refuse('bad_password');
            return done(notAuthorized('not authorized') as never, false);
          }
          identities.set(client, { internal: false, sn: username, aircraft: new Map() });
          done(null, true);
        })
        .catch(() => {
          // The store is down: "server unavailable" (3), so the dock retries rather than giving up.
          refuse('store_unavailable');
          done(notAuthorized('server unavailable', 3) as never, false);
        });
    },

    authorizePublish(client, packet, done) {
      if (packet.topic.startsWith('$')) return done(new Error('topics starting with $ are reserved'));
      const id = client ? identities.get(client) : undefined;
      if (id?.internal) return done(null);
      const sn = topicSn(packet.topic);
      const check = id && sn !== null ? mayUse(id, sn) : Promise.resolve(false);
      check.then(
        (ok) => {
          if (!ok) {
            refuse('publish_topic');
            // Acknowledged per QoS, delivered to nobody (MQTT-3.3.5-2; see the module comment).
            packet.topic = REFUSED_TOPIC;
            packet.retain = false;
          }
          done(null);
        },
        // Store down: close the connection without acknowledging, so the dock publishes it again later.
        (err: Error) => {
          refuse('store_unavailable');
          done(err);
        },
      );
    },

    authorizeSubscribe(client, sub, done) {
      const id = identities.get(client);
      if (id?.internal) return done(null, sub);
      const sn = topicSn(sub.topic);
      const check = id && sn !== null ? mayUse(id, sn) : Promise.resolve(false);
      check.then(
        (ok) => {
          if (!ok) refuse('subscribe_topic');
          done(null, ok ? sub : null);
        },
        () => {
          refuse('store_unavailable');
          done(null, null);
        },
      );
    },

    authorizeForward(_client, packet) {
      return packet.topic === REFUSED_TOPIC ? null : packet;
    },
  };

  return { hooks, internal, refused: () => ({ ...counts }), scryptRuns: () => scryptRuns };
}
