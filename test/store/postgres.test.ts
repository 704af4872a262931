/**
 * The store contract on PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test),
 * one fresh schema per test, all dropped afterwards; plus multi-instance behaviour and connection
 * failures. Unreachable database: fails when CI=true, skips with a message otherwise.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../server/store/index.js';
import { loadMigrations } from '../../server/store/migrations.js';
import { openPostgresStore, PostgresStore } from '../../server/store/postgres/store.js';
import { StoreUnavailableError } from '../../server/store/types.js';
import { command, describeStoreContract } from './contract.js';
import { PG_URL, postgresProblem } from '../support/postgres.js';

const url = PG_URL;

const problem = await postgresProblem();
const prefix = `dgtest_${process.pid}_${randomBytes(3).toString('hex')}`;
let n = 0;
const schemas: string[] = [];
const freshSchema = () => {
  const s = `${prefix}_${++n}`;
  schemas.push(s);
  return s;
};

async function dropSchemas(): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } finally {
    await c.end();
  }
}

if (problem && process.env.CI === 'true') {
  describe('postgres store', () => {
    it(`needs PostgreSQL at ${url}`, () => {
      throw new Error(`PostgreSQL unreachable at ${url} (CI=true): ${problem}`);
    });
  });
} else if (problem) {
  console.warn(`[test/store/postgres] SKIPPED: PostgreSQL unreachable at ${url} (${problem}). Set TEST_DATABASE_URL or start PostgreSQL; CI=true makes this a failure.`);
  describe.skip('postgres store (PostgreSQL unreachable)', () => {
    it('skipped', () => {});
  });
} else {
  describeStoreContract('postgres', () => openPostgresStore(url, { schema: freshSchema(), poolSize: 8 }), dropSchemas);

  describe('postgres store specifics', () => {
    afterAll(dropSchemas);

    it('migrates once when several instances start together, and again is a no-op', async () => {
      const schema = freshSchema();
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(url, { schema, poolSize: 2 })));
      try {
        await stores[0].migrate();
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          const { rows } = await c.query(`SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`);
          expect(rows).toEqual(loadMigrations('postgres').map((m) => ({ version: m.version, name: m.name })));
        } finally {
          await c.end();
        }
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('shares one idempotency key, one claim and one timeout across instances', async () => {
      const schema = freshSchema();
      const a = await openPostgresStore(url, { schema, poolSize: 5 });
      const b = await openPostgresStore(url, { schema, poolSize: 5 });
      try {
        const outs = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).createCommand(command({ idempotency_key: 'shared', request_hash: 'h' }))),
        );
        expect(outs.filter((o) => o.kind === 'created')).toHaveLength(1);
        for (let i = 0; i < 20; i++) await a.createCommand(command({ deadline_at: '2026-04-22T12:00:01.000Z' }));
        const claims = await Promise.all([a, b, a, b].map((s, i) => s.claimPendingDispatch(`owner-${i}`, 6, 60_000)));
        const ids = claims.flat().map((c) => c.command_id);
        expect(ids).toHaveLength(21);
        expect(new Set(ids).size).toBe(21);
        const sweeps = await Promise.all([a, b, a, b].map((s) => s.expireCommands('2026-04-22T13:00:00.000Z')));
        expect(sweeps.flat()).toHaveLength(21);
        const seqs = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).nextDrcSeq('DOCK-9')));
        expect(new Set(seqs).size).toBe(10);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('commits an accepted command only with its event: a refused event insert leaves no command', async () => {
      const schema = freshSchema();
      const store = await openPostgresStore(url, { schema, poolSize: 2 });
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE FUNCTION ${schema}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'event insert refused'; END $$`);
        await admin.query(`CREATE TRIGGER refuse BEFORE INSERT ON ${schema}.events FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse()`);
        const c = command();
        await expect(store.createCommand(c)).rejects.toThrow(/event insert refused/);
        expect(await store.getCommand(c.command_id)).toBeNull();
        await admin.query(`DROP TRIGGER refuse ON ${schema}.events`);
        expect((await store.createCommand(c)).kind).toBe('created');
        const { events } = await store.events.read(null, { api_id: c.api_id, allowed_devices: null }, 10);
        expect(events.map((e) => [e.type, e.sequence])).toEqual([['command.accepted', 1]]);
      } finally {
        await admin.end();
        await store.close();
      }
    });

    it('returns timestamps as ISO strings with ms and Z whatever the session time zone', async () => {
      const schema = freshSchema();
      const u = new URL(url);
      u.searchParams.set('options', `${u.searchParams.get('options') ?? ''} -c TimeZone=Asia/Tokyo`.trim());
      const store = await openPostgresStore(u.toString(), { schema });
      try {
        const { rows } = await (store as unknown as { e: { pool: pg.Pool } }).e.pool.query('SHOW TimeZone');
        expect(rows[0].TimeZone).toBe('Asia/Tokyo');
        const c = await store.createCommand(command({ accepted_at: '2026-04-22T21:00:00.123+09:00' }));
        expect(c.command.accepted_at).toBe('2026-04-22T12:00:00.123Z');
        expect((await store.getCommand(c.command.command_id))?.accepted_at).toBe('2026-04-22T12:00:00.123Z');
      } finally {
        await store.close();
      }
    });

    it('rejects with StoreUnavailableError when the server is unreachable', async () => {
      const err = await openPostgresStore('postgres://postgres@127.0.0.1:1/test', { schema: freshSchema() }).catch((e) => e);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      const store = new PostgresStore('postgres://postgres@127.0.0.1:1/test');
      await expect(store.getCommand('x')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.rememberNonce('a', 'n', new Date().toISOString())).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await store.ping()).toBe(false);
      await store.close();
    });

    it('recovers by itself after its connections are killed (57P01 admin shutdown)', async () => {
      const schema = freshSchema();
      const store = await openPostgresStore(url, { schema, poolSize: 3 });
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const c = await store.createCommand(command());
        await Promise.all([store.ping(), store.ping(), store.ping()]);
        const killed = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`dockgate:${schema}`]);
        expect(killed.rowCount).toBeGreaterThan(0);
        // Calls during the outage either succeed on a new connection or say "unavailable"; never anything else.
        let ok = false;
        for (let i = 0; i < 20 && !ok; i++) {
          try {
            ok = (await store.getCommand(c.command.command_id))?.command_id === c.command.command_id;
          } catch (err) {
            expect(err).toBeInstanceOf(StoreUnavailableError);
            await new Promise((r) => setTimeout(r, 50));
          }
        }
        expect(ok).toBe(true);
        expect(await store.ping()).toBe(true);
      } finally {
        await admin.end();
        await store.close();
      }
    });

    it('openStore picks PostgreSQL for a postgres:// URL (schema chosen by the URL options)', async () => {
      const schema = freshSchema();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      const u = new URL(url);
      u.searchParams.set('options', `-c search_path=${schema}`);
      const store = await openStore({ databaseUrl: u.toString(), dataDir: '/nonexistent' });
      try {
        expect(store).toBeInstanceOf(PostgresStore);
        const c = await store.createCommand(command());
        const { rows } = await admin.query(`SELECT command_id FROM ${schema}.commands`);
        expect(rows).toEqual([{ command_id: c.command.command_id }]);
      } finally {
        await admin.end();
        await store.close();
      }
    });
  });
}
