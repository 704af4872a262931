/**
 * Topology: which aircraft sit behind which dock (gateway). A dock announces its sub-devices with
 * `update_topo` on `sys/product/{gateway_sn}/status` and expects a `status_reply`
 * (`{result: 0}`, same tid/bid/method) on `…/status_reply` (docs/dji/status-and-topology.md;
 * https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/topic-definition.html).
 * The stored mapping is what `store.gatewayOf` answers when a command addresses an aircraft SN
 * (server/commands/accept.ts publishes it to that aircraft's dock).
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
  const sns = (Array.isArray(subs) ? subs : []).filter(isPlainObject).map((d) => d.sn).filter(isValidSn);
  try {
    await store.setTopology(gateway_sn, [...new Set(sns)], new Date().toISOString());
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
