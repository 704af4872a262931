/**
 * Versioned schema migrations: `migrations/<dialect>/NNN_name.sql`, applied in version order and
 * recorded in `schema_migrations (version, name, applied_at)`. A file, once shipped, is never
 * edited; a change is a new file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Migration {
  /** The NNN prefix as a number. */
  version: number;
  /** The file name without prefix and extension, e.g. `init`. */
  name: string;
  sql: string;
}

/** Load the migrations of a dialect, sorted by version. Throws on a malformed or duplicate file name. */
export function loadMigrations(dialect: 'sqlite' | 'postgres'): Migration[] {
  const dir = fileURLToPath(new URL(`./migrations/${dialect}/`, import.meta.url));
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new Error(`migration file name must be NNN_name.sql: ${dialect}/${file}`);
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) throw new Error(`duplicate migration version ${m[1]} in ${dialect}/`);
    out.push({ version, name: m[2], sql: readFileSync(dir + file, 'utf8') });
  }
  return out;
}
