/**
 * The tests' PostgreSQL: its URL (TEST_DATABASE_URL, default the CI machine's
 * postgres://postgres@127.0.0.1:5432/test) and a probe that says why it cannot be used.
 */
import pg from 'pg';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL at PG_URL cannot be used (the connect or `SELECT 1` error), or null; gives up after 3 s. */
export async function postgresProblem(): Promise<string | null> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await c.end().catch(() => {});
  }
}
