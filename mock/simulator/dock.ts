/**
 * A simulated DJI dock (gateway) with its aircraft (sub-devices), speaking the DJI Cloud API over
 * MQTT to any broker, on the topics of spec/topics.ts. The one dock simulator of the repository:
 * the mock server, the simulator CLI and the tests all use it.
 * - on every (re)connect it subscribes to its downlink topics and (unless `announce: false`)
 *   announces itself with `update_topo` on `sys/product/{dock}/status`, recording the `status_reply`;
 * - it answers commands on `services` / `drc/down` (answer.ts): per the test script (script.ts),
 *   else per the scenario rules (rules.ts) and the catalog, with progress events (progress.ts);
 * - it sends device `requests` on demand, on start and on a schedule, and events on demand, and
 *   records each `requests_reply` / `events_reply`;
 * - it records everything it receives and sends, and tests wait on it (`waitFor`, `waitForCount`);
 *   `publish` sends anything, malformed payloads included.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import { commandsByType } from '../../spec/catalog.js';
import { deviceRequestsByType } from '../../spec/requests.js';
import { DOWNLINK_KINDS, gatewayTopics, isValidSn, parseTopic, topicOf, type TopicKind } from '../../spec/topics.js';
import type { CommandDef, DeviceRequestDef } from '../../spec/types.js';
import { CommandResponder } from './answer.js';
import { eventMessage, requestMessage, updateTopoMessage } from './envelopes.js';
import { HmsAlarms, hmsItem, type HmsItem } from './hms.js';
import { PendingRequests } from './pending-requests.js';
import { requestData } from './requests.js';
import { RuleBook, type ListedRule, type MessageKey, type ScenarioRule } from './rules.js';
import type { Script } from './script.js';
import { DockRecorder } from './recorder.js';
import { DOCK_MODEL, Telemetry } from './telemetry.js';
import { MissionRunner } from './mission.js';
import { isObject, now, silentLogger, type DjiMessage, type DockHost, type HandledCommand, type MessageRecord, type RequestHandle, type SentEvent, type SentRequest, type SimLogger, type SimulatedDockOptions } from './types.js';

/**
 * A simulated dock. Create with {@link startSimulatedDock} (or `new` + `start()`).
 * Events: `message` (MessageRecord received), `sent` (MessageRecord), `command` (HandledCommand,
 * once finished), `reply` (MessageRecord of an events_reply / requests_reply / status_reply).
 */
export class SimulatedDock extends DockRecorder {
  /** Dock SN. */
  readonly sn: string;
  readonly droneSn: string;
  /** `events_reply`, `requests_reply` and `status_reply` messages received. */
  readonly repliesReceived: MessageRecord[] = [];
  readonly commands: HandledCommand[] = [];
  readonly events: SentEvent[] = [];
  readonly requests: SentRequest[] = [];
  /** Each `update_topo` sent, with its `status_reply` once it arrives. */
  readonly announces: { message: DjiMessage; reply: DjiMessage | null }[] = [];
  /** With `dedupByTid`: commands received again with a `tid` already handled (not executed again). */
  readonly duplicates: MessageRecord[] = [];
  /** Number of (re)connections whose subscriptions were in place. */
  connects = 0;
  /** Connected and subscribed right now. */
  subscribed = false;
  /** Live osd/state of the dock and its aircraft (telemetry.ts). */
  readonly telemetry: Telemetry;
  /** Current HMS alarms (hms.ts); change them with `raiseHms` / `clearHms`. */
  readonly hms = new HmsAlarms();
  /** While true nothing is published (`silence`); messages dropped meanwhile are counted in `suppressed`. */
  silenced = false;
  suppressed = 0;

  private readonly topics: Readonly<Record<TopicKind, string>>;
  private readonly subDevices: readonly string[];
  private readonly ruleBook = new RuleBook();
  private readonly responder: CommandResponder;
  private readonly log: SimLogger;
  private client: MqttClient | null = null;
  private closed = false;
  private started = false;
  private readonly requestDefs: ReadonlyMap<string, DeviceRequestDef>;
  private readonly pendingRequests: PendingRequests;
  private readonly pendingEvents = new Map<string, SentEvent>();
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve(): void }>();

  constructor(private readonly opts: SimulatedDockOptions) {
    super(opts.historyLimit ?? 1000, String(opts.dockSn));
    if (!isValidSn(opts.dockSn)) throw new TypeError(`dockSn must be a valid topic SN (spec/topics.ts SN_PATTERN), got ${JSON.stringify(opts.dockSn)}`);
    this.sn = opts.dockSn;
    this.droneSn = opts.droneSn ?? `${opts.dockSn}-DRONE`;
    this.subDevices = opts.subDevices ?? [this.droneSn];
    this.topics = gatewayTopics(this.sn);
    const cat = opts.catalog ?? commandsByType;
    const catalog = Array.isArray(cat) ? new Map((cat as CommandDef[]).map((c) => [c.command_type, c])) : (cat as ReadonlyMap<string, CommandDef>);
    this.log = opts.logger ?? silentLogger;
    this.requestDefs = opts.requestDefs ?? deviceRequestsByType;
    this.pendingRequests = new PendingRequests(this.sn, this.log);
    for (const [type, rule] of Object.entries(opts.rules ?? {})) this.ruleBook.set(type, rule);
    const host: DockHost = {
      sn: this.sn,
      log: this.log,
      closed: () => this.closed,
      send: (topic, message) => this.publish(topic, message),
      sendEventMessage: (message, into) => this.sendEventMessage(message, into),
      sleep: (ms) => this.sleep(ms),
    };
    this.responder = new CommandResponder(
      host,
      {
        command: (cmd) => this.push(this.commands, cmd),
        duplicate: (rec) => this.push(this.duplicates, rec),
        finished: (cmd) => {
          this.emit('command', cmd);
          // The state moves only for commands the dock executed (a failed cover_open leaves it shut).
          if (cmd.result === 'succeeded') void this.telemetry.applyCommand(cmd.method, cmd.data).catch((err: Error) => this.log.warn({ event: 'telemetry_failed', dock: this.sn, err: err.message }, 'state update failed'));
        },
      },
      catalog,
      this.ruleBook,
      { ...opts, limit: this.limit },
    );
    this.responder.script = opts.script ?? null;
    if (opts.mission !== false) this.responder.mission = new MissionRunner({ ...host, sendEvent: (m, d, o, into) => this.sendEventMessage(eventMessage(this.sn, m, d, o), into), request: async (m, d) => (await (await this.sendRequest(m, d)).reply).data as Record<string, unknown> }, { stepMs: opts.progressIntervalMs || 200, ...opts.mission });
    this.telemetry = new Telemetry(
      { dockSn: this.sn, droneSn: this.droneSn, canSend: () => this.connected() && !this.silenced, send: (topic, message) => this.publish(topic, message, 0) },
      opts.telemetry === false ? { osdIntervalMs: 0 } : (opts.telemetry ?? {}),
    );
  }

  /** Connect, subscribe, announce `update_topo`, start the request schedule. Rejects when the broker cannot be reached in time. */
  async start(): Promise<this> {
    if (this.client) return this;
    const connectTimeoutMs = this.opts.connectTimeoutMs ?? 10_000;
    const clientOptions: IClientOptions = {
      clientId: `dockgate-sim-${this.sn}-${randomBytes(4).toString('hex')}`,
      reconnectPeriod: 1000,
      connectTimeout: connectTimeoutMs,
      // The dock subscribes itself on every connect (below), so `ready()` knows when they are in place.
      resubscribe: false,
      ...this.opts.mqtt,
    };
    const stream = this.opts.stream;
    const client = stream ? new MqttClient(() => stream(), { protocolVersion: 4, ...clientOptions }) : mqtt.connect(this.opts.brokerUrl, clientOptions);
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => this.log.warn({ event: 'mqtt_error', dock: this.sn, err: err.message }, 'simulated dock MQTT error'));
    client.on('close', () => (this.subscribed = false));
    // Subscribe and re-announce after every reconnect, as a dock does after losing its broker.
    client.on('connect', () => {
      // mqtt.js leaves Nagle on; a dock's small replies would wait up to ~40 ms for an ACK.
      (client.stream as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
      this.subscribed = false;
      if (!this.started) return; // the first connect is handled by start()
      this.afterConnect().catch((err: Error) => this.log.warn({ event: 'reannounce_failed', dock: this.sn, err: err.message }, 'subscribe / update_topo after reconnect failed'));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`simulated dock ${this.sn}: broker ${this.opts.brokerUrl} not reachable within ${connectTimeoutMs} ms`)), connectTimeoutMs);
        client.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await this.afterConnect();
      this.started = true;
    } catch (err) {
      this.closed = true;
      await client.endAsync(true).catch(() => {});
      throw err;
    }
    this.log.info({ event: 'dock_started', dock: this.sn, drone: this.droneSn, broker: this.opts.brokerUrl }, 'simulated dock online');
    this.pendingRequests.startSchedule(this.opts.requestSchedule, (method) => this.sendRequest(method));
    this.telemetry.start();
    return this;
  }

  private async afterConnect(): Promise<void> {
    const grants = await this.client!.subscribeAsync(
      DOWNLINK_KINDS.map((k) => this.topics[k]),
      { qos: 1 },
    );
    const refused = grants.filter((g) => g.qos === 128).map((g) => g.topic);
    if (refused.length) throw new Error(`simulated dock ${this.sn}: broker refused subscriptions ${refused.join(', ')}`);
    this.subscribed = true;
    this.connects++;
    if (this.opts.announce !== false) await this.announce();
  }

  /** Publish `update_topo` with the dock's sub-devices (`subDevices` option). */
  async announce(): Promise<{ tid: string; bid: string }> {
    return this.sendUpdateTopo(this.subDevices);
  }

  /** Publish `update_topo` on `sys/product/{dock}/status` with these sub-device SNs (`[]`: aircraft offline); recorded in `announces`. */
  async sendUpdateTopo(subDevices: readonly string[]): Promise<{ tid: string; bid: string }> {
    const message = updateTopoMessage(this.sn, subDevices);
    this.push(this.announces, { message, reply: null });
    await this.publish(this.topics.status, message);
    return { tid: message.tid as string, bid: message.bid as string };
  }

  /** Whether an `update_topo` of this dock got its `status_reply`, waiting up to `timeoutMs`. */
  async announced(timeoutMs: number): Promise<boolean> {
    const answered = (m: MessageRecord) => m.kind === 'status_reply' && this.announces.some((a) => a.message.tid === m.message?.tid);
    return this.waitFor(answered, timeoutMs).then(
      () => true,
      () => false,
    );
  }

  /** Set (or with `null` remove) the rule for a command type or `*`. Persistent unless `once: true`. */
  setRule(commandType: string, rule: ScenarioRule | null): void {
    this.ruleBook.set(commandType, rule);
  }

  /** Set the rule for exactly one command, by `tid` or `bid`. One-shot unless `once: false`. */
  setRuleFor(key: MessageKey, rule: ScenarioRule | null): void {
    this.ruleBook.setFor(key, rule);
  }

  clearRules(): void {
    this.ruleBook.clear();
  }

  rules(): ListedRule[] {
    return this.ruleBook.list();
  }

  /** Replace the wire-level script (script.ts); `null` = none. It wins over rules and the catalog for what it covers. */
  setScript(script: Script | null): void {
    this.responder.script = script;
  }

  connected(): boolean {
    return this.client?.connected === true && !this.closed;
  }

  /** Resolve once connected and subscribed, at least `minConnects` times in total; rejects after `timeoutMs`. */
  async ready(timeoutMs = 5_000, minConnects = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(this.subscribed && this.connects >= minConnects)) {
      if (Date.now() > deadline) throw new Error(`simulated dock ${this.sn}: not subscribed within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Short description for logs and the mock's dock listing. */
  describe(): { sn: string; droneSn: string; connected: boolean; rules: ListedRule[]; commands: number; requests: number } {
    return { sn: this.sn, droneSn: this.droneSn, connected: this.connected(), rules: this.rules(), commands: this.commands.length, requests: this.requests.length };
  }

  /**
   * Publish `message` (JSON-encoded unless a string or Buffer, which go out as they are, malformed
   * or not) on a full topic (`thing/…`, `sys/…`) or on this dock's topic of that kind (`events`,
   * `services_reply`, `drc/up`, `status`, …) at QoS `qos` (default 1). Resolves on PUBACK; does
   * nothing once closed, or while silenced (counted in `suppressed`).
   */
  async publish(topicOrKind: string, message: unknown, qos: 0 | 1 = 1): Promise<void> {
    const client = this.client;
    if (!client || this.closed) return;
    if (this.silenced) {
      this.suppressed++;
      return;
    }
    const topic = /^(thing|sys)\//.test(topicOrKind) ? topicOrKind : topicOf(this.sn, topicOrKind as TopicKind);
    const raw = typeof message === 'string' || Buffer.isBuffer(message);
    const rec: MessageRecord = { topic, kind: this.kindOf(topic), at: now(), message: isObject(message) ? message : null };
    this.push(this.sent, rec);
    this.log.info({ event: 'sent', dock: this.sn, topic, message }, 'sent');
    this.emit('sent', rec);
    await client.publishAsync(topic, raw ? (message as string | Buffer) : JSON.stringify(message), { qos });
  }

  /** Publish an event on `…/events` (fresh tid/bid unless given); its `events_reply` is filed in `events` when `needReply`. */
  async sendEvent(method: string, data: unknown, o: { needReply?: boolean; tid?: string; bid?: string } = {}): Promise<{ tid: string; bid: string }> {
    const message = eventMessage(this.sn, method, data, o);
    await this.sendEventMessage(message);
    return { tid: message.tid as string, bid: message.bid as string };
  }

  /**
   * Publish a device request on `…/requests` (fresh tid/bid unless given) and resolve once it is
   * published, with the promise of its `requests_reply` (same tid). `data` defaults to the catalog
   * example for `method` (requests.ts). The reply rejects after `timeoutMs` (default
   * `requestTimeoutMs`) or when the dock closes. Rejects at once when the dock is not running.
   */
  async sendRequest(method: string, data?: unknown, o: { tid?: string; bid?: string; timeoutMs?: number } = {}): Promise<RequestHandle> {
    if (this.closed || !this.client) throw new Error(`simulated dock ${this.sn} is not running`);
    const ctx = { dockSn: this.sn, droneSn: this.droneSn, lastFlightId: this.responder.lastFlightId };
    const message = requestMessage(this.sn, method, data === undefined ? requestData(method, ctx, this.requestDefs) : data, o);
    const record: SentRequest = { method, message, reply: null, error: null };
    this.push(this.requests, record);
    const tid = message.tid as string;
    const reply = this.pendingRequests.track(record, o.timeoutMs ?? this.opts.requestTimeoutMs ?? 10_000);
    try {
      await this.publish(this.topics.requests, message);
    } catch (err) {
      this.pendingRequests.forget(tid, (err as Error).message);
      throw err;
    }
    return { tid, bid: message.bid as string, message, reply };
  }

  /**
   * Raise HMS alarms (hms.ts `hmsItem` input: `code` required, the rest defaulted; device_type
   * defaults to the dock's `3-3-0`) and send the complete list (`events` method `hms`, need_reply 0).
   * Throws `TypeError` on a bad item before sending anything.
   */
  async raiseHms(items: unknown[]): Promise<HmsItem[]> {
    this.hms.raise(items.map((i) => hmsItem(i, DOCK_MODEL)));
    return this.sendHms();
  }

  /** Clear HMS alarms by code (none = all) and send the complete list that is left. */
  async clearHms(codes?: readonly string[]): Promise<HmsItem[]> {
    this.hms.clear(codes);
    return this.sendHms();
  }

  private async sendHms(): Promise<HmsItem[]> {
    const list = this.hms.list();
    await this.sendEvent('hms', { list });
    return list;
  }

  /** Go silent (`true`: publish nothing at all, still connected) or speak again (`false`). */
  silence(on: boolean): void {
    this.silenced = on;
  }

  /** Drop the broker connection (no DISCONNECT wait) and stay away until `reconnect()`. */
  async disconnect(): Promise<void> {
    await this.client?.endAsync(true).catch(() => {});
  }

  /** Connect again after `disconnect()`; resolves once subscribed (and announced) again. */
  async reconnect(timeoutMs = 5_000): Promise<void> {
    const client = this.client;
    if (!client || this.closed) throw new Error(`simulated dock ${this.sn} is not running`);
    if (client.connected) return;
    const before = this.connects;
    client.reconnect();
    await this.ready(timeoutMs, before + 1);
  }

  /** Stop the schedule, cancel pending delays and requests, disconnect. Idempotent. */
  async close(): Promise<void> {
    if (this.closed && !this.client) return;
    this.closed = true;
    this.telemetry.stop();
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleepers.clear();
    this.pendingRequests.closeAll();
    const client = this.client;
    this.client = null;
    if (client) {
      // A graceful end waits for in-flight QoS 1 acks; with the broker gone that could be forever.
      const graceful = client.endAsync().then(() => true, () => false);
      const ended = await Promise.race([graceful, new Promise<false>((r) => setTimeout(() => r(false), 1000).unref())]);
      if (!ended) await client.endAsync(true).catch(() => {});
    }
    this.log.info({ event: 'dock_stopped', dock: this.sn }, 'simulated dock offline');
  }

  // ---- internals ----

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const s = {
        timer: setTimeout(() => {
          this.sleepers.delete(s);
          resolve();
        }, ms),
        resolve,
      };
      this.sleepers.add(s);
    });
  }

  private async sendEventMessage(message: DjiMessage, into?: SentEvent[]): Promise<SentEvent> {
    const needReply = message.need_reply === 1;
    const ev: SentEvent = { message, needReply, reply: null };
    into?.push(ev);
    this.push(this.events, ev);
    if (needReply) {
      this.pendingEvents.set(message.tid as string, ev);
      if (this.pendingEvents.size > this.limit) this.pendingEvents.delete(this.pendingEvents.keys().next().value as string);
    }
    await this.publish(this.topics.events, message);
    return ev;
  }

  /** The kind of one of this dock's topics, else the topic itself. */
  private kindOf(topic: string): string {
    const p = parseTopic(topic);
    return p && p.gateway_sn === this.sn ? p.kind : topic;
  }

  private onMessage(topic: string, payload: Buffer): void {
    let message: Record<string, unknown> | null = null;
    const text = payload.toString('utf8');
    try {
      const v: unknown = JSON.parse(text);
      if (isObject(v)) message = v;
    } catch {
      /* recorded as null, logged as text */
    }
    const rec: MessageRecord = { topic, kind: this.kindOf(topic), at: now(), message };
    this.push(this.received, rec);
    this.log.info({ event: 'received', dock: this.sn, topic, message: message ?? text }, 'received');
    this.emit('message', rec);
    const run = (p: Promise<unknown>) =>
      p.catch((err: Error) => this.log.error({ event: 'handler_error', dock: this.sn, topic, err: err.message }, 'simulated dock failed to handle a message'));
    switch (rec.kind) {
      case 'services':
      case 'drc/down':
        void run(this.responder.handle(rec.kind, topic, message));
        return;
      case 'events_reply':
      case 'requests_reply':
      case 'status_reply':
        this.onReply(rec);
        return;
    }
  }

  private onReply(rec: MessageRecord): void {
    this.push(this.repliesReceived, rec);
    this.emit('reply', rec);
    const msg = rec.message;
    if (!msg || typeof msg.tid !== 'string') {
      this.log.warn({ event: 'malformed_reply', dock: this.sn, topic: rec.topic }, 'reply without a string tid ignored');
      return;
    }
    if (rec.kind === 'events_reply') {
      const ev = this.pendingEvents.get(msg.tid);
      if (ev) {
        this.pendingEvents.delete(msg.tid);
        ev.reply = msg;
      }
    } else if (rec.kind === 'requests_reply') {
      this.pendingRequests.onReply(msg);
    } else {
      const a = this.announces.find((x) => x.message.tid === msg.tid);
      if (a) a.reply = msg;
    }
  }
}

/** Create and start a {@link SimulatedDock}. */
export async function startSimulatedDock(opts: SimulatedDockOptions): Promise<SimulatedDock> {
  return new SimulatedDock(opts).start();
}
