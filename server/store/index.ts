/**
 * Store selection: PostgreSQL when a database URL is configured, else the embedded SQLite file
 * `<dataDir>/dockgate.sqlite`. Both are migrated before they are returned. `memory:` opens the
 * in-memory store instead, for tests and sandboxes only (its data is lost on exit).
 */
import { join } from 'node:path';
import { openMemoryStore } from './memory/store.js';
import { openPostgresStore } from './postgres/store.js';
import { openSqliteStore } from './sqlite/store.js';
import type { Store } from './types.js';

export type { Store } from './types.js';
export { StoreUnavailableError } from './types.js';
export { InvalidCursorError } from './cursor.js';

/** Open the configured store. TypeError for a URL that is not postgres://, postgresql:// or memory:; StoreUnavailableError when PostgreSQL is unreachable. */
export function openStore(o: { databaseUrl?: string | null; dataDir: string }): Promise<Store> {
  const url = o.databaseUrl?.trim();
  if (url) {
    if (url === 'memory:') return openMemoryStore();
    if (!/^postgres(ql)?:\/\//.test(url)) return Promise.reject(new TypeError('databaseUrl must start with postgres:// or postgresql://, or be memory:'));
    return openPostgresStore(url);
  }
  return openSqliteStore(join(o.dataDir, 'dockgate.sqlite'));
}
