/**
 * server/metrics.ts against real parts: a SQLite store in a temp dir, the MQTT core on an embedded
 * aedes broker, a simulated dock, and a Hono app with the metrics middleware. Checks the exposition
 * format, database gauges, latency histograms observed once per command from the core's
 * transitions, MQTT counters, HTTP route labels, and a scrape with the store closed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedDock, type SimulatedDock } from '../../mock/simulator/index.js';
import { buildCommandRecord } from '../../server/commands/accept.js';
import { createMetrics, type Metrics } from '../../server/metrics.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/mqtt/broker.js';
import { startMqttCore, type MqttCore } from '../../server/mqtt/core.js';
import { openSqliteStore } from '../../server/store/sqlite/store.js';
import type { CommandRecord, Store } from '../../server/store/types.js';
import { metricValue, uniqueSn, waitFor } from './harness.js';

describe('metrics', () => {
  let dir: string;
  let store: Store;
  let broker: EmbeddedBroker;
  let core: MqttCore;
  let dock: SimulatedDock;
  let metrics: Metrics;
  let app: Hono;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dgcl-metrics-'));
    store = await openSqliteStore(join(dir, 'm.sqlite'));
    const logger = pino({ level: 'silent' });
    broker = await startEmbeddedBroker({ port: 0, logger });
    core = await startMqttCore({ store, url: broker.url, logger, instanceId: `metrics-${randomUUID().slice(0, 8)}`, sweepIntervalMs: 50, waitPollMs: 50 });
    dock = await startSimulatedDock({ brokerUrl: broker.url, dockSn: uniqueSn('MET') });
    metrics = createMetrics({ store, mqtt: core });
    app = new Hono();
    app.use('*', metrics.middleware);
    app.get('/metrics', metrics.handler);
    app.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
    app.post('/boom', () => {
      throw new Error('boom');
    });
    app.onError((_err, c) => c.json({ code: 'INTERNAL_ERROR' }, 500));
  });

  afterAll(async () => {
    metrics?.close();
    await dock?.close();
    await core?.close();
    await broker?.close();
    await store?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  const accept = async (command_type: string, timeout_seconds: number): Promise<CommandRecord> => {
    const rec = await buildCommandRecord(store, 'metrics-api', { vendor: 'dji', device_id: dock.sn, command_type, payload: {}, idempotency_key: randomUUID(), timeout_seconds });
    const out = await store.createCommand(rec);
    core.notifyAccepted(out.command.command_id);
    return out.command;
  };
  const scrape = async () => {
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('observes dispatch and end-to-end latency once per command, and counts by status from the store', async () => {
    dock.setRule('debug_mode_close', { outcome: 'silent' });
    const ok = await Promise.all(Array.from({ length: 5 }, () => accept('debug_mode_open', 10)));
    // cover_open: reply then progress events, several DELIVERED transitions before the terminal one.
    const progress = await accept('cover_open', 10);
    const silent = await accept('debug_mode_close', 1);
    for (const c of [...ok, progress, silent]) await core.waitForTerminal(c.command_id, 5_000);
    const final = await Promise.all([...ok, progress, silent].map((c) => store.getCommand(c.command_id)));
    expect(final.map((c) => c!.status)).toEqual([...ok.map(() => 'SUCCEEDED'), 'SUCCEEDED', 'TIMED_OUT']);

    const text = await waitFor('the completion of all 7 to be observed', async () => {
      const t = await scrape();
      return metricValue(t, 'dockgate_command_completion_seconds_count') === 7 ? t : null;
    }, 3_000);
    expect(metricValue(text, 'dockgate_command_completion_seconds_count', { status: 'SUCCEEDED' })).toBe(6);
    expect(metricValue(text, 'dockgate_command_completion_seconds_count', { status: 'TIMED_OUT' })).toBe(1);
    // The timed-out command took at least its 1 s; the buckets are cumulative.
    expect(metricValue(text, 'dockgate_command_completion_seconds_bucket', { status: 'TIMED_OUT', le: '0.5' })).toBe(0);
    expect(metricValue(text, 'dockgate_command_completion_seconds_bucket', { status: 'TIMED_OUT', le: '2.5' })).toBe(1);
    // Dispatch: every command was delivered once (the silent one too: PUBACK came, the reply did not).
    expect(metricValue(text, 'dockgate_command_dispatch_seconds_count')).toBe(7);
    expect(metricValue(text, 'dockgate_command_dispatch_seconds_bucket', { le: '+Inf' })).toBe(7);

    // Database gauges.
    expect(metricValue(text, 'dockgate_commands', { status: 'SUCCEEDED' })).toBe(6);
    expect(metricValue(text, 'dockgate_commands', { status: 'TIMED_OUT' })).toBe(1);
    expect(metricValue(text, 'dockgate_commands', { status: 'ACCEPTED' })).toBe(0);
    expect(text).toMatch(/^dockgate_commands\{status="UNMATCHED_RESPONSE"\} 0$/m);
    expect(metricValue(text, 'dockgate_commands_pending')).toBe(0);
    expect(metricValue(text, 'dockgate_store_up')).toBe(1);

    // MQTT counters follow the core's stats.
    const stats = core.stats();
    expect(metricValue(text, 'dockgate_mqtt_replies_total')).toBe(stats.replies);
    expect(metricValue(text, 'dockgate_mqtt_published_total')).toBe(stats.published);
    expect(stats.published).toBe(7);
    expect(metricValue(text, 'dockgate_mqtt_connected')).toBe(1);
    expect(text).toMatch(/^# TYPE dockgate_mqtt_malformed_messages_total counter$/m);
    expect(text).toMatch(/^# TYPE dockgate_mqtt_unmatched_replies_total counter$/m);
    expect(text).toMatch(/^# TYPE dockgate_mqtt_unknown_tid_total counter$/m);
  });

  it('counts MQTT errors as they happen (unknown tid, malformed)', async () => {
    const before = await scrape();
    const { default: mqtt } = await import('mqtt');
    const c = await mqtt.connectAsync(broker.url);
    await c.publishAsync(`thing/product/${dock.sn}/services_reply`, JSON.stringify({ tid: randomUUID(), bid: randomUUID(), timestamp: Date.now(), method: 'debug_mode_open', data: { result: 0 } }), { qos: 1 });
    await c.publishAsync(`thing/product/${dock.sn}/services_reply`, 'not json', { qos: 1 });
    await c.endAsync();
    const after = await waitFor('both messages counted', async () => {
      const t = await scrape();
      return metricValue(t, 'dockgate_mqtt_malformed_messages_total') > metricValue(before, 'dockgate_mqtt_malformed_messages_total') &&
        metricValue(t, 'dockgate_mqtt_unknown_tid_total') > metricValue(before, 'dockgate_mqtt_unknown_tid_total')
        ? t
        : null;
    }, 3_000);
    expect(metricValue(after, 'dockgate_mqtt_unknown_tid_total') - metricValue(before, 'dockgate_mqtt_unknown_tid_total')).toBe(1);
    expect(metricValue(after, 'dockgate_mqtt_malformed_messages_total') - metricValue(before, 'dockgate_mqtt_malformed_messages_total')).toBe(1);
  });

  it('labels HTTP requests by route pattern and status, with bounded label values', async () => {
    await app.request('/items/a');
    await app.request('/items/b');
    await app.request('/nowhere/' + randomUUID());
    await app.request('/boom', { method: 'POST' });
    const text = await scrape();
    expect(metricValue(text, 'dockgate_http_requests_total', { method: 'GET', route: '/items/:id', status: '200' })).toBe(2);
    expect(metricValue(text, 'dockgate_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(metricValue(text, 'dockgate_http_requests_total', { method: 'POST', route: '/boom', status: '500' })).toBe(1);
    expect(text).not.toMatch(/route="\/items\/a"/);
    expect(metricValue(text, 'dockgate_http_request_duration_seconds_count', { method: 'GET', route: '/items/:id' })).toBe(2);
  });

  it('still answers when the store is unreachable, with store_up 0 and no store gauges', async () => {
    await store.close();
    const text = await scrape();
    expect(metricValue(text, 'dockgate_store_up')).toBe(0);
    expect(text).not.toMatch(/^dockgate_commands\{/m);
    expect(text).not.toMatch(/^dockgate_commands_pending /m);
    expect(text).toMatch(/^dockgate_mqtt_replies_total \d+$/m);
  });
});
