/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT of the
 * connection that crosses the threshold (1,000 pages by default), i.e. on the gateway's only
 * thread, where copying the WAL into the database file and its fsyncs stall every request
 * (measured in bench/README.md). A worker thread with its own connection to the same file runs
 * `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs` instead: PASSIVE never takes the write lock,
 * so commits on the main thread go on meanwhile, and a WAL that is fully copied is restarted from
 * its beginning by the next writer. The main connection keeps a high automatic threshold as a
 * backstop (`BACKSTOP_PAGES`), so the WAL stays bounded even if the worker stalls or dies.
 *
 * Source: https://www.sqlite.org/wal.html §"Checkpointing" and §"Avoiding Excessively Large WAL Files".
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages (4 KiB) after which the main connection checkpoints itself anyway (≈ 80 MiB of WAL). */
export const BACKSTOP_PAGES = 20_000;

/** Default period of the worker's checkpoints, ms. */
export const CHECKPOINT_INTERVAL_MS = 200;

// Plain CommonJS evaluated in the worker, so it runs the same under tsx, vitest and plain node.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick retries */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('stopped');
});
`;

/** A running checkpointer; `stop()` runs a last checkpoint and ends the thread (idempotent). */
export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Start checkpointing the WAL of the SQLite database `file` (absolute path, already in WAL mode)
 * every `intervalMs` in a worker thread. Errors in the worker are swallowed: the main connection's
 * backstop threshold still bounds the WAL.
 */
export function startCheckpointer(file: string, intervalMs = CHECKPOINT_INTERVAL_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  worker.unref();
  worker.on('error', () => {
    // The backstop covers it; nothing the request path must know.
  });
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const t = setTimeout(() => void worker.terminate().then(() => resolve(), () => resolve()), 2_000);
        worker.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        worker.once('message', () => void worker.terminate());
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
