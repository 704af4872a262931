/**
 * Uplink from an SN that is not in the device registry (issue 11 §8) is counted
 * (`unknown_device_messages`) and still handled; a registered dock's messages are not counted.
 * Real messages on the machine's Mosquitto: an external broker is where unregistered docks can
 * publish (the embedded broker refuses them at CONNECT: test/mqtt/broker-auth.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, uniqueSn, type Harness } from './harness.js';

describe('messages from unregistered devices (Mosquitto)', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('are counted and still handled; a registered dock is not counted', async () => {
    h = await startHarness({ broker: 'mosquitto' });
    const now = new Date().toISOString();
    const registered = uniqueSn();
    await h.store.devices.add({ sn: registered, kind: 'dock', model_key: null, dock_sn: null, credentials: [], mqtt_password_hash: null, mosquitto_password_hash: null, created_at: now, updated_at: now });
    const known = await h.dock({ sn: registered });
    const stranger = await h.dock({});
    const base = h.core.stats().unknown_device_messages;

    const reply = () => ({ tid: randomUUID(), bid: randomUUID(), timestamp: Date.now(), method: 'debug_mode_open', data: { result: 0 } });
    await known.publish('services_reply', reply());
    await stranger.publish('services_reply', reply());
    await stranger.publish('services_reply', reply());
    // Still handled: both unknown-tid replies of the stranger are seen, as is the known dock's one.
    await h.eventually(() => h.core.stats().unknown_tid >= 3);
    expect(h.core.stats().unknown_device_messages - base).toBe(2);
    expect(h.core.stats().handler_errors).toBe(0);
  });
});
