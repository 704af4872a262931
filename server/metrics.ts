/**
 * `/metrics` in the Prometheus text format (prom-client, one registry per gateway instance).
 *
 * Three sources:
 * - the store, read at scrape time: commands by status and the pending count. These are
 *   database-wide facts, so every instance reports the same numbers: aggregate with `max`, never `sum`;
 * - this instance's command transitions (`MqttCore.onTransition`): dispatch latency
 *   (accepted_at → delivered_at) and end-to-end latency (accepted_at → completed_at). Each transition
 *   is made by exactly one instance, so these histograms *can* be summed across instances;
 * - the MQTT core's counters (`MqttCore.stats()`), exported as `dockgate_mqtt_<name>_total`, and HTTP
 *   requests counted by a middleware. Per instance; sum them.
 *
 * A scrape never fails because the store is down: the store gauges are then left out and
 * `dockgate_store_up` is 0. Names and meanings are listed in docs/operations.md.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { COMMAND_STATUSES, TERMINAL_STATUSES, type CommandStatus } from '../spec/api.js';
import type { CommandRecord, Store } from './store/types.js';

/** The parts of the MQTT core the metrics read (server/mqtt/core.ts `MqttCore`). */
export interface MetricsMqtt {
  /** Monotonic counters since start (stats.ts STAT_NAMES). */
  stats(): Record<string, number>;
  connected(): boolean;
  /** When present, dispatch and completion latencies are observed automatically from transitions. */
  onTransition?(fn: (rec: CommandRecord) => void): () => void;
}

export interface MetricsOptions {
  store: Pick<Store, 'countCommandsByStatus' | 'countPending'>;
  mqtt?: MetricsMqtt | null;
  /** The embedded broker, for `dockgate_mqtt_refused_total{reason}` (server/mqtt/broker-auth.ts). */
  broker?: { refused(): Record<string, number | undefined> } | null;
  /** Metric name prefix (default `dockgate_`). */
  prefix?: string;
  /** Also export Node.js process metrics (`dockgate_process_*`, `dockgate_nodejs_*`); default true. */
  processMetrics?: boolean;
  /** Latency buckets in seconds (default: 5 ms … 300 s, spanning the 0–300 s `timeout_seconds` range). */
  latencyBuckets?: number[];
}

export interface Metrics {
  registry: Registry;
  /** Record one command's dispatch latency: accepted → delivered (broker PUBACK), milliseconds. */
  observeDispatch(ms: number): void;
  /** Record one command's end-to-end latency: accepted → terminal, milliseconds, with its terminal status. */
  observeCompletion(ms: number, status?: CommandStatus): void;
  /**
   * Feed one transition record (what `MqttCore.onTransition` emits). Observes dispatch on the transition
   * that set `delivered_at` and completion on the one that set `completed_at`; anything else is ignored.
   * Called automatically when `mqtt.onTransition` exists.
   */
  observeTransition(rec: CommandRecord): void;
  /** Hono middleware counting requests by method, route pattern and status (mount before the routes). */
  middleware: MiddlewareHandler;
  /** `GET /metrics` handler: the registry in the Prometheus text format (version 0.0.4). */
  handler(c: Context): Promise<Response>;
  /** Stop listening to transitions. */
  close(): void;
}

/** 5 ms … 300 s. */
export const DEFAULT_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Remembers the last `max` keys (insertion order), so one command is observed once per kind. */
class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly max: number) {}
  /** True the first time `key` is seen (within the window). */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
    return true;
  }
}

function elapsedMs(from: string, to: string): number | null {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** Route pattern of the handler that matched (`/api/v1/open/downlink/commands/:command_id`), or `unmatched`: bounded label values. */
function routeLabel(c: Context): string {
  try {
    const routes = matchedRoutes(c);
    for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  } catch {
    // matchedRoutes needs a router-matched context; fall through.
  }
  return 'unmatched';
}

/**
 * Create the metrics of one gateway instance. See the module comment for what each source means;
 * docs/operations.md for the exported names.
 */
export function createMetrics(o: MetricsOptions): Metrics {
  const p = o.prefix ?? 'dockgate_';
  const registry = new Registry();
  const buckets = o.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS;
  const { store } = o;
  const mqtt = o.mqtt ?? null;
  if (o.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: p });

  let storeRead: Promise<void> | null = null;
  let byStatus: Record<string, number> | null = null;
  let pending: number | null = null;
  // One store read per scrape: prom-client calls the three gauges' get() in one synchronous loop,
  // so they share the read in flight; the next scrape reads again.
  const readStore = () =>
    (storeRead ??= (async () => {
      try {
        const [s, n] = await Promise.all([store.countCommandsByStatus(), store.countPending()]);
        byStatus = s;
        pending = n;
      } catch {
        byStatus = null;
        pending = null;
      }
    })().finally(() => (storeRead = null)));

  // Hand-rolled gauges, because a prom-client Gauge without labels always exposes a value (0),
  // while a count the store could not give must be absent rather than a misleading 0.
  const storeGauge = (name: string, help: string, values: () => { value: number; labels: Record<string, string> }[]) =>
    registry.registerMetric({
      name,
      help,
      type: 'gauge',
      aggregator: 'max',
      async get() {
        await readStore();
        return { name, help, type: 'gauge', aggregator: 'max', values: values() };
      },
      reset() {},
    } as unknown as Parameters<Registry['registerMetric']>[0]);
  storeGauge(`${p}store_up`, '1 when this scrape could read the store, else 0 (then the store gauges are absent).', () => [{ value: byStatus ? 1 : 0, labels: {} }]);
  storeGauge(`${p}commands`, 'Commands in the database by status (database-wide: every instance reports the same; aggregate with max).', () => {
    if (!byStatus) return [];
    const statuses = [...COMMAND_STATUSES, ...Object.keys(byStatus).filter((s) => !(COMMAND_STATUSES as readonly string[]).includes(s))];
    return statuses.map((status) => ({ value: byStatus![status] ?? 0, labels: { status } }));
  });
  storeGauge(`${p}commands_pending`, 'Commands not yet terminal (ACCEPTED or DELIVERED), database-wide.', () => (pending === null ? [] : [{ value: pending, labels: {} }]));

  const dispatch = new Histogram({
    name: `${p}command_dispatch_seconds`,
    help: 'Accepted → delivered (broker PUBACK) per command, seconds; observed by the instance that recorded the delivery.',
    buckets,
    registers: [registry],
  });
  const completion = new Histogram({
    name: `${p}command_completion_seconds`,
    help: 'Accepted → terminal status per command (end-to-end), seconds, by terminal status; observed by the instance that made the final transition.',
    labelNames: ['status'],
    buckets,
    registers: [registry],
  });

  if (mqtt) {
    new Gauge({
      name: `${p}mqtt_connected`,
      help: '1 when connected and subscribed to the broker, else 0.',
      registers: [registry],
      collect() {
        this.set(mqtt.connected() ? 1 : 0);
      },
    });
    // Every MQTT core counter becomes `<prefix>mqtt_<name>_total`; stats are monotonic, so each
    // scrape adds the difference since the previous one.
    const seen = new Map<string, number>();
    const counters = new Map<string, Counter>();
    const HELP: Record<string, string> = {
      published: 'Commands published and acknowledged by the broker (PUBACK).',
      delivered: 'Commands moved to DELIVERED (or SUCCEEDED for reply-less ones) on PUBACK.',
      publish_errors: 'Publishes not acknowledged (connection lost); the command is published again.',
      replies: 'services_reply / drc/up replies applied to a command.',
      unmatched_replies: 'Replies whose tid matched but whose method or gateway did not (command → UNMATCHED_RESPONSE).',
      unknown_tid: 'services_reply messages whose tid belongs to no command.',
      malformed_messages: 'Uplink messages dropped as malformed (not JSON, missing tid, wrong types, oversized).',
      late_replies: 'Replies or events that arrived after the command was terminal (recorded, not applied).',
      duplicate_replies: 'Exact duplicates of an already applied reply (ignored).',
    };
    const sync = () => {
      let s: Record<string, number>;
      try {
        s = mqtt.stats();
      } catch {
        return;
      }
      for (const [name, value] of Object.entries(s)) {
        if (!/^[a-z][a-z0-9_]*$/.test(name) || typeof value !== 'number' || !Number.isFinite(value)) continue;
        let c = counters.get(name);
        if (!c) {
          c = new Counter({
            name: `${p}mqtt_${name}_total`,
            help: HELP[name] ?? `MQTT core counter \`${name}\` (server/mqtt/stats.ts).`,
            registers: [registry],
            collect: sync,
          });
          counters.set(name, c);
        }
        const delta = value - (seen.get(name) ?? 0);
        if (delta > 0) c.inc(delta);
        seen.set(name, value);
      }
    };
    sync(); // creates every counter (at its current value) before the first scrape
  }

  const broker = o.broker ?? null;
  if (broker) {
    const seen = new Map<string, number>();
    new Counter({
      name: `${p}mqtt_refused_total`,
      help: 'Embedded broker: connections, publishes and subscriptions refused, by reason (unknown_client, bad_password, store_unavailable, publish_topic, subscribe_topic).',
      labelNames: ['reason'],
      registers: [registry],
      collect() {
        for (const [reason, value] of Object.entries(broker.refused())) {
          if (typeof value !== 'number') continue;
          const delta = value - (seen.get(reason) ?? 0);
          // inc(0) makes the series visible before the first refusal.
          if (delta >= 0) this.inc({ reason }, delta);
          seen.set(reason, value);
        }
      },
    });
  }

  const httpRequests = new Counter({
    name: `${p}http_requests_total`,
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: `${p}http_request_duration_seconds`,
    help: 'HTTP request duration by method and route pattern, seconds (long-poll GETs included).',
    labelNames: ['method', 'route'],
    buckets,
    registers: [registry],
  });

  const dispatched = new RecentKeys(50_000);
  const completed = new RecentKeys(50_000);
  const metrics: Metrics = {
    registry,
    observeDispatch(ms) {
      if (Number.isFinite(ms) && ms >= 0) dispatch.observe(ms / 1000);
    },
    observeCompletion(ms, status) {
      if (!Number.isFinite(ms) || ms < 0) return;
      completion.observe({ status: status ?? 'unknown' }, ms / 1000);
    },
    observeTransition(rec) {
      // The transition that set a timestamp writes updated_at with the same value; later ones
      // (progress updates, response fields after a terminal event) carry a later updated_at.
      if (rec.delivered_at !== null && rec.delivered_at === rec.updated_at && dispatched.add(rec.command_id)) {
        const ms = elapsedMs(rec.accepted_at, rec.delivered_at);
        if (ms !== null) metrics.observeDispatch(ms);
      }
      if (TERMINAL_STATUSES.includes(rec.status) && rec.completed_at !== null && rec.completed_at === rec.updated_at && completed.add(rec.command_id)) {
        const ms = elapsedMs(rec.accepted_at, rec.completed_at);
        if (ms !== null) metrics.observeCompletion(ms, rec.status);
      }
    },
    async middleware(c, next) {
      const start = performance.now();
      try {
        await next();
      } finally {
        const route = routeLabel(c);
        // A thrown error reaches onError, which sets the response after this finally; count it as 500.
        const status = c.error && c.res.status < 400 ? 500 : c.res.status;
        httpRequests.inc({ method: c.req.method, route, status: String(status) });
        httpDuration.observe({ method: c.req.method, route }, (performance.now() - start) / 1000);
      }
    },
    async handler(c) {
      const body = await registry.metrics();
      return c.body(body, 200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
    },
    close() {
      off?.();
    },
  };
  const off = mqtt?.onTransition?.((rec) => metrics.observeTransition(rec));
  return metrics;
}
