/**
 * Topology: which aircraft sit behind which dock (gateway). A dock announces its sub-devices with
 * `update_topo` on `sys/product/{gateway_sn}/status` and expects a `status_reply`
 * (`{result: 0}`, same tid/bid/method) on `…/status_reply` (docs/dji/status-and-topology.md;
 * https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/topic-definition.html).
 * The stored mapping is what `store.gatewayOf` answers when a command addresses an aircraft SN
 * (server/commands/accept.ts publishes it to that aircraft's dock). A registered dock's aircraft are
 * also registered (`store.devices.upsertAircraft`: they inherit the dock's credentials, and the
 * embedded broker then lets that dock use their topics, broker-auth.ts).
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import { isPlainObject, type DjiEnvelope } from './envelope.js';
import type { MqttLink } from './link.js';
import type { Stats } from './stats.js';
import { isValidSn, statusReplyTopic } from '../../spec/topics.js';

export interface TopologyOptions {
  store: Store;
  link: MqttLink;
  logger: Logger;
  stats: Stats;
}

/** DJI `domain-type-sub_type` of a sub-device entry (e.g. `0-67-0`), or null when not all three are integers. */
function modelKey(d: Record<string, unknown>): string | null {
  const parts = [d.domain, d.type, d.sub_type].map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v));
  return parts.every((v) => Number.isInteger(v) && (v as number) >= 0) ? parts.join('-') : null;
}

/**
 * A `status` message from `gateway_sn`. `update_topo`: store the dock's aircraft (the valid,
 * distinct `data.sub_devices[].sn`) and answer on `status_reply`, even when storing failed (a dock
 * left without `status_reply` may stall). Other methods are ignored. `'malformed'` when
 * `data.sub_devices` is present but not an array (nothing stored, no reply).
 */
export async function onStatus(o: TopologyOptions, gateway_sn: string, env: DjiEnvelope): Promise<'ok' | 'ignored' | 'malformed'> {
  const { store, stats, logger, link } = o;
  if (env.method !== 'update_topo') {
    stats.inc('ignored_messages');
    return 'ignored';
  }
  const subs = env.data.sub_devices;
  if (subs !== undefined && subs !== null && !Array.isArray(subs)) return 'malformed';
  const valid = (Array.isArray(subs) ? subs : []).filter(isPlainObject).filter((d) => isValidSn(d.sn));
  const sns = valid.map((d) => d.sn as string);
  try {
    const now = new Date().toISOString();
    await store.setTopology(gateway_sn, [...new Set(sns)], now);
    // Only for registered docks: upsertAircraft writes nothing for an unknown gateway_sn.
    await store.devices.upsertAircraft(gateway_sn, [...new Map(valid.map((d) => [d.sn as string, { sn: d.sn as string, model_key: modelKey(d) }])).values()], now);
    stats.inc('topology_updates');
  } finally {
    try {
      await link.publish(statusReplyTopic(gateway_sn), { tid: env.tid, bid: env.bid, timestamp: Date.now(), method: env.method, data: { result: 0 } }, 1);
      stats.inc('status_replied');
    } catch (err) {
      logger.warn({ err, gateway_sn }, 'status_reply not acknowledged');
    }
  }
  return 'ok';
}
