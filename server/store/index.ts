/**
 * Store selection: PostgreSQL when a database URL is configured, else the embedded SQLite file
 * `<dataDir>/dockgate.sqlite`. Both are migrated before they are returned.
 */
import { join } from 'node:path';
import { openPostgresStore } from './postgres/store.js';
import { openSqliteStore } from './sqlite/store.js';
import type { Store } from './types.js';

export type { Store } from './types.js';
export { StoreUnavailableError } from './types.js';
export { InvalidCursorError } from './cursor.js';

/** Open the configured store. TypeError for a URL that is not postgres:// or postgresql://; StoreUnavailableError when PostgreSQL is unreachable. */
export function openStore(o: { databaseUrl?: string | null; dataDir: string }): Promise<Store> {
  const url = o.databaseUrl?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) return Promise.reject(new TypeError('databaseUrl must start with postgres:// or postgresql://'));
    return openPostgresStore(url);
  }
  return openSqliteStore(join(o.dataDir, 'dockgate.sqlite'));
}
