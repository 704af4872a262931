/**
 * Background pruning of the event log (issue 13 item 2): every `intervalMs`, delete events older
 * than `retentionDays` in batches of `batch` (bounded work per statement, so a large backlog never
 * holds a long lock); several instances may run it, deletes are idempotent.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';

export interface EventPrunerOptions {
  store: Pick<Store, 'events'>;
  /** Keep events this many days (EVENT_RETENTION_DAYS, default 30). */
  retentionDays: number;
  intervalMs?: number;
  /** Rows per delete statement. */
  batch?: number;
  /** Max batches per tick (the rest waits for the next tick). */
  maxBatches?: number;
  logger: Logger;
  now?: () => number;
}

/** One pruning pass; returns how many events were deleted. */
export async function pruneEvents(o: EventPrunerOptions): Promise<number> {
  const before = new Date((o.now ?? Date.now)() - o.retentionDays * 86_400_000).toISOString();
  const batch = o.batch ?? 1000;
  let total = 0;
  for (let i = 0; i < (o.maxBatches ?? 20); i++) {
    const n = await o.store.events.prune(before, batch);
    total += n;
    if (n < batch) break;
  }
  return total;
}

/** Start the pruning timer; `stop()` waits for a running pass. */
export function startEventPruner(o: EventPrunerOptions): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pruneEvents(o)
        .then((n) => n && o.logger.info({ deleted: n }, 'event log pruned'))
        .catch((err: unknown) => o.logger.warn({ err }, 'event prune failed; retrying'))
        .finally(schedule);
    }, o.intervalMs ?? 60_000);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
