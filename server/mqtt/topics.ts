/**
 * DJI Cloud API topic names (dji-cloud-api-protocol.md §1): builders for what the gateway
 * publishes, a parser for what it receives, and the wildcard subscriptions of the MQTT core.
 *
 * Every command goes to the gateway (dock) SN; replies, events, requests, status and drc/up arrive
 * on the gateway SN too (§6).
 */

/**
 * SNs the gateway accepts in a topic level. DJI routes with `[A-Za-z0-9]+` (DEMO `TopicConst.REGEX_SN`);
 * we also allow `.`, `_` and `-` (harmless in a topic level) but never `/`, `+`, `#`, `$`, spaces or
 * control characters, which would change the topic's meaning. 1–64 characters.
 */
export const SN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Whether `sn` can be put into a topic level (see `SN_PATTERN`). */
export function isValidSn(sn: unknown): sn is string {
  return typeof sn === 'string' && SN_PATTERN.test(sn);
}

/** Downlink suffixes under `thing/product/{gateway_sn}/`. */
export type DownlinkSuffix = 'services' | 'drc/down' | 'events_reply' | 'requests_reply' | 'property/set';

/** Uplink message kinds the core handles. `status` lives under `sys/product/`, the rest under `thing/product/`. */
export type UplinkKind = 'services_reply' | 'events' | 'requests' | 'drc/up' | 'status';

/** `thing/product/{sn}/{suffix}`. Throws when `sn` is not a valid topic SN (callers validate first). */
export function thingTopic(sn: string, suffix: DownlinkSuffix | UplinkKind): string {
  if (!isValidSn(sn)) throw new Error(`not a valid gateway SN for a topic: ${JSON.stringify(sn)}`);
  return `thing/product/${sn}/${suffix}`;
}

/** `thing/product/{sn}/services` — where commands are published. */
export const servicesTopic = (sn: string): string => thingTopic(sn, 'services');
/** `thing/product/{sn}/drc/down` — DRC downlink. */
export const drcDownTopic = (sn: string): string => thingTopic(sn, 'drc/down');
/** `thing/product/{sn}/events_reply`. */
export const eventsReplyTopic = (sn: string): string => thingTopic(sn, 'events_reply');
/** `thing/product/{sn}/requests_reply`. */
export const requestsReplyTopic = (sn: string): string => thingTopic(sn, 'requests_reply');

/** `sys/product/{sn}/status_reply` — answer to `update_topo`. */
export function statusReplyTopic(sn: string): string {
  if (!isValidSn(sn)) throw new Error(`not a valid gateway SN for a topic: ${JSON.stringify(sn)}`);
  return `sys/product/${sn}/status_reply`;
}

/** The wildcard topics the core subscribes to (QoS 1), one per uplink kind. */
export const UPLINK_FILTERS: Readonly<Record<UplinkKind, string>> = {
  services_reply: 'thing/product/+/services_reply',
  events: 'thing/product/+/events',
  requests: 'thing/product/+/requests',
  'drc/up': 'thing/product/+/drc/up',
  status: 'sys/product/+/status',
};

/**
 * A subscription filter, prefixed `$share/<group>/` when `shareGroup` is set so that several
 * gateway instances split the uplink between them (MQTT 5 shared subscriptions; Mosquitto ≥ 1.6 and
 * EMQX also accept them from 3.1.1 clients; aedes does not support them).
 */
export function shareFilter(filter: string, shareGroup: string | null | undefined): string {
  if (!shareGroup) return filter;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(shareGroup)) throw new Error(`invalid MQTT share group name: ${JSON.stringify(shareGroup)}`);
  return `$share/${shareGroup}/${filter}`;
}

/** A received topic split into gateway SN and kind. */
export interface ParsedTopic {
  gateway_sn: string;
  kind: UplinkKind;
}

/**
 * Parse a received topic (`thing/product/{sn}/services_reply|events|requests|drc/up`,
 * `sys/product/{sn}/status`). Returns null for anything else, including SNs outside `SN_PATTERN`.
 */
export function parseUplinkTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length < 4 || parts[1] !== 'product') return null;
  const sn = parts[2]!;
  if (!isValidSn(sn)) return null;
  const rest = parts.slice(3).join('/');
  if (parts[0] === 'sys') return rest === 'status' ? { gateway_sn: sn, kind: 'status' } : null;
  if (parts[0] !== 'thing') return null;
  switch (rest) {
    case 'services_reply':
    case 'events':
    case 'requests':
    case 'drc/up':
      return { gateway_sn: sn, kind: rest };
    default:
      return null;
  }
}
