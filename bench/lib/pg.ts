/**
 * A fresh PostgreSQL schema per benchmark run, selected through the connection string
 * (`options=-c search_path=<schema>`), so the gateway runs unchanged and nothing of an earlier
 * run (or of the tests) is in its tables.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Default database of this machine (trust auth). Override with BENCH_DATABASE_URL. */
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface FreshSchema {
  schema: string;
  /** The URL to give the gateway (DATABASE_URL). */
  url: string;
  drop(): Promise<void>;
}

/** Create `bench_<random>` and return a URL whose connections use it. Rejects when PostgreSQL is unreachable. */
export async function freshSchema(baseUrl: string): Promise<FreshSchema> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const sep = baseUrl.includes('?') ? '&' : '?';
  return {
    schema,
    url: `${baseUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3000 });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
