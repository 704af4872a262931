/** Options and records of the dock simulator (mock/simulator/dock.ts). */
import type { Duplex } from 'node:stream';
import type { MissionOptions } from './mission.js';
import type { IClientOptions } from 'mqtt';
import type { CommandDef, DeviceRequestDef, Transport } from '../../spec/types.js';
import type { ScenarioRule } from './rules.js';
import type { Script } from './script.js';
import type { DataIssue } from './validate.js';
import type { TelemetryOptions } from './telemetry.js';

/** The part of a pino logger the simulator uses (pino's `Logger` fits). */
export interface SimLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export const silentLogger: SimLogger = { info() {}, warn() {}, error() {}, debug() {} };

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
  /** Dock (gateway) SN; used in every topic. Must match `SN_PATTERN` (spec/topics.ts). */
  dockSn: string;
  /** Aircraft SN announced as sub-device (default `${dockSn}-DRONE`). */
  droneSn?: string;
  /** Sub-device SNs announced in `update_topo` (default `[droneSn]`; `[]` = the dock alone). */
  subDevices?: string[];
  /** Announce `update_topo` after every (re)connect (default true). */
  announce?: boolean;
  /** Commands to answer (default: `spec/catalog.ts` `commandsByType`). */
  catalog?: ReadonlyMap<string, CommandDef> | readonly CommandDef[];
  /** Initial rules by command type or `*`. */
  rules?: Record<string, ScenarioRule>;
  /** Initial wire-level script (script.ts); consulted before the rules and the catalog. */
  script?: Script;
  logger?: SimLogger;
  requestSchedule?: RequestSchedule;
  /** How long a `sendRequest` reply is awaited (default 10 000 ms). */
  requestTimeoutMs?: number;
  /** Pause between progress events (default 0: back to back, in order). */
  progressIntervalMs?: number;
  /** Simulated missions of `flighttask_execute` (mission.ts; step default `progressIntervalMs` or 200 ms); `false`: the catalog's generic progress series. */
  mission?: MissionOptions | false;
  /** Device request definitions (default: `spec/requests.ts` `deviceRequestsByType`). */
  requestDefs?: ReadonlyMap<string, DeviceRequestDef>;
  /** Entries kept in each history array (default 1000; older ones are dropped). */
  historyLimit?: number;
  /** How long `start` waits for the broker (default 10 000 ms). */
  connectTimeoutMs?: number;
  /**
   * Consulted for every command the script does not answer, before the dock's own rules: a rule
   * returned here wins, `undefined` falls back to the rule book (tid → bid → type → `*`). The mock
   * server uses it to apply the scenario a partner chose per request (`Prefer`), found from the
   * command's `tid` in the store at receive time. A rejection counts as `undefined` (logged).
   */
  resolveRule?: (command: { dockSn: string; tid: unknown; bid: unknown; method: string }) => ScenarioRule | undefined | Promise<ScenarioRule | undefined>;
  /** Extra mqtt.js options (clientId, username, password, reconnectPeriod, …). */
  mqtt?: IClientOptions;
  /**
   * Treat a command whose `tid` this dock already handled as a repeated delivery (MQTT QoS 1
   * redelivery, or a gateway publishing again after a crash): record it in `duplicates`, re-send
   * the reply the first one got (if it has one yet) and do not execute it again. Default false.
   */
  dedupByTid?: boolean;
  /**
   * Telemetry (telemetry.ts): `osd` every `osdIntervalMs` (default 2000) and `state` on change for
   * the dock and its aircraft; timers injectable. `false`: no periodic osd (state changes still go
   * out; `telemetry.tick()` by hand). Default: on with the defaults.
   */
  telemetry?: TelemetryOptions | false;
}

/** A message the dock received or sent, with its topic and time (ISO-8601). */
export interface MessageRecord {
  topic: string;
  /**
   * The topic's kind when it is one of this dock's topics (`services`, `drc/down`, `events_reply`,
   * `requests_reply`, `status_reply`, `property/set`, or an uplink kind for sent ones), else the topic.
   */
  kind: string;
  at: string;
  /** The JSON object carried; null when the payload was not a JSON object. */
  message: Record<string, any> | null;
}

/** How the dock ended up handling a command. */
export type CommandResult =
  | 'pending' // still being handled (delay, reply or events in flight)
  | 'succeeded' // result 0 (and a successful progress series)
  | 'failed' // non-zero result from a `fail` rule, in the reply or the terminal event
  | 'invalid' // data did not match the catalog → 325001
  | 'unsupported' // method unknown or on the wrong topic → 325001
  | 'silent' // `silent` rule or script: nothing sent
  | 'wrong_method' // reply carried another method
  | 'no_reply' // catalog `reply: 'none'` (stick_control)
  | 'malformed' // not a JSON object with a string method
  | 'scripted'; // answered as the script said (script.ts)

/** An event the dock sent, with the `events_reply` it got (when `need_reply` was 1). */
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
  /** The (first) `services_reply` / `drc/up` message sent, if any. */
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

/** What `sendRequest` resolves with once the request is published. */
export interface RequestHandle {
  tid: string;
  bid: string;
  message: DjiMessage;
  /** The first `requests_reply` with the request's tid; rejects after the timeout or when the dock closes. */
  reply: Promise<DjiMessage>;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const now = (): string => new Date().toISOString();

/** What the command responder (answer.ts, script.ts) needs from its dock. */
export interface DockHost {
  readonly sn: string;
  readonly log: SimLogger;
  closed(): boolean;
  /** Publish JSON on `topic` and record it in `sent`; resolves on PUBACK; does nothing once closed. */
  send(topic: string, message: DjiMessage): Promise<void>;
  /** Publish an event on the dock's `events` topic; recorded in `events` and in `into`, its `events_reply` filed when `need_reply` is 1. */
  sendEventMessage(message: DjiMessage, into?: SentEvent[]): Promise<SentEvent>;
  /** Wait `ms`; cut short when the dock closes. */
  sleep(ms: number): Promise<void>;
}
