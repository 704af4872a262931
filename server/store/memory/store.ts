/**
 * An in-memory `Store` for tests and sandboxes: every fact lives in this process and is lost when
 * it exits (or the store is closed). It keeps the SQLite/PostgreSQL semantics the contract suite
 * (test/store/contract.ts) checks: compare-and-set transitions, publish leases, the nonce window,
 * idempotency keys, cursors, the message bound, exactly-once expiry.
 *
 * Records are kept as rows in the shape the SQL stores read back (JSON columns as JSON text,
 * normalized ISO timestamps, the dispatch lease columns) and go through the same `rows.ts` encoders
 * and decoders, so a value means the same thing in every store, and what a caller passes in or gets
 * back is always a fresh copy: mutating it cannot change stored state. Each method runs
 * synchronously to completion before its promise settles, which is what makes the check-then-write
 * steps atomic under concurrent calls (there is no other writer).
 */
import { MemoryFleetStore } from './fleet.js';
import { COMMAND_STATUSES, type CommandStatus } from '../../../spec/api.js';
import { acceptedEvents, requestReceivedEvents, requestRepliedEvents, transitionEvents } from '../../events/derive.js';
import { MemoryEventLog } from './events.js';
import {
  COMMAND_INSERT_COLUMNS, CREDENTIAL_COLUMNS, DEVICE_REQUEST_INSERT_COLUMNS, DEVICE_REQUEST_REPLY_COLUMNS,
  byAcceptance, commandPatchColumns, commandValues, credentialPatchColumns, credentialValues,
  deviceRequestReplyValues, deviceRequestValues, iso, newCommand, page, positiveLimit, recordedMessageJson, rowToCommand,
  rowToCredential, rowToDeviceRequest, statusCounts, timeoutReason, NONCE_PURGE_BATCH, NONCE_PURGE_EVERY, type Row,
} from '../rows.js';
import {
  StoreUnavailableError, type CommandFilter, type CommandPatch, type CommandRecord, type CreateOutcome, type Credential,
  type DeviceRequestFilter, type DeviceRequestRecord, type DeviceRequestReply, type DispatchClaim, type Page,
  type RecordedMessage, type Store,
} from '../types.js';
import { MemoryDevices } from './devices.js';
import { MemoryWebhooks } from './webhooks.js';
import { MemoryFlightTasks } from './flight-tasks.js';
import { MemoryMedia } from './media.js';
import { appendMessage, beforeCursor, isOpen, key, newestFirst, oldestFirst, rowOf } from './row-helpers.js';



export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private closed = false;
  /** The event log; write methods add their events in the same synchronous step. */
  readonly events = new MemoryEventLog(() => this.closed);
  readonly fleet = new MemoryFleetStore(() => this.closed, this.events);
  readonly devices = new MemoryDevices(() => this.closed);
  readonly flightTasks = new MemoryFlightTasks(() => this.closed, this.events);
  readonly media = new MemoryMedia(() => this.closed, this.events, this.flightTasks);
  /** Webhook endpoints, subscriptions, deliveries and attempts (./webhooks.ts). */
  readonly webhooks = new MemoryWebhooks(() => this.closed);
  private readonly credentials = new Map<string, Row>();
  /** key(api_id, nonce) → expires_at. */
  private readonly nonces = new Map<string, string>();
  private nonceInserts = 0;
  /** command_id → row (COMMAND_INSERT_COLUMNS). */
  private readonly commands = new Map<string, Row>();
  /** Unique indices of `commands`: key(api_id, idempotency_key) and tid → command_id. */
  private readonly byIdempotencyKey = new Map<string, string>();
  private readonly byTid = new Map<string, string>();
  private readonly drcSeq = new Map<string, number>();
  /** request_id → row (DEVICE_REQUEST_INSERT_COLUMNS), and the unique key(device_id, tid) → request_id. */
  private readonly deviceRequests = new Map<string, Row>();
  private readonly deviceRequestByTid = new Map<string, string>();
  /** device_sn → its gateway. */
  private readonly topology = new Map<string, { gateway_sn: string; updated_at: string }>();

  /**
   * Run `fn` as one atomic step: synchronously, settled as a promise. Rejects with
   * `StoreUnavailableError` once closed, as the SQL stores do when their connection is gone.
   */
  private run<T>(fn: () => T): Promise<T> {
    try {
      if (this.closed) throw new StoreUnavailableError('memory store is closed');
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Nothing to create: the maps are the schema. Idempotent, keeps data. */
  migrate(): Promise<void> {
    return this.run(() => undefined);
  }

  /** Drops every fact; later calls reject with `StoreUnavailableError`. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.webhooks.clear();
      for (const m of [this.credentials, this.nonces, this.commands, this.byIdempotencyKey, this.byTid, this.drcSeq, this.deviceRequests, this.deviceRequestByTid, this.topology, this.devices.rows]) m.clear();
      this.fleet.clear();
      this.flightTasks.clear();
      this.media.clear();
    }
    return Promise.resolve();
  }

  ping(): Promise<boolean> {
    return Promise.resolve(!this.closed);
  }

  // credentials

  createCredential(c: Credential): Promise<void> {
    return this.run(() => {
      const row = rowOf(CREDENTIAL_COLUMNS, credentialValues(c, (b) => b));
      if (this.credentials.has(c.api_id)) throw new Error(`credential ${c.api_id} already exists`);
      this.credentials.set(c.api_id, row);
    });
  }

  getCredential(api_id: string): Promise<Credential | null> {
    return this.run(() => {
      const r = this.credentials.get(api_id);
      return r ? rowToCredential(r) : null;
    });
  }

  listCredentials(): Promise<Credential[]> {
    return this.run(() =>
      [...this.credentials.values()]
        .sort(oldestFirst('created_at', 'api_id'))
        .map((r) => ({ ...rowToCredential(r), api_key: '' })),
    );
  }

  updateCredential(api_id: string, patch: Partial<Omit<Credential, 'api_id' | 'created_at'>>): Promise<Credential | null> {
    return this.run(() => {
      const cols = credentialPatchColumns(patch, (b) => b);
      const r = this.credentials.get(api_id);
      if (!r) return null;
      const next = { ...r, ...Object.fromEntries(cols) };
      this.credentials.set(api_id, next);
      return rowToCredential(next);
    });
  }

  countCredentials(): Promise<number> {
    return this.run(() => this.credentials.size);
  }

  /** A live nonce is a replay (false); an expired one is taken over (true), as in the SQL stores' upsert. */
  rememberNonce(api_id: string, nonce: string, expires_at: string): Promise<boolean> {
    return this.run(() => {
      const until = iso(expires_at, 'expires_at');
      const now = new Date().toISOString();
      const k = key(api_id, nonce);
      const current = this.nonces.get(k);
      const fresh = current === undefined || current <= now;
      if (fresh) this.nonces.set(k, until);
      if (++this.nonceInserts % NONCE_PURGE_EVERY === 0) this.purgeNonces(now, NONCE_PURGE_BATCH);
      return fresh;
    });
  }

  /** Delete every nonce that expired at or before `now`; returns how many. */
  purgeExpired(now: string): Promise<number> {
    return this.run(() => this.purgeNonces(iso(now, 'now'), Infinity));
  }

  private purgeNonces(now: string, limit: number): number {
    let n = 0;
    for (const [k, until] of this.nonces) {
      if (n >= limit) break;
      if (until <= now) {
        this.nonces.delete(k);
        n++;
      }
    }
    return n;
  }

  // commands

  createCommand(c: CommandRecord, claim?: DispatchClaim): Promise<CreateOutcome> {
    return this.run((): CreateOutcome => {
      const row = rowOf(COMMAND_INSERT_COLUMNS, commandValues(newCommand(c), claim));
      const existingId = this.byIdempotencyKey.get(key(c.api_id, c.idempotency_key));
      if (existingId !== undefined) {
        const existing = rowToCommand(this.commands.get(existingId)!);
        return { kind: existing.request_hash === c.request_hash ? 'replayed' : 'conflict', command: existing };
      }
      // The SQL stores' other unique constraints: the insert fails as a whole.
      if (this.commands.has(c.command_id)) throw new Error(`command ${c.command_id} already exists`);
      if (this.byTid.has(c.tid)) throw new Error(`a command with tid ${c.tid} already exists`);
      this.commands.set(c.command_id, row);
      this.byIdempotencyKey.set(key(c.api_id, c.idempotency_key), c.command_id);
      this.byTid.set(c.tid, c.command_id);
      const created = rowToCommand(row);
      this.events.writeEvents(acceptedEvents(created));
      return { kind: 'created', command: created };
    });
  }

  getCommand(command_id: string): Promise<CommandRecord | null> {
    return this.run(() => {
      const r = this.commands.get(command_id);
      return r ? rowToCommand(r) : null;
    });
  }

  listCommands(f: CommandFilter): Promise<Page<CommandRecord>> {
    return this.run(() => {
      const limit = positiveLimit(f.limit);
      const before = beforeCursor(f.cursor, 'accepted_at', 'command_id');
      const rows = [...this.commands.values()]
        .filter((r) => r.api_id === f.api_id && (['device_id', 'command_type', 'status'] as const).every((k) => f[k] == null || r[k] === f[k]) && before(r))
        .sort(newestFirst('accepted_at', 'command_id'))
        .slice(0, limit + 1);
      return page(rows, limit, rowToCommand, (r) => r.accepted_at as string, (r) => r.command_id as string);
    });
  }

  findCommandByTid(tid: string): Promise<CommandRecord | null> {
    return this.run(() => {
      const id = this.byTid.get(tid);
      return id === undefined ? null : rowToCommand(this.commands.get(id)!);
    });
  }

  /** The oldest (accepted_at, command_id) open command matching `match`, or null. */
  private oldestOpen(match: (r: Row) => boolean): CommandRecord | null {
    const before = oldestFirst('accepted_at', 'command_id');
    let best: Row | undefined;
    for (const r of this.commands.values()) {
      if (!isOpen(r) || !match(r)) continue;
      if (!best || before(r, best) < 0) best = r;
    }
    return best ? rowToCommand(best) : null;
  }

  findProgressCommand(gateway_sn: string, command_types: string[], by: 'bid' | 'progress_key', k: string): Promise<CommandRecord | null> {
    return this.run(() => {
      if (by !== 'bid' && by !== 'progress_key') throw new TypeError(`by must be 'bid' or 'progress_key', got ${String(by)}`);
      return this.oldestOpen((r) => r.gateway_sn === gateway_sn && r[by] === k && command_types.includes(r.command_type as string));
    });
  }

  findDrcCommand(gateway_sn: string, method: string, seq: number | null): Promise<CommandRecord | null> {
    return this.run(() =>
      this.oldestOpen((r) => r.gateway_sn === gateway_sn && r.command_type === method && r.transport === 'drc/down' && (seq == null || r.seq === seq)),
    );
  }

  /**
   * The compare-and-set step of both transition methods: the patched row, stored, or null when the
   * command is unknown or its status is not in `from`. The patch is encoded (and rejected with a
   * TypeError when it names an unknown field) before anything is written.
   */
  private transition(command_id: string, from: readonly CommandStatus[], patch: CommandPatch, message?: RecordedMessage): Row | null {
    for (const s of from) if (!COMMAND_STATUSES.includes(s)) throw new TypeError(`unknown command status ${JSON.stringify(s)}`);
    const cols = commandPatchColumns(patch);
    const m = message === undefined ? undefined : recordedMessageJson(message);
    const r = this.commands.get(command_id);
    if (!r || !from.includes(r.status as CommandStatus)) return null;
    const next: Row = { ...r, ...Object.fromEntries(cols) };
    if (m !== undefined) next.messages = appendMessage(r.messages, m);
    this.commands.set(command_id, next);
    this.events.writeEvents(transitionEvents(patch, rowToCommand(next), rowToCommand(r).progress));
    return next;
  }

  transitionCommand(command_id: string, from: readonly CommandStatus[], patch: CommandPatch, message?: RecordedMessage): Promise<CommandRecord | null> {
    return this.run(() => {
      const r = this.transition(command_id, from, patch, message);
      return r ? rowToCommand(r) : null;
    });
  }

  applyTransition(command_id: string, from: readonly CommandStatus[], patch: CommandPatch): Promise<boolean> {
    return this.run(() => this.transition(command_id, from, patch) !== null);
  }

  recordCommandMessage(command_id: string, m: RecordedMessage): Promise<void> {
    return this.run(() => {
      const json = recordedMessageJson(m);
      const r = this.commands.get(command_id);
      if (r) this.commands.set(command_id, { ...r, messages: appendMessage(r.messages, json) });
    });
  }

  claimPendingDispatch(owner: string, limit: number, lease_ms: number): Promise<CommandRecord[]> {
    return this.run(() => {
      const n = positiveLimit(limit);
      const now = Date.now();
      const nowIso = new Date(now).toISOString();
      const until = new Date(now + lease_ms).toISOString();
      const picked = [...this.commands.values()]
        .filter((r) => r.dispatch_state === 'pending' && r.status === 'ACCEPTED' && (r.dispatch_lease_until == null || (r.dispatch_lease_until as string) <= nowIso))
        .sort(oldestFirst('accepted_at', 'command_id'))
        .slice(0, n);
      return picked
        .map((r) => {
          const next = { ...r, dispatch_owner: owner, dispatch_lease_until: until };
          this.commands.set(r.command_id as string, next);
          return rowToCommand(next);
        })
        .sort(byAcceptance);
    });
  }

  nextDrcSeq(gateway_sn: string): Promise<number> {
    return this.run(() => {
      const seq = (this.drcSeq.get(gateway_sn) ?? 0) + 1;
      this.drcSeq.set(gateway_sn, seq);
      return seq;
    });
  }

  expireCommands(now: string): Promise<CommandRecord[]> {
    return this.run(() => {
      const at = iso(now, 'now');
      const out: CommandRecord[] = [];
      for (const [id, r] of this.commands) {
        if (!isOpen(r) || r.deadline_at == null || (r.deadline_at as string) > at) continue;
        const next: Row = {
          ...r,
          status: 'TIMED_OUT',
          failure_code: r.deadline_code ?? 'TIMED_OUT',
          failure_reason: r.deadline_reason ?? timeoutReason(Number(r.timeout_seconds)),
          completed_at: at,
          updated_at: at,
        };
        this.commands.set(id, next);
        out.push(rowToCommand(next));
      }
      out.sort(byAcceptance);
      for (const rec of out) this.events.writeEvents(transitionEvents({ status: rec.status, updated_at: rec.updated_at }, rec));
      return out;
    });
  }

  countPending(): Promise<number> {
    return this.run(() => [...this.commands.values()].filter(isOpen).length);
  }

  countCommandsByStatus(): Promise<Record<string, number>> {
    return this.run(() => {
      const n = new Map<string, number>();
      for (const r of this.commands.values()) n.set(r.status as string, (n.get(r.status as string) ?? 0) + 1);
      return statusCounts([...n].map(([status, count]) => ({ status, n: count })));
    });
  }

  // device requests

  insertDeviceRequest(r: DeviceRequestRecord): Promise<DeviceRequestRecord> {
    return this.run(() => {
      const row = rowOf(DEVICE_REQUEST_INSERT_COLUMNS, deviceRequestValues(r));
      const k = key(r.device_id, r.tid);
      const first = this.deviceRequestByTid.get(k);
      if (first !== undefined) return rowToDeviceRequest(this.deviceRequests.get(first)!);
      if (this.deviceRequests.has(r.request_id)) throw new Error(`device request ${r.request_id} already exists`);
      this.deviceRequests.set(r.request_id, row);
      this.deviceRequestByTid.set(k, r.request_id);
      const rec = rowToDeviceRequest(row);
      this.events.writeEvents(requestReceivedEvents(rec));
      return rec;
    });
  }

  getDeviceRequest(request_id: string): Promise<DeviceRequestRecord | null> {
    return this.run(() => {
      const r = this.deviceRequests.get(request_id);
      return r ? rowToDeviceRequest(r) : null;
    });
  }

  listDeviceRequests(f: DeviceRequestFilter): Promise<Page<DeviceRequestRecord>> {
    return this.run(() => {
      const limit = positiveLimit(f.limit);
      const before = beforeCursor(f.cursor, 'received_at', 'request_id');
      const rows = [...this.deviceRequests.values()]
        .filter(
          (r) =>
            (f.allowed_devices == null || f.allowed_devices.includes(r.device_id as string)) &&
            (['vendor', 'device_id', 'request_type'] as const).every((k) => f[k] == null || r[k] === f[k]) &&
            before(r),
        )
        .sort(newestFirst('received_at', 'request_id'))
        .slice(0, limit + 1);
      return page(rows, limit, rowToDeviceRequest, (r) => r.received_at as string, (r) => r.request_id as string);
    });
  }

  replyDeviceRequest(request_id: string, reply: DeviceRequestReply): Promise<DeviceRequestRecord | null> {
    return this.run(() => {
      const values = deviceRequestReplyValues(reply);
      const r = this.deviceRequests.get(request_id);
      if (!r || r.replied_at != null) return null;
      const next = { ...r, ...rowOf(DEVICE_REQUEST_REPLY_COLUMNS, values) };
      this.deviceRequests.set(request_id, next);
      const rec = rowToDeviceRequest(next);
      this.events.writeEvents(requestRepliedEvents(rec));
      return rec;
    });
  }

  // topology

  setTopology(gateway_sn: string, sub_devices: string[], at: string): Promise<void> {
    return this.run(() => {
      const updated_at = iso(at, 'at');
      for (const [sn, t] of this.topology) if (t.gateway_sn === gateway_sn) this.topology.delete(sn);
      for (const sn of new Set(sub_devices)) if (sn !== gateway_sn) this.topology.set(sn, { gateway_sn, updated_at });
    });
  }

  gatewayOf(device_sn: string): Promise<string | null> {
    return this.run(() => this.topology.get(device_sn)?.gateway_sn ?? null);
  }
}

/** A new, empty in-memory store (nothing to migrate or connect to). */
export function openMemoryStore(): Promise<MemoryStore> {
  return Promise.resolve(new MemoryStore());
}
