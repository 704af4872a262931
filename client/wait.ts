/** Waiting for a command to finish by long-polling `GET .../commands/{command_id}?wait_seconds=`. */
import { TERMINAL_STATUSES } from '../spec/api/lifecycle.js';
import { DockgateApiError, type ApiResult } from './errors.js';

const TERMINAL = new Set<string>(TERMINAL_STATUSES);

/** How long to wait: `timeoutMs` overall (default 60 000), each poll at most `maxWaitSeconds` (the API's `wait_seconds` maximum). */
export interface WaitOptions {
  timeoutMs?: number;
  maxWaitSeconds: number;
}

/**
 * Polls `poll(wait_seconds)` until the command is terminal (spec/api.ts TERMINAL_STATUSES) or
 * `timeoutMs` pass; resolves with the last state seen, which is not terminal when time ran out.
 * Each poll asks the server to hold the answer for the whole seconds left (≤ `maxWaitSeconds`);
 * under a second left it sleeps ≤ 250 ms between polls instead of spinning.
 * Throws `DockgateApiError` when a poll answers with an error.
 */
export async function waitForCommand<T extends { status: string }>(poll: (wait_seconds: number) => Promise<ApiResult<T>>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const remaining = deadline - Date.now();
    const wait_seconds = Math.max(0, Math.min(options.maxWaitSeconds, Math.floor(remaining / 1000)));
    const r = await poll(wait_seconds);
    if (r.error !== undefined || r.data === undefined) throw new DockgateApiError(r.response.status, r.error as never);
    if (TERMINAL.has(r.data.status) || Date.now() >= deadline) return r.data;
    if (wait_seconds === 0) await new Promise((done) => setTimeout(done, Math.min(250, Math.max(0, deadline - Date.now()))));
  }
}
