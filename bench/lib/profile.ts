/**
 * Run sizes. `full` is what `npm run bench` measures (whole run < 10 minutes on the 2-core
 * machine); `smoke` runs every scenario tiny so CI proves the harness still works (not timed).
 */
export interface Profile {
  name: 'full' | 'smoke';
  /**
   * Accept path: closed-loop connections, warm-up and measured window per target, pre-signed
   * requests per gateway run (a run that uses them all up ends early: its window is shorter, the
   * numbers stay valid).
   */
  accept: { concurrency: number; warmupMs: number; durationMs: number; gatewayRequests: number; bareRequests: number; rounds: number };
  /** End to end: closed-loop commands in flight, window, cap; fixed-rate run. */
  e2e: { concurrency: number; warmupMs: number; durationMs: number; maxCount: number; docks: number; rate: number; rateCount: number; rateWarmup: number; lowRate: number };
  /** Mock vs Prism: closed-loop connections; `rounds` interleaved rounds (mock, Prism, mock, …), each with this warm-up and window. */
  mock: { concurrency: number; warmupMs: number; durationMs: number; maxCount: number; rounds: number };
  /** Generator: sizes of the synthetic catalogs. */
  generator: { sizes: number[] };
  /** Memory: commands left pending. */
  memory: { pending: number; concurrency: number };
  /**
   * Telemetry ingest (scenarios/telemetry.ts): devices and publisher connections; the burst (QoS 1,
   * closed loop) for the ingest rate; the open-loop rate, window and probe period for freshness;
   * devices and rate for memory.
   */
  telemetry: {
    devices: number;
    connections: number;
    burstCount: number;
    burstConcurrency: number;
    burstDurationMs: number;
    rate: number;
    rateDurationMs: number;
    probeEveryMs: number;
    memoryDevices: number;
    memoryRate: number;
  };
  /** Event streams: concurrent SSE subscribers, events measured. */
  streams: { streams: number; events: number };
  /** Webhooks: deliveries to one endpoint and the concurrency (per-endpoint cap = bare loop connections); latency events at `rate`/s. */
  webhooks: { deliveries: number; concurrency: number; rate: number; latencyEvents: number };
}

export const FULL: Profile = {
  name: 'full',
  accept: { concurrency: 32, warmupMs: 1000, durationMs: 4000, gatewayRequests: 120_000, bareRequests: 40_000, rounds: 3 },
  e2e: { concurrency: 32, warmupMs: 2000, durationMs: 10_000, maxCount: 30_000, docks: 8, rate: 500, rateCount: 5000, rateWarmup: 500, lowRate: 100 },
  mock: { concurrency: 32, warmupMs: 1000, durationMs: 4000, maxCount: 200_000, rounds: 3 },
  generator: { sizes: [83, 1000] },
  memory: { pending: 10_000, concurrency: 32 },
  // 5,000 devices at DJI's 0.5 Hz = 2,500 osd/s; 10,000 devices for memory.
  telemetry: { devices: 5000, connections: 20, burstCount: 100_000, burstConcurrency: 256, burstDurationMs: 20_000, rate: 2500, rateDurationMs: 20_000, probeEveryMs: 100, memoryDevices: 10_000, memoryRate: 2500 },
  streams: { streams: 1000, events: 10 },
  webhooks: { deliveries: 5000, concurrency: 4, rate: 200, latencyEvents: 2000 },
};

export const SMOKE: Profile = {
  name: 'smoke',
  accept: { concurrency: 4, warmupMs: 200, durationMs: 800, gatewayRequests: 500, bareRequests: 500, rounds: 1 },
  e2e: { concurrency: 4, warmupMs: 200, durationMs: 800, maxCount: 600, docks: 2, rate: 50, rateCount: 30, rateWarmup: 5, lowRate: 20 },
  mock: { concurrency: 4, warmupMs: 200, durationMs: 800, maxCount: 500, rounds: 1 },
  generator: { sizes: [20] },
  memory: { pending: 200, concurrency: 8 },
  telemetry: { devices: 100, connections: 2, burstCount: 2000, burstConcurrency: 32, burstDurationMs: 3000, rate: 100, rateDurationMs: 2000, probeEveryMs: 200, memoryDevices: 200, memoryRate: 400 },
  streams: { streams: 20, events: 2 },
  webhooks: { deliveries: 100, concurrency: 4, rate: 50, latencyEvents: 25 },
};
