/** The embedded aedes broker: ephemeral port, fallback when the port is taken, clean close. */
import net from 'node:net';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../server/mqtt/broker.js';

describe('startEmbeddedBroker', () => {
  it('listens on an ephemeral loopback port and relays QoS 1', async () => {
    const b = await startEmbeddedBroker();
    try {
      expect(b.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      expect(b.port).toBeGreaterThan(0);
      const c = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 });
      await c.subscribeAsync('a/b', { qos: 1 });
      const got = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())));
      await c.publishAsync('a/b', 'hello', { qos: 1 });
      expect(await got).toBe('hello');
      expect(b.clients()).toBe(1);
      await c.endAsync();
    } finally {
      await b.close();
    }
  });

  it('falls back to an ephemeral port when the requested one is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const b = await startEmbeddedBroker({ port: taken });
      expect(b.port).not.toBe(taken);
      const c = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 });
      await c.endAsync();
      await b.close();
    } finally {
      blocker.close();
    }
  });

  it('starts although the machine broker holds 1883', async () => {
    // The machine's Mosquitto listens on 127.0.0.1:1883 (preamble); `npm start` must still work.
    const b = await startEmbeddedBroker({ port: 1883 });
    try {
      expect(b.port).not.toBe(1883);
      const c = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 });
      await c.endAsync();
    } finally {
      await b.close();
    }
  });

  it('disables Nagle on accepted sockets', async () => {
    // Observable effect: with Nagle on the broker side, each small QoS 1 round trip stalls ~40 ms
    // (Nagle + delayed ACK); with noDelay on both ends it takes about a millisecond.
    const b = await startEmbeddedBroker();
    try {
      const c = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 });
      (c.stream as unknown as net.Socket).setNoDelay(true);
      await c.subscribeAsync('lat/x', { qos: 1 });
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        const got = new Promise<void>((r) => c.once('message', () => r()));
        await c.publishAsync('lat/x', 'p', { qos: 1 });
        await got;
        times.push(performance.now() - t0);
      }
      times.sort((x, y) => x - y);
      expect(times[Math.floor(times.length / 2)]!).toBeLessThan(20);
      await c.endAsync();
    } finally {
      await b.close();
    }
  });

  it('closes cleanly: clients are dropped and the port is released', async () => {
    const b = await startEmbeddedBroker();
    const c = mqtt.connect(b.url, { reconnectPeriod: 0 });
    c.on('error', () => {});
    await new Promise<void>((r) => c.once('connect', () => r()));
    const dropped = new Promise<void>((r) => c.once('close', () => r()));
    await b.close();
    await b.close(); // idempotent
    await dropped;
    const again = await startEmbeddedBroker({ port: b.port });
    expect(again.port).toBe(b.port);
    await again.close();
    c.end(true);
  });
});
