/**
 * The SQLite engine under `SqliteStore` (./store.ts): one better-sqlite3 connection per database
 * file per process, WAL journal, `synchronous=NORMAL` (a commit survives a process crash; the last
 * few may be lost on power loss), 5 s busy timeout, prepared statements cached on first use, and
 * group commit (`write`). Writes go through one connection, reads through a second one that sees
 * committed data only (`rd`). Calls are synchronous underneath and settle as promises, with "the
 * database cannot be used now" errors mapped to `StoreUnavailableError`.
 */
import Database from 'better-sqlite3';
import { resolve as resolvePath } from 'node:path';
import { BACKSTOP_PAGES, startCheckpointer, type Checkpointer } from '../checkpointer.js';
import { loadMigrations } from '../migrations.js';
import { StoreUnavailableError } from '../types.js';

const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|NOTADB)/;

/** Map "the database cannot be used right now" errors to StoreUnavailableError; others pass through. */
function mapError(err: unknown): unknown {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && UNAVAILABLE_CODES.test(e.code)) {
    return new StoreUnavailableError(`SQLite store unavailable: ${String(e.message)}`, { cause: err });
  }
  if (err instanceof TypeError && /database connection is not open/.test(err.message)) {
    return new StoreUnavailableError('SQLite store is closed', { cause: err });
  }
  return err;
}

/**
 * One connection per database file per process, shared by every store opened on it. Group commit
 * keeps a write transaction open until the next check phase; a second connection of the same
 * process writing meanwhile would wait on the lock synchronously, blocking the very event loop that
 * must commit it (a self-deadlock until busy_timeout). Sharing the connection also shares the batch.
 */
interface Connection {
  db: Database.Database;
  statements: Map<string, Database.Statement>;
  /**
   * A second connection for reads made while a group-commit batch is open (`PRAGMA query_only`),
   * so a read sees committed data only, never a write that may yet roll back (see `rd`). WAL
   * readers never take the write lock, so it cannot deadlock with the writer. `:memory:`
   * databases read through `db` (a second connection would open another, empty, database).
   */
  reader: Database.Database;
  readStatements: Map<string, Database.Statement>;
  /** Writes of the open group-commit transaction, settled after its COMMIT (see `write`). */
  batch: { ok: () => void; fail: (e: unknown) => void }[] | null;
  refs: number;
  /** WAL checkpoints in a worker thread (file databases only). */
  checkpointer: Checkpointer | null;
}
const connections = new Map<string, Connection>();

function acquire(file: string): Connection {
  const key = file === ':memory:' ? `${file}#${connections.size}#${Math.random()}` : resolvePath(file);
  let c = connections.get(key);
  if (!c || !c.db.open) {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // 32 MiB of page cache (SQLite's default is 2 MiB): the open-command indices and the recent
    // end of the id indices stay in memory, so accepts and replies do not re-read pages.
    db.pragma('cache_size = -32768');
    let checkpointer: Checkpointer | null = null;
    if (file !== ':memory:') {
      // Checkpoints run in a worker thread (checkpointer.ts); this connection only as a backstop.
      db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
      checkpointer = startCheckpointer(key);
    }
    let reader = db;
    if (file !== ':memory:') {
      reader = new Database(file);
      reader.pragma('busy_timeout = 5000');
      reader.pragma('cache_size = -32768');
      reader.pragma('query_only = 1');
    }
    c = { db, statements: new Map(), reader, readStatements: new Map(), batch: null, refs: 0, checkpointer };
    connections.set(key, c);
  }
  c.refs++;
  return c;
}

/** The connection of one store handle: statements, group commit, migrations, close. */
export class SqliteEngine {
  private readonly conn: Connection;
  private readonly key: string;
  private closed = false;

  /** Opens (creating) the file; `migrate()` before use. */
  constructor(readonly file: string) {
    this.conn = acquire(file);
    this.key = [...connections.entries()].find(([, c]) => c === this.conn)![0];
  }

  /** The writing connection (setTopology's nested transaction). */
  get db(): Database.Database {
    return this.conn.db;
  }

  private get statements(): Map<string, Database.Statement> {
    return this.conn.statements;
  }

  private get batch(): Connection['batch'] {
    return this.conn.batch;
  }

  private set batch(b: Connection['batch']) {
    this.conn.batch = b;
  }

  /** The statement for `sql` on the writing connection, prepared once. */
  st(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * The statement for a read of `sql` that sees committed data only, prepared once. With no write
   * batch open the writing connection holds nothing uncommitted, so it serves the read from its
   * warm page cache; while a batch is open the read goes to the second connection. (That one's
   * page cache is dropped whenever the writer has committed since its last read, which is why it
   * is not used for every read: bench/README.md has the measurement.)
   */
  rd(sql: string): Database.Statement {
    if (this.conn.batch === null || this.conn.reader === this.conn.db) return this.st(sql);
    const m = this.conn.readStatements;
    let s = m.get(sql);
    if (!s) {
      s = this.conn.reader.prepare(sql);
      m.set(sql, s);
    }
    return s;
  }

  /**
   * Group commit: every write made in the same event-loop turn joins one transaction, committed in
   * the next check phase (setImmediate); each write's promise settles only after that COMMIT, so a
   * caller that answers 202 after `await createCommand(…)` still answers after the data is durable.
   * Why: a commit costs about as much as the write itself, and the hot path makes several writes
   * per command (bench/README.md, accept path).
   *
   * A write is one SQL statement, and SQLite undoes a failing statement alone and keeps the
   * transaction (its default ABORT conflict resolution), so one bad write rejects alone without a
   * savepoint of its own. A write of several statements either runs them in a nested
   * db.transaction (a savepoint: setTopology, the fleet's presence changes), or, when only its
   * first statement can fail on its input, calls `abortBatch` if a later one fails (a change and
   * its events: the event log's `writeEvents`); a savepoint costs ≈ 30 µs per write
   * (bench/README.md, 2026-12-05). Some errors (I/O, disk full) make SQLite roll the whole
   * transaction back: then every write of the batch rejects, never resolves as if committed.
   * Transaction control goes through cached prepared statements: db.exec() parses its SQL text on
   * every call.
   */
  write<T>(fn: () => T, settle: 'committed' | 'executed' = 'committed'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed || !this.db.open) return reject(mapError(new TypeError('The database connection is not open')));
      try {
        if (this.batch === null) {
          this.st('BEGIN').run();
          this.batch = [];
          setImmediate(() => this.commitBatch());
        }
      } catch (err) {
        return reject(mapError(err));
      }
      let value: T;
      try {
        value = fn();
      } catch (err) {
        const e = mapError(err);
        if (!this.db.inTransaction) this.failBatch(e);
        return reject(e);
      }
      if (settle === 'executed') {
        // The caller needs the answer, not the durability (see rememberNonce): it then joins the
        // same commit as the writes it makes next, instead of waiting for a commit of its own.
        resolve(value);
        return;
      }
      this.batch!.push({ ok: () => resolve(value), fail: reject });
    });
  }

  /**
   * Roll the open batch back and reject every write in it (with `err`, mapped), for a write whose
   * statement failed after an earlier statement of the same write applied: a write runs without a
   * savepoint of its own (see `write`), so this is how its statements still commit or fail
   * together. The caller rethrows `err` for its own write.
   */
  abortBatch(err: unknown): void {
    try {
      if (this.db.inTransaction) this.st('ROLLBACK').run();
    } catch {
      // SQLite rolled it back already
    }
    this.failBatch(mapError(err));
  }

  /** The open transaction is gone (SQLite rolled it back): none of its writes happened. */
  private failBatch(e: unknown): void {
    const batch = this.batch;
    this.batch = null;
    for (const w of batch ?? []) w.fail(e);
  }

  private commitBatch(): void {
    const batch = this.batch;
    if (batch === null) return;
    if (!this.db.inTransaction) return this.failBatch(mapError(new Error('SQLite rolled the write transaction back before COMMIT')));
    this.batch = null;
    try {
      this.st('COMMIT').run();
    } catch (err) {
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // nothing more to undo
      }
      const e = mapError(err);
      for (const w of batch) w.fail(e);
      return;
    }
    for (const w of batch) w.ok();
  }

  /** Run synchronously, settle as a promise, with unavailability mapped. */
  run<T>(fn: () => T): Promise<T> {
    try {
      if (this.closed) throw new TypeError('The database connection is not open');
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(mapError(err));
    }
  }

  migrate(): Promise<void> {
    return this.run(() => {
      const migrations = loadMigrations('sqlite');
      // IMMEDIATE takes the write lock first, so two processes opening a new file migrate once.
      this.db
        .transaction(() => {
          this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
          const applied = new Set(this.db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
          for (const m of migrations) {
            if (applied.has(m.version)) continue;
            this.db.exec(m.sql);
            this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
          }
        })
        .immediate();
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.commitBatch();
    if (--this.conn.refs === 0) {
      if (this.db.open) this.db.close();
      if (this.conn.reader !== this.db && this.conn.reader.open) this.conn.reader.close();
      this.statements.clear();
      this.conn.readStatements.clear();
      connections.delete(this.key);
      // Its last checkpoint runs after this connection closed, so the WAL is folded in.
      return this.conn.checkpointer?.stop() ?? Promise.resolve();
    }
    return Promise.resolve();
  }

  ping(): Promise<boolean> {
    return this.run(() => this.rd('SELECT 1').pluck().get() === 1).catch(() => false);
  }
}
