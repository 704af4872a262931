/**
 * Process entry points (`npm start`, `npm run mock`): on SIGTERM or SIGINT, close once and exit
 * 0, or 1 when closing fails. A second signal while closing is ignored (close is already running).
 */
import type { Logger } from 'pino';

export function closeOnSignals(close: () => Promise<void>, logger: Logger, what = 'gateway'): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${what} shutting down`);
    close().then(
      () => {
        logger.info(`${what} stopped`);
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, `${what} shutdown failed`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
