/**
 * The embedded broker with authentication (server/mqtt/broker-auth.ts), on a real aedes over TCP
 * and a real store: unregistered clients get CONNACK 5, a dock stays on its own topics and its
 * aircraft's (after its update_topo), refusals are counted and exported in /metrics; the password
 * cache; the TLS listener with a certificate made here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { rotateDock } from '../../server/devices/register.js';
import { startGateway, type Gateway } from '../../server/main.js';
import { createBrokerAuth, INTERNAL_USERNAME } from '../../server/mqtt/broker-auth.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/mqtt/broker.js';
import { openMemoryStore } from '../../server/store/memory/store.js';
import type { Store } from '../../server/store/types.js';
import { provisionDock } from '../support/devices.js';
import { startDock, uniqueSn } from '../support/dock.js';

const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
});

/** Connect once (no reconnect); resolves with the client or the CONNACK refusal code. */
function connect(url: string, o: mqtt.IClientOptions = {}): Promise<{ client: mqtt.MqttClient; refused: number | null }> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3_000, protocolVersion: 4, ...o });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve({ client, refused: null }));
    client.once('error', (err) => {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number') resolve({ client, refused: code });
      else reject(err);
    });
  });
}

/** The SUBACK return codes of one SUBSCRIBE (mqtt.js rejects when any is 0x80, so read the packet). */
function suback(client: mqtt.MqttClient, topics: string[]): Promise<number[]> {
  return new Promise((resolve) => {
    const on = (p: mqtt.Packet) => {
      if (p.cmd !== 'suback') return;
      client.off('packetreceive', on);
      resolve((p as unknown as { granted: number[] }).granted);
    };
    client.on('packetreceive', on);
    client.subscribe(topics, { qos: 1 }, () => {});
  });
}

/** Messages a client receives on `filter` while `fn` runs (plus a short settle time). */
async function received(watcher: mqtt.MqttClient, filter: string, fn: () => Promise<void>): Promise<string[]> {
  const got: string[] = [];
  const on = (topic: string) => got.push(topic);
  await watcher.subscribeAsync(filter, { qos: 1 });
  watcher.on('message', on);
  await fn();
  await new Promise((r) => setTimeout(r, 150));
  watcher.off('message', on);
  await watcher.unsubscribeAsync(filter);
  return got;
}

describe('embedded broker with MQTT_AUTH', () => {
  let store: Store;
  let broker: EmbeddedBroker;
  let a: Awaited<ReturnType<typeof provisionDock>>;
  let b: Awaited<ReturnType<typeof provisionDock>>;

  beforeAll(async () => {
    store = await openMemoryStore();
    a = await provisionDock(store);
    b = await provisionDock(store);
    broker = await startEmbeddedBroker({ auth: { devices: store.devices } });
  });
  afterAll(async () => {
    await broker?.close();
    await store?.close();
  });

  it('refuses unregistered clients at CONNACK with 5 (not authorized), and counts them', async () => {
    const before = broker.refused();
    expect((await connect(broker.url)).refused).toBe(5);
    expect((await connect(broker.url, { username: uniqueSn('NOPE'), password: 'x' })).refused).toBe(5);
    expect((await connect(broker.url, { username: a.username, password: 'wrong' })).refused).toBe(5);
    expect((await connect(broker.url, { username: INTERNAL_USERNAME, password: 'guess' })).refused).toBe(5);
    // An aircraft SN has no login of its own.
    await store.devices.upsertAircraft(a.sn, [{ sn: `${a.sn}AC`, model_key: null }]);
    expect((await connect(broker.url, { username: `${a.sn}AC`, password: '' })).refused).toBe(5);
    const after = broker.refused();
    expect((after.unknown_client ?? 0) - (before.unknown_client ?? 0)).toBe(3);
    expect((after.bad_password ?? 0) - (before.bad_password ?? 0)).toBe(2);
    expect(broker.clients()).toBe(0);
  });

  it('lets a registered dock in, and a rotated password stops working at once', async () => {
    const c = await provisionDock(store);
    const first = await connect(broker.url, { username: c.username, password: c.password });
    expect(first.refused).toBeNull();
    await first.client.endAsync();
    const rotated = await rotateDock(store, c.sn);
    expect((await connect(broker.url, { username: c.username, password: c.password })).refused).toBe(5);
    expect((await connect(broker.url, { username: c.username, password: rotated!.password })).refused).toBeNull();
    await store.devices.remove(c.sn);
    expect((await connect(broker.url, { username: c.username, password: rotated!.password })).refused).toBe(5);
  });

  it('keeps a dock to its own topics: another dock\'s publish is delivered to nobody, its subscription gets 0x80; both counted', async () => {
    const watcher = (await connect(broker.url, broker.internalLogin!)).client;
    const dockA = (await connect(broker.url, { username: a.username, password: a.password })).client;
    const before = broker.refused();

    const foreign = await received(watcher, 'thing/product/+/events', async () => {
      await dockA.publishAsync(`thing/product/${b.sn}/events`, JSON.stringify({ method: 'fake' }), { qos: 1 });
      await dockA.publishAsync(`thing/product/${a.sn}/events`, JSON.stringify({ method: 'own' }), { qos: 1 });
    });
    expect(foreign).toEqual([`thing/product/${a.sn}/events`]);
    const sysForeign = await received(watcher, 'sys/product/+/status', async () => {
      await dockA.publishAsync(`sys/product/${b.sn}/status`, '{}', { qos: 0 });
      await dockA.publishAsync('some/other/topic', '{}', { qos: 1 });
    });
    expect(sysForeign).toEqual([]);

    expect(await suback(dockA, [`thing/product/${b.sn}/services`, 'thing/product/+/services', '#', `thing/product/${a.sn}/services`])).toEqual([128, 128, 128, 1]);
    // Still connected: a refusal is not a disconnect.
    expect(dockA.connected).toBe(true);

    // The dock really receives its own downlink, and not another dock's.
    const got: string[] = [];
    dockA.on('message', (t) => got.push(t));
    await watcher.publishAsync(`thing/product/${b.sn}/services`, '{}', { qos: 1 });
    await watcher.publishAsync(`thing/product/${a.sn}/services`, '{}', { qos: 1 });
    await new Promise((r) => setTimeout(r, 150));
    expect(got).toEqual([`thing/product/${a.sn}/services`]);

    const after = broker.refused();
    expect((after.publish_topic ?? 0) - (before.publish_topic ?? 0)).toBe(3);
    expect((after.subscribe_topic ?? 0) - (before.subscribe_topic ?? 0)).toBe(3);
  });
});

describe('password check cache', () => {
  it('runs scrypt once per (stored hash, password) within the TTL, re-checks after it, and stays bounded', async () => {
    const store = await openMemoryStore();
    const d = await provisionDock(store);
    let now = 0;
    const auth = createBrokerAuth({ devices: store.devices, cacheTtlMs: 1000, cacheMax: 2, now: () => now });
    const login = (password: string) =>
      new Promise<boolean>((resolve) => auth.hooks.authenticate!({} as never, d.username, Buffer.from(password), (_e, ok) => resolve(ok === true)));
    expect(await login(d.password)).toBe(true);
    expect(await login(d.password)).toBe(true);
    expect(await login(d.password)).toBe(true);
    expect(auth.scryptRuns()).toBe(1);
    expect(await login('wrong')).toBe(false);
    expect(await login('wrong')).toBe(false);
    expect(auth.scryptRuns()).toBe(2);
    now = 1001; // past the TTL
    expect(await login(d.password)).toBe(true);
    expect(auth.scryptRuns()).toBe(3);
    // cacheMax 2: two other passwords push the right one out.
    await login('w1');
    await login('w2');
    expect(await login(d.password)).toBe(true);
    expect(auth.scryptRuns()).toBe(6);
    await store.close();
  });
});

describe('gateway with the embedded broker (MQTT_AUTH on by default)', () => {
  let gw: Gateway;
  const dataDir = mkdtempSync(join(tmpdir(), 'dockgate-brokerauth-'));
  beforeAll(async () => {
    gw = await startGateway(loadConfig([], { PORT: '0', MQTT_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', SHUTDOWN_TIMEOUT_MS: '1000' }));
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers the development dock on first start, and its login works', async () => {
    expect(gw.devCredential).not.toBeNull();
    expect(gw.devDock?.username).toBe('DOCK-1');
    const dev = await gw.store.devices.get('DOCK-1');
    expect(dev).toMatchObject({ kind: 'dock', credentials: [gw.devCredential!.api_id] });
    expect(dev!.mqtt_password_hash).not.toContain(gw.devDock!.password);
    expect((await connect(gw.mqttUrl, gw.devDock!)).refused).toBeNull();
  });

  it('a dock may use its aircraft\'s topics once its update_topo registered them; refusals show in /metrics', async () => {
    const login = await provisionDock(gw.store, uniqueSn('TOPO'), { credentials: ['api-x'] });
    const aircraft = uniqueSn('AC');
    const other = uniqueSn('AC');
    const watcher = (await connect(gw.mqttUrl, gw.broker!.internalLogin!)).client;
    const dockClient = (await connect(gw.mqttUrl, login)).client;
    // Before update_topo the aircraft's topics are not the dock's.
    expect((await received(watcher, `thing/product/${aircraft}/osd`, () => dockClient.publishAsync(`thing/product/${aircraft}/osd`, '{}', { qos: 1 }).then(() => {})))).toEqual([]);

    const dock = await startDock(gw.mqttUrl, { sn: login.sn, login, subDevices: [aircraft] });
    try {
      expect(await gw.store.devices.get(aircraft)).toMatchObject({ kind: 'aircraft', dock_sn: login.sn, credentials: ['api-x'] });
      const got = await received(watcher, 'thing/product/+/osd', async () => {
        await dockClient.publishAsync(`thing/product/${aircraft}/osd`, '{}', { qos: 1 });
        await dockClient.publishAsync(`thing/product/${other}/osd`, '{}', { qos: 1 });
      });
      expect(got).toEqual([`thing/product/${aircraft}/osd`]);
      expect((await dockClient.subscribeAsync(`thing/product/${aircraft}/services`, { qos: 1 }))[0].qos).toBe(1);
    } finally {
      await dock.close();
    }
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    const value = (reason: string) => Number(new RegExp(`^dockgate_mqtt_refused_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)?.[1]);
    expect(value('publish_topic')).toBe(2);
    expect(value('subscribe_topic')).toBe(0);
  });

  it('an unregistered dock cannot connect to it', async () => {
    expect((await connect(gw.mqttUrl, { username: uniqueSn(), password: 'x' })).refused).toBe(5);
  });
});

let haveOpenssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  haveOpenssl = false;
}

describe.skipIf(!haveOpenssl)('TLS listener (MQTT_TLS_CERT_FILE / MQTT_TLS_KEY_FILE / MQTT_TLS_PORT)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockgate-brokertls-'));
  const f = (n: string) => join(dir, n);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('docks connect over TLS with their login; plain MQTT on the TLS port and bad logins do not get in', async () => {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=dockgate test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
    writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'server.ext', '-out', 'server.pem');

    const gw = await startGateway(
      loadConfig([], { PORT: '0', MQTT_PORT: '0', MQTT_TLS_PORT: '0', MQTT_TLS_CERT_FILE: f('server.pem'), MQTT_TLS_KEY_FILE: f('server.key'), DATA_DIR: f('data'), LOG_LEVEL: 'silent', DEV_CREDENTIAL: 'false' }),
    );
    try {
      const tlsUrl = gw.broker!.tlsUrl!;
      expect(tlsUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
      const login = await provisionDock(gw.store);
      const ca = readFileSync(f('ca.pem'));
      const ok = await connect(tlsUrl, { ...login, ca });
      expect(ok.refused).toBeNull();
      expect((ok.client.stream as unknown as { encrypted?: boolean }).encrypted).toBe(true);
      expect((await connect(tlsUrl, { username: login.username, password: 'wrong', ca })).refused).toBe(5);
      // Without the CA the certificate is not trusted.
      await expect(connect(tlsUrl, { ...login })).rejects.toThrow(/self[- ]signed|certificate/i);
      // Plain MQTT on the TLS port: no CONNACK, the connection just fails.
      const plain = mqtt.connect(tlsUrl.replace('mqtts:', 'mqtt:'), { ...login, reconnectPeriod: 0, connectTimeout: 1_000 });
      clients.push(plain);
      const outcome = await new Promise<string>((r) => {
        plain.once('connect', () => r('connected'));
        plain.once('close', () => r('closed'));
        plain.once('error', () => r('closed'));
      });
      expect(outcome).toBe('closed');
    } finally {
      await gw.close();
    }
  });

  it('refuses to start with only one of the two files', () => {
    expect(() => loadConfig([], { MQTT_TLS_CERT_FILE: f('server.pem') })).toThrow(/MQTT_TLS_CERT_FILE and MQTT_TLS_KEY_FILE/);
  });
});
