/**
 * Fleet ingest through the real path: embedded aedes broker, the real MQTT core, a SQLite store in
 * a temp dir, and a plain mqtt.js client playing the dock. Presence (message, update_topo,
 * disconnect, silence with an injected clock), merged state written by the flush and served after a
 * restart, HMS raise / clear, malformed telemetry counted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/mqtt/broker.js';
import { startMqttCore, type MqttCore } from '../../server/mqtt/core.js';
import { openSqliteStore } from '../../server/store/sqlite/store.js';
import type { Store } from '../../server/store/types.js';
import { testLogger, uniqueSn } from '../mqtt/harness.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f().catch(() => {});
});

async function eventually<T>(fn: () => Promise<T> | T, ms = 5000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Rig {
  dir: string;
  broker: EmbeddedBroker;
  store: Store;
  core: MqttCore;
  clock: { ms: number };
}

async function rig(dir = mkdtempSync(join(tmpdir(), 'dockgate-fleet-')), broker?: EmbeddedBroker): Promise<Rig> {
  const b = broker ?? (await startEmbeddedBroker({ port: 0 }));
  if (!broker) cleanups.push(() => b.close());
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteStore(join(dir, 'dockgate.sqlite'));
  const clock = { ms: Date.now() };
  const core = await startMqttCore({
    store, url: b.url, stream: () => b.connectStream(), logger: testLogger().logger, instanceId: `fleet-${Math.random()}`,
    fleet: { silenceSeconds: 60, flushMs: 60_000, sweepMs: 60_000, now: () => clock.ms },
  });
  const off = b.onClientDisconnect(({ sns }) => void core.devicesDisconnected(sns));
  cleanups.push(async () => {
    off();
    await core.close();
    await store.close();
  });
  return { dir, broker: b, store, core, clock };
}

async function dockClient(url: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  cleanups.push(() => c.endAsync(true));
  return c;
}

const env = (method: string, data: unknown) => JSON.stringify({ tid: crypto.randomUUID(), bid: crypto.randomUUID(), timestamp: Date.now(), method, data });
const osd = (data: unknown) => JSON.stringify({ tid: crypto.randomUUID(), bid: crypto.randomUUID(), timestamp: Date.now(), data });

describe('fleet ingest', () => {
  it('merges osd/state into one snapshot, written by the flush, and serves it after a restart', async () => {
    const r = await rig();
    const sn = uniqueSn('DOCK');
    const dock = await dockClient(r.broker.url);
    await dock.publishAsync(`thing/product/${sn}/osd`, osd({ cover_state: 0, latitude: 22.5, x_vendor: { a: 1 } }), { qos: 1 });
    await dock.publishAsync(`thing/product/${sn}/state`, osd({ firmware_version: '10.1' }), { qos: 1 });
    await dock.publishAsync(`thing/product/${sn}/osd`, osd({ cover_state: 1 }), { qos: 1 });
    await eventually(() => r.core.stats().telemetry_messages === 3);
    expect(await r.store.fleet.getState(sn)).toBeNull(); // coalesced, not written per message
    await r.core.flushFleet();
    const s = await r.store.fleet.getState(sn);
    expect(s).toMatchObject({ version: 1, properties: { cover_state: 1, latitude: 22.5, firmware_version: '10.1', x_vendor: { a: 1 } } });
    expect(Object.keys(s!.group_reported_at).sort()).toEqual(['cover', 'firmware', 'other', 'position']);
    expect(await r.store.fleet.getDevice(sn)).toMatchObject({ online: true, reason: 'message', kind: 'dock' });

    // Restart: a new store and core on the same file serve the last written snapshot.
    await r.core.close();
    await r.store.close();
    const store2 = await openSqliteStore(join(r.dir, 'dockgate.sqlite'));
    cleanups.push(() => store2.close());
    expect(await store2.fleet.getState(sn)).toEqual(s);
  });

  it('malformed telemetry is counted, never stored', async () => {
    const r = await rig();
    const sn = uniqueSn('DOCK');
    const dock = await dockClient(r.broker.url);
    await dock.publishAsync(`thing/product/${sn}/osd`, '{not json', { qos: 1 });
    await dock.publishAsync(`thing/product/${sn}/osd`, JSON.stringify({ data: [1] }), { qos: 1 });
    await eventually(() => r.core.stats().malformed_messages === 2);
    await r.core.flushFleet();
    expect(await r.store.fleet.getState(sn)).toBeNull();
  });

  it('presence: update_topo, silence, back with a message, aircraft leaving, client disconnect', async () => {
    const r = await rig();
    const sn = uniqueSn('DOCK');
    const ac = uniqueSn('AC');
    const dock = await dockClient(r.broker.url);
    await dock.publishAsync(`sys/product/${sn}/status`, env('update_topo', { domain: 3, type: 3, sub_type: 0, sub_devices: [{ sn: ac, domain: 0, type: 100, sub_type: 0, index: 'A' }] }), { qos: 1 });
    await eventually(() => r.store.fleet.getDevice(ac));
    expect(await r.store.fleet.getDevice(sn)).toMatchObject({ kind: 'dock', model_key: '3-3-0', online: true });
    expect(await r.store.fleet.getDevice(ac)).toMatchObject({ kind: 'aircraft', model_key: '0-100-0', gateway_sn: sn, online: true, reason: 'update_topo' });

    // Aircraft telemetry is attributed to the aircraft.
    await dock.publishAsync(`thing/product/${ac}/osd`, osd({ horizontal_speed: 3.5 }), { qos: 1 });
    await eventually(() => r.core.stats().telemetry_messages === 1);
    await r.core.flushFleet();
    expect(await r.store.fleet.getState(ac)).toMatchObject({ properties: { horizontal_speed: 3.5 }, group_reported_at: { flight: expect.any(String) } });

    // 61 s of silence (injected clock): both offline, reason silence.
    r.clock.ms += 61_000;
    await r.core.sweepSilence();
    expect(await r.store.fleet.getDevice(sn)).toMatchObject({ online: false, reason: 'silence' });

    // The next message brings the dock back.
    r.clock.ms += 1000;
    await dock.publishAsync(`thing/product/${sn}/osd`, osd({ cover_state: 0 }), { qos: 1 });
    await eventually(() => r.core.stats().telemetry_messages === 2);
    await r.core.flushFleet();
    expect(await r.store.fleet.getDevice(sn)).toMatchObject({ online: true, reason: 'message' });

    // Aircraft back via update_topo, then leaving it.
    await dock.publishAsync(`sys/product/${sn}/status`, env('update_topo', { domain: 3, type: 3, sub_type: 0, sub_devices: [{ sn: ac, domain: 0, type: 100, sub_type: 0 }] }), { qos: 1 });
    await eventually(async () => (await r.store.fleet.getDevice(ac))?.online);
    await dock.publishAsync(`sys/product/${sn}/status`, env('update_topo', { domain: 3, type: 3, sub_type: 0, sub_devices: [] }), { qos: 1 });
    await eventually(async () => (await r.store.fleet.getDevice(ac))?.online === false);
    expect(await r.store.fleet.getDevice(ac)).toMatchObject({ reason: 'update_topo' });

    // The dock's client disconnects: offline, reason disconnect.
    await dock.endAsync(true);
    await eventually(async () => (await r.store.fleet.getDevice(sn))?.online === false);
    expect(await r.store.fleet.getDevice(sn)).toMatchObject({ reason: 'disconnect' });
    const history = await r.store.fleet.presenceHistory(sn, 10);
    expect(history.map((h) => `${h.online ? 'on' : 'off'}:${h.reason}`)).toEqual(['off:disconnect', 'on:message', 'off:silence', 'on:message']);
  });

  it('HMS: each report is the complete list (raise, keep, clear); need_reply answered', async () => {
    const r = await rig();
    const sn = uniqueSn('DOCK');
    const dock = await dockClient(r.broker.url);
    const item = (code: string) => ({ level: 2, module: 3, in_the_sky: 0, code, device_type: '3-3-0', imminent: 0, args: { component_index: 0, sensor_index: 1 } });
    await dock.subscribeAsync(`thing/product/${sn}/events_reply`, { qos: 1 });
    const replies: unknown[] = [];
    dock.on('message', (_t, m) => replies.push(JSON.parse(m.toString())));
    await dock.publishAsync(`thing/product/${sn}/events`, JSON.stringify({ ...JSON.parse(env('hms', { list: [item('0x1'), item('0x2')] })), need_reply: 1 }), { qos: 1 });
    await eventually(() => r.core.stats().hms_reports === 1);
    await dock.publishAsync(`thing/product/${sn}/events`, env('hms', { list: [item('0x2')] }), { qos: 1 });
    await eventually(() => r.core.stats().hms_reports === 2);
    const active = await r.store.fleet.listAlarms({ sn, state: 'active', limit: 10 });
    expect(active.items.map((a) => a.code)).toEqual(['0x2']);
    const cleared = await r.store.fleet.listAlarms({ sn, state: 'cleared', limit: 10 });
    expect(cleared.items).toEqual([expect.objectContaining({ code: '0x1', cleared_at: expect.any(String) })]);
    await eventually(() => replies.length === 1);
    expect(replies[0]).toMatchObject({ method: 'hms', data: { result: 0 } });
    // A malformed report is counted and changes nothing.
    await dock.publishAsync(`thing/product/${sn}/events`, env('hms', { list: 'nope' }), { qos: 1 });
    await eventually(() => r.core.stats().malformed_messages === 1);
    expect((await r.store.fleet.listAlarms({ sn, state: 'active', limit: 10 })).items).toHaveLength(1);
  });
});
