/**
 * Acknowledge a received QoS 1 PUBLISH only once its effect is stored (issue 11 §8): the PUBACK
 * the mqtt.js client would send at once is held until the handler's promise settles, so a gateway
 * that dies in between never acknowledged the message and the broker redelivers it on the kept
 * session (clean: false), or to another share-group member.
 *
 * Why not mqtt.js's documented hooks: `customHandleAcks` exists only for MQTT 5, and both it and
 * `handleMessage` stop the client's packet pump until they call back (handlers/publish.js sends the
 * PUBACK and only then reads the next packet). Our handlers await PUBACKs of their own publishes
 * (events_reply, requests_reply, status_reply), which sit behind the held packet in that pump: a
 * deadlock, and one stored message at a time. So this wraps the client's `_sendPacket` (mqtt 5.16,
 * pinned in package.json; test/mqtt/held-acks.test.ts fails when the internals move): the pump
 * goes on at once, the PUBACK itself waits.
 *
 * PUBACKs leave in the order the PUBLISH packets arrived (MQTT 3.1.1 §4.6). A PUBACK held across a
 * reconnect is dropped: the broker resends the message on the new connection (DUP) and that copy
 * is handled and acknowledged (the handlers treat a second copy as a duplicate).
 */
import type { MqttClient } from 'mqtt';

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

/** What `holdPubacks` returns: call `hold` from the 'message' listener, before it returns. */
export interface AckHolder {
  /** The PUBACK of the QoS 1 message `messageId` (received on the current connection) waits for `settled`, which must not reject. */
  hold(messageId: number, settled: Promise<unknown>): void;
  /** PUBACKs waiting. */
  pending(): number;
}

/** Install the hold on `client` (once, before it connects). */
export function holdPubacks(client: MqttClient): AckHolder {
  const c = client as unknown as { _sendPacket: SendPacket; stream: unknown };
  const original = c._sendPacket;
  if (typeof original !== 'function') throw new Error('mqtt.js has no _sendPacket: the PUBACK hold (server/mqtt/held-acks.ts) needs updating');
  const held = new Map<number, Promise<unknown>>();
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  c._sendPacket = function (this: unknown, packet, cb, ...rest) {
    const settled = packet.cmd === 'puback' && packet.messageId !== undefined ? held.get(packet.messageId) : undefined;
    if (!settled) return original.call(client, packet, cb, ...rest);
    held.delete(packet.messageId!);
    const stream = c.stream;
    waiting++;
    tail = tail
      .then(() => settled)
      .then(() => {
        waiting--;
        if (c.stream === stream && client.connected) original.call(client, packet);
      });
    // Let mqtt.js read the next packet now.
    cb?.();
  };
  client.on('close', () => held.clear());
  return {
    hold(messageId, settled) {
      held.set(messageId, settled);
    },
    pending: () => waiting,
  };
}
