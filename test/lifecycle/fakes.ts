/**
 * Test doubles for the lifecycle unit tests: the MQTT client is the boundary, replaced by a link
 * that records every publish and lets the test decide when (and whether) the broker acknowledges.
 * Everything else (store, catalog, bus, stats) is real; the store is the in-memory one.
 */
import { pino } from 'pino';
import type { MqttLink } from '../../server/mqtt/link.js';
import { parseDrcUp, parseEnvelope, type DjiEnvelope, type DrcUpMessage } from '../../server/mqtt/envelope.js';

/** A logger that drops everything. */
export const silent = pino({ level: 'silent' });

export interface Publish {
  topic: string;
  message: Record<string, unknown>;
  qos: 0 | 1 | undefined;
  /** Acknowledge (PUBACK) or fail this publish; only meaningful when the link holds acks. */
  ack(): void;
  fail(err?: Error): void;
}

/**
 * An `MqttLink` that records publishes. `autoAck` (default true) acknowledges each at once, as a
 * broker would; otherwise each waits for the test's `ack()`/`fail()`.
 */
export class FakeLink implements MqttLink {
  readonly published: Publish[] = [];
  up = true;
  constructor(private readonly autoAck = true) {}

  publish(topic: string, message: unknown, qos?: 0 | 1): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // A copy, as the real client serializes the message at once.
      const p: Publish = { topic, message: JSON.parse(JSON.stringify(message)), qos, ack: () => resolve(), fail: (err = new Error('connection closed')) => reject(err) };
      this.published.push(p);
      if (this.autoAck) resolve();
    });
  }

  connected(): boolean {
    return this.up;
  }

  /** Publishes on `topic`. */
  on(topic: string): Publish[] {
    return this.published.filter((p) => p.topic === topic);
  }
}

/** A DJI envelope as the core parses it off the wire (throws on a malformed one: a test bug). */
export function envelope(message: Record<string, unknown>): DjiEnvelope {
  const r = parseEnvelope(JSON.stringify({ timestamp: Date.now(), ...message }));
  if (!r.ok) throw new Error(`test envelope is malformed: ${r.reason}`);
  return r.value;
}

/** A `drc/up` message as the core parses it off the wire. */
export function drcUp(message: Record<string, unknown>): DrcUpMessage {
  const r = parseDrcUp(JSON.stringify(message));
  if (!r.ok) throw new Error(`test drc/up message is malformed: ${r.reason}`);
  return r.value;
}
