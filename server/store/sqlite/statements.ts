/**
 * SQL text the SQLite store builds per call shape (memoised): transitions by patch columns and
 * source statuses, progress lookups by command types, and the bounded `messages` append.
 */
import { COMMAND_STATUSES, type CommandStatus } from '../../../spec/api.js';
import { MAX_COMMAND_MESSAGES, OPEN_STATUSES_SQL } from '../rows.js';

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

