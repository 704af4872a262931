/**
 * The DJI Cloud API MQTT topic layout, in both directions: what the cloud (this gateway) publishes
 * and a dock subscribes to, what a dock publishes and the cloud subscribes to, the parser of
 * received topics and the gateway's wildcard subscriptions. The server, the dock simulator and the
 * tests all build and read topics here.
 *
 * Source: DJI Cloud API, "Topic Definition"
 * (https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/topic-definition.html).
 * Every command, reply, event and request of a dock and its aircraft travels on the topics of the
 * gateway (dock) SN; `status` / `status_reply` (topology, `update_topo`) live under `sys/product/`,
 * everything else under `thing/product/`.
 */

/**
 * SNs accepted in a topic level. DJI routes with `[A-Za-z0-9]+`; we also allow `.`, `_` and `-`
 * (harmless in a topic level) but never `/`, `+`, `#`, `$`, spaces or control characters, which
 * would change the topic's meaning. 1–64 characters.
 */
export const SN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Whether `sn` can be put into a topic level (see `SN_PATTERN`). */
export function isValidSn(sn: unknown): sn is string {
  return typeof sn === 'string' && SN_PATTERN.test(sn);
}

/** What the cloud publishes to a dock (the dock subscribes to these). */
export const DOWNLINK_KINDS = ['services', 'drc/down', 'events_reply', 'requests_reply', 'property/set', 'status_reply'] as const;
/**
 * What a dock publishes (the cloud subscribes to these). `osd` and `state` are published under the
 * reporting device's own SN (the aircraft's under the aircraft SN; docs/dji/telemetry.md).
 */
export const UPLINK_KINDS = ['services_reply', 'events', 'requests', 'drc/up', 'status', 'osd', 'state'] as const;

/** Downlink kinds, cloud → dock. `status_reply` lives under `sys/product/`, the rest under `thing/product/`. */
export type DownlinkKind = (typeof DOWNLINK_KINDS)[number];
/** Uplink kinds, dock → cloud. `status` lives under `sys/product/`, the rest under `thing/product/`. */
export type UplinkKind = (typeof UPLINK_KINDS)[number];
/** Any topic kind of a gateway. */
export type TopicKind = DownlinkKind | UplinkKind;
/** Downlink suffixes under `thing/product/{gateway_sn}/`. */
export type DownlinkSuffix = Exclude<DownlinkKind, 'status_reply'>;

const SYS_KINDS: ReadonlySet<TopicKind> = new Set<TopicKind>(['status', 'status_reply']);

/** The topic root of a kind: `sys` for topology (`status`, `status_reply`), `thing` for the rest. */
function rootOf(kind: TopicKind): 'sys' | 'thing' {
  return SYS_KINDS.has(kind) ? 'sys' : 'thing';
}

/**
 * `{root}/product/{sn}/{kind}` for any kind, e.g. `thing/product/DOCK1/services`,
 * `sys/product/DOCK1/status`. Throws when `sn` is not a valid topic SN (callers validate first).
 */
export function topicOf(sn: string, kind: TopicKind): string {
  if (!isValidSn(sn)) throw new Error(`not a valid gateway SN for a topic: ${JSON.stringify(sn)}`);
  return `${rootOf(kind)}/product/${sn}/${kind}`;
}

/** `thing/product/{sn}/{suffix}`. Throws when `sn` is not a valid topic SN. */
export function thingTopic(sn: string, suffix: DownlinkSuffix | Exclude<UplinkKind, 'status'>): string {
  return topicOf(sn, suffix);
}

/** `thing/product/{sn}/services` — where commands are published. */
export const servicesTopic = (sn: string): string => topicOf(sn, 'services');
/** `thing/product/{sn}/drc/down` — DRC downlink. */
export const drcDownTopic = (sn: string): string => topicOf(sn, 'drc/down');
/** `thing/product/{sn}/events_reply`. */
export const eventsReplyTopic = (sn: string): string => topicOf(sn, 'events_reply');
/** `thing/product/{sn}/requests_reply`. */
export const requestsReplyTopic = (sn: string): string => topicOf(sn, 'requests_reply');
/** `sys/product/{sn}/status_reply` — answer to `update_topo`. */
export const statusReplyTopic = (sn: string): string => topicOf(sn, 'status_reply');

/** Every topic of one gateway by kind, e.g. `gatewayTopics('DOCK1')['drc/up']`. Throws on an invalid SN. */
export function gatewayTopics(sn: string): Readonly<Record<TopicKind, string>> {
  const out = {} as Record<TopicKind, string>;
  for (const kind of [...DOWNLINK_KINDS, ...UPLINK_KINDS]) out[kind] = topicOf(sn, kind);
  return out;
}

/** The wildcard topics the gateway subscribes to (QoS 1), one per uplink kind. */
export const UPLINK_FILTERS: Readonly<Record<UplinkKind, string>> = Object.fromEntries(
  UPLINK_KINDS.map((kind) => [kind, `${rootOf(kind)}/product/+/${kind}`]),
) as Record<UplinkKind, string>;

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

/** A topic split into gateway SN and kind. */
export interface ParsedTopic<K extends TopicKind = UplinkKind> {
  gateway_sn: string;
  kind: K;
}

/** Split `{root}/product/{sn}/{kind}` of any direction; null for anything else or an SN outside `SN_PATTERN`. */
export function parseTopic(topic: string): ParsedTopic<TopicKind> | null {
  const parts = topic.split('/');
  if (parts.length < 4 || parts[1] !== 'product') return null;
  const sn = parts[2]!;
  if (!isValidSn(sn)) return null;
  const kind = parts.slice(3).join('/') as TopicKind;
  const known = (UPLINK_KINDS as readonly string[]).includes(kind) || (DOWNLINK_KINDS as readonly string[]).includes(kind);
  return known && parts[0] === rootOf(kind) ? { gateway_sn: sn, kind } : null;
}

/**
 * Parse a topic the gateway received (`thing/product/{sn}/services_reply|events|requests|drc/up`,
 * `sys/product/{sn}/status`). Returns null for anything else, including SNs outside `SN_PATTERN`.
 */
export function parseUplinkTopic(topic: string): ParsedTopic | null {
  const p = parseTopic(topic);
  return p && (UPLINK_KINDS as readonly string[]).includes(p.kind) ? (p as ParsedTopic) : null;
}

/** Parse a topic a dock received (cloud → dock kinds only); null for anything else. */
export function parseDownlinkTopic(topic: string): ParsedTopic<DownlinkKind> | null {
  const p = parseTopic(topic);
  return p && (DOWNLINK_KINDS as readonly string[]).includes(p.kind) ? (p as ParsedTopic<DownlinkKind>) : null;
}

/**
 * Telemetry kinds (a subset of the uplink kinds) a device publishes under its OWN SN — the dock
 * under the dock SN, the aircraft under the aircraft SN, both with `gateway` = the dock SN in the
 * envelope: `osd` (push mode 0, periodic, every 2 s in normal operation) and `state` (push mode 1,
 * on change). DJI Cloud API, "Topic Definition" (link above).
 */
export const TELEMETRY_KINDS = ['osd', 'state'] as const satisfies readonly UplinkKind[];
/** `osd` or `state`. */
export type TelemetryKind = (typeof TELEMETRY_KINDS)[number];

/** `thing/product/{device_sn}/osd|state`. Throws when `sn` is not a valid topic SN. */
export function telemetryTopic(sn: string, kind: TelemetryKind): string {
  return topicOf(sn, kind);
}

/** Wildcard filters for every device's telemetry, e.g. `thing/product/+/osd`. */
export const TELEMETRY_FILTERS: Readonly<Record<TelemetryKind, string>> = { osd: UPLINK_FILTERS.osd, state: UPLINK_FILTERS.state };

/** `{device_sn, kind}` of a telemetry topic; null for anything else (including SNs outside `SN_PATTERN`). */
export function parseTelemetryTopic(topic: string): { device_sn: string; kind: TelemetryKind } | null {
  const p = parseTopic(topic);
  return p && (TELEMETRY_KINDS as readonly string[]).includes(p.kind) ? { device_sn: p.gateway_sn, kind: p.kind as TelemetryKind } : null;
}
