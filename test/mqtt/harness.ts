/**
 * Test harness for the MQTT core: a real broker (embedded aedes on an ephemeral loopback port, or
 * the machine's Mosquitto at 127.0.0.1:1883), a real SQLite store in a temp dir, the real core, and
 * test docks (test/support/dock.ts: the dock simulator, answering per test script) with unique
 * SNs. Commands are accepted the way the HTTP layer does it (`buildCommandRecord` +
 * `store.createCommand` + `notifyAccepted`).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino, type Logger } from 'pino';
import { TERMINAL_STATUSES } from '../../spec/api.js';
import { buildCommandRecord } from '../../server/commands/accept.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/mqtt/broker.js';
import { startMqttCore, type MqttCore, type MqttCoreOptions } from '../../server/mqtt/core.js';
import { openSqliteStore } from '../../server/store/sqlite/store.js';
import type { CommandRecord, Store } from '../../server/store/types.js';
import type { SimulatedDock } from '../../mock/simulator/index.js';
import { startDock, type DockOptions } from '../support/dock.js';
import { TcpProxy } from '../support/tcp-proxy.js';

import { uniqueSn } from '../support/dock.js';
import { provisionDock } from '../support/devices.js';
import { rotateDock } from '../../server/devices/register.js';

export { uniqueSn };

export const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';
export type BrokerKind = 'aedes' | 'mosquitto';

/** A logger that keeps warn+ lines in memory (printed with MQTT_TEST_LOG=1). */
export function testLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: process.env.MQTT_TEST_LOG ? 'debug' : 'warn' },
    {
      write(s: string) {
        const line = JSON.parse(s) as Record<string, unknown>;
        lines.push(line);
        if (process.env.MQTT_TEST_LOG) process.stderr.write(s);
      },
    },
  );
  return { logger, lines };
}

/** Forget a persistent (clean: false) session on the broker so test runs do not pile them up on Mosquitto. */
export async function dropSession(url: string, clientId: string): Promise<void> {
  const c = mqtt.connect(url, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 2_000 });
  c.on('error', () => {});
  await new Promise<void>((r) => {
    c.once('connect', () => r());
    c.once('close', () => r());
  });
  await c.endAsync(true).catch(() => {});
}

export interface Harness {
  url: string;
  store: Store;
  core: MqttCore;
  broker: EmbeddedBroker | null;
  /** With `proxy: true`: the forwarder between the core and the broker (docks connect directly). */
  proxy: TcpProxy | null;
  logs: Record<string, unknown>[];
  /** Accept a command as the HTTP layer would; returns the stored record. */
  accept(body: { device_id: string; command_type: string; payload?: Record<string, unknown>; timeout_seconds?: number }): Promise<CommandRecord>;
  /** A test dock on this broker (closed with the harness); with sub-devices, resolves once this core stored its topology. */
  dock(o: DockOptions): Promise<SimulatedDock>;
  /** Wait until the command is terminal (or `ms` pass) and return it. */
  terminal(command_id: string, ms?: number): Promise<CommandRecord>;
  /** Poll the store until `pred` holds for the command. */
  until(command_id: string, pred: (c: CommandRecord) => boolean, ms?: number): Promise<CommandRecord>;
  /** Poll `fn` until truthy. */
  eventually<T>(fn: () => T | Promise<T>, ms?: number): Promise<NonNullable<T>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  broker: BrokerKind;
  core?: Partial<MqttCoreOptions>;
  /** Use this store instead of a fresh one (not closed by the harness). */
  store?: Store;
  /** Connect the core through a `TcpProxy` so tests can cut it off from the broker. */
  proxy?: boolean;
}

export async function startHarness(o: HarnessOptions): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'dockgate-mqtt-'));
  const store = o.store ?? (await openSqliteStore(join(dir, 'test.sqlite')));
  const { logger, lines } = testLogger();
  // The embedded broker checks logins as in production (MQTT_AUTH on): the core uses its internal
  // login, test docks are registered in the store first (`dock()`).
  const broker = o.broker === 'aedes' ? await startEmbeddedBroker({ logger, auth: { devices: store.devices } }) : null;
  const url = broker?.url ?? MOSQUITTO_URL;
  const instanceId = `t${randomUUID().slice(0, 12)}`;
  const proxy = o.proxy ? await TcpProxy.start(url) : null;
  const core = await startMqttCore({ store, url: proxy?.url ?? url, logger, instanceId, sweepIntervalMs: 50, waitPollMs: 50, ...(broker?.internalLogin ?? {}), ...o.core });
  const docks: SimulatedDock[] = [];

  const eventually = async <T>(fn: () => T | Promise<T>, ms = 5_000): Promise<NonNullable<T>> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const h: Harness = {
    url,
    store,
    core,
    broker,
    proxy,
    logs: lines,
    async accept(body) {
      const rec = await buildCommandRecord(store, 'test-api', {
        vendor: 'dji',
        device_id: body.device_id,
        command_type: body.command_type,
        payload: body.payload ?? {},
        idempotency_key: randomUUID(),
        ...(body.timeout_seconds !== undefined ? { timeout_seconds: body.timeout_seconds } : {}),
      });
      const out = await store.createCommand(rec);
      core.notifyAccepted(out.command.command_id);
      return out.command;
    },
    async dock(d) {
      let login = d.login;
      if (broker && !login) {
        const sn = d.sn ?? uniqueSn();
        d = { ...d, sn };
        login = (await rotateDock(store, sn)) ?? (await provisionDock(store, sn));
      }
      const dock = await startDock(url, { ...d, ...(login ? { login } : {}) });
      docks.push(dock);
      // On a shared Mosquitto another test file's gateway may answer update_topo first: wait for ours.
      const subs = d.subDevices ?? [];
      if (subs.length > 0) await eventually(async () => (await Promise.all(subs.map((s) => store.gatewayOf(s)))).every((g) => g === dock.sn));
      return dock;
    },
    async terminal(command_id, ms = 5_000) {
      await core.waitForTerminal(command_id, ms);
      const c = await store.getCommand(command_id);
      if (!c) throw new Error(`command ${command_id} not found`);
      return c;
    },
    until(command_id, pred, ms = 5_000) {
      return eventually(async () => {
        const c = await store.getCommand(command_id);
        return c && pred(c) ? c : null;
      }, ms);
    },
    eventually,
    async close() {
      await Promise.allSettled(docks.map((d) => d.close()));
      await core.close();
      await proxy?.close();
      if (!broker) await dropSession(url, core.clientId);
      await broker?.close();
      if (!o.store) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

export const isTerminalStatus = (s: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(s);
