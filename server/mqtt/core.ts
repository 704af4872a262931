/**
 * The MQTT core: one mqtt.js client per gateway instance wiring the dispatcher (commands out), the
 * correlator (replies, events, drc/up in), topology (status in), device requests, the fleet ingest
 * (osd/state, presence, hms: server/fleet/) and the lifecycle (timeouts, long-poll waits). The interface is `MqttCore` below.
 *
 * Client: MQTT 3.1.1, `clean: false` (when `persistentSession`) with a stable client id per instance (`dockgate-<instanceId>`)
 * so the broker keeps our subscriptions and queues QoS 1 uplink while we reconnect — except as a
 * member of a share group, where a persistent session would keep taking its share of the group's
 * messages while the instance is down (Mosquitto queues them for it until it returns; EMQX until
 * the session expires), so a crashed instance would swallow replies: members use clean sessions and
 * the broker hands everything to the live members (test/cluster/crash.test.ts); keepalive 30 s;
 * reconnect every 500 ms; subscriptions re-made on every CONNACK (a restarted broker forgets them).
 * Two processes must not share an `instanceId` (they would disconnect each other).
 *
 * Inbound messages are handled concurrently across gateways and in arrival order per gateway (so a
 * dock's services_reply is applied before its later progress events). No handler error or bad
 * message can escape: each is logged and counted.
 *
 * Acknowledged after stored: the PUBACK of a QoS 1 uplink message leaves only once its handler
 * settled (held-acks.ts), so a crash in between leaves it unacknowledged and the broker redelivers
 * it (kept session, or another share-group member). With the embedded broker the messages come
 * through `ingest` from the broker's hook instead, before the dock gets its PUBACK (broker.ts).
 */
import type { Duplex } from 'node:stream';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import type { Logger } from 'pino';
import { commandsByType } from '../../spec/catalog.js';
import { deviceRequestsByType } from '../../spec/requests.js';
import type { CommandDef, DeviceRequestDef } from '../../spec/types.js';
import type { CommandRecord, DeviceRequestRecord, DispatchClaim, Store } from '../store/types.js';
import { Correlator } from './correlator.js';
import { Dispatcher } from './dispatcher.js';
import { MAX_MESSAGE_BYTES, parseDrcUp, parseEnvelope } from './envelope.js';
import { holdPubacks } from './held-acks.js';
import { KnownDevices } from './known-devices.js';
import { TransitionBus, Waiters, startSweeper } from './lifecycle.js';
import type { MqttLink } from './link.js';
import { buildProgressIndex } from './progress.js';
import type { AutoReplyConfig } from '../device-requests/replies.js';
import { RequestHandler } from './requests.js';
import { Stats } from './stats.js';
import { UPLINK_FILTERS, parseUplinkTopic, shareFilter, type ParsedTopic } from '../../spec/topics.js';
import { onStatus } from './topology.js';
import { FleetIngest, type FleetIngestOptions } from '../fleet/ingest.js';
import { MissionIngest } from '../missions/ingest.js';
import { parseTelemetry } from '../fleet/state.js';

export interface MqttCoreOptions {
  store: Store;
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883` (logged; not dialled when `stream` is given). */
  url: string;
  /** Connect through this stream builder instead of `url`: the embedded broker's in-process link (in-process.ts). */
  stream?: () => Duplex;
  logger: Logger;
  /** Stable per instance; the MQTT client id is `dockgate-<instanceId>` and dispatch claims use it. */
  instanceId: string;
  /** null = plain subscriptions; a name = `$share/<name>/…` (not supported by aedes). */
  shareGroup?: string | null;
  /**
   * Keep a persistent MQTT session (clean: false) so QoS 1 uplink is queued while this instance
   * reconnects. Only honoured without a share group; set it only with a stable `instanceId`.
   */
  persistentSession?: boolean;
  autoReply?: AutoReplyConfig;
  /** Dispatcher poll period when idle, ms (default 500; accepts wake it at once). */
  dispatchIntervalMs?: number;
  /** Timeout sweep period, ms (default 200). */
  sweepIntervalMs?: number;
  /** Store poll period of `waitForTerminal`, ms (default 200). */
  waitPollMs?: number;
  /** How long `startMqttCore` waits for the first connection before resolving anyway, ms (default 3000). */
  connectWaitMs?: number;
  /** Inbound message size limit, bytes (default envelope.ts MAX_MESSAGE_BYTES, 64 KiB). */
  maxMessageBytes?: number;
  /** Broker credentials, if the broker wants them. */
  username?: string;
  password?: string;
  /** TLS material for `mqtts://`/`wss://` (PEM contents): private CA, client certificate and key (mutual TLS). */
  tls?: { ca?: string; cert?: string; key?: string };
  /**
   * false: subscribe to no uplink topic; messages arrive through `MqttCore.ingest` instead (the
   * embedded broker's hook, so the dock's PUBACK waits for the store). Default true.
   */
  subscribeUplink?: boolean;
  /**
   * TEST ONLY: wait this long (ms) after receiving each uplink message before handling it, so a test
   * can kill the process between receipt and store (test/cluster/ack-gap.test.ts). Default 0.
   */
  testIngestDelayMs?: number;
  /** Catalog override (default `spec/catalog.ts` `commandsByType`). */
  catalog?: ReadonlyMap<string, CommandDef>;
  /** Device request catalog override (default `spec/requests.ts` `deviceRequestsByType`). */
  requestDefs?: ReadonlyMap<string, DeviceRequestDef>;
  /** Fleet ingest settings (server/fleet/ingest.ts): silence before offline, flush and sweep periods, clock. */
  fleet?: Pick<FleetIngestOptions, 'silenceSeconds' | 'flushMs' | 'sweepMs' | 'now'>;
}

export interface MqttCore {
  /** Wake the dispatcher after a command was stored (it also polls the store, so a missed call only delays). */
  notifyAccepted(command_id: string): void;
  /**
   * A publish lease to take in the INSERT of a command about to be accepted, or null when this
   * instance cannot publish it at once (then insert it unclaimed and call `notifyAccepted`).
   */
  dispatchClaim(): DispatchClaim | null;
  /** Publish a command that was created with `dispatchClaim()`'s lease. */
  dispatchAccepted(rec: CommandRecord): void;
  /** Publish requests_reply (same tid/bid/method as the request) with `data`; resolves when the broker acks (QoS 1). */
  publishRequestReply(req: DeviceRequestRecord, data: Record<string, unknown>): Promise<void>;
  /**
   * Resolve when the command is terminal or `timeoutMs` pass (local notifications plus store
   * polling), with the terminal record when one was seen, else null. `known`: a non-terminal record
   * the caller just read, which spares the first store read. Never rejects.
   */
  waitForTerminal(command_id: string, timeoutMs: number, known?: CommandRecord): Promise<CommandRecord | null>;
  /** Listen to every transition this instance makes; returns an unsubscribe function. */
  onTransition(fn: (rec: CommandRecord) => void): () => void;
  /**
   * Handle an uplink message that did not come through this client's subscriptions (the embedded
   * broker hands them over before it acknowledges the dock: broker.ts). Settles, never rejects,
   * once the message's effect is stored or it was dropped (and counted).
   */
  ingest(topic: string, payload: Buffer): Promise<void>;
  /** Connected to the broker and subscribed. */
  connected(): boolean;
  /** The MQTT client id in use. */
  readonly clientId: string;
  /** Counters: published, delivered, replies, unmatched_replies, unknown_tid, malformed_messages, … (see stats.ts). */
  stats(): Record<string, number>;
  /** The embedded broker saw the client that published as these gateway SNs disconnect (presence reason `disconnect`). */
  devicesDisconnected(sns: readonly string[]): Promise<void>;
  /** Write pending fleet snapshots and last-seen times now (tests; shutdown does it too). */
  flushFleet(): Promise<void>;
  /** Run the silence sweep now (tests). */
  sweepSilence(): Promise<void>;
  /** Stop dispatching and sweeping, release waiters, finish in-flight handlers, disconnect. Idempotent. */
  close(): Promise<void>;
}

/** Malformed messages logged individually per 10 s (the rest are only counted). */
const MALFORMED_LOGS_PER_10S = 20;
/** Inbound messages waiting to be handled above which new ones are dropped (and counted). */
const MAX_INBOUND_BACKLOG = 20_000;

/** Runs tasks one after another per key, different keys concurrently. */
class KeyedSerial {
  private readonly tails = new Map<string, Promise<void>>();
  size = 0;
  run(key: string, task: () => Promise<void>): Promise<void> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    this.size++;
    const next = prev.then(task);
    const tail: Promise<void> = next
      .catch(() => undefined)
      .finally(() => {
        this.size--;
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    this.tails.set(key, tail);
    return next;
  }
  drain(): Promise<void> {
    return Promise.allSettled([...this.tails.values()]).then(() => undefined);
  }
}

/** Start the MQTT core. Resolves once connected and subscribed, or after `connectWaitMs` (it keeps retrying). */
export async function startMqttCore(o: MqttCoreOptions): Promise<MqttCore> {
  const log = o.logger.child({ component: 'mqtt' });
  const catalog = o.catalog ?? commandsByType;
  const requestDefs = o.requestDefs ?? deviceRequestsByType;
  const maxBytes = o.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const filters = o.subscribeUplink === false ? [] : Object.values(UPLINK_FILTERS).map((f) => shareFilter(f, o.shareGroup));
  const stats = new Stats();
  const bus = new TransitionBus();
  const clientId = `dockgate-${o.instanceId}`.slice(0, 128);

  let subscribed = false;
  let closing = false;
  const clientOptions: IClientOptions = {
    clientId,
    // Persistent only for a named, non-shared instance: a share-group member must not keep taking
    // its share while down (see above), and a default instance id changes on every restart, so a
    // persistent session would be an orphan that the broker queues for forever.
    clean: Boolean(o.shareGroup) || !o.persistentSession,
    protocolVersion: 4,
    keepalive: 30,
    reconnectPeriod: 500,
    connectTimeout: 5_000,
    resubscribe: false,
    username: o.username,
    password: o.password,
    ...(o.tls?.ca !== undefined ? { ca: o.tls.ca } : {}),
    ...(o.tls?.cert !== undefined ? { cert: o.tls.cert } : {}),
    ...(o.tls?.key !== undefined ? { key: o.tls.key } : {}),
  };
  const stream = o.stream;
  const client: MqttClient = stream ? new MqttClient(() => stream(), clientOptions) : mqtt.connect(o.url, clientOptions);
  // Streams underneath get Nagle off too (small, latency-bound packets).
  client.on('connect', () => {
    const s = client.stream as unknown as { setNoDelay?: (v: boolean) => void };
    s.setNoDelay?.(true);
  });

  const link: MqttLink = {
    publish(topic, message, qos = 1) {
      return new Promise<void>((resolve, reject) => {
        try {
          client.publish(topic, JSON.stringify(message), { qos }, (err) => (err ? reject(err) : resolve()));
        } catch (err) {
          reject(err as Error);
        }
      });
    },
    connected: () => client.connected && subscribed,
  };

  const dispatcher = new Dispatcher({ store: o.store, link, logger: log, owner: o.instanceId, catalog, stats, bus, intervalMs: o.dispatchIntervalMs });
  const missions = new MissionIngest({ store: o.store, logger: log, stats });
  const correlator = new Correlator({ store: o.store, link, logger: log, catalog, progressIndex: buildProgressIndex(catalog.values()), stats, bus, onReplied: (rec) => missions.onReply(rec) });
  const requests = new RequestHandler({ store: o.store, link, logger: log, stats, requestDefs, autoReply: o.autoReply });
  const topology = { store: o.store, link, logger: log, stats };
  const waiters = new Waiters(o.store, bus, o.waitPollMs ?? 200, log);
  const inbound = new KeyedSerial();
  const fleet = new FleetIngest({ store: o.store, logger: log, stats, ...o.fleet });
  const knownDevices = new KnownDevices(o.store.devices);

  let firstReady: () => void;
  const ready = new Promise<void>((r) => (firstReady = r));
  let everConnected = false;

  client.on('connect', (connack) => {
    if (everConnected) stats.inc('reconnects');
    everConnected = true;
    log.info({ url: o.url, clientId, sessionPresent: connack.sessionPresent }, 'mqtt connected');
    if (filters.length === 0) {
      subscribed = true;
      firstReady();
      dispatcher.wake();
      return;
    }
    client.subscribe(filters, { qos: 1 }, (err, granted) => {
      if (err) {
        log.error({ err }, 'mqtt subscribe failed');
        return;
      }
      const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
      if (refused.length) log.error({ refused }, 'mqtt broker refused subscriptions');
      subscribed = true;
      firstReady();
      dispatcher.wake();
    });
  });
  client.on('close', () => {
    if (subscribed && !closing) log.warn({ url: o.url }, 'mqtt connection lost; reconnecting');
    subscribed = false;
  });
  client.on('error', (err) => log.warn({ err: err.message, url: o.url }, 'mqtt client error'));

  // A misbehaving dock can send thousands of bad messages: count all, log a bounded number.
  const logBudget = { windowStart: 0, used: 0 };
  const malformed = (p: ParsedTopic | null, topic: string, size: number, reason: string) => {
    stats.inc('malformed_messages');
    const now = Date.now();
    if (now - logBudget.windowStart > 10_000) {
      if (logBudget.used > MALFORMED_LOGS_PER_10S) log.warn({ suppressed: logBudget.used - MALFORMED_LOGS_PER_10S }, 'malformed MQTT messages not logged individually');
      logBudget.windowStart = now;
      logBudget.used = 0;
    }
    if (++logBudget.used <= MALFORMED_LOGS_PER_10S) log.warn({ topic, gateway_sn: p?.gateway_sn, bytes: size, reason }, 'malformed MQTT message dropped');
  };

  const handle = async (p: ParsedTopic, topic: string, payload: Buffer): Promise<void> => {
    // Counted, still handled: an external broker (or an embedded one without authentication) may
    // let unregistered docks publish, and they worked before the registry existed.
    if (!(await knownDevices.isKnown(p.gateway_sn))) stats.inc('unknown_device_messages');
    if (payload.length > maxBytes) {
      stats.inc('oversized_messages');
      return malformed(p, topic, payload.length, `message is ${payload.length} bytes, over the ${maxBytes}-byte limit`);
    }
    if (p.kind === 'drc/up') {
      const r = parseDrcUp(payload, { maxBytes });
      if (!r.ok) return malformed(p, topic, payload.length, r.reason);
      return correlator.onDrcUp(p.gateway_sn, topic, r.value);
    }
    if (p.kind === 'osd' || p.kind === 'state') {
      // Telemetry of the device in the topic (a dock, or an aircraft under its own SN): no envelope
      // method, no reply; merged in memory and written once per second (server/fleet/state.ts).
      const t = parseTelemetry(payload, maxBytes);
      if (!t.ok) return malformed(p, topic, payload.length, t.reason);
      return fleet.telemetry(p.gateway_sn, t.data);
    }
    const r = parseEnvelope(payload, { maxBytes, allowNullData: p.kind === 'requests' });
    if (!r.ok) return malformed(p, topic, payload.length, r.reason);
    fleet.heard(p.gateway_sn);
    switch (p.kind) {
      case 'services_reply':
        return correlator.onServicesReply(p.gateway_sn, topic, r.value);
      case 'events': {
        if (r.value.method === 'hms') {
          const bad = await fleet.hms(p.gateway_sn, r.value);
          if (bad) malformed(p, topic, payload.length, bad);
        }
        const badMission = await missions.onEvent(p.gateway_sn, r.value);
        if (badMission) malformed(p, topic, payload.length, badMission);
        // Also through the correlator: it answers need_reply whatever the method.
        return correlator.onEvent(p.gateway_sn, topic, r.value);
      }
      case 'requests':
        return requests.onRequest(p.gateway_sn, r.value);
      case 'status': {
        const out = await onStatus(topology, p.gateway_sn, r.value);
        if (out === 'malformed') malformed(p, topic, payload.length, '`data.sub_devices` must be an array');
        else if (out === 'ok') await fleet.topology(p.gateway_sn, r.value);
        return;
      }
    }
  };

  /** Handle one uplink message; settles (never rejects) once its effect is stored or it was dropped. */
  const ingest = (topic: string, payload: Buffer): Promise<void> => {
    try {
      const p = parseUplinkTopic(topic);
      if (!p) {
        stats.inc('ignored_messages');
        return Promise.resolve();
      }
      if (inbound.size >= MAX_INBOUND_BACKLOG) {
        stats.inc('overload_dropped');
        if (stats.get('overload_dropped') % 1000 === 1) log.error({ backlog: inbound.size }, 'inbound MQTT backlog full; dropping messages');
        return Promise.resolve();
      }
      const delay = o.testIngestDelayMs ?? 0;
      return inbound
        .run(p.gateway_sn, async () => {
          if (delay > 0) {
            // Test-only path (TEST_INGEST_DELAY_MS): the crash test waits for this line to kill in the gap.
            log.warn({ topic, delay_ms: delay }, 'TEST_INGEST_DELAY_MS: message received, storing it after the delay');
            await new Promise((r) => setTimeout(r, delay));
          }
          await handle(p, topic, payload);
        })
        .catch((err) => {
          stats.inc('handler_errors');
          log.error({ err, topic }, 'MQTT message handler failed');
        });
    } catch (err) {
      stats.inc('handler_errors');
      log.error({ err, topic }, 'MQTT message handler failed');
      return Promise.resolve();
    }
  };

  const acks = holdPubacks(client);
  client.on('message', (topic, payload, packet) => {
    const settled = ingest(topic, payload);
    if (packet.qos === 1 && packet.messageId !== undefined) acks.hold(packet.messageId, settled);
  });

  dispatcher.start();
  fleet.start();
  const sweeper = startSweeper({
    store: o.store,
    intervalMs: o.sweepIntervalMs ?? 200,
    logger: log,
    onExpired: (rec) => {
      stats.inc('timed_out');
      bus.notify(rec);
    },
  });

  let waitTimer: NodeJS.Timeout | undefined;
  await Promise.race([ready, new Promise<void>((r) => (waitTimer = setTimeout(r, o.connectWaitMs ?? 3_000)))]);
  clearTimeout(waitTimer);
  if (!subscribed) log.warn({ url: o.url }, 'mqtt broker not reachable yet; commands stay pending until it is');

  let closed: Promise<void> | null = null;
  return {
    clientId,
    notifyAccepted: () => dispatcher.wake(),
    dispatchClaim: () => dispatcher.claimForAccept(),
    dispatchAccepted: (rec) => dispatcher.dispatchClaimed(rec),
    publishRequestReply: (req, data) => requests.publishReply(req, data),
    ingest,
    waitForTerminal: (id, ms, known) => waiters.wait(id, ms, known),
    onTransition: (fn) => bus.onTransition(fn),
    connected: () => link.connected(),
    stats: () => stats.snapshot(),
    devicesDisconnected: (sns) => fleet.disconnected(sns),
    flushFleet: () => fleet.flush(),
    sweepSilence: () => fleet.sweepSilence(),
    close() {
      closed ??= (async () => {
        closing = true;
        await dispatcher.stop(link.connected() ? 2_000 : 0);
        await sweeper.stop();
        waiters.close();
        let t: NodeJS.Timeout | undefined;
        await Promise.race([inbound.drain(), new Promise((r) => (t = setTimeout(r, 2_000)))]);
        clearTimeout(t);
        // What was coalesced but not written yet (state snapshots, last seen).
        await fleet.stop().catch((err: unknown) => log.warn({ err }, 'fleet: final flush failed'));
        // Graceful DISCONNECT when connected (in-flight acks get 2 s), forced otherwise.
        await new Promise<void>((resolve) => {
          if (!client.connected) {
            client.end(true, () => resolve());
            return;
          }
          const force = setTimeout(() => client.end(true, () => resolve()), 2_000);
          client.end(false, () => {
            clearTimeout(force);
            resolve();
          });
        });
        subscribed = false;
      })();
      return closed;
    },
  };
}
