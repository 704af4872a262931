/**
 * The PostgreSQL engine under `PostgresStore` (./store.ts): the `pg` Pool (optionally confined to
 * one schema through `search_path`), named statements (each pooled connection prepares them once),
 * transactions on one connection, migrations under an advisory lock, and the mapping of "the
 * database cannot be reached" errors to `StoreUnavailableError` (the pool drops broken
 * connections and reconnects on the next call).
 *
 * Rows come back in the SQLite shape (custom type parsers): timestamptz as ISO strings with ms and
 * `Z`, json as text, bigint as number, so ../rows.ts maps both stores' rows.
 */
import pg from 'pg';
import { loadMigrations } from '../migrations.js';
import type { Row } from '../rows.js';
import { StoreUnavailableError } from '../types.js';

const OID = { int8: 20, json: 114, jsonb: 3802, timestamptz: 1184 } as const;
const parseTimestamptz = pg.types.getTypeParser(OID.timestamptz) as (v: string) => Date;

/** Per-pool type parsers (the global pg.types stay untouched). */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    switch (oid) {
      case OID.timestamptz:
        return (v: string) => parseTimestamptz(v).toISOString();
      case OID.json:
      case OID.jsonb:
        return (v: string) => v;
      case OID.int8:
        return (v: string) => Number(v);
      default:
        return (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
    }
  },
} as pg.CustomTypesConfig;

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
]);
// 08xxx connection exceptions, 57P01-03 admin/crash shutdown and "cannot connect now", 53300 too many connections.
const SQLSTATE_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
const MESSAGE_UNAVAILABLE = /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|Cannot use a pool after calling end|Client was closed|the database system is (starting up|shutting down)/i;

/** Whether `err` means the database cannot be reached (as opposed to a bad statement). */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (e == null || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SQLSTATE_UNAVAILABLE.test(e.code))) return true;
  if (typeof e.message === 'string' && MESSAGE_UNAVAILABLE.test(e.message)) return true;
  return Array.isArray(e.errors) && e.errors.some(isConnectionError);
}

function mapError(err: unknown): unknown {
  if (isConnectionError(err)) {
    const e = err as { code?: unknown; message?: unknown };
    return new StoreUnavailableError(`PostgreSQL store unavailable: ${String(e.code ?? '')} ${String(e.message ?? '')}`.trim(), { cause: err });
  }
  return err;
}

/** `url` with `option` appended to its `options` query parameter (libpq startup options). */
function withOption(url: string, option: string): string {
  const u = new URL(url);
  const current = u.searchParams.get('options');
  u.searchParams.set('options', current ? `${current} ${option}` : option);
  return u.toString();
}

export interface PostgresStoreOptions {
  /** Schema to create (if missing) and use via search_path; default: the server's search_path (`public`). Lowercase identifier. */
  schema?: string;
  /** Pool size per instance; default 10. */
  poolSize?: number;
}

/** The pool of one store handle: statements, transactions, migrations, close. */
export class PostgresEngine {
  readonly schema: string | null;
  readonly pool: pg.Pool;
  private readonly names = new Map<string, string>();
  private closed = false;

  /** Creates the pool (connects lazily); `migrate()` before use. */
  constructor(url: string, opts: PostgresStoreOptions = {}) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new TypeError('database URL must start with postgres:// or postgresql://');
    if (opts.schema != null && !/^[a-z_][a-z0-9_]{0,62}$/.test(opts.schema)) {
      throw new TypeError(`schema must be a lowercase SQL identifier, got ${JSON.stringify(opts.schema)}`);
    }
    this.schema = opts.schema ?? null;
    this.pool = new pg.Pool({
      // The URL's own parameters win over the config, so the search_path goes into the URL's options.
      connectionString: this.schema ? withOption(url, `-c search_path=${this.schema}`) : url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      application_name: this.schema ? `dockgate:${this.schema}` : 'dockgate',
      types,
    });
    // An idle connection that dies (server restart, admin shutdown) is dropped by the pool; the
    // listener keeps the process alive and the next query opens a new connection.
    this.pool.on('error', () => {});
  }

  /**
   * `text` with `values` as a query prepared once per connection under a stable name (for `q`, and
   * for `c.query` inside `tx`): PostgreSQL then parses and plans it once per connection instead of
   * on every call, and pg sends only Bind/Execute.
   */
  named(text: string, values: unknown[] = []): pg.QueryConfig {
    let name = this.names.get(text);
    if (!name) {
      name = `dg${this.names.size + 1}`;
      this.names.set(text, name);
    }
    return { name, text, values };
  }

  /** Run one statement, prepared once per connection under a stable name. */
  async q(text: string, values: unknown[] = []): Promise<Row[]> {
    try {
      return (await this.pool.query(this.named(text, values))).rows;
    } catch (err) {
      throw mapError(err);
    }
  }

  /** Run a one-off statement (not prepared) and return how many rows it touched. */
  async rowCount(text: string, values: unknown[] = []): Promise<number> {
    try {
      return (await this.pool.query(text, values)).rowCount ?? 0;
    } catch (err) {
      throw mapError(err);
    }
  }

  /** Run `fn` in a transaction on one connection. */
  async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw mapError(err);
    }
    // pg emits 'error' on a checked-out client whose connection breaks between queries (the pool
    // listens only while it is idle); unheard, that event would end the process. The broken
    // connection then fails the transaction's next query, which is what the caller sees.
    const onError = () => {};
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      client.off('error', onError);
      client.release();
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      client.off('error', onError);
      // A broken connection must not go back to the pool.
      client.release(isConnectionError(err) ? (err as Error) : undefined);
      throw mapError(err);
    }
  }

  async migrate(): Promise<void> {
    const migrations = loadMigrations('postgres');
    await this.tx(async (c) => {
      // One transaction-scoped lock per schema: instances starting together migrate one at a time.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`dockgate:migrate:${this.schema ?? ''}`]);
      if (this.schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)');
      const applied = new Set((await c.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [m.version, m.name]);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.q('SELECT 1 AS ok'))[0]?.ok === 1;
    } catch {
      return false;
    }
  }
}
