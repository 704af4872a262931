/** server/mqtt/in-process.ts and EmbeddedBroker.connectStream: MQTT over in-memory streams. */
import mqtt, { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../server/mqtt/broker.js';
import { duplexPair } from '../../server/mqtt/in-process.js';

function connected(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
}

describe('duplexPair', () => {
  it('carries bytes both ways, and ending one side ends the other', async () => {
    const [a, b] = duplexPair();
    const got: string[] = [];
    b.on('data', (d: Buffer) => got.push(d.toString()));
    a.write('he');
    a.write('llo');
    const back = new Promise<string>((r) => a.once('data', (d: Buffer) => r(d.toString())));
    b.write('ok');
    expect(await back).toBe('ok');
    const ended = new Promise<void>((r) => b.once('end', () => r()));
    a.end();
    await ended;
    expect(got.join('')).toBe('hello');
  });

  it('closes the peer when one side is destroyed', async () => {
    const [a, b] = duplexPair();
    b.resume();
    const closed = new Promise<void>((r) => b.once('close', () => r()));
    a.destroy();
    await closed;
    expect(b.destroyed).toBe(true);
  });
});

describe('EmbeddedBroker.connectStream', () => {
  it('lets an in-process client and a TCP client exchange QoS 1 messages through one broker', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    const inner = new MqttClient(() => broker.connectStream(), { clientId: 'inner', protocolVersion: 4, reconnectPeriod: 0 });
    const outer = mqtt.connect(broker.url, { clientId: 'outer', reconnectPeriod: 0 });
    try {
      await Promise.all([connected(inner), connected(outer)]);
      expect(broker.clients()).toBe(2);
      await inner.subscribeAsync('thing/product/DOCK-1/services_reply', { qos: 1 });
      await outer.subscribeAsync('thing/product/DOCK-1/services', { qos: 1 });
      outer.on('message', (_t, p) => void outer.publishAsync('thing/product/DOCK-1/services_reply', p, { qos: 1 }));
      const reply = new Promise<string>((r) => inner.once('message', (_t, p) => r(p.toString())));
      await inner.publishAsync('thing/product/DOCK-1/services', JSON.stringify({ tid: 't-1' }), { qos: 1 }); // resolves on PUBACK
      expect(JSON.parse(await reply)).toEqual({ tid: 't-1' });
    } finally {
      await inner.endAsync(true);
      await outer.endAsync(true);
      await broker.close();
    }
  });

  it('disconnects in-process clients when the broker closes', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    const inner = new MqttClient(() => broker.connectStream(), { clientId: 'inner-2', protocolVersion: 4, reconnectPeriod: 0 });
    await connected(inner);
    const closed = new Promise<void>((r) => inner.once('close', () => r()));
    await broker.close();
    await closed;
    expect(inner.connected).toBe(false);
    await inner.endAsync(true);
  });
});
