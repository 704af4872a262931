/**
 * A simulated DJI dock (gateway) with its aircraft (sub-device), speaking the DJI Cloud API over
 * MQTT to any broker (dji-cloud-api-protocol.md §1–6):
 * - on (re)connect it announces itself with `update_topo` on `sys/product/{dock}/status` and
 *   records the `status_reply`;
 * - it answers every catalog command on `thing/product/{dock}/services` with `services_reply`
 *   (same tid/bid/method, `{result, output?}`), then for progress-tracked commands a short series
 *   of `events` (percent 20/60/100, step, terminal status, `need_reply` as the catalog says) and
 *   records each `events_reply`;
 * - it answers `drc/down` commands on `drc/up` with the same `method` and `seq` (nothing for
 *   `reply: 'none'`);
 * - it checks `data` against the catalog (`wire.data` when the command is translated, else the
 *   generated validator of `payload`) and answers DJI `325001` (command parameters invalid) when it is wrong. Unknown
 *   methods, and methods sent on the wrong topic, also get `325001`: DJI documents no separate
 *   "not supported" code, and 325xxx is the "command format" module;
 * - it sends device `requests` on demand, on start and on a schedule, and records each
 *   `requests_reply`;
 * - scenario rules (rules.ts) make it fail, stay silent, reply with the wrong method or wait.
 */
import { EventEmitter } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import { commandsByType } from '../../spec/catalog.js';
import type { CommandDef, DeviceRequestDef, Field, Transport } from '../../spec/types.js';
import { validatePayload } from '../../generated/server/validators.js';
import { checkData, type DataIssue } from './validate.js';
import { planProgress } from './progress.js';
import { DEFAULT_FAIL_CODE, RuleBook, type ListedRule, type MessageKey, type ScenarioRule } from './rules.js';
import { requestData } from './requests.js';
import { deviceRequestsByType } from '../../spec/requests.js';
import { gatewayTopics, isValidSn, type TopicKind } from '../../spec/topics.js';

/** DJI "command parameters invalid" (dji-cloud-api-protocol.md §7). */
export const INVALID_PARAMETERS = 325001;

/** The part of a pino logger the simulator uses (pino's `Logger` fits). */
export interface SimLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

const silentLogger: SimLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** A DJI message as sent or received (envelope fields plus anything else the sender put in). */
export type DjiMessage = Record<string, unknown>;

/** When the dock sends device requests by itself. */
export interface RequestSchedule {
  /** Request methods, e.g. `['config', 'storage_config_get']`. */
  methods: string[];
  /** Send each once right after the first announce (default `true`). */
  onStart?: boolean;
  /** Then again every `intervalMs` milliseconds (absent or 0 = never). */
  intervalMs?: number;
}

export interface SimulatedDockOptions {
  /** e.g. `mqtt://127.0.0.1:1883`. */
  brokerUrl: string;
  /**
   * Connect through this stream builder instead of dialling `brokerUrl` (which is then only
   * logged): the in-process link of an embedded broker in the same process (server/mqtt/in-process.ts).
   */
  stream?: () => Duplex;
  /** Dock (gateway) SN; used in every topic. */
  dockSn: string;
  /** Aircraft SN announced as sub-device (default `${dockSn}-DRONE`). */
  droneSn?: string;
  /** Commands to answer (default: `spec/catalog.ts` `commandsByType`). */
  catalog?: ReadonlyMap<string, CommandDef> | readonly CommandDef[];
  /** Initial rules by command type or `*`. */
  rules?: Record<string, ScenarioRule>;
  logger?: SimLogger;
  requestSchedule?: RequestSchedule;
  /** How long `sendRequest` waits for its `requests_reply` (default 10 000 ms). */
  requestTimeoutMs?: number;
  /** Pause between progress events (default 0: back to back, in order). */
  progressIntervalMs?: number;
  /** Device request definitions (default: `spec/requests.ts` `deviceRequestsByType`). */
  requestDefs?: ReadonlyMap<string, DeviceRequestDef>;
  /** Entries kept in each history array (default 1000; older ones are dropped). */
  historyLimit?: number;
  /** How long `start` waits for the broker (default 10 000 ms). */
  connectTimeoutMs?: number;
  /**
   * Consulted for every command before the dock's own rules: a rule returned here wins, `undefined`
   * falls back to the rule book (tid → bid → type → `*`). The mock server uses it to apply the
   * scenario a partner chose per request (`Prefer`), found from the command's `tid` in the store at
   * receive time. A rejection counts as `undefined` (logged).
   */
  resolveRule?: (command: { dockSn: string; tid: unknown; bid: unknown; method: string }) => ScenarioRule | undefined | Promise<ScenarioRule | undefined>;
  /** Extra mqtt.js options (username, password, …). */
  mqtt?: IClientOptions;
  /**
   * Treat a command whose `tid` this dock already handled as a repeated delivery (MQTT QoS 1
   * redelivery, or a gateway publishing again after a crash): record it in `duplicates`, re-send
   * the reply the first one got (if it has one yet) and do not execute it again. Default false.
   */
  dedupByTid?: boolean;
}

/** A message with its topic and receive/send time (ISO-8601). */
export interface MessageRecord {
  topic: string;
  at: string;
  message: unknown;
}

/** How the dock ended up handling a command. */
export type CommandResult =
  | 'pending' // still being handled (delay, reply or events in flight)
  | 'succeeded' // result 0 (and a successful progress series)
  | 'failed' // non-zero result from a `fail` rule, in the reply or the terminal event
  | 'invalid' // data did not match the catalog → 325001
  | 'unsupported' // method unknown or on the wrong topic → 325001
  | 'silent' // `silent` rule: nothing sent
  | 'wrong_method' // reply carried another method
  | 'no_reply' // catalog `reply: 'none'` (stick_control)
  | 'malformed'; // not a JSON object with a string method

/** A progress event the dock sent, with the `events_reply` it got (when `need_reply` was 1). */
export interface SentEvent {
  message: DjiMessage;
  needReply: boolean;
  reply: DjiMessage | null;
}

/** One command the dock handled. */
export interface HandledCommand {
  topic: string;
  transport: Transport;
  method: string;
  tid: unknown;
  bid: unknown;
  seq: unknown;
  data: unknown;
  rule: ScenarioRule | null;
  result: CommandResult;
  issues: DataIssue[];
  /** The `services_reply` / `drc/up` message sent, if any. */
  reply: DjiMessage | null;
  events: SentEvent[];
  received_at: string;
  /** When the last message for it was sent (or it was dropped). */
  finished_at: string | null;
}

/** A device request the dock sent, with its `requests_reply`. */
export interface SentRequest {
  method: string;
  message: DjiMessage;
  reply: DjiMessage | null;
  error: string | null;
}

interface PendingRequest {
  record: SentRequest;
  resolve(reply: DjiMessage): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const now = () => new Date().toISOString();

/**
 * A simulated dock. Create with {@link startSimulatedDock} (or `new` + `start()`).
 * Events: `message` (MessageRecord received), `sent` (MessageRecord), `command` (HandledCommand,
 * once finished), `reply` (MessageRecord of an events_reply / requests_reply / status_reply).
 */
export class SimulatedDock extends EventEmitter {
  /** Dock SN. */
  readonly sn: string;
  readonly droneSn: string;
  /** Every message received, in order. */
  readonly received: MessageRecord[] = [];
  /** Every message published, in order. */
  readonly sent: MessageRecord[] = [];
  /** `events_reply`, `requests_reply` and `status_reply` messages received. */
  readonly repliesReceived: MessageRecord[] = [];
  readonly commands: HandledCommand[] = [];
  readonly events: SentEvent[] = [];
  readonly requests: SentRequest[] = [];
  /** Each `update_topo` sent, with its `status_reply` once it arrives. */
  readonly announces: { message: DjiMessage; reply: DjiMessage | null }[] = [];
  /** With `dedupByTid`: commands received again with a `tid` already handled (not executed again). */
  readonly duplicates: MessageRecord[] = [];
  private readonly handledTids = new Map<string, HandledCommand>();

  private readonly topics: Readonly<Record<TopicKind, string>>;
  private readonly catalog: ReadonlyMap<string, CommandDef>;
  private readonly ruleBook = new RuleBook();
  private readonly log: SimLogger;
  private readonly limit: number;
  private client: MqttClient | null = null;
  private closed = false;
  private readonly requestDefs: ReadonlyMap<string, DeviceRequestDef>;
  private readonly pendingRequests = new Map<string, PendingRequest>();
  private readonly pendingEvents = new Map<string, SentEvent>();
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve(): void }>();
  private scheduleTimer: NodeJS.Timeout | null = null;
  private lastFlightId: string | undefined;

  constructor(private readonly opts: SimulatedDockOptions) {
    super();
    if (!isValidSn(opts.dockSn)) {
      throw new TypeError(`dockSn must be a valid topic SN (spec/topics.ts SN_PATTERN), got ${JSON.stringify(opts.dockSn)}`);
    }
    this.sn = opts.dockSn;
    this.droneSn = opts.droneSn ?? `${opts.dockSn}-DRONE`;
    this.topics = gatewayTopics(this.sn);
    const cat = opts.catalog ?? commandsByType;
    this.catalog = Array.isArray(cat) ? new Map((cat as CommandDef[]).map((c) => [c.command_type, c])) : (cat as ReadonlyMap<string, CommandDef>);
    this.log = opts.logger ?? silentLogger;
    this.limit = opts.historyLimit ?? 1000;
    this.requestDefs = opts.requestDefs ?? deviceRequestsByType;
    for (const [type, rule] of Object.entries(opts.rules ?? {})) this.ruleBook.set(type, rule);
  }

  /** Connect, subscribe, announce `update_topo`, start the request schedule. Rejects when the broker cannot be reached in time. */
  async start(): Promise<this> {
    if (this.client) return this;
    const clientOptions: IClientOptions = {
      clientId: `dockgate-sim-${this.sn}-${randomBytes(4).toString('hex')}`,
      reconnectPeriod: 1000,
      connectTimeout: this.opts.connectTimeoutMs ?? 10_000,
      ...this.opts.mqtt,
    };
    const stream = this.opts.stream;
    const client = stream ? new MqttClient(() => stream(), { protocolVersion: 4, ...clientOptions }) : mqtt.connect(this.opts.brokerUrl, clientOptions);
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => this.log.warn({ event: 'mqtt_error', dock: this.sn, err: err.message }, 'simulated dock MQTT error'));
    // Re-announce after every reconnect, as a dock does after losing its broker.
    client.on('connect', () => {
      // mqtt.js leaves Nagle on; a dock's small replies would wait up to ~40 ms for an ACK.
      (client.stream as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
      if (this.announces.length === 0) return; // the first connect is handled by start()
      this.afterConnect().catch((err: Error) => this.log.warn({ event: 'reannounce_failed', dock: this.sn, err: err.message }, 'update_topo after reconnect failed'));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`simulated dock ${this.sn}: broker ${this.opts.brokerUrl} not reachable within ${this.opts.connectTimeoutMs ?? 10_000} ms`)), this.opts.connectTimeoutMs ?? 10_000);
        client.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await this.afterConnect();
    } catch (err) {
      this.closed = true;
      await client.endAsync(true).catch(() => {});
      throw err;
    }
    this.log.info({ event: 'dock_started', dock: this.sn, drone: this.droneSn, broker: this.opts.brokerUrl }, 'simulated dock online');
    this.startSchedule();
    return this;
  }

  private async afterConnect(): Promise<void> {
    const t = this.topics;
    const grants = await this.client!.subscribeAsync([t.services, t['drc/down'], t.events_reply, t.requests_reply, t.status_reply], { qos: 1 });
    const refused = grants.filter((g) => g.qos === 128).map((g) => g.topic);
    if (refused.length) throw new Error(`simulated dock ${this.sn}: broker refused subscriptions ${refused.join(', ')}`);
    await this.announce();
  }

  /** Publish `update_topo` (dock + aircraft as sub-device) on `sys/product/{dock}/status`. */
  async announce(): Promise<void> {
    const secret = () => randomBytes(8).toString('hex');
    const message: DjiMessage = {
      tid: randomUUID(),
      bid: randomUUID(),
      timestamp: Date.now(),
      gateway: this.sn,
      method: 'update_topo',
      // Dock 3 (`3-3-0`) with a Matrice 4D class aircraft (`0-100-0`), dji-cloud-api-protocol.md §6.
      data: {
        domain: '3',
        type: 3,
        sub_type: 0,
        device_secret: secret(),
        nonce: secret(),
        thing_version: '1.3.0',
        sub_devices: [
          { sn: this.droneSn, domain: '0', type: 100, sub_type: 0, index: 'A', device_secret: secret(), nonce: secret(), thing_version: '1.3.0' },
        ],
      },
    };
    this.push(this.announces, { message, reply: null });
    await this.publish(this.topics.status, message);
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

  connected(): boolean {
    return this.client?.connected === true && !this.closed;
  }

  /** Short description for logs and the mock's dock listing. */
  describe(): { sn: string; droneSn: string; connected: boolean; rules: ListedRule[]; commands: number; requests: number } {
    return { sn: this.sn, droneSn: this.droneSn, connected: this.connected(), rules: this.rules(), commands: this.commands.length, requests: this.requests.length };
  }

  /**
   * Publish a device request (`thing/product/{dock}/requests`, fresh tid/bid) and resolve with the
   * matching `requests_reply` (same tid). `data` defaults to the catalog example for `method`
   * (requests.ts). Rejects after `timeoutMs` (default `requestTimeoutMs`) or when the dock closes.
   */
  async sendRequest(method: string, data?: unknown, o: { timeoutMs?: number } = {}): Promise<DjiMessage> {
    if (this.closed || !this.client) throw new Error(`simulated dock ${this.sn} is not running`);
    const message: DjiMessage = {
      tid: randomUUID(),
      bid: randomUUID(),
      timestamp: Date.now(),
      gateway: this.sn,
      method,
      data: data === undefined ? requestData(method, { dockSn: this.sn, droneSn: this.droneSn, lastFlightId: this.lastFlightId }, this.requestDefs) : data,
    };
    const record: SentRequest = { method, message, reply: null, error: null };
    this.push(this.requests, record);
    const timeoutMs = o.timeoutMs ?? this.opts.requestTimeoutMs ?? 10_000;
    const tid = message.tid as string;
    const replied = new Promise<DjiMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingRequests.delete(tid);
        record.error = `no requests_reply within ${timeoutMs} ms`;
        reject(new Error(`simulated dock ${this.sn}: no requests_reply to ${method} (tid ${tid}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pendingRequests.set(tid, { record, resolve, reject, timer });
    });
    replied.catch(() => {}); // the caller gets the rejection; this only avoids an unhandled one if publish fails first
    try {
      await this.publish(this.topics.requests, message);
    } catch (err) {
      const p = this.pendingRequests.get(tid);
      if (p) {
        clearTimeout(p.timer);
        this.pendingRequests.delete(tid);
      }
      record.error = (err as Error).message;
      throw err;
    }
    return replied;
  }

  /** Stop the schedule, cancel pending delays and requests, disconnect. Idempotent. */
  async close(): Promise<void> {
    if (this.closed && !this.client) return;
    this.closed = true;
    if (this.scheduleTimer) clearInterval(this.scheduleTimer);
    this.scheduleTimer = null;
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleepers.clear();
    for (const [tid, p] of this.pendingRequests) {
      clearTimeout(p.timer);
      p.record.error = 'dock closed';
      p.reject(new Error(`simulated dock ${this.sn} closed before the requests_reply to ${p.record.method} (tid ${tid})`));
    }
    this.pendingRequests.clear();
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

  private startSchedule(): void {
    const s = this.opts.requestSchedule;
    if (!s || s.methods.length === 0) return;
    const sendAll = () => {
      for (const m of s.methods) {
        this.sendRequest(m).then(
          (reply) => this.log.info({ event: 'request_replied', dock: this.sn, method: m, reply }, 'requests_reply received'),
          (err: Error) => this.log.warn({ event: 'request_failed', dock: this.sn, method: m, err: err.message }, 'device request got no reply'),
        );
      }
    };
    if (s.onStart !== false) sendAll();
    if (s.intervalMs && s.intervalMs > 0) {
      this.scheduleTimer = setInterval(sendAll, s.intervalMs);
      this.scheduleTimer.unref?.();
    }
  }

  private push<T>(arr: T[], item: T): void {
    arr.push(item);
    if (arr.length > this.limit) arr.splice(0, arr.length - this.limit);
  }

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

  private async publish(topic: string, message: DjiMessage): Promise<void> {
    const client = this.client;
    if (!client || this.closed) return;
    const rec: MessageRecord = { topic, at: now(), message };
    this.push(this.sent, rec);
    this.log.info({ event: 'sent', dock: this.sn, topic, message }, 'sent');
    this.emit('sent', rec);
    await client.publishAsync(topic, JSON.stringify(message), { qos: 1 });
  }

  private onMessage(topic: string, payload: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(payload.toString('utf8'));
    } catch {
      message = payload.toString('utf8');
    }
    const rec: MessageRecord = { topic, at: now(), message };
    this.push(this.received, rec);
    this.log.info({ event: 'received', dock: this.sn, topic, message }, 'received');
    this.emit('message', rec);
    const t = this.topics;
    const run = (p: Promise<unknown>) =>
      p.catch((err: Error) => this.log.error({ event: 'handler_error', dock: this.sn, topic, err: err.message }, 'simulated dock failed to handle a message'));
    switch (topic) {
      case t.services:
        void run(this.handleCommand('services', topic, message));
        return;
      case t['drc/down']:
        void run(this.handleCommand('drc/down', topic, message));
        return;
      case t.events_reply:
      case t.requests_reply:
      case t.status_reply:
        this.onReply(rec);
        return;
    }
  }

  private onReply(rec: MessageRecord): void {
    this.push(this.repliesReceived, rec);
    this.emit('reply', rec);
    const msg = rec.message;
    if (!isObject(msg) || typeof msg.tid !== 'string') {
      this.log.warn({ event: 'malformed_reply', dock: this.sn, topic: rec.topic }, 'reply without a string tid ignored');
      return;
    }
    if (rec.topic === this.topics.events_reply) {
      const ev = this.pendingEvents.get(msg.tid);
      if (ev) {
        this.pendingEvents.delete(msg.tid);
        ev.reply = msg;
      }
    } else if (rec.topic === this.topics.requests_reply) {
      const p = this.pendingRequests.get(msg.tid);
      if (p) {
        this.pendingRequests.delete(msg.tid);
        clearTimeout(p.timer);
        p.record.reply = msg;
        p.resolve(msg);
      }
    } else {
      const a = this.announces.find((x) => x.message.tid === msg.tid);
      if (a) a.reply = msg;
    }
  }

  /**
   * Issues of a command's `data`. The gateway publishes `wire.translate(payload)` when there is a
   * translation (checked against `wire.data` here), else the payload as is: then the generated Ajv
   * validator of that payload is used, provided the command is the catalog entry it was generated
   * from (tests pass synthetic catalogs). DJI's empty `data` forms (null, "") pass for commands
   * without fields.
   */
  private check(def: CommandDef, data: unknown): DataIssue[] {
    const fields: Record<string, Field> = def.wire?.translate ? def.wire.data : def.payload;
    const emptyForm = Object.keys(fields).length === 0 && (data === undefined || data === null || data === '');
    if (!def.wire?.translate && !emptyForm && commandsByType.get(def.command_type) === def) {
      const r = validatePayload(def.command_type, data, 'data');
      return r.ok ? [] : r.issues;
    }
    return checkData(fields, data);
  }

  private otherMethod(method: string): string {
    for (const k of this.catalog.keys()) if (k !== method) return k;
    return `${method}_unexpected`;
  }

  private async handleCommand(transport: Transport, topic: string, msg: unknown): Promise<void> {
    const o = isObject(msg) ? msg : {};
    const method = typeof o.method === 'string' ? o.method : '';
    const first = this.opts.dedupByTid && typeof o.tid === 'string' ? this.handledTids.get(o.tid) : undefined;
    if (first) {
      this.push(this.duplicates, { topic, at: now(), message: msg });
      this.log.info({ event: 'duplicate_command', dock: this.sn, method, tid: o.tid }, 'command with an already handled tid: not executed again');
      // The first reply may have been lost on the way: answer again, identically but for the timestamp.
      if (first.reply) await this.publish(first.transport === 'services' ? this.topics.services_reply : this.topics['drc/up'], { ...first.reply, timestamp: Date.now() });
      return;
    }
    const cmd: HandledCommand = {
      topic,
      transport,
      method,
      tid: o.tid,
      bid: o.bid,
      seq: o.seq,
      data: o.data,
      rule: null,
      result: 'pending',
      issues: [],
      reply: null,
      events: [],
      received_at: now(),
      finished_at: null,
    };
    this.push(this.commands, cmd);
    if (this.opts.dedupByTid && typeof o.tid === 'string') {
      this.handledTids.set(o.tid, cmd);
      if (this.handledTids.size > this.limit * 10) this.handledTids.delete(this.handledTids.keys().next().value as string);
    }
    const finish = (result: CommandResult) => {
      cmd.result = result;
      cmd.finished_at = now();
      this.log.info({ event: 'command_handled', dock: this.sn, method, tid: cmd.tid, bid: cmd.bid, result, issues: cmd.issues }, 'command handled');
      this.emit('command', cmd);
    };

    if (!isObject(msg) || method === '') {
      cmd.issues.push({ field: 'method', rule: 'required', message: 'message is not a JSON object with a string method' });
      // A services message that still carries a tid gets an answer, so the cloud is not left waiting.
      if (transport === 'services' && isObject(msg) && typeof msg.tid === 'string') await this.reply(cmd, method, { result: INVALID_PARAMETERS });
      return finish('malformed');
    }
    if (method === 'flighttask_prepare' || method === 'flighttask_execute' || method === 'takeoff_to_point') {
      if (isObject(o.data) && typeof o.data.flight_id === 'string') this.lastFlightId = o.data.flight_id;
    }

    const external = this.opts.resolveRule ? await this.externalRule(o.tid, o.bid, method) : undefined;
    const rule = external ?? this.ruleBook.take({ tid: o.tid, bid: o.bid, method }) ?? null;
    cmd.rule = rule;
    if (rule?.delayMs) await this.sleep(rule.delayMs);
    if (this.closed) return finish('silent');
    if (rule?.outcome === 'silent') return finish('silent');

    const def = this.catalog.get(method);
    if (!def || def.transport !== transport) {
      cmd.issues.push({
        field: 'method',
        rule: 'enum',
        message: def ? `${method} belongs on ${def.transport}, not ${transport}` : `${method} is not a catalog command`,
      });
      await this.reply(cmd, method, { result: INVALID_PARAMETERS });
      return finish('unsupported');
    }
    cmd.issues = this.check(def, o.data);
    if (def.reply === 'none') return finish('no_reply');
    if (cmd.issues.length > 0) {
      await this.reply(cmd, method, { result: INVALID_PARAMETERS });
      return finish('invalid');
    }
    if (rule?.outcome === 'wrong_method') {
      await this.reply(cmd, rule.method ?? this.otherMethod(method), { result: 0 });
      return finish('wrong_method');
    }
    const failCode = rule?.outcome === 'fail' ? (rule.code ?? DEFAULT_FAIL_CODE) : undefined;
    const failInEvent = failCode !== undefined && def.progress !== undefined && rule?.failAt === 'event';
    if (failCode !== undefined && !failInEvent) {
      await this.reply(cmd, method, { result: failCode });
      return finish('failed');
    }
    const ok: Record<string, unknown> = { result: 0 };
    if (def.progress?.status_path === 'output.status') ok.output = { status: 'in_progress' };
    await this.reply(cmd, method, ok);
    if (def.progress) await this.sendProgress(def, cmd, failInEvent ? failCode : undefined);
    return finish(failCode !== undefined ? 'failed' : 'succeeded');
  }

  private async externalRule(tid: unknown, bid: unknown, method: string): Promise<ScenarioRule | undefined> {
    try {
      return (await this.opts.resolveRule!({ dockSn: this.sn, tid, bid, method })) ?? undefined;
    } catch (err) {
      this.log.warn({ event: 'resolve_rule_failed', dock: this.sn, method, tid, err: (err as Error).message }, 'resolveRule failed; using the dock rules');
      return undefined;
    }
  }

  /** `services_reply` (echo tid/bid) or `drc/up` (echo method, seq; tid/bid when the cloud sent them). */
  private async reply(cmd: HandledCommand, method: string, data: Record<string, unknown>): Promise<void> {
    let message: DjiMessage;
    let topic: string;
    if (cmd.transport === 'services') {
      topic = this.topics.services_reply;
      message = { tid: cmd.tid, bid: cmd.bid, timestamp: Date.now(), gateway: this.sn, method, data };
    } else {
      topic = this.topics['drc/up'];
      const inData = isObject(cmd.data) ? cmd.data : {};
      // heart_beat is echoed with its timestamp; legacy drone_control carries seq inside data and gets it back in output.
      if (method === cmd.method && typeof inData.timestamp === 'number') data = { ...data, timestamp: inData.timestamp };
      if (method === cmd.method && typeof inData.seq === 'number') data = { ...data, output: { seq: inData.seq } };
      message = { method, timestamp: Date.now(), data };
      if (cmd.seq !== undefined) message.seq = cmd.seq;
      if (cmd.tid !== undefined) message.tid = cmd.tid;
      if (cmd.bid !== undefined) message.bid = cmd.bid;
    }
    cmd.reply = message;
    await this.publish(topic, message);
  }

  private async sendProgress(def: CommandDef, cmd: HandledCommand, failCode: number | undefined): Promise<void> {
    const spec = def.progress!;
    const flat = typeof spec.correlate_by === 'object';
    const jobId = flat && isObject(cmd.data) ? cmd.data[(spec.correlate_by as { payload_field: string }).payload_field] : undefined;
    const interval = this.opts.progressIntervalMs ?? 0;
    for (const planned of planProgress(spec, { jobId, failCode })) {
      if (interval > 0) await this.sleep(interval);
      if (this.closed) return;
      const message: DjiMessage = {
        tid: randomUUID(),
        // Flat events are matched by the job id in data, so they get their own bid, as docks do for fly-to.
        bid: flat ? randomUUID() : cmd.bid,
        timestamp: Date.now(),
        gateway: this.sn,
        method: spec.event_method,
        need_reply: spec.need_reply ? 1 : 0,
        data: planned.data,
      };
      const ev: SentEvent = { message, needReply: spec.need_reply, reply: null };
      cmd.events.push(ev);
      this.push(this.events, ev);
      if (spec.need_reply) {
        this.pendingEvents.set(message.tid as string, ev);
        if (this.pendingEvents.size > this.limit) this.pendingEvents.delete(this.pendingEvents.keys().next().value as string);
      }
      await this.publish(this.topics.events, message);
    }
  }
}

/** Create and start a {@link SimulatedDock}. */
export async function startSimulatedDock(opts: SimulatedDockOptions): Promise<SimulatedDock> {
  return new SimulatedDock(opts).start();
}
