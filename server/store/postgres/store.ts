/**
 * The PostgreSQL store, for several gateway instances sharing one database: the `Store` contract
 * as SQL statements over the engine's pool (./engine.ts) and the shared row mappings
 * (../rows.ts). Every cross-instance guarantee is one statement: `INSERT … ON CONFLICT` for idempotency keys, nonces,
 * device requests and DRC seq; compare-and-set `UPDATE … WHERE status = ANY(…)` for transitions;
 * `FOR UPDATE SKIP LOCKED` plus a lease for dispatch claims; one `UPDATE … RETURNING` for timeouts.
 *
 * Nonce purge as in the SQLite store (../sqlite/store.ts). A change that emits events (issue 13)
 * runs with them in one transaction (`withEvents`, ./events.ts); an accepted command and its event
 * are one statement (`events.insertWithEvent`).
 */
import { PostgresFleetStore } from './fleet.js';
import type { CommandStatus } from '../../../spec/api.js';
import { decodeCursor } from '../cursor.js';
import {
  COMMAND_INSERT_COLUMNS,
  CREDENTIAL_COLUMNS,
  DEVICE_REQUEST_INSERT_COLUMNS,
  DEVICE_REQUEST_REPLY_COLUMNS,
  MAX_COMMAND_MESSAGES,
  OPEN_STATUSES_SQL,
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
  EXPIRE_FAILURE_SQL,
  type Row,
  NONCE_PURGE_BATCH,
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
import { PostgresDevices } from './devices.js';
import type pg from 'pg';
import { acceptedEvents, requestReceivedEvents, requestRepliedEvents, transitionEvents } from '../../events/derive.js';
import type { NewEvent } from '../types/events.js';
import { PostgresEngine, type PostgresStoreOptions } from './engine.js';
import { PostgresEventLog } from './events.js';
import { PostgresWebhooks } from './webhooks.js';
import { PostgresFlightTasks } from './flight-tasks.js';
import { PostgresMedia } from './media.js';

export type { PostgresStoreOptions } from './engine.js';


const $ = (from: number, n: number) => Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');

/** `messages` with the JSON parameter `param` appended, the oldest dropped beyond MAX_COMMAND_MESSAGES. */
function appendMessageSql(param: string): string {
  return `(
      SELECT json_agg(e ORDER BY i) FROM (
        SELECT e, i FROM json_array_elements(messages) WITH ORDINALITY AS t(e, i)
        UNION ALL SELECT ${param}::json, json_array_length(messages) + 1
      ) x WHERE i > json_array_length(messages) + 1 - ${MAX_COMMAND_MESSAGES})`;
}

const SQL = {
  insertCredential: `INSERT INTO credentials (${CREDENTIAL_COLUMNS.join(', ')}) VALUES (${$(1, CREDENTIAL_COLUMNS.length)})`,
  getCredential: 'SELECT * FROM credentials WHERE api_id = $1',
  listCredentials: 'SELECT * FROM credentials ORDER BY created_at, api_id',
  countCredentials: 'SELECT count(*) AS n FROM credentials',
  rememberNonce: `INSERT INTO nonces (api_id, nonce, expires_at) VALUES ($1, $2, $3)
    ON CONFLICT (api_id, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE nonces.expires_at <= $4
    RETURNING 1`,
  purgeNoncesBatch: `DELETE FROM nonces WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM nonces WHERE expires_at <= $1 LIMIT ${NONCE_PURGE_BATCH}))`,
  purgeNonces: 'DELETE FROM nonces WHERE expires_at <= $1',
  insertCommand: `INSERT INTO commands (${COMMAND_INSERT_COLUMNS.join(', ')}) VALUES (${$(1, COMMAND_INSERT_COLUMNS.length)})
    ON CONFLICT (api_id, idempotency_key) DO NOTHING RETURNING command_id`,
  commandByKey: 'SELECT * FROM commands WHERE api_id = $1 AND idempotency_key = $2',
  getCommand: 'SELECT * FROM commands WHERE command_id = $1',
  commandByTid: 'SELECT * FROM commands WHERE tid = $1',
  progressByBid: `SELECT * FROM commands WHERE gateway_sn = $1 AND bid = $2 AND status IN (${OPEN_STATUSES_SQL})
    AND command_type = ANY($3::text[]) ORDER BY accepted_at, command_id LIMIT 1`,
  progressByKey: `SELECT * FROM commands WHERE gateway_sn = $1 AND progress_key = $2 AND status IN (${OPEN_STATUSES_SQL})
    AND command_type = ANY($3::text[]) ORDER BY accepted_at, command_id LIMIT 1`,
  drcCommand: `SELECT * FROM commands WHERE gateway_sn = $1 AND command_type = $2 AND transport = 'drc/down'
    AND status IN (${OPEN_STATUSES_SQL}) ORDER BY accepted_at, command_id LIMIT 1`,
  drcCommandBySeq: `SELECT * FROM commands WHERE gateway_sn = $1 AND command_type = $2 AND transport = 'drc/down'
    AND status IN (${OPEN_STATUSES_SQL}) AND seq = $3 ORDER BY accepted_at, command_id LIMIT 1`,
  // json (not jsonb) keeps each message's text; rebuild the array keeping the newest entries.
  recordMessage: `UPDATE commands SET messages = ${appendMessageSql('$2')} WHERE command_id = $1`,
  claimDispatch: `WITH picked AS (
      SELECT command_id FROM commands
      WHERE dispatch_state = 'pending' AND status = 'ACCEPTED' AND (dispatch_lease_until IS NULL OR dispatch_lease_until <= now())
      ORDER BY accepted_at, command_id LIMIT $2
      FOR UPDATE SKIP LOCKED)
    UPDATE commands c SET dispatch_owner = $1, dispatch_lease_until = now() + $3::float8 * interval '1 millisecond'
    FROM picked WHERE c.command_id = picked.command_id
    RETURNING c.*`,
  nextDrcSeq: `INSERT INTO drc_seq (gateway_sn, seq) VALUES ($1, 1)
    ON CONFLICT (gateway_sn) DO UPDATE SET seq = drc_seq.seq + 1 RETURNING seq`,
  expire: `UPDATE commands SET status = 'TIMED_OUT', ${EXPIRE_FAILURE_SQL},
      completed_at = $1::timestamptz, updated_at = $1::timestamptz
    WHERE status IN (${OPEN_STATUSES_SQL}) AND deadline_at <= $1::timestamptz
    RETURNING *`,
  countPending: `SELECT count(*) AS n FROM commands WHERE status IN (${OPEN_STATUSES_SQL})`,
  countByStatus: 'SELECT status, count(*) AS n FROM commands GROUP BY status',
  insertDeviceRequest: `INSERT INTO device_requests (${DEVICE_REQUEST_INSERT_COLUMNS.join(', ')})
    VALUES (${$(1, DEVICE_REQUEST_INSERT_COLUMNS.length)}) ON CONFLICT (device_id, tid) DO NOTHING RETURNING *`,
  deviceRequestByTid: 'SELECT * FROM device_requests WHERE device_id = $1 AND tid = $2',
  getDeviceRequest: 'SELECT * FROM device_requests WHERE request_id = $1',
  replyDeviceRequest: `UPDATE device_requests SET ${DEVICE_REQUEST_REPLY_COLUMNS.map((c, i) => `${c} = $${i + 1}`).join(', ')}
    WHERE request_id = $${DEVICE_REQUEST_REPLY_COLUMNS.length + 1} AND replied_at IS NULL RETURNING *`,
  clearTopology: 'DELETE FROM topology WHERE gateway_sn = $1',
  putTopology: `INSERT INTO topology (device_sn, gateway_sn, updated_at) VALUES ($1, $2, $3)
    ON CONFLICT (device_sn) DO UPDATE SET gateway_sn = EXCLUDED.gateway_sn, updated_at = EXCLUDED.updated_at`,
  gatewayOf: 'SELECT gateway_sn FROM topology WHERE device_sn = $1',
} as const;

/** Collects positional parameters for a dynamically built statement. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly fleet: PostgresFleetStore;
  private readonly e: PostgresEngine;
  readonly devices: PostgresDevices;
  private nonceInserts = 0;
  /** The event log; the write methods below add their events in the same transaction. */
  readonly events: PostgresEventLog;
  /** Webhook endpoints, subscriptions, deliveries and attempts (./webhooks.ts). */
  readonly webhooks: PostgresWebhooks;
  readonly flightTasks: PostgresFlightTasks;
  readonly media: PostgresMedia;

  /** Creates the pool (connects lazily); call `migrate()` before use, or use `openPostgresStore`. */
  constructor(url: string, opts: PostgresStoreOptions = {}) {
    this.e = new PostgresEngine(url, opts);
    this.events = new PostgresEventLog(this.e);
    this.fleet = new PostgresFleetStore(this.e, this.events);
    this.devices = new PostgresDevices(this.e);
    this.webhooks = new PostgresWebhooks(this.e);
    this.flightTasks = new PostgresFlightTasks(this.e, this.events);
    this.media = new PostgresMedia(this.e, this.events);
  }

  /** Run `change` and write the events it derives in one transaction; wake followers after COMMIT. */
  private async withEvents<T>(change: (c: pg.PoolClient) => Promise<T>, derive: (out: T) => NewEvent[]): Promise<T> {
    let wrote = false;
    const out = await this.e.tx(async (c) => {
      const o = await change(c);
      const evs = derive(o);
      if (evs.length) wrote = (await this.events.writeEvents(c, evs)).length > 0;
      return o;
    });
    if (wrote) this.events.committed();
    return out;
  }

  /** The schema this store is confined to (null: the server's search_path). */
  get schema(): string | null {
    return this.e.schema;
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

  async createCredential(c: Credential): Promise<void> {
    try {
      await this.e.q(SQL.insertCredential, credentialValues(c, (b) => b));
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new Error(`credential ${c.api_id} already exists`, { cause: err });
      throw err;
    }
  }

  async getCredential(api_id: string): Promise<Credential | null> {
    const [r] = await this.e.q(SQL.getCredential, [api_id]);
    return r ? rowToCredential(r) : null;
  }

  async listCredentials(): Promise<Credential[]> {
    return (await this.e.q(SQL.listCredentials)).map((r) => ({ ...rowToCredential(r), api_key: '' }));
  }

  async updateCredential(api_id: string, patch: Partial<Omit<Credential, 'api_id' | 'created_at'>>): Promise<Credential | null> {
    const p = new Params();
    const sets = credentialPatchColumns(patch, (b) => b).map(([c, v]) => `${c} = ${p.add(v)}`);
    const [r] = await this.e.q(`UPDATE credentials SET ${sets.join(', ')} WHERE api_id = ${p.add(api_id)} RETURNING *`, p.values);
    return r ? rowToCredential(r) : null;
  }

  async countCredentials(): Promise<number> {
    return (await this.e.q(SQL.countCredentials))[0].n as number;
  }

  async rememberNonce(api_id: string, nonce: string, expires_at: string): Promise<boolean> {
    const now = new Date().toISOString();
    const fresh = (await this.e.q(SQL.rememberNonce, [api_id, nonce, iso(expires_at, 'expires_at'), now])).length === 1;
    if (++this.nonceInserts % NONCE_PURGE_EVERY === 0) await this.e.q(SQL.purgeNoncesBatch, [now]).catch(() => {});
    return fresh;
  }

  /** Delete every nonce that expired at or before `now`; returns how many. */
  async purgeExpired(now: string): Promise<number> {
    return this.e.rowCount(SQL.purgeNonces, [iso(now, 'now')]);
  }

  // commands

  async createCommand(c: CommandRecord, claim?: DispatchClaim): Promise<CreateOutcome> {
    const rec = newCommand(c);
    // Under a concurrent insert of the same key, ON CONFLICT waits for it to commit, so the
    // read-back below always finds the winner. The event is known before the insert, so both go
    // in one statement (the hot path of every accepted command).
    const [accepted] = acceptedEvents(rec);
    if ((await this.events.insertWithEvent(SQL.insertCommand, commandValues(rec, claim), { ...accepted, device_id: rec.device_id })).length === 1) {
      return { kind: 'created', command: rec };
    }
    const [r] = await this.e.q(SQL.commandByKey, [c.api_id, c.idempotency_key]);
    if (!r) throw new Error(`command insert for ${c.api_id}/${c.idempotency_key} ignored but no row found`);
    const existing = rowToCommand(r);
    return { kind: existing.request_hash === c.request_hash ? 'replayed' : 'conflict', command: existing };
  }

  private async one(text: string, values: unknown[]): Promise<CommandRecord | null> {
    const [r] = await this.e.q(text, values);
    return r ? rowToCommand(r) : null;
  }

  getCommand(command_id: string): Promise<CommandRecord | null> {
    return this.one(SQL.getCommand, [command_id]);
  }

  async listCommands(f: CommandFilter): Promise<Page<CommandRecord>> {
    const limit = positiveLimit(f.limit);
    const p = new Params();
    const where = [`api_id = ${p.add(f.api_id)}`];
    for (const k of ['device_id', 'command_type', 'status'] as const) {
      if (f[k] != null) where.push(`${k} = ${p.add(f[k])}`);
    }
    if (f.cursor != null) {
      const c = decodeCursor(f.cursor);
      where.push(`(accepted_at, command_id) < (${p.add(c.at)}::timestamptz, ${p.add(c.id)})`);
    }
    const rows = await this.e.q(
      `SELECT * FROM commands WHERE ${where.join(' AND ')} ORDER BY accepted_at DESC, command_id DESC LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return page(rows, limit, rowToCommand, (r) => r.accepted_at as string, (r) => r.command_id as string);
  }

  findCommandByTid(tid: string): Promise<CommandRecord | null> {
    return this.one(SQL.commandByTid, [tid]);
  }

  async findProgressCommand(gateway_sn: string, command_types: string[], by: 'bid' | 'progress_key', key: string): Promise<CommandRecord | null> {
    if (by !== 'bid' && by !== 'progress_key') throw new TypeError(`by must be 'bid' or 'progress_key', got ${String(by)}`);
    return this.one(by === 'bid' ? SQL.progressByBid : SQL.progressByKey, [gateway_sn, key, command_types]);
  }

  findDrcCommand(gateway_sn: string, method: string, seq: number | null): Promise<CommandRecord | null> {
    return seq == null ? this.one(SQL.drcCommand, [gateway_sn, method]) : this.one(SQL.drcCommandBySeq, [gateway_sn, method, seq]);
  }

  async transitionCommand(command_id: string, from: readonly CommandStatus[], patch: CommandPatch, message?: RecordedMessage): Promise<CommandRecord | null> {
    const p = new Params();
    const sets = commandPatchColumns(patch).map(([c, v]) => `${c} = ${p.add(v)}`);
    if (message !== undefined) sets.push(`messages = ${appendMessageSql(p.add(recordedMessageJson(message)))}`);
    const sql = `UPDATE commands SET ${sets.join(', ')} WHERE command_id = ${p.add(command_id)} AND status = ANY(${p.add([...from])}::text[]) RETURNING *`;
    let before: CommandProgress | null | undefined;
    return this.withEvents(
      async (c) => {
        // The stored progress, locked, when the patch sets one: a repeated progress emits no event.
        if (patch.progress != null) before = ((x) => (x ? JSON.parse(x) : null))((await c.query(this.e.named('SELECT progress FROM commands WHERE command_id = $1 FOR UPDATE', [command_id]))).rows[0]?.progress);
        return ((r) => (r ? rowToCommand(r) : null))((await c.query(this.e.named(sql, p.values))).rows[0]);
      },
      (rec) => (rec ? transitionEvents(patch, rec, before) : []),
    );
  }

  async applyTransition(command_id: string, from: readonly CommandStatus[], patch: CommandPatch): Promise<boolean> {
    // A patch that emits events needs the row (the events carry the command).
    if (patch.status !== undefined || patch.progress != null || patch.delivered_at != null) return (await this.transitionCommand(command_id, from, patch)) !== null;
    const p = new Params();
    const sets = commandPatchColumns(patch).map(([c, v]) => `${c} = ${p.add(v)}`);
    const rows = await this.e.q(
      `UPDATE commands SET ${sets.join(', ')} WHERE command_id = ${p.add(command_id)} AND status = ANY(${p.add([...from])}::text[]) RETURNING 1 AS applied`,
      p.values,
    );
    return rows.length === 1;
  }

  async recordCommandMessage(command_id: string, m: RecordedMessage): Promise<void> {
    await this.e.q(SQL.recordMessage, [command_id, recordedMessageJson(m)]);
  }

  async claimPendingDispatch(owner: string, limit: number, lease_ms: number): Promise<CommandRecord[]> {
    const rows = await this.e.q(SQL.claimDispatch, [owner, positiveLimit(limit), lease_ms]);
    return rows.map(rowToCommand).sort(byAcceptance);
  }

  async nextDrcSeq(gateway_sn: string): Promise<number> {
    return (await this.e.q(SQL.nextDrcSeq, [gateway_sn]))[0].seq as number;
  }

  async expireCommands(now: string): Promise<CommandRecord[]> {
    return this.withEvents(
      async (c) => (await c.query(this.e.named(SQL.expire, [iso(now, 'now')]))).rows.map(rowToCommand).sort(byAcceptance),
      (recs) => recs.flatMap((rec) => transitionEvents({ status: rec.status, updated_at: rec.updated_at }, rec)),
    );
  }

  async countPending(): Promise<number> {
    return (await this.e.q(SQL.countPending))[0].n as number;
  }

  async countCommandsByStatus(): Promise<Record<string, number>> {
    return statusCounts(await this.e.q(SQL.countByStatus));
  }

  // device requests

  async insertDeviceRequest(r: DeviceRequestRecord): Promise<DeviceRequestRecord> {
    const created = await this.withEvents(
      async (c) => ((x) => (x ? rowToDeviceRequest(x) : null))((await c.query(this.e.named(SQL.insertDeviceRequest, deviceRequestValues(r)))).rows[0]),
      (rec) => (rec ? requestReceivedEvents(rec) : []),
    );
    if (created) return created;
    const [first] = await this.e.q(SQL.deviceRequestByTid, [r.device_id, r.tid]);
    return rowToDeviceRequest(first);
  }

  async getDeviceRequest(request_id: string): Promise<DeviceRequestRecord | null> {
    const [r] = await this.e.q(SQL.getDeviceRequest, [request_id]);
    return r ? rowToDeviceRequest(r) : null;
  }

  async listDeviceRequests(f: DeviceRequestFilter): Promise<Page<DeviceRequestRecord>> {
    const limit = positiveLimit(f.limit);
    const p = new Params();
    const where: string[] = [];
    if (f.allowed_devices != null) where.push(`device_id = ANY(${p.add(f.allowed_devices)}::text[])`);
    for (const k of ['vendor', 'device_id', 'request_type'] as const) {
      if (f[k] != null) where.push(`${k} = ${p.add(f[k])}`);
    }
    if (f.cursor != null) {
      const c = decodeCursor(f.cursor);
      where.push(`(received_at, request_id) < (${p.add(c.at)}::timestamptz, ${p.add(c.id)})`);
    }
    const rows = await this.e.q(
      `SELECT * FROM device_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY received_at DESC, request_id DESC LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return page(rows, limit, rowToDeviceRequest, (r) => r.received_at as string, (r) => r.request_id as string);
  }

  async replyDeviceRequest(request_id: string, reply: DeviceRequestReply): Promise<DeviceRequestRecord | null> {
    return this.withEvents(
      async (c) => ((x) => (x ? rowToDeviceRequest(x) : null))((await c.query(this.e.named(SQL.replyDeviceRequest, [...deviceRequestReplyValues(reply), request_id]))).rows[0]),
      (rec) => (rec ? requestRepliedEvents(rec) : []),
    );
  }

  // topology

  async setTopology(gateway_sn: string, sub_devices: string[], at: string): Promise<void> {
    const when = iso(at, 'at');
    await this.e.tx(async (c) => {
      await c.query(this.e.named(SQL.clearTopology, [gateway_sn]));
      for (const sn of new Set(sub_devices)) {
        if (sn !== gateway_sn) await c.query(this.e.named(SQL.putTopology, [sn, gateway_sn, when]));
      }
    });
  }

  async gatewayOf(device_sn: string): Promise<string | null> {
    const [r] = await this.e.q(SQL.gatewayOf, [device_sn]);
    return r ? (r.gateway_sn as string) : null;
  }
}

/**
 * Open and migrate the PostgreSQL store at `url` (postgres:// or postgresql://). Rejects with
 * `StoreUnavailableError` when the database cannot be reached.
 */
export async function openPostgresStore(url: string, opts?: PostgresStoreOptions): Promise<PostgresStore> {
  const store = new PostgresStore(url, opts);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
