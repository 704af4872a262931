/**
 * SQL text of the SQLite store: its fixed statements, and those it builds per call shape (memoised): transitions by patch columns and
 * source statuses, progress lookups by command types, and the bounded `messages` append.
 */
import { COMMAND_STATUSES, type CommandStatus } from '../../../spec/api.js';
import {
  COMMAND_INSERT_COLUMNS, CREDENTIAL_COLUMNS, DEVICE_REQUEST_INSERT_COLUMNS, DEVICE_REQUEST_REPLY_COLUMNS, EXPIRE_FAILURE_SQL,
  MAX_COMMAND_MESSAGES, NONCE_PURGE_BATCH, OPEN_STATUSES_SQL,
} from '../rows.js';

/**
 * `messages` with the JSON parameter appended, the oldest dropped beyond MAX_COMMAND_MESSAGES.
 * The expression names the parameter in two branches: `first`/`second` are its two spellings
 * (one named parameter twice, or two positional ones bound to the same text).
 */
export function appendMessageSql(first: string, second: string): string {
  return `CASE WHEN json_array_length(messages) >= ${MAX_COMMAND_MESSAGES}
    THEN json_insert(json_remove(messages, '$[0]'), '$[#]', json(${first})) ELSE json_insert(messages, '$[#]', json(${second})) END`;
}

const transitionSqls = new Map<string, string>();



/**
 * `UPDATE … RETURNING *` for a patch of `columns` from statuses `from`, memoised by shape. The
 * statuses are inlined (checked against the closed list): a literal `IN (…)` list is cheaper for
 * SQLite than binding a JSON array through json_each on every transition.
 */
export function transitionSql(columns: string[], from: readonly CommandStatus[], returning = true, appendMessage = false): string {
  const key = columns.join(',') + '|' + from.join(',') + '|' + returning + '|' + appendMessage;
  let sql = transitionSqls.get(key);
  if (sql === undefined) {
    for (const s of from) if (!COMMAND_STATUSES.includes(s)) throw new TypeError(`unknown command status ${JSON.stringify(s)}`);
    const sets = columns.map((c) => `${c} = ?`);
    if (appendMessage) sets.push(`messages = ${appendMessageSql('?', '?')}`); // the message is bound twice
    sql = `UPDATE commands SET ${sets.join(', ')}
      WHERE command_id = ? AND status IN (${from.map((s) => `'${s}'`).join(',')})${returning ? ' RETURNING *' : ''}`;
    transitionSqls.set(key, sql);
  }
  return sql;
}

const progressSqls = new Map<string, string>();
const COMMAND_TYPE = /^[A-Za-z0-9_]{1,64}$/;

/**
 * The open progress-tracked command of a gateway by `bid` or `progress_key`, among `command_types`,
 * memoised per list. The types are inlined (checked: catalog names are `[A-Za-z0-9_]`); a literal
 * list spares a json_each scan per progress event.
 */
export function progressSql(by: 'bid' | 'progress_key', command_types: readonly string[]): string {
  const key = by + '|' + command_types.join(',');
  let sql = progressSqls.get(key);
  if (sql === undefined) {
    for (const t of command_types) if (!COMMAND_TYPE.test(t)) throw new TypeError(`not a command type: ${JSON.stringify(t)}`);
    sql = `SELECT * FROM commands WHERE gateway_sn = ? AND ${by} = ? AND status IN (${OPEN_STATUSES_SQL})
      AND command_type IN (${command_types.map((t) => `'${t}'`).join(',')}) ORDER BY accepted_at, command_id LIMIT 1`;
    progressSqls.set(key, sql);
  }
  return sql;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** The store's fixed statements (prepared once by the engine's statement cache). */
export const SQL = {
  insertCredential: `INSERT INTO credentials (${CREDENTIAL_COLUMNS.join(', ')}) VALUES (${placeholders(CREDENTIAL_COLUMNS.length)})`,
  getCredential: 'SELECT * FROM credentials WHERE api_id = ?',
  listCredentials: 'SELECT * FROM credentials ORDER BY created_at, api_id',
  countCredentials: 'SELECT count(*) AS n FROM credentials',
  // A row that exists but has expired is taken over; a live one is left alone (0 changes = replay).
  rememberNonce: `INSERT INTO nonces (api_id, nonce, expires_at) VALUES (?, ?, ?)
    ON CONFLICT (api_id, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE nonces.expires_at <= ?`,
  purgeNoncesBatch: `DELETE FROM nonces WHERE (api_id, nonce) IN
    (SELECT api_id, nonce FROM nonces WHERE expires_at <= ? LIMIT ${NONCE_PURGE_BATCH})`,
  purgeNonces: 'DELETE FROM nonces WHERE expires_at <= ?',
  insertCommand: `INSERT INTO commands (${COMMAND_INSERT_COLUMNS.join(', ')}) VALUES (${placeholders(COMMAND_INSERT_COLUMNS.length)})
    ON CONFLICT (api_id, idempotency_key) DO NOTHING`,
  commandByKey: 'SELECT * FROM commands WHERE api_id = ? AND idempotency_key = ?',
  getCommand: 'SELECT * FROM commands WHERE command_id = ?',
  commandByTid: 'SELECT * FROM commands WHERE tid = ?',
  drcCommand: `SELECT * FROM commands WHERE gateway_sn = ? AND command_type = ? AND transport = 'drc/down'
    AND status IN (${OPEN_STATUSES_SQL}) ORDER BY accepted_at, command_id LIMIT 1`,
  drcCommandBySeq: `SELECT * FROM commands WHERE gateway_sn = ? AND command_type = ? AND transport = 'drc/down'
    AND status IN (${OPEN_STATUSES_SQL}) AND seq = ? ORDER BY accepted_at, command_id LIMIT 1`,
  recordMessage: `UPDATE commands SET messages = ${appendMessageSql('@m', '@m')} WHERE command_id = @id`,
  claimDispatch: `UPDATE commands SET dispatch_owner = @owner, dispatch_lease_until = @until
    WHERE command_id IN (SELECT command_id FROM commands
      WHERE dispatch_state = 'pending' AND status = 'ACCEPTED' AND (dispatch_lease_until IS NULL OR dispatch_lease_until <= @now)
      ORDER BY accepted_at, command_id LIMIT @limit)
    RETURNING *`,
  nextDrcSeq: `INSERT INTO drc_seq (gateway_sn, seq) VALUES (?, 1)
    ON CONFLICT (gateway_sn) DO UPDATE SET seq = seq + 1 RETURNING seq`,
  expire: `UPDATE commands SET status = 'TIMED_OUT', ${EXPIRE_FAILURE_SQL},
      completed_at = @now, updated_at = @now
    WHERE status IN (${OPEN_STATUSES_SQL}) AND deadline_at <= @now
    RETURNING *`,
  countPending: `SELECT count(*) AS n FROM commands WHERE status IN (${OPEN_STATUSES_SQL})`,
  countByStatus: 'SELECT status, count(*) AS n FROM commands GROUP BY status',
  insertDeviceRequest: `INSERT INTO device_requests (${DEVICE_REQUEST_INSERT_COLUMNS.join(', ')})
    VALUES (${placeholders(DEVICE_REQUEST_INSERT_COLUMNS.length)}) ON CONFLICT (device_id, tid) DO NOTHING`,
  deviceRequestByTid: 'SELECT * FROM device_requests WHERE device_id = ? AND tid = ?',
  getDeviceRequest: 'SELECT * FROM device_requests WHERE request_id = ?',
  replyDeviceRequest: `UPDATE device_requests SET ${DEVICE_REQUEST_REPLY_COLUMNS.map((c) => `${c} = ?`).join(', ')}
    WHERE request_id = ? AND replied_at IS NULL RETURNING *`,
  clearTopology: 'DELETE FROM topology WHERE gateway_sn = ?',
  putTopology: `INSERT INTO topology (device_sn, gateway_sn, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (device_sn) DO UPDATE SET gateway_sn = excluded.gateway_sn, updated_at = excluded.updated_at`,
  gatewayOf: 'SELECT gateway_sn FROM topology WHERE device_sn = ?',
} as const;
