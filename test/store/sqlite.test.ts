/** The store contract on a temp-file SQLite, plus SQLite specifics: durability across processes, migrations, pragmas. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_INTERVAL_MS } from '../../server/store/checkpointer.js';
import { openStore } from '../../server/store/index.js';
import { loadMigrations } from '../../server/store/migrations.js';
import { openSqliteStore, SqliteStore } from '../../server/store/sqlite/store.js';
import { StoreUnavailableError } from '../../server/store/types.js';
import { command, describeStoreContract } from './contract.js';

const root = mkdtempSync(join(tmpdir(), 'dockgate-store-'));
let n = 0;
const freshFile = () => join(root, `db-${++n}`, 'dockgate.sqlite');

describeStoreContract('sqlite', () => openSqliteStore(freshFile()), async () => rmSync(root, { recursive: true, force: true }));

const run = promisify(execFile);
const child = fileURLToPath(new URL('./sqlite-child.ts', import.meta.url));
const node = (...args: string[]) => run(process.execPath, ['--import', 'tsx', child, ...args], { timeout: 20_000 });

describe('sqlite store specifics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockgate-store-x-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the data folder, uses WAL and NORMAL sync', async () => {
    const file = join(dir, 'nested', 'deeper', 'a.sqlite');
    const store = await openSqliteStore(file);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.kind).toBe('sqlite');
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('checkpoints the WAL from its worker thread, and folds it in on close', async () => {
    const file = join(dir, 'checkpoint.sqlite');
    const store = await openSqliteStore(file);
    try {
      // ~100 pages: far below the 1,000-page automatic threshold the main connection used to
      // checkpoint at, so only the worker can have copied them into the database file.
      for (let i = 0; i < 200; i++) await store.createCommand(command({ payload: { blob: 'x'.repeat(2000) } }));
      const before = statSync(file).size;
      await sleep(3 * CHECKPOINT_INTERVAL_MS);
      expect(statSync(file).size).toBeGreaterThan(before + 200 * 2000);
    } finally {
      await store.close();
    }
    expect(existsSync(file + '-wal')).toBe(false);
  });

  it('reads committed data only: a write of the open group-commit batch is invisible until its COMMIT', async () => {
    const store = await openSqliteStore(join(dir, 'read-committed.sqlite'));
    try {
      const c = command();
      const created = store.createCommand(c); // executed now, committed in the next check phase
      expect(await store.getCommand(c.command_id)).toBeNull();
      expect(await store.findCommandByTid(c.tid)).toBeNull();
      expect((await created).kind).toBe('created');
      expect((await store.getCommand(c.command_id))?.status).toBe('ACCEPTED');
      // The writer itself still sees its own batch: a replay of the key in the same turn is a replay.
      const d = command();
      const [first, again] = await Promise.all([store.createCommand(d), store.createCommand({ ...d, command_id: 'other', tid: 'other-tid' })]);
      expect([first.kind, again.kind]).toEqual(['created', 'replayed']);
    } finally {
      await store.close();
    }
  });

  it('commits a change only with its events: a failing event write rolls back the whole batch, then writes go on', async () => {
    const file = join(dir, 'atomic-events.sqlite');
    const store = await openSqliteStore(file);
    const raw = new Database(file);
    try {
      // Writes carry no savepoint: a command insert whose event insert fails must not commit.
      raw.exec("CREATE TRIGGER fail_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'event insert refused'); END");
      const [a, b] = [command(), command()];
      const outcomes = await Promise.allSettled([store.createCommand(a), store.createCommand(b)]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(await store.getCommand(a.command_id)).toBeNull();
      expect(await store.getCommand(b.command_id)).toBeNull();
      raw.exec('DROP TRIGGER fail_events');
      expect((await store.createCommand(a)).kind).toBe('created');
      const { events } = await store.events.read(null, { api_id: a.api_id, allowed_devices: null }, 10);
      expect(events.map((e) => [e.type, e.sequence])).toEqual([['command.accepted', 1]]);
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('keeps an acknowledged write across an abrupt exit and shows it to a fresh process', async () => {
    const file = join(dir, 'durable.sqlite');
    const c = command({ payload: { flight_id: 'f-1', n: 3 } });
    const w = await node('write', file, JSON.stringify(c));
    expect(w.stdout).toBe('created');
    // Read in this process…
    const store = await openSqliteStore(file);
    expect((await store.getCommand(c.command_id))?.payload).toEqual({ flight_id: 'f-1', n: 3 });
    const moved = await store.transitionCommand(c.command_id, ['ACCEPTED'], { status: 'DELIVERED', updated_at: c.accepted_at });
    await store.close();
    // …and in yet another one.
    const r = await node('read', file, c.command_id);
    expect(JSON.parse(r.stdout)).toEqual(moved);
  });

  it('migrates once: reopening and concurrent opens leave one row per migration', async () => {
    const file = join(dir, 'migrate.sqlite');
    const [a, b] = await Promise.all([openSqliteStore(file), openSqliteStore(file)]);
    await a.migrate();
    await a.createCommand(command());
    await a.close();
    await b.close();
    const c = await openSqliteStore(file);
    await c.close();
    const raw = new Database(file, { readonly: true });
    try {
      const rows = raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(rows).toEqual(loadMigrations('sqlite').map((m) => ({ version: m.version, name: m.name })));
      expect(raw.prepare('SELECT count(*) AS n FROM commands').get()).toEqual({ n: 1 });
    } finally {
      raw.close();
    }
  });

  it('rejects with StoreUnavailableError once closed, and ping says false', async () => {
    const store = await openSqliteStore(join(dir, 'closed.sqlite'));
    await store.close();
    await expect(store.getCommand('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.ping()).toBe(false);
  });

  it('rejects with StoreUnavailableError when the database is locked by another writer past busy_timeout', async () => {
    const file = join(dir, 'busy.sqlite');
    const store = await openSqliteStore(file);
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    try {
      // Shorten the wait for this test only; production uses 5 s.
      (store as unknown as { e: { db: Database.Database } }).e.db.pragma('busy_timeout = 50');
      await expect(store.createCommand(command())).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await store.createCommand(command())).kind).toBe('created');
    await store.close();
  });

  it('openStore picks SQLite at <dataDir>/dockgate.sqlite without a database URL', async () => {
    const dataDir = join(dir, 'data');
    const store = await openStore({ dataDir, databaseUrl: null });
    expect(store).toBeInstanceOf(SqliteStore);
    expect(existsSync(join(dataDir, 'dockgate.sqlite'))).toBe(true);
    await store.close();
    await expect(openStore({ dataDir, databaseUrl: 'mysql://x' })).rejects.toThrow(/postgres:\/\//);
  });
});
