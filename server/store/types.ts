/**
 * The store contract: every durable fact of the gateway (credentials, nonces, commands with their
 * correlation state, device requests, topology). Asynchronous from the start so SQLite
 * (better-sqlite3) and PostgreSQL (pg) implement it alike (docs/architecture.md, invariants 4 and 6).
 *
 * All timestamps are ISO-8601 UTC strings with milliseconds (`2026-04-22T12:00:00.000Z`); all
 * JSON columns are plain JS values here. Errors: methods reject with `StoreUnavailableError` when the
 * database cannot be reached (the HTTP layer maps it to 503 SERVICE_UNAVAILABLE).
 */
import type { components } from '../../generated/types.js';
import type { CommandStatus, FailureCode, Scope } from '../../spec/api.js';
import type { Transport } from '../../spec/types.js';
import type { FleetStore } from './types/fleet.js';
import type { DeviceRegistry } from './types/devices.js';
import type { EventLog } from './types/events.js';
import type { WebhookStore } from './types/webhooks.js';
import type { FlightTaskStore } from './types/flight-tasks.js';
import type { MediaStore } from './types/media.js';

/** Thrown when the database is unreachable; callers answer 503 and retry later. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** An API credential. The key is stored as given (HMAC needs it) but never logged or listed. */
export interface Credential {
  api_id: string;
  /** Secret HMAC key. Only `getCredential` returns it; `listCredentials` blanks it. */
  api_key: string;
  name: string;
  scopes: Scope[];
  /** Device IDs (gateway or aircraft SNs) it may address; `null` = any device. */
  allowed_devices: string[] | null;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

/** Progress of a command tracked by events (percent 0–100, step, DJI status): the public `Command.progress`. */
export type CommandProgress = NonNullable<components['schemas']['Command']['progress']>;

/** A reply or event kept on the command (late, duplicate or unmatched). */
export interface RecordedMessage {
  topic: string;
  received_at: string;
  /** Whether it changed the command (`false` for late/duplicate ones). */
  applied: boolean;
  message: unknown;
}

/** A downlink command with its correlation state. */
export interface CommandRecord {
  command_id: string;
  /** Credential that created it; only it can see the command. */
  api_id: string;
  vendor: 'dji';
  device_id: string;
  /** Dock SN the command is published to (device_id or the dock of an aircraft). */
  gateway_sn: string;
  command_type: string;
  /** Public payload as accepted. */
  payload: Record<string, unknown>;
  /** DJI `data` actually published (after catalog translation). */
  wire_data: Record<string, unknown>;
  transport: Transport;
  idempotency_key: string;
  /** SHA-256 hex of the canonical request body, to detect IDEMPOTENCY_CONFLICT. */
  request_hash: string;
  timeout_seconds: number;
  /** DJI transaction and business ids of the publish. */
  tid: string;
  bid: string;
  /** For flat progress events: the payload value that identifies the job (`fly_to_id`, `flight_id`). */
  progress_key: string | null;
  /** DRC `seq` used on `drc/down`, null for `services`. */
  seq: number | null;
  status: CommandStatus;
  /** `pending` until the broker acknowledged the publish. */
  dispatch_state: 'pending' | 'published';
  response_code: string | null;
  response_message: string | null;
  vendor_response: Record<string, unknown> | null;
  failure_code: FailureCode | null;
  failure_reason: string | null;
  progress: CommandProgress | null;
  /** Replies/events that arrived but did not (or did) change the command, newest last. */
  messages: RecordedMessage[];
  accepted_at: string;
  delivered_at: string | null;
  response_received_at: string | null;
  completed_at: string | null;
  updated_at: string;
  /**
   * When the sweeper ends the command TIMED_OUT: accepted_at + timeout_seconds at first (null when
   * timeout_seconds = 0); for a progress-tracked job the dock accepted, moved on the accepting reply
   * and on each progress event to the nearer of its silence and maximum-duration limits
   * (`jobDeadline` in server/commands/transitions.ts).
   */
  deadline_at: string | null;
  /** Which limit `deadline_at` stands for: the `failure_code` `expireCommands` writes; null = `TIMED_OUT` (the reply limit). */
  deadline_code: DeadlineCode | null;
  /** The `failure_reason` `expireCommands` writes; null = `timeoutReason(timeout_seconds)` (the reply limit). */
  deadline_reason: string | null;
}

/** The failure codes a deadline can stand for (docs/lifecycle.md § Long jobs). */
export type DeadlineCode = Extract<FailureCode, 'TIMED_OUT' | 'PROGRESS_SILENCE' | 'MAX_DURATION_EXCEEDED'>;

/** Fields a transition may set (compare-and-set on `status`). */
export type CommandPatch = Partial<
  Pick<
    CommandRecord,
    | 'status'
    | 'dispatch_state'
    | 'response_code'
    | 'response_message'
    | 'vendor_response'
    | 'failure_code'
    | 'failure_reason'
    | 'progress'
    | 'delivered_at'
    | 'response_received_at'
    | 'completed_at'
    | 'seq'
    | 'deadline_at'
    | 'deadline_code'
    | 'deadline_reason'
  >
> & { updated_at: string };

export interface CommandFilter {
  api_id: string;
  device_id?: string;
  command_type?: string;
  status?: CommandStatus;
  limit: number;
  /** Opaque cursor from a previous page (`next_cursor`); an invalid one rejects with `InvalidCursorError`. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * A publish lease taken in the same INSERT that accepts a command: the accepting instance then
 * publishes it at once, without a claim query (`claimPendingDispatch` skips it until `lease_until`,
 * after which any instance may publish it, as after a crash).
 */
export interface DispatchClaim {
  owner: string;
  /** ISO-8601 UTC. */
  lease_until: string;
}

/** Outcome of `createCommand` under an idempotency key. */
export type CreateOutcome =
  | { kind: 'created'; command: CommandRecord }
  | { kind: 'replayed'; command: CommandRecord }
  | { kind: 'conflict'; command: CommandRecord };

/** A request a dock sent on `thing/product/{gateway_sn}/requests`. */
export interface DeviceRequestRecord {
  request_id: string;
  vendor: 'dji';
  /** Gateway (dock) SN. */
  device_id: string;
  /** DJI request `method`. */
  request_type: string;
  /** The whole DJI message as received (`tid`, `bid`, `timestamp`, `gateway`, `method`, `data`). */
  inbound_payload: Record<string, unknown>;
  tid: string;
  bid: string;
  received_at: string;
  reply_code: string | null;
  reply_message: string | null;
  reply_payload: Record<string, unknown> | null;
  reply_source: 'manual' | 'auto' | null;
  /** The `data` published on `requests_reply`. */
  standardized_reply: Record<string, unknown> | null;
  replied_at: string | null;
}

export interface DeviceRequestFilter {
  /** Devices the credential may see; null = all. */
  allowed_devices: string[] | null;
  vendor?: string;
  device_id?: string;
  request_type?: string;
  limit: number;
  cursor?: string;
}

export type DeviceRequestReply = Pick<
  DeviceRequestRecord,
  'reply_code' | 'reply_message' | 'reply_payload' | 'reply_source' | 'standardized_reply' | 'replied_at'
>;

/**
 * The store. Implementations: `SqliteStore` (server/store/sqlite/store.ts), `PostgresStore`
 * (server/store/postgres/store.ts) and `MemoryStore` (server/store/memory/store.ts, tests and
 * sandboxes). One contract test suite (test/store/contract.ts) runs against all three.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres' | 'memory';
  /** Presence, latest state snapshots and HMS alarms (server/store/types/fleet.ts). */
  readonly fleet: FleetStore;
  /** Registered docks and their aircraft (./types/devices.ts). */
  readonly devices: DeviceRegistry;
  /** The event log (issue 13): write methods below add their events in the same transaction. */
  readonly events: EventLog;
  /** Flight tasks, one per DJI flight_id (./types/flight-tasks.ts). */
  readonly flightTasks: FlightTaskStore;
  /** Uploaded media files (./types/media.ts). */
  readonly media: MediaStore;
  /** Create tables / run migrations. Idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Cheap liveness check for /readyz. */
  ping(): Promise<boolean>;
  /** Webhook endpoints, subscriptions, deliveries and attempts (server/store/types/webhooks.ts). */
  readonly webhooks: WebhookStore;

  // credentials
  createCredential(c: Credential): Promise<void>;
  getCredential(api_id: string): Promise<Credential | null>;
  listCredentials(): Promise<Credential[]>;
  updateCredential(api_id: string, patch: Partial<Omit<Credential, 'api_id' | 'created_at'>>): Promise<Credential | null>;
  countCredentials(): Promise<number>;

  /**
   * Remember a nonce for an API ID until `expires_at`. Returns false when the same nonce is
   * already remembered and not yet expired (a replay). Atomic across instances.
   */
  rememberNonce(api_id: string, nonce: string, expires_at: string): Promise<boolean>;
  /** Delete every expired nonce; returns how many. (rememberNonce also purges a bounded batch every 1,000 calls.) */
  purgeExpired(now: string): Promise<number>;

  // commands
  /**
   * Insert a command (status ACCEPTED, dispatch pending) unless (api_id, idempotency_key) exists:
   * then return it as `replayed` when `request_hash` matches, `conflict` otherwise. Atomic: two
   * concurrent calls with one key create exactly one command. The insert is the dispatch record
   * too (dispatch_state = pending), so command and dispatch are one transaction. With `claim`, a
   * created command is also leased to `claim.owner` (replays and conflicts are left as they are).
   */
  createCommand(c: CommandRecord, claim?: DispatchClaim): Promise<CreateOutcome>;
  getCommand(command_id: string): Promise<CommandRecord | null>;
  listCommands(f: CommandFilter): Promise<Page<CommandRecord>>;
  findCommandByTid(tid: string): Promise<CommandRecord | null>;
  /**
   * A non-terminal progress-tracked command of `gateway_sn` and `command_type`s whose `bid` or
   * `progress_key` equals `key`.
   */
  findProgressCommand(gateway_sn: string, command_types: string[], by: 'bid' | 'progress_key', key: string): Promise<CommandRecord | null>;
  /**
   * Oldest non-terminal DRC command of a gateway and method (drc/up replies carry no tid);
   * `seq` narrows it when the reply echoes one.
   */
  findDrcCommand(gateway_sn: string, method: string, seq: number | null): Promise<CommandRecord | null>;
  /**
   * Compare-and-set: apply `patch` only if the current status is in `from`. Returns the updated
   * record, or null when the status had moved on (nothing written). `message`, when given, is
   * appended to `messages` in the same statement (as `recordCommandMessage` would), so no reader
   * sees the transition without it.
   */
  transitionCommand(command_id: string, from: readonly CommandStatus[], patch: CommandPatch, message?: RecordedMessage): Promise<CommandRecord | null>;
  /**
   * `transitionCommand` without reading the row back: true when the patch was applied. For callers
   * that already hold the command (the dispatcher on PUBACK, the correlator on a reply) and build
   * the new record themselves.
   */
  applyTransition(command_id: string, from: readonly CommandStatus[], patch: CommandPatch): Promise<boolean>;
  /** Append to `messages` without changing status (late/duplicate/unmatched replies). */
  recordCommandMessage(command_id: string, m: RecordedMessage): Promise<void>;
  /**
   * Claim up to `limit` commands with dispatch_state = pending and status ACCEPTED for publishing
   * by `owner` for `lease_ms` (other instances skip claimed rows until the lease ends).
   */
  claimPendingDispatch(owner: string, limit: number, lease_ms: number): Promise<CommandRecord[]>;
  /** Next DRC `seq` for a gateway (strictly increasing, shared by all instances). */
  nextDrcSeq(gateway_sn: string): Promise<number>;
  /**
   * Move every non-terminal command whose deadline_at <= now to TIMED_OUT (exactly once) and
   * return them.
   */
  expireCommands(now: string): Promise<CommandRecord[]>;
  /** Number of non-terminal commands (metrics). */
  countPending(): Promise<number>;
  countCommandsByStatus(): Promise<Record<string, number>>;

  // device requests
  /** Insert; a second message with the same (device_id, tid) is ignored and returns the first. */
  insertDeviceRequest(r: DeviceRequestRecord): Promise<DeviceRequestRecord>;
  getDeviceRequest(request_id: string): Promise<DeviceRequestRecord | null>;
  listDeviceRequests(f: DeviceRequestFilter): Promise<Page<DeviceRequestRecord>>;
  /** Set the reply only if none exists yet; null when already replied. */
  replyDeviceRequest(request_id: string, reply: DeviceRequestReply): Promise<DeviceRequestRecord | null>;

  // topology (update_topo)
  /** Replace the sub-devices (aircraft SNs) of a gateway. */
  setTopology(gateway_sn: string, sub_devices: string[], at: string): Promise<void>;
  /** The gateway of an aircraft SN, or null when unknown. */
  gatewayOf(device_sn: string): Promise<string | null>;
}
