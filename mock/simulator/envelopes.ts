/**
 * The DJI messages a dock sends, as plain objects: command replies (`services_reply`, `drc/up`),
 * events, device requests and `update_topo`. Envelope: `{tid, bid, timestamp, gateway, method, data}`
 * (DJI Cloud API, "Topic Definition",
 * https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/topic-definition.html;
 * `update_topo`: https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/device.html).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Transport } from '../../spec/types.js';
import type { DjiMessage } from './types.js';

/** The parts of a received command a reply echoes. */
export interface CommandIds {
  transport: Transport;
  method: string;
  tid: unknown;
  bid: unknown;
  seq: unknown;
}

/**
 * The reply to a command: on `services`, `{tid, bid, timestamp, gateway, method, data}` echoing
 * tid/bid; on `drc/down`, `{method, timestamp, data, seq?, tid?, bid?}` echoing `seq` (and tid/bid
 * when the cloud sent them). `ids` overrides the echoed tid/bid (scripts that test mismatches).
 */
export function commandReply(cmd: CommandIds, gateway: string, method: string, data: Record<string, unknown>, ids: { tid?: string; bid?: string } = {}): DjiMessage {
  const tid = ids.tid ?? cmd.tid;
  const bid = ids.bid ?? cmd.bid;
  if (cmd.transport === 'services') return { tid, bid, timestamp: Date.now(), gateway, method, data };
  const message: DjiMessage = { method, timestamp: Date.now(), data };
  if (cmd.seq !== undefined) message.seq = cmd.seq;
  if (tid !== undefined) message.tid = tid;
  if (bid !== undefined) message.bid = bid;
  return message;
}

/** An event on `…/events`; fresh tid/bid unless given. */
export function eventMessage(gateway: string, method: string, data: unknown, o: { needReply?: boolean; tid?: string; bid?: string } = {}): DjiMessage {
  return { tid: o.tid ?? randomUUID(), bid: o.bid ?? randomUUID(), timestamp: Date.now(), gateway, method, need_reply: o.needReply ? 1 : 0, data };
}

/** A device request on `…/requests`; fresh tid/bid unless given. */
export function requestMessage(gateway: string, method: string, data: unknown, o: { tid?: string; bid?: string } = {}): DjiMessage {
  return { tid: o.tid ?? randomUUID(), bid: o.bid ?? randomUUID(), timestamp: Date.now(), gateway, method, data };
}

/**
 * `update_topo` on `sys/product/{dock}/status`: a Dock 3 (`3-3-0`) with its sub-devices as
 * Matrice 4D class aircraft (`0-100-0`), channel index A, B, … in order.
 */
export function updateTopoMessage(gateway: string, subDevices: readonly string[]): DjiMessage {
  const secret = () => randomBytes(8).toString('hex');
  return {
    tid: randomUUID(),
    bid: randomUUID(),
    timestamp: Date.now(),
    gateway,
    method: 'update_topo',
    data: {
      domain: '3',
      type: 3,
      sub_type: 0,
      device_secret: secret(),
      nonce: secret(),
      thing_version: '1.3.0',
      sub_devices: subDevices.map((sn, i) => ({
        sn,
        domain: '0',
        type: 100,
        sub_type: 0,
        index: String.fromCharCode(65 + i),
        device_secret: secret(),
        nonce: secret(),
        thing_version: '1.3.0',
      })),
    },
  };
}

/**
 * An `osd` or `state` report: `{tid, bid, timestamp, gateway, data}` with `data` holding only the
 * properties reported (DJI Cloud API, "Topic Definition", link above).
 */
export function telemetryMessage(gateway: string, data: Record<string, unknown>): DjiMessage {
  return { tid: randomUUID(), bid: randomUUID(), timestamp: Date.now(), gateway, data };
}
