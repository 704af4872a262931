/**
 * Load shapes, each bounded by a count and a time limit:
 * - closed loop: `concurrency` workers, each starts its next operation when the previous ended
 *   (throughput at a fixed concurrency);
 * - open loop: operations start on a fixed schedule (`rate` per second) whether or not earlier ones
 *   ended; latency is counted from the scheduled start, so a stalled server cannot hide its queue
 *   (no coordinated omission).
 * Latencies are in milliseconds; the summary gives ops/s and percentiles.
 */

/** Result of one run. */
export interface LoadResult {
  /** Operations that finished (ok or not) inside the measured window. */
  completed: number;
  /** Operations whose `op` resolved `true`. */
  ok: number;
  /** Operations that threw or resolved `false`, with up to 5 sample messages. */
  errors: number;
  errorSamples: string[];
  /** Measured window, seconds. */
  seconds: number;
  /** ok / seconds. */
  perSecond: number;
  /** Latency percentiles of ok operations, ms. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** An operation: `i` is its 0-based index over the whole run (warm-up included). true = success. */
export type Op = (i: number, worker: number) => Promise<boolean>;

class Recorder {
  private lat: Float64Array;
  private n = 0;
  ok = 0;
  errors = 0;
  completed = 0;
  samples: string[] = [];
  constructor(capacity: number) {
    this.lat = new Float64Array(Math.max(16, capacity));
  }
  record(ms: number, ok: boolean): void {
    this.completed++;
    if (ok) {
      this.ok++;
      if (this.n === this.lat.length) {
        const bigger = new Float64Array(this.lat.length * 2);
        bigger.set(this.lat);
        this.lat = bigger;
      }
      this.lat[this.n++] = ms;
    } else this.errors++;
  }
  error(e: unknown): void {
    this.completed++;
    this.errors++;
    this.sample(e);
  }
  sample(e: unknown): void {
    if (this.samples.length < 5) this.samples.push(e instanceof Error ? e.message : String(e));
  }
  result(seconds: number): LoadResult {
    const a = this.lat.subarray(0, this.n).sort();
    const pct = (p: number) => (a.length === 0 ? NaN : a[Math.min(a.length - 1, Math.ceil((p / 100) * a.length) - 1)]);
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += a[i];
    return {
      completed: this.completed,
      ok: this.ok,
      errors: this.errors,
      errorSamples: this.samples,
      seconds,
      perSecond: this.ok / seconds,
      p50: pct(50),
      p90: pct(90),
      p99: pct(99),
      max: a.length ? a[a.length - 1] : NaN,
      mean: a.length ? sum / a.length : NaN,
    };
  }
}

/**
 * Closed loop. Runs `warmupMs` (not recorded), then records until `maxCount` operations were
 * started in total or `durationMs` passed. In-flight operations are awaited (bounded by the ops'
 * own timeouts) but only those finishing inside the window count.
 */
export async function closedLoop(o: { concurrency: number; durationMs: number; warmupMs?: number; maxCount: number; op: Op }): Promise<LoadResult & { warmupOps: number; fromWarmup?: boolean; lateFailures: number }> {
  const rec = new Recorder(Math.min(o.maxCount, 2_000_000));
  const warmRec = new Recorder(1024);
  // Failures of operations that ended after the window: not part of the numbers, but a smoke run
  // must still see that the path is broken.
  let lateFailures = 0;
  let next = 0;
  let measuring = (o.warmupMs ?? 0) <= 0;
  let warmupOps = 0;
  let stopAt = Infinity;
  let t0 = performance.now();
  let tEnd = 0;
  if (!measuring) {
    setTimeout(() => {
      measuring = true;
      warmupOps = next;
      t0 = performance.now();
      stopAt = t0 + o.durationMs;
    }, o.warmupMs).unref();
  } else stopAt = t0 + o.durationMs;
  const worker = async (w: number) => {
    for (;;) {
      const now = performance.now();
      if (next >= o.maxCount || now >= stopAt) return;
      const i = next++;
      const counted = measuring;
      try {
        const ok = await o.op(i, w);
        const end = performance.now();
        if (counted && end <= stopAt) rec.record(end - now, ok);
        else if (!counted) warmRec.record(end - now, ok);
        else if (!ok) lateFailures++;
      } catch (e) {
        if (counted && performance.now() <= stopAt) rec.error(e);
        else if (!counted) warmRec.error(e);
        else {
          lateFailures++;
          rec.sample(e);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
  tEnd = Math.min(performance.now(), stopAt);
  if (!measuring) {
    // The count ran out during warm-up (a tiny smoke run): report the warm-up operations instead.
    return { ...warmRec.result(Math.max(1e-9, (tEnd - t0) / 1000)), warmupOps: next, fromWarmup: true, lateFailures };
  }
  return { ...rec.result(Math.max(1e-9, (tEnd - t0) / 1000)), warmupOps, lateFailures };
}

/**
 * Open loop at `rate` operations per second for `count` operations (or until `durationMs`), after
 * `warmupCount` operations at the same rate that are not recorded. Latency counts from the
 * scheduled start. Waits for every started operation to settle.
 */
export async function openLoop(o: { rate: number; count: number; warmupCount?: number; durationMs: number; op: Op }): Promise<LoadResult & { lateStarts: number }> {
  const warm = o.warmupCount ?? 0;
  const total = warm + o.count;
  const rec = new Recorder(o.count);
  const interval = 1000 / o.rate;
  const start = performance.now();
  const deadline = start + o.durationMs;
  const inflight = new Set<Promise<void>>();
  let lateStarts = 0;
  let i = 0;
  let tFirst = start + warm * interval;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < total && start + i * interval <= now) {
        const idx = i++;
        const scheduled = start + idx * interval;
        if (now - scheduled > interval * 4) lateStarts++;
        const counted = idx >= warm;
        const p = o.op(idx, 0).then(
          (ok) => {
            if (counted) rec.record(performance.now() - scheduled, ok);
          },
          (e) => {
            if (counted) rec.error(e);
          },
        );
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      if (i >= total || now >= deadline) return resolve();
      const wait = start + i * interval - performance.now();
      setTimeout(tick, Math.max(0, wait));
    };
    tick();
  });
  const lastScheduled = start + (i - 1) * interval;
  await Promise.all(inflight);
  tFirst = Math.min(tFirst, lastScheduled);
  const seconds = Math.max(1e-9, (lastScheduled - tFirst) / 1000 + interval / 1000);
  return { ...rec.result(seconds), lateStarts };
}

/** The element at the median position of `xs` by `key` (the lower middle one for an even count). */
export function medianBy<T>(xs: T[], key: (x: T) => number): T {
  return [...xs].sort((a, b) => key(a) - key(b))[Math.floor((xs.length - 1) / 2)];
}
