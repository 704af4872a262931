/**
 * Acknowledged only after stored (issue 11 §8), at the two places a PUBACK leaves:
 *
 * - the gateway's mqtt.js client (server/mqtt/held-acks.ts wraps mqtt.js's internal `_sendPacket`):
 *   this is also the guard that fails when mqtt.js moves those internals (PUBACK sent before the
 *   handler settled, or the packet pump blocked by a held PUBACK);
 * - the embedded broker's hook (server/mqtt/broker.ts `setUplinkHandler`, aedes `authorizePublish`):
 *   the dock's PUBACK waits for the uplink handler, which sees only what access control allowed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import mqtt, { type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/mqtt/broker.js';
import { holdPubacks } from '../../server/mqtt/held-acks.js';
import { openMemoryStore } from '../../server/store/memory/store.js';
import { provisionDock } from '../support/devices.js';
import { MOSQUITTO_URL, uniqueSn } from './harness.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function connect(url: string, o: IClientOptions = {}): Promise<MqttClient> {
  const c = mqtt.connect(url, { reconnectPeriod: 200, protocolVersion: 4, ...o });
  c.on('error', () => {});
  await new Promise<void>((r) => c.once('connect', () => r()));
  return c;
}

async function eventually(fn: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('PUBACK after stored', () => {
  let broker: EmbeddedBroker | null = null;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
    await broker?.close();
    broker = null;
  });

  it('mqtt.js client: holds each PUBACK until its handler settled, keeps reading packets, acks in order', async () => {
    broker = await startEmbeddedBroker();
    const sub = mqtt.connect(broker.url, { clientId: `held-${uniqueSn()}`, clean: false, reconnectPeriod: 200, protocolVersion: 4 });
    sub.on('error', () => {});
    clients.push(sub);
    const acks = holdPubacks(sub);
    const sent: number[] = [];
    sub.on('packetsend', (p: Packet) => {
      if (p.cmd === 'puback') sent.push(p.messageId!);
    });
    const gates: { id: number; gate: ReturnType<typeof deferred>; topic: string }[] = [];
    sub.on('message', (topic, _payload, packet) => {
      const gate = deferred();
      gates.push({ id: packet.messageId!, gate, topic });
      acks.hold(packet.messageId!, gate.promise);
    });
    await new Promise<void>((r) => sub.once('connect', () => r()));
    await sub.subscribeAsync('held/#', { qos: 1 });

    const pub = await connect(broker.url);
    clients.push(pub);
    await pub.publishAsync('held/1', 'one', { qos: 1 });
    await pub.publishAsync('held/2', 'two', { qos: 1 });
    // Both delivered although the first is not acknowledged: the pump was not blocked.
    await eventually(() => gates.length === 2);
    await sleep(100);
    expect(sent).toEqual([]);
    expect(acks.pending()).toBe(2);

    // The second settles first: its PUBACK still waits for the first (arrival order).
    gates[1]!.gate.resolve();
    await sleep(100);
    expect(sent).toEqual([]);
    gates[0]!.gate.resolve();
    await eventually(() => sent.length === 2);
    expect(sent).toEqual([gates[0]!.id, gates[1]!.id]);
    expect(acks.pending()).toBe(0);
  });

  it('mqtt.js client: a connection lost before the handler settled sends no PUBACK, and the broker redelivers', async () => {
    broker = await startEmbeddedBroker();
    const clientId = `held-${uniqueSn()}`;
    const sub = mqtt.connect(broker.url, { clientId, clean: false, reconnectPeriod: 200, protocolVersion: 4 });
    sub.on('error', () => {});
    clients.push(sub);
    const acks = holdPubacks(sub);
    const pubacks: number[] = [];
    sub.on('packetsend', (p: Packet) => {
      if (p.cmd === 'puback') pubacks.push(p.messageId!);
    });
    const received: { payload: string; dup: boolean; gate: ReturnType<typeof deferred> }[] = [];
    sub.on('message', (_topic, payload, packet) => {
      const gate = deferred();
      received.push({ payload: payload.toString(), dup: packet.dup, gate });
      acks.hold(packet.messageId!, gate.promise);
    });
    await new Promise<void>((r) => sub.once('connect', () => r()));
    await sub.subscribeAsync('held/#', { qos: 1 });

    const pub = await connect(broker.url);
    clients.push(pub);
    await pub.publishAsync('held/x', 'kept', { qos: 1 });
    await eventually(() => received.length === 1);
    // The "crash": the connection drops while the message is being stored.
    (sub.stream as unknown as { destroy(): void }).destroy();
    await new Promise<void>((r) => sub.once('close', () => r()));
    received[0]!.gate.resolve();
    await eventually(() => received.length === 2);
    expect(pubacks).toEqual([]);
    // (aedes resends without the DUP flag; Mosquitto sets it.)
    expect(received[1]!.payload).toBe('kept');
    received[1]!.gate.resolve();
    await eventually(() => pubacks.length === 1);
    await sleep(300);
    // Acknowledged now: no third copy.
    expect(received).toHaveLength(2);
  });

  it('embedded broker: the dock gets its PUBACK only after the uplink handler settled', async () => {
    broker = await startEmbeddedBroker();
    const gates: { topic: string; payload: string; gate: ReturnType<typeof deferred> }[] = [];
    broker.setUplinkHandler((topic, payload) => {
      const gate = deferred();
      gates.push({ topic, payload: payload.toString(), gate });
      return gate.promise;
    });
    const watcher = await connect(broker.url);
    clients.push(watcher);
    const seen: string[] = [];
    watcher.on('message', (topic) => seen.push(topic));
    await watcher.subscribeAsync('#', { qos: 1 });

    const sn = uniqueSn();
    const dock = await connect(broker.url, { clientId: `dock-${sn}` });
    clients.push(dock);
    let acked = false;
    const topic = `thing/product/${sn}/services_reply`;
    const published = dock.publishAsync(topic, '{"tid":"t"}', { qos: 1 }).then(() => (acked = true));
    await eventually(() => gates.length === 1);
    expect(gates[0]).toMatchObject({ topic, payload: '{"tid":"t"}' });
    await sleep(150);
    expect(acked).toBe(false);
    expect(seen).toEqual([]);
    gates[0]!.gate.resolve();
    await published;
    await eventually(() => seen.includes(topic));

    // Not an uplink topic: not handed to the handler, acknowledged at once.
    await dock.publishAsync(`thing/product/${sn}/services`, '{}', { qos: 1 });
    expect(gates).toHaveLength(1);
  });

  it('embedded broker with authentication: a publish refused by access control never reaches the uplink handler', async () => {
    const store = await openMemoryStore();
    try {
      const a = await provisionDock(store);
      const b = await provisionDock(store);
      broker = await startEmbeddedBroker({ auth: { devices: store.devices } });
      const handled: string[] = [];
      broker.setUplinkHandler(async (topic) => {
        handled.push(topic);
      });
      const dock = await connect(broker.url, { username: a.username, password: a.password, reconnectPeriod: 0 });
      clients.push(dock);
      // Its own topic: handed over. Another dock's: acknowledged (MQTT 3.1.1 has no refusal) but not handed over.
      await dock.publishAsync(`thing/product/${a.sn}/events`, '{}', { qos: 1 });
      await dock.publishAsync(`thing/product/${b.sn}/services_reply`, '{}', { qos: 1 });
      expect(handled).toEqual([`thing/product/${a.sn}/events`]);
    } finally {
      await broker?.close();
      broker = null;
      await store.close();
    }
  });

  it('Mosquitto share group: a message a crashed member did not acknowledge is not handed to another member (the limit docs/operations.md states)', async () => {
    const group = `held${uniqueSn().toLowerCase()}`;
    const a = await connect(MOSQUITTO_URL, { clientId: `held-a-${group}`, clean: true, reconnectPeriod: 0 });
    const b = await connect(MOSQUITTO_URL, { clientId: `held-b-${group}`, clean: true, reconnectPeriod: 0 });
    const pub = await connect(MOSQUITTO_URL, { reconnectPeriod: 0 });
    clients.push(a, b, pub);
    const acks = holdPubacks(a);
    const gotA: string[] = [];
    const gotB: string[] = [];
    a.on('message', (_t, payload, packet) => {
      gotA.push(payload.toString());
      acks.hold(packet.messageId!, new Promise(() => {})); // never stored: the member "crashes"
    });
    b.on('message', (_t, payload) => gotB.push(payload.toString()));
    await a.subscribeAsync(`$share/${group}/${group}/#`, { qos: 1 });
    await b.subscribeAsync(`$share/${group}/${group}/#`, { qos: 1 });
    for (let i = 0; i < 6; i++) await pub.publishAsync(`${group}/x`, `m${i}`, { qos: 1 });
    await eventually(() => gotA.length + gotB.length === 6);
    expect(gotA.length).toBeGreaterThan(0);
    (a.stream as unknown as { destroy(): void }).destroy();
    await sleep(1_000);
    // What A held is gone: B got only its own share.
    expect(gotA.length + gotB.length).toBe(6);
    expect(gotB.some((m) => gotA.includes(m))).toBe(false);
  });
});
