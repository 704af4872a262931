/** The DJI topic layout (spec/topics.ts): builders both ways, the parsers, the gateway's filters. */
import { describe, expect, it } from 'vitest';
import {
  DOWNLINK_KINDS,
  gatewayTopics,
  isValidSn,
  parseDownlinkTopic,
  parseTopic,
  parseUplinkTopic,
  servicesTopic,
  shareFilter,
  statusReplyTopic,
  topicOf,
  UPLINK_FILTERS,
  UPLINK_KINDS,
} from './topics.js';

describe('DJI topics', () => {
  it('builds every topic of a gateway under thing/ or sys/ (topology)', () => {
    expect(gatewayTopics('DOCK1')).toEqual({
      services: 'thing/product/DOCK1/services',
      'drc/down': 'thing/product/DOCK1/drc/down',
      events_reply: 'thing/product/DOCK1/events_reply',
      requests_reply: 'thing/product/DOCK1/requests_reply',
      'property/set': 'thing/product/DOCK1/property/set',
      status_reply: 'sys/product/DOCK1/status_reply',
      services_reply: 'thing/product/DOCK1/services_reply',
      events: 'thing/product/DOCK1/events',
      requests: 'thing/product/DOCK1/requests',
      'drc/up': 'thing/product/DOCK1/drc/up',
      status: 'sys/product/DOCK1/status',
      osd: 'thing/product/DOCK1/osd',
      state: 'thing/product/DOCK1/state',
    });
    expect(servicesTopic('4TADKAQ000002J')).toBe('thing/product/4TADKAQ000002J/services');
    expect(statusReplyTopic('DOCK1')).toBe('sys/product/DOCK1/status_reply');
  });

  it('refuses SNs that would change the topic', () => {
    for (const bad of ['', 'a/b', '+', '#', 'A+B', '$SYS', 'a b', 'x'.repeat(65), '-lead', 7]) {
      expect(isValidSn(bad), String(bad)).toBe(false);
      expect(() => topicOf(bad as string, 'services')).toThrow(/not a valid gateway SN/);
      expect(() => gatewayTopics(bad as string)).toThrow(/not a valid gateway SN/);
    }
    for (const good of ['1581F5BMD22A0', 'dock-1.a_b', 'x'.repeat(64)]) expect(isValidSn(good), good).toBe(true);
  });

  it('parses what it builds, in both directions', () => {
    for (const kind of [...UPLINK_KINDS, ...DOWNLINK_KINDS]) expect(parseTopic(topicOf('DOCK1', kind))).toEqual({ gateway_sn: 'DOCK1', kind });
    for (const kind of UPLINK_KINDS) {
      expect(parseUplinkTopic(topicOf('D', kind))).toEqual({ gateway_sn: 'D', kind });
      expect(parseDownlinkTopic(topicOf('D', kind))).toBeNull();
    }
    for (const kind of DOWNLINK_KINDS) {
      expect(parseDownlinkTopic(topicOf('D', kind))).toEqual({ gateway_sn: 'D', kind });
      expect(parseUplinkTopic(topicOf('D', kind))).toBeNull();
    }
  });

  it('rejects other topics', () => {
    for (const t of [
      'sys/product/DOCK1/osd', // telemetry lives under thing/
      'thing/product/DOCK1/status', // topology lives under sys/
      'sys/product/DOCK1/services_reply',
      'thing/device/DOCK1/events',
      'thing/product/DO CK/events',
      'thing/product/+/events',
      'thing/product/DOCK1',
      'thing/product/DOCK1/drc/up/x',
    ]) {
      expect(parseTopic(t), t).toBeNull();
      expect(parseUplinkTopic(t), t).toBeNull();
    }
  });

  it('subscribes with one wildcard filter per uplink kind, optionally shared', () => {
    expect(UPLINK_FILTERS).toEqual({
      services_reply: 'thing/product/+/services_reply',
      events: 'thing/product/+/events',
      requests: 'thing/product/+/requests',
      'drc/up': 'thing/product/+/drc/up',
      status: 'sys/product/+/status',
      osd: 'thing/product/+/osd',
      state: 'thing/product/+/state',
    });
    expect(shareFilter(UPLINK_FILTERS.events, null)).toBe('thing/product/+/events');
    expect(shareFilter(UPLINK_FILTERS.status, 'gw')).toBe('$share/gw/sys/product/+/status');
    expect(() => shareFilter('a', 'bad/group')).toThrow(/share group/);
  });
});
