/**
 * The delivery worker (issue 13 item 4): claims due deliveries from the store under a lease (so
 * several instances share the work, and a killed instance's deliveries are claimed again when the
 * lease ends: at-least-once), sends each signed (./secrets.ts) through the guarded sender
 * (./send.ts), records the attempt and the next state in one store call, and applies the retry and
 * disable rules (./policy.ts). A slow or dead endpoint holds at most `perEndpoint` of the `global`
 * slots: endpoints at their cap are excluded from claims, so others keep flowing.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from '../store/types/webhooks.js';
import { DISABLE_AFTER_FAILING_MS, RETRY_SCHEDULE_MS, verdict } from './policy.js';
import { signedHeaders, signingSecrets } from './secrets.js';
import { send } from './send.js';
import type { dnsLookup } from './types.js';

export interface WebhookWorkerOptions {
  store: Store;
  /** Lease owner id (instance id). */
  owner?: string;
  /** `WEBHOOK_ALLOW_PRIVATE`: deliver to loopback/private addresses (and http to loopback). */
  allowPrivate: boolean;
  /** Retry delays (default Svix' schedule); tests compress it. */
  schedule?: readonly number[];
  /** Overrides every endpoint's `timeout_seconds` (tests). */
  timeoutMs?: number;
  /** Lease of a claim (default 120 s; must exceed timeout × claimBatch / perEndpoint). */
  leaseMs?: number;
  /** Poll interval when idle (default 500 ms); `kick()` claims at once. */
  pollMs?: number;
  /** Concurrent attempts in this instance (default 64) and per endpoint (default 4). */
  global?: number;
  perEndpoint?: number;
  /** Clock (ms), injectable. */
  now?: () => number;
  /** DNS resolution (tests). */
  resolve?: dnsLookup;
  logger?: Logger;
}

/** Runs delivery in the background: `start()`, `kick()` after an enqueue, `stop()` on shutdown. */
export class WebhookWorker {
  readonly owner: string;
  private readonly o: Required<Omit<WebhookWorkerOptions, 'resolve' | 'logger' | 'timeoutMs' | 'owner'>> & Pick<WebhookWorkerOptions, 'resolve' | 'logger' | 'timeoutMs'>;
  private readonly inflight = new Map<string, number>();
  private readonly queued = new Map<string, WebhookDeliveryRecord[]>();
  private active = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private claiming: Promise<void> | null = null;
  private again = false;
  private readonly idle = new Set<() => void>();
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  constructor(opts: WebhookWorkerOptions) {
    this.owner = opts.owner ?? `webhooks-${randomUUID()}`;
    this.o = {
      schedule: RETRY_SCHEDULE_MS, leaseMs: 120_000, pollMs: 500, global: 64, perEndpoint: 4, now: Date.now, ...opts,
    } as WebhookWorker['o'];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.claimNow();
  }

  /** Stops claiming; resolves when in-flight attempts have been recorded. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.claiming;
    if (this.active > 0) await new Promise<void>((r) => this.idle.add(r));
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Claim now (something was enqueued, or a slot came free). */
  kick(): void {
    if (!this.running) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claimNow();
  }

  private schedulePoll(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.claimNow(), ms);
    this.timer.unref?.();
  }

  private claimNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.claiming = this.claim().finally(() => {
      this.claiming = null;
      if (!this.running) return;
      const more = this.again;
      this.again = false;
      if (more) this.claimNow();
      else this.schedulePoll(this.o.pollMs);
    });
  }

  private async claim(): Promise<void> {
    const free = this.o.global - this.active;
    if (free <= 0) return;
    const exclude = [...this.inflight].filter(([, n]) => n >= this.o.perEndpoint).map(([id]) => id);
    let claimed: WebhookDeliveryRecord[];
    try {
      claimed = await this.o.store.webhooks.claimDue(this.owner, Math.min(free, 16), this.o.leaseMs, new Date(this.o.now()).toISOString(), exclude);
    } catch (err) {
      this.o.logger?.warn({ err }, 'webhook claim failed');
      return;
    }
    for (const d of claimed) this.enqueueLocal(d);
    // A full batch: more may be due.
    if (claimed.length === Math.min(free, 16)) this.again = true;
  }

  private enqueueLocal(d: WebhookDeliveryRecord): void {
    const n = this.inflight.get(d.endpoint_id) ?? 0;
    if (n >= this.o.perEndpoint) {
      const q = this.queued.get(d.endpoint_id) ?? [];
      q.push(d);
      this.queued.set(d.endpoint_id, q);
      return;
    }
    this.inflight.set(d.endpoint_id, n + 1);
    this.active++;
    void this.attempt(d).finally(() => this.done(d.endpoint_id));
  }

  private done(endpoint_id: string): void {
    this.active--;
    const n = (this.inflight.get(endpoint_id) ?? 1) - 1;
    if (n === 0) this.inflight.delete(endpoint_id);
    else this.inflight.set(endpoint_id, n);
    const q = this.queued.get(endpoint_id);
    const next = q?.shift();
    if (q && q.length === 0) this.queued.delete(endpoint_id);
    if (next) this.enqueueLocal(next);
    else if (this.running) this.kick();
    if (this.active === 0) for (const r of this.idle) r(), this.idle.delete(r);
  }

  /** One attempt of one delivery, recorded; never throws. */
  private async attempt(d: WebhookDeliveryRecord): Promise<void> {
    const w = this.o.store.webhooks;
    try {
      const ep = await w.getEndpoint(d.endpoint_id);
      const startedMs = this.o.now();
      const attemptedAt = new Date(startedMs).toISOString();
      const base = { attempt_id: randomUUID(), delivery_id: d.delivery_id, endpoint_id: d.endpoint_id, event_id: d.event_id, attempted_at: attemptedAt };
      if (!ep || ep.status !== 'ACTIVE') {
        const attempt = { ...base, status_code: null, latency_ms: 0, response_body: '', error: 'endpoint disabled' };
        return await w.completeAttempt(d.delivery_id, { attempt, status: 'FAILED', next_attempt_at: attemptedAt });
      }
      const r = await send({
        url: ep.url,
        headers: signedHeaders(d.event_id, new Date(startedMs), d.body, signingSecrets(ep, startedMs)),
        body: d.body,
        timeoutMs: this.o.timeoutMs ?? ep.timeout_seconds * 1000,
        allowPrivate: this.o.allowPrivate,
        resolve: this.o.resolve,
        agents: this.agents,
      });
      const nowMs = this.o.now();
      const v = verdict(d.attempts + 1, r.status, r.retryAfter, nowMs, this.o.schedule);
      const attempt = { ...base, status_code: r.status, latency_ms: r.latencyMs, response_body: r.body, error: r.error ?? (r.status !== null && r.status >= 300 && r.status < 400 ? 'redirect not followed' : null) };
      const status = v.kind === 'succeeded' ? 'SUCCEEDED' : v.kind === 'retry' ? 'PENDING' : 'FAILED';
      const next = v.kind === 'retry' ? new Date(nowMs + v.delayMs).toISOString() : attemptedAt;
      await w.completeAttempt(d.delivery_id, { attempt, status, next_attempt_at: next });
      await this.endpointAfter(ep, v.kind, nowMs);
    } catch (err) {
      // The store failed: the lease runs out and the delivery is claimed again (at-least-once).
      this.o.logger?.warn({ err, delivery_id: d.delivery_id }, 'webhook attempt not recorded');
    }
  }

  /** 410 disables; 5 days of failures disable; a success ends the failing run. */
  private async endpointAfter(ep: WebhookEndpointRecord, kind: string, nowMs: number): Promise<void> {
    const w = this.o.store.webhooks;
    const updated_at = new Date(nowMs).toISOString();
    if (kind === 'succeeded') {
      if (ep.failing_since !== null) await w.updateEndpoint(ep.endpoint_id, { failing_since: null, updated_at });
    } else if (kind === 'gone') {
      await w.updateEndpoint(ep.endpoint_id, { status: 'DISABLED', disabled_reason: 'gone', updated_at });
    } else if (ep.failing_since === null) {
      await w.updateEndpoint(ep.endpoint_id, { failing_since: updated_at, updated_at });
    } else if (nowMs - Date.parse(ep.failing_since) >= DISABLE_AFTER_FAILING_MS) {
      await w.updateEndpoint(ep.endpoint_id, { status: 'DISABLED', disabled_reason: 'failing', updated_at });
    }
  }
}
