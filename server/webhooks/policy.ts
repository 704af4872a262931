/**
 * Retry and disable rules of webhook delivery (issue 13 item 4). The schedule is Svix' (after the
 * first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — https://docs.svix.com/retries), so a
 * delivery is tried 8 times over about 27.5 hours; a 2xx is success; `Retry-After` on 429/503
 * replaces the step's delay (capped at 10 h, the longest step); 410 Gone disables the endpoint; an
 * endpoint whose attempts have failed for 5 days without a success is disabled.
 */

/** Delays in ms after attempt 1, 2, … fails; past the end the delivery is FAILED. */
export const RETRY_SCHEDULE_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** The longest `Retry-After` honoured (the longest step of the schedule): a receiver cannot park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 36_000_000;

/** How long an endpoint may fail without a success before it is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600 * 1000;

/** What to do after an attempt. */
export type Verdict =
  | { kind: 'succeeded' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'failed' }
  /** 410: the delivery fails and the endpoint is disabled. */
  | { kind: 'gone' };

/** `Retry-After` (delta-seconds or an HTTP-date, RFC 9110 §10.2.3) in ms from `nowMs`, or null when absent/invalid. */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (value == null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - nowMs);
}

/**
 * The verdict for attempt number `attempt` (1-based) that got `status` (null: no response).
 * `schedule` is injectable so tests compress it.
 */
export function verdict(attempt: number, status: number | null, retryAfter: string | null, nowMs: number, schedule: readonly number[] = RETRY_SCHEDULE_MS): Verdict {
  if (status !== null && status >= 200 && status < 300) return { kind: 'succeeded' };
  if (status === 410) return { kind: 'gone' };
  if (attempt > schedule.length) return { kind: 'failed' };
  let delayMs = schedule[attempt - 1]!;
  if (status === 429 || status === 503) {
    const ra = retryAfterMs(retryAfter, nowMs);
    if (ra !== null) delayMs = Math.min(ra, MAX_RETRY_AFTER_MS);
  }
  return { kind: 'retry', delayMs };
}
