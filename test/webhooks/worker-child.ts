/** A delivery worker in its own process (for the SIGKILL test): `node --import tsx worker-child.ts <sqlite file> <lease ms>`. Prints `ready`. */
import { openSqliteStore } from '../../server/store/sqlite/store.js';
import { WebhookWorker } from '../../server/webhooks/worker.js';

const [file, lease] = process.argv.slice(2);
const store = await openSqliteStore(file!);
const worker = new WebhookWorker({ store, owner: 'child', allowPrivate: true, leaseMs: Number(lease), pollMs: 20, timeoutMs: 30_000, schedule: [50, 50, 50] });
worker.start();
process.stdout.write('ready\n');
