/**
 * Child process for the SQLite durability test: `write <file> <json record>` stores a command and
 * exits abruptly (no close), `read <file> <command_id>` prints the stored command as JSON.
 */
import { openSqliteStore } from '../../server/store/sqlite/store.js';

const [mode, file, arg] = process.argv.slice(2);
const store = await openSqliteStore(file);
if (mode === 'write') {
  const out = await store.createCommand(JSON.parse(arg));
  process.stdout.write(out.kind);
  process.exit(0); // no close(): a crash must not lose an acknowledged write
} else {
  process.stdout.write(JSON.stringify(await store.getCommand(arg)));
  await store.close();
}
