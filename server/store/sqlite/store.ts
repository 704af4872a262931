/**
 * The embedded store: the `Store` contract mapped onto one SQLite file, as SQL statements and row
 * mappings (../rows.ts). Every call is one or two prepared statements; connections, statement
 * caching, group commit and committed-only reads are the engine's (./engine.ts).
 */
import { SqliteFleetStore } from './fleet.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { COMMAND_STATUSES, type CommandStatus } from '../../../spec/api.js';
import { decodeCursor } from '../cursor.js';
import {
  byAcceptance,
  commandPatchColumns,
  commandValues,
  credentialPatchColumns,
  credentialValues,
  deviceRequestReplyValues,
  deviceRequestValues,
  iso,
  recordedMessageJson,
  newCommand,
  page,
  positiveLimit,
  rowToCommand,
  rowToCredential,
  rowToDeviceRequest,
  statusCounts,
  type Row,
  NONCE_PURGE_EVERY,
} from '../rows.js';
import {
  type CommandFilter,
  type CommandPatch,
  type CommandProgress,
  type CommandRecord,
  type CreateOutcome,
  type DispatchClaim,
  type Credential,
  type DeviceRequestFilter,
  type DeviceRequestRecord,
  type DeviceRequestReply,
  type Page,
  type RecordedMessage,
  type Store,
} from '../types.js';
import { SqliteDevices } from './devices.js';
import { SqliteEngine } from './engine.js';
import { SqliteEventLog } from './events.js';
import { SQL, progressSql, transitionSql } from './statements.js';
import { acceptedEvents, requestReceivedEvents, requestRepliedEvents, transitionEvents } from '../../events/derive.js';
import { SqliteWebhooks } from './webhooks.js';
import { SqliteFlightTasks } from './flight-tasks.js';
import { SqliteMedia } from './media.js';


const bool01 = (b: boolean) => (b ? 1 : 0);

/**
 * Nonce purge: every `NONCE_PURGE_EVERY`-th `rememberNonce` also deletes up to
 * `NONCE_PURGE_BATCH` expired nonces (bounded work, well above the insert rate); `purgeExpired(now)`
 * deletes all of them at once (tests, maintenance).
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly fleet: SqliteFleetStore;
  private readonly e: SqliteEngine;
  readonly devices: SqliteDevices;
  private nonceInserts = 0;
  /**
   * The event log; the write methods below run their change (one statement), then write its events
   * in the same write: both commit or fail together (`writeEvents` rolls the batch back if it fails).
   */
  readonly events: SqliteEventLog;
  /** Webhook endpoints, subscriptions, deliveries and attempts (./webhooks.ts). */
  readonly webhooks: SqliteWebhooks;
  readonly flightTasks: SqliteFlightTasks;
  readonly media: SqliteMedia;

  /** Opens (creating) the file; call `migrate()` before use, or use `openSqliteStore`. */
  constructor(readonly file: string) {
    this.e = new SqliteEngine(file);
    this.events = new SqliteEventLog(this.e);
    this.fleet = new SqliteFleetStore(this.e, this.events);
    this.devices = new SqliteDevices(this.e);
    this.webhooks = new SqliteWebhooks(this.e);
    this.flightTasks = new SqliteFlightTasks(this.e, this.events);
    this.media = new SqliteMedia(this.e, this.events);
  }

  /** The stored progress when `patch` sets one (a repeated progress emits no event), inside the write. */
  private progressBefore(command_id: string, patch: CommandPatch): CommandProgress | null | undefined {
    if (patch.progress == null) return undefined;
    const p = this.e.st('SELECT progress FROM commands WHERE command_id = ?').pluck().get(command_id) as string | null | undefined;
    return p ? (JSON.parse(p) as CommandProgress) : null;
  }

  migrate(): Promise<void> {
    return this.e.migrate();
  }

  close(): Promise<void> {
    return this.e.close();
  }

  ping(): Promise<boolean> {
    return this.e.ping();
  }

  // credentials

  createCredential(c: Credential): Promise<void> {
    return this.e.write(() => {
      try {
        this.e.st(SQL.insertCredential).run(credentialValues(c, bool01));
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new Error(`credential ${c.api_id} already exists`, { cause: err });
        throw err;
      }
    });
  }

  getCredential(api_id: string): Promise<Credential | null> {
    return this.e.run(() => {
      const r = this.e.rd(SQL.getCredential).get(api_id) as Row | undefined;
      return r ? rowToCredential(r) : null;
    });
  }

  listCredentials(): Promise<Credential[]> {
    return this.e.run(() => (this.e.rd(SQL.listCredentials).all() as Row[]).map((r) => ({ ...rowToCredential(r), api_key: '' })));
  }

  updateCredential(api_id: string, patch: Partial<Omit<Credential, 'api_id' | 'created_at'>>): Promise<Credential | null> {
    return this.e.write(() => {
      const cols = credentialPatchColumns(patch, bool01);
      const sql = `UPDATE credentials SET ${cols.map(([c]) => `${c} = ?`).join(', ')} WHERE api_id = ? RETURNING *`;
      const r = this.e.st(sql).get(...cols.map(([, v]) => v), api_id) as Row | undefined;
      return r ? rowToCredential(r) : null;
    });
  }

  countCredentials(): Promise<number> {
    return this.e.run(() => (this.e.rd(SQL.countCredentials).get() as Row).n as number);
  }

  /**
   * Settles as soon as the insert ran (replays are detected against uncommitted nonces of the same
   * batch too), so the request's command insert joins the same commit: one commit per signed
   * create instead of two. If that commit fails, the command insert fails with it (503), and the
   * nonce is not remembered (the request had no effect, so replaying it is harmless).
   */
  rememberNonce(api_id: string, nonce: string, expires_at: string): Promise<boolean> {
    return this.e.write(() => {
      const now = new Date().toISOString();
      const fresh = this.e.st(SQL.rememberNonce).run(api_id, nonce, iso(expires_at, 'expires_at'), now).changes === 1;
      if (++this.nonceInserts % NONCE_PURGE_EVERY === 0) this.e.st(SQL.purgeNoncesBatch).run(now);
      return fresh;
    }, 'executed');
  }

  /** Delete every nonce that expired at or before `now`; returns how many. */
  purgeExpired(now: string): Promise<number> {
    return this.e.write(() => this.e.st(SQL.purgeNonces).run(iso(now, 'now')).changes);
  }

  // commands

  createCommand(c: CommandRecord, claim?: DispatchClaim): Promise<CreateOutcome> {
    return this.e.write(() => {
      const rec = newCommand(c);
      if (this.e.st(SQL.insertCommand).run(commandValues(rec, claim)).changes === 1) {
        this.events.writeEvents(acceptedEvents(rec));
        return { kind: 'created', command: rec };
      }
      const r = this.e.st(SQL.commandByKey).get(c.api_id, c.idempotency_key) as Row | undefined;
      if (!r) throw new Error(`command insert for ${c.api_id}/${c.idempotency_key} ignored but no row found`);
      const existing = rowToCommand(r);
      return { kind: existing.request_hash === c.request_hash ? 'replayed' : 'conflict', command: existing };
    });
  }

  private one(s: Database.Statement, ...params: unknown[]): CommandRecord | null {
    const r = s.get(...params) as Row | undefined;
    return r ? rowToCommand(r) : null;
  }

  getCommand(command_id: string): Promise<CommandRecord | null> {
    return this.e.run(() => this.one(this.e.rd(SQL.getCommand), command_id));
  }

  listCommands(f: CommandFilter): Promise<Page<CommandRecord>> {
    return this.e.run(() => {
      const limit = positiveLimit(f.limit);
      const where = ['api_id = ?'];
      const params: unknown[] = [f.api_id];
      for (const k of ['device_id', 'command_type', 'status'] as const) {
        if (f[k] != null) {
          where.push(`${k} = ?`);
          params.push(f[k]);
        }
      }
      if (f.cursor != null) {
        const c = decodeCursor(f.cursor);
        where.push('(accepted_at, command_id) < (?, ?)');
        params.push(c.at, c.id);
      }
      const sql = `SELECT * FROM commands WHERE ${where.join(' AND ')} ORDER BY accepted_at DESC, command_id DESC LIMIT ?`;
      const rows = this.e.rd(sql).all(...params, limit + 1) as Row[];
      return page(rows, limit, rowToCommand, (r) => r.accepted_at as string, (r) => r.command_id as string);
    });
  }

  findCommandByTid(tid: string): Promise<CommandRecord | null> {
    return this.e.run(() => this.one(this.e.rd(SQL.commandByTid), tid));
  }

  findProgressCommand(gateway_sn: string, command_types: string[], by: 'bid' | 'progress_key', key: string): Promise<CommandRecord | null> {
    return this.e.run(() => {
      if (by !== 'bid' && by !== 'progress_key') throw new TypeError(`by must be 'bid' or 'progress_key', got ${String(by)}`);
      return this.one(this.e.rd(progressSql(by, command_types)), gateway_sn, key);
    });
  }

  findDrcCommand(gateway_sn: string, method: string, seq: number | null): Promise<CommandRecord | null> {
    return this.e.run(() =>
      seq == null ? this.one(this.e.rd(SQL.drcCommand), gateway_sn, method) : this.one(this.e.rd(SQL.drcCommandBySeq), gateway_sn, method, seq),
    );
  }

  transitionCommand(command_id: string, from: readonly CommandStatus[], patch: CommandPatch, message?: RecordedMessage): Promise<CommandRecord | null> {
    return this.e.write(() => {
      const cols = commandPatchColumns(patch);
      const sql = transitionSql(cols.map(([c]) => c), from, true, message !== undefined);
      const values = cols.map(([, v]) => v);
      if (message !== undefined) {
        const m = recordedMessageJson(message);
        values.push(m, m);
      }
      const before = this.progressBefore(command_id, patch);
      const rec = this.one(this.e.st(sql), ...values, command_id);
      if (rec) this.events.writeEvents(transitionEvents(patch, rec, before));
      return rec;
    });
  }

  applyTransition(command_id: string, from: readonly CommandStatus[], patch: CommandPatch): Promise<boolean> {
    return this.e.write(() => {
      const cols = commandPatchColumns(patch);
      // A patch that emits events needs the row (the events carry the command).
      if (patch.status === undefined && patch.progress == null && patch.delivered_at == null) {
        return this.e.st(transitionSql(cols.map(([c]) => c), from, false)).run(...cols.map(([, v]) => v), command_id).changes === 1;
      }
      const before = this.progressBefore(command_id, patch);
      const rec = this.one(this.e.st(transitionSql(cols.map(([c]) => c), from, true)), ...cols.map(([, v]) => v), command_id);
      if (rec) this.events.writeEvents(transitionEvents(patch, rec, before));
      return rec !== null;
    });
  }

  recordCommandMessage(command_id: string, m: RecordedMessage): Promise<void> {
    return this.e.write(() => {
      this.e.st(SQL.recordMessage).run({ m: recordedMessageJson(m), id: command_id });
    });
  }

  claimPendingDispatch(owner: string, limit: number, lease_ms: number): Promise<CommandRecord[]> {
    return this.e.write(() => {
      const now = Date.now();
      const rows = this.e.st(SQL.claimDispatch).all({
        owner,
        now: new Date(now).toISOString(),
        until: new Date(now + lease_ms).toISOString(),
        limit: positiveLimit(limit),
      }) as Row[];
      return rows.map(rowToCommand).sort(byAcceptance);
    });
  }

  nextDrcSeq(gateway_sn: string): Promise<number> {
    return this.e.write(() => this.e.st(SQL.nextDrcSeq).pluck().get(gateway_sn) as number);
  }

  expireCommands(now: string): Promise<CommandRecord[]> {
    return this.e.write(() => {
      const recs = (this.e.st(SQL.expire).all({ now: iso(now, 'now') }) as Row[]).map(rowToCommand).sort(byAcceptance);
      for (const rec of recs) this.events.writeEvents(transitionEvents({ status: rec.status, updated_at: rec.updated_at }, rec));
      return recs;
    });
  }

  countPending(): Promise<number> {
    return this.e.run(() => (this.e.rd(SQL.countPending).get() as Row).n as number);
  }

  countCommandsByStatus(): Promise<Record<string, number>> {
    return this.e.run(() => statusCounts(this.e.rd(SQL.countByStatus).all() as Row[]));
  }

  // device requests

  insertDeviceRequest(r: DeviceRequestRecord): Promise<DeviceRequestRecord> {
    return this.e.write(() => {
      const values = deviceRequestValues(r);
      if (this.e.st(SQL.insertDeviceRequest).run(values).changes === 1) {
        const rec: DeviceRequestRecord = { ...r, received_at: values[7] as string, replied_at: values[13] as string | null };
        this.events.writeEvents(requestReceivedEvents(rec));
        return rec;
      }
      return rowToDeviceRequest(this.e.st(SQL.deviceRequestByTid).get(r.device_id, r.tid) as Row);
    });
  }

  getDeviceRequest(request_id: string): Promise<DeviceRequestRecord | null> {
    return this.e.run(() => {
      const r = this.e.rd(SQL.getDeviceRequest).get(request_id) as Row | undefined;
      return r ? rowToDeviceRequest(r) : null;
    });
  }

  listDeviceRequests(f: DeviceRequestFilter): Promise<Page<DeviceRequestRecord>> {
    return this.e.run(() => {
      const limit = positiveLimit(f.limit);
      const where: string[] = [];
      const params: unknown[] = [];
      if (f.allowed_devices != null) {
        where.push('device_id IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(f.allowed_devices));
      }
      for (const k of ['vendor', 'device_id', 'request_type'] as const) {
        if (f[k] != null) {
          where.push(`${k} = ?`);
          params.push(f[k]);
        }
      }
      if (f.cursor != null) {
        const c = decodeCursor(f.cursor);
        where.push('(received_at, request_id) < (?, ?)');
        params.push(c.at, c.id);
      }
      const sql = `SELECT * FROM device_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY received_at DESC, request_id DESC LIMIT ?`;
      const rows = this.e.rd(sql).all(...params, limit + 1) as Row[];
      return page(rows, limit, rowToDeviceRequest, (r) => r.received_at as string, (r) => r.request_id as string);
    });
  }

  replyDeviceRequest(request_id: string, reply: DeviceRequestReply): Promise<DeviceRequestRecord | null> {
    return this.e.write(() => {
      const r = this.e.st(SQL.replyDeviceRequest).get(...deviceRequestReplyValues(reply), request_id) as Row | undefined;
      if (!r) return null;
      const rec = rowToDeviceRequest(r);
      this.events.writeEvents(requestRepliedEvents(rec));
      return rec;
    });
  }

  // topology

  setTopology(gateway_sn: string, sub_devices: string[], at: string): Promise<void> {
    return this.e.write(() => {
      const when = iso(at, 'at');
      this.e.db.transaction(() => {
        this.e.st(SQL.clearTopology).run(gateway_sn);
        for (const sn of new Set(sub_devices)) {
          if (sn !== gateway_sn) this.e.st(SQL.putTopology).run(sn, gateway_sn, when);
        }
      })();
    });
  }

  gatewayOf(device_sn: string): Promise<string | null> {
    return this.e.run(() => (this.e.rd(SQL.gatewayOf).pluck().get(device_sn) as string | undefined) ?? null);
  }
}

/** Open (creating the folder and file) and migrate the SQLite store at `file`. */
export async function openSqliteStore(file: string): Promise<SqliteStore> {
  mkdirSync(dirname(file), { recursive: true });
  const store = new SqliteStore(file);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
