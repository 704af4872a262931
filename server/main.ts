/**
 * `npm start`: the gateway process. Loads the configuration, opens the store (creating a
 * development credential on first start), starts the embedded broker unless MQTT_URL is set,
 * starts the MQTT core and serves HTTP. SIGTERM/SIGINT shut down gracefully.
 *
 * `startGateway(config)` is the same composition for tests, the mock and benchmarks.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { createApp, type AppDeps } from './app.js';
import { startEventPruner } from './events/retention.js';
import { createCredential } from './cli/credentials.js';
import { registerDock, type DockLogin } from './devices/register.js';
import { ConfigError, loadConfig, optionsTable, type Config } from './config.js';
import { createLogger } from './http/logger.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './mqtt/broker.js';
import { createMetrics } from './metrics.js';
import { startMqttCore, type MqttCore } from './mqtt/core.js';
import { StorageReplies } from './missions/storage.js';
import { closeOnSignals } from './shutdown.js';
import { openStore } from './store/index.js';
import { WebhookFanout } from './webhooks/fanout.js';
import { WebhookWorker } from './webhooks/worker.js';
import type { Store } from './store/types.js';

/** A running gateway. */
export interface Gateway {
  /** `http://host:port` of the API. */
  url: string;
  /** Broker URL the gateway uses (docks connect here when embedded). */
  mqttUrl: string;
  /** Set when the store was empty and a development credential was created (the key is shown once). */
  devCredential: { api_id: string; api_key: string } | null;
  /** Set with `devCredential` when the embedded broker checks logins: the development dock's MQTT login (shown once). */
  devDock: DockLogin | null;
  /** The embedded broker this gateway started or was given; null with an external one. */
  broker: EmbeddedBroker | null;
  store: Store;
  mqtt: MqttCore;
  logger: Logger;
  /** Stop accepting, finish in-flight requests (up to shutdownTimeoutMs), close MQTT, broker, store. Idempotent. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Start every part of the gateway from `config`; `logger` defaults to pino at config.logLevel;
 * `extendApp` is `AppDeps.extend` (the mock server's hook); `broker`: an embedded broker the caller
 * started and closes (the mock's), used instead of `config.mqttUrl` and joined in process.
 */
export async function startGateway(config: Config, o: { logger?: Logger; extendApp?: AppDeps['extend']; broker?: EmbeddedBroker; eventStream?: AppDeps['eventStream'] } = {}): Promise<Gateway> {
  const logger = o.logger ?? createLogger(config.logLevel);
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const f of cleanups.splice(0).reverse()) await f().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
  };
  try {
    const store = await openStore(config);
    cleanups.push(() => store.close());

    let devCredential: Gateway['devCredential'] = null;
    if (config.devCredential && (await store.countCredentials()) === 0) {
      const c = await createCredential(store, { name: 'development' });
      devCredential = { api_id: c.api_id, api_key: c.api_key };
    }

    let broker = o.broker ?? null;
    if (config.mqttUrl === null && broker === null) {
      const started = await startEmbeddedBroker({
        host: config.mqttHost,
        port: config.mqttPort,
        logger,
        ...(config.mqttAuth ? { auth: { devices: store.devices } } : {}),
        ...embeddedTls(config),
      });
      cleanups.push(() => started.close());
      broker = started;
    }
    const embedded = broker;
    const mqttUrl = embedded !== null ? embedded.url : (config.mqttUrl as string);

    let devDock: DockLogin | null = null;
    if (devCredential && embedded?.internalLogin && !(await store.devices.get(DEV_DOCK_SN))) {
      devDock = (await registerDock(store, { sn: DEV_DOCK_SN, credentials: [devCredential.api_id] })).login;
    }

    const storage = config.storage ? new StorageReplies(config.storage) : null;
    const mqtt = await startMqttCore({
      store,
      url: mqttUrl,
      // The embedded broker runs in this process: talk to it in memory, not over loopback TCP.
      ...(embedded !== null ? { stream: () => embedded.connectStream() } : {}),
      logger,
      instanceId: config.instanceId,
      // aedes has no $share support: a share group on the embedded broker would silently receive
      // nothing, and one process needs none.
      shareGroup: embedded !== null ? null : config.mqttShareGroup,
      persistentSession: config.mqttPersistentSession,
      // With the embedded broker the uplink comes through its hook (broker.ts), so the dock's
      // PUBACK waits until the message is stored.
      subscribeUplink: embedded === null,
      testIngestDelayMs: config.testIngestDelayMs,
      // The embedded broker knows dockgate by the login it made at start-up; an external one by the configured one.
      ...(embedded?.internalLogin ? { ...embedded.internalLogin } : embedded !== null ? {} : brokerLogin(config)),
      autoReply: { config: { ...config.djiConfig }, ...(storage ? { storage: (sn: string) => storage.reply(sn) } : {}) },
      fleet: { silenceSeconds: config.deviceSilenceSeconds },
    });
    cleanups.push(() => mqtt.close());
    if (embedded !== null) {
      const off = embedded.onClientDisconnect(({ sns }) => void mqtt.devicesDisconnected(sns));
      cleanups.push(async () => off());
      embedded.setUplinkHandler((topic, payload) => mqtt.ingest(topic, payload));
      cleanups.push(async () => embedded.setUplinkHandler(null));
    }

    const pruner = startEventPruner({ store, retentionDays: config.eventRetentionDays, logger });
    cleanups.push(() => pruner.stop());

    const metrics = createMetrics({ store, mqtt, broker: embedded });
    cleanups.push(async () => metrics.close());
    const webhooks = new WebhookWorker({ store, owner: config.instanceId, allowPrivate: config.webhookAllowPrivate, logger });
    webhooks.start();
    cleanups.push(() => webhooks.stop());
    const fanout = new WebhookFanout({ store, onEnqueued: () => webhooks.kick(), logger });
    fanout.start();
    cleanups.push(() => fanout.stop());
    const app = createApp({ config, store, mqtt, logger, extend: o.extendApp, metrics, eventStream: o.eventStream, webhooks: { allowPrivate: config.webhookAllowPrivate, kick: () => webhooks.kick() } });
    const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
    // serve() listens immediately; wait for it (or its error) before reporting the URL.
    const port = server.listening ? (server.address() as AddressInfo).port : await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.once('listening', () => resolve((server.address() as AddressInfo).port));
    });
    cleanups.push(() => closeServer(server, config.shutdownTimeoutMs));

    let closing: Promise<void> | null = null;
    return {
      url: `http://${urlHost(config.host)}:${port}`,
      mqttUrl,
      devCredential,
      devDock,
      broker: embedded,
      store,
      mqtt,
      logger,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * Stop accepting, let in-flight requests finish, then force-close what is left after `graceMs`.
 * Keep-alive connections whose request finished are closed as soon as they turn idle (polled), so
 * shutdown does not wait for the keep-alive timeout.
 */
function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log('usage: npm start -- [--option value]…  (or the same names as environment variables)\n\n' + optionsTable());
    return;
  }
  const config = loadConfig(process.argv.slice(2), process.env);
  const gw = await startGateway(config);
  const log = gw.logger;
  const lines = [
    `dockgate ${config.instanceId} is running`,
    `  API:     ${gw.url}/api/v1/open`,
    `  docs:    ${gw.url}/docs   (spec: ${gw.url}/openapi.json)`,
    `  health:  ${gw.url}/healthz  ${gw.url}/readyz`,
    `  MQTT:    ${gw.mqttUrl}${config.mqttUrl === null ? '  (embedded broker; point docks here)' : ''}`,
    ...(gw.broker?.tlsUrl ? [`  MQTTS:   ${gw.broker.tlsUrl}`] : []),
  ];
  if (gw.devCredential) {
    lines.push(
      '',
      'Created a development credential (all scopes, all devices). The key is shown only now:',
      `  API ID:  ${gw.devCredential.api_id}`,
      `  API key: ${gw.devCredential.api_key}`,
      'Manage credentials with: npm run credentials -- list',
    );
  }
  if (gw.devDock) {
    lines.push(
      '',
      'Registered a development dock for the embedded broker. Its MQTT password is shown only now:',
      `  MQTT username: ${gw.devDock.username}`,
      `  MQTT password: ${gw.devDock.password}`,
      `Try it: npm run simulator -- --broker ${gw.mqttUrl} --dock ${gw.devDock.username} --username ${gw.devDock.username} --password '${gw.devDock.password}'`,
      'Manage docks with: npm run devices -- list',
    );
  }
  // Plain stdout for humans; the JSON log line carries no secret.
  process.stdout.write(lines.join('\n') + '\n');
  log.info({ url: gw.url, mqtt_url: gw.mqttUrl, instance_id: config.instanceId, dev_credential_api_id: gw.devCredential?.api_id }, 'gateway started');

  closeOnSignals(() => gw.close(), log);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof ConfigError ? `configuration error: ${e.message}` : e);
    process.exit(e instanceof ConfigError ? 2 : 1);
  });
}

/** SN of the development dock registered on first start (docs/quickstart.md). */
export const DEV_DOCK_SN = 'DOCK-1';

/** The embedded broker's TLS listener from MQTT_TLS_CERT_FILE / MQTT_TLS_KEY_FILE / MQTT_TLS_PORT (files read once). */
function embeddedTls(config: Config): { tls?: { cert: string; key: string; port: number } } {
  if (config.mqttTlsCertFile === null || config.mqttTlsKeyFile === null) return {};
  const read = (name: string, file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`${name}: cannot read ${file} (${(e as Error).message})`);
    }
  };
  return { tls: { cert: read('MQTT_TLS_CERT_FILE', config.mqttTlsCertFile), key: read('MQTT_TLS_KEY_FILE', config.mqttTlsKeyFile), port: config.mqttTlsPort } };
}

/**
 * Broker credentials and TLS files from the configuration. Files are read once at start; a missing
 * or unreadable file fails the start with its option name.
 */
function brokerLogin(config: Config): { username?: string; password?: string; tls?: { ca?: string; cert?: string; key?: string } } {
  const read = (name: string, file: string | null): string | undefined => {
    if (file === null) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`${name}: cannot read ${file} (${(e as Error).message})`);
    }
  };
  const tls = { ca: read('MQTT_CA_FILE', config.mqttCaFile), cert: read('MQTT_CERT_FILE', config.mqttCertFile), key: read('MQTT_KEY_FILE', config.mqttKeyFile) };
  return {
    ...(config.mqttUsername !== null ? { username: config.mqttUsername } : {}),
    ...(config.mqttPassword !== null ? { password: config.mqttPassword } : {}),
    ...(tls.ca ?? tls.cert ?? tls.key ? { tls } : {}),
  };
}
