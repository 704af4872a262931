/**
 * Bad uplink through the whole gateway (issue 11 §8): malformed, oversized (> 64 KiB) and
 * unknown-tid messages published by a registered dock's real MQTT client on the embedded broker (where the gateway
 * takes uplink in the broker's hook before the PUBACK) are acknowledged, never crash anything and
 * show up in `/metrics`.
 */
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '../cluster/harness.js';
import { startTestGateway, type TestGateway } from '../http/harness.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t?.close());

async function metrics(): Promise<string> {
  return (await fetch(`${t.url}/metrics`)).text();
}

describe('bad uplink messages on the embedded broker', () => {
  it('are acknowledged, dropped, counted in /metrics, and the gateway keeps serving', async () => {
    // A registered dock (the embedded broker checks logins).
    const login = await t.dockLogin();
    const sn = login.sn;
    const dock = await mqtt.connectAsync(t.gw.mqttUrl, { clientId: `bad-${sn}`, username: login.username, password: login.password, reconnectPeriod: 0, protocolVersion: 4 });
    const before = await metrics();
    const count = (text: string, name: string) => metricValue(text, `dockgate_mqtt_${name}_total`);
    try {
      const reply = { tid: randomUUID(), bid: randomUUID(), timestamp: Date.now(), method: 'debug_mode_open', data: { result: 0 } };
      // Each publish resolves on its PUBACK: none of them hangs the dock.
      await dock.publishAsync(`thing/product/${sn}/services_reply`, 'not json', { qos: 1 });
      await dock.publishAsync(`thing/product/${sn}/events`, JSON.stringify({ ...reply, tid: 42 }), { qos: 1 });
      await dock.publishAsync(`thing/product/${sn}/services_reply`, JSON.stringify({ ...reply, data: { result: 0, blob: 'x'.repeat(65 * 1024) } }), { qos: 1 });
      await dock.publishAsync(`thing/product/${sn}/services_reply`, JSON.stringify(reply), { qos: 1 });
    } finally {
      await dock.endAsync();
    }
    const after = await metrics();
    expect(count(after, 'malformed_messages') - count(before, 'malformed_messages')).toBe(3);
    expect(count(after, 'oversized_messages') - count(before, 'oversized_messages')).toBe(1);
    expect(count(after, 'unknown_tid') - count(before, 'unknown_tid')).toBe(1);
    // A registered dock: none counted as an unknown device (test/mqtt/unknown-device.test.ts shows the count).
    expect(count(after, 'unknown_device_messages') - count(before, 'unknown_device_messages')).toBe(0);
    expect(count(after, 'handler_errors')).toBe(0);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});
