/**
 * The webhook part of the store contract (server/store/types/webhooks.ts): endpoints, subscriptions
 * with prefixes, fan-out to the credentials allowed to see an event, leases, attempts, recovery.
 * Called from describeStoreContract, so every store runs it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../server/store/types.js';
import type { WebhookEndpointRecord, WebhookEventInput } from '../../server/store/types/webhooks.js';

const T0 = Date.parse('2026-04-22T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

export function endpoint(o: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord {
  return {
    endpoint_id: randomUUID(), api_id: 'api-1', name: 'hook', url: 'https://example.com/hook', status: 'ACTIVE', disabled_reason: null,
    timeout_seconds: 15, secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0', previous_secret: null, previous_secret_expires_at: null,
    fanout_position: null, failing_since: null, created_at: at(0), updated_at: at(0), ...o,
  };
}

export function event(o: Partial<WebhookEventInput> = {}): WebhookEventInput {
  return { event_id: randomUUID(), event_type: 'command.completed', visible_to: ['api-1'], body: '{"type":"command.completed"}', created_at: at(0), ...o };
}

const sub = (endpoint_id: string, event_type: string, ms = 0) => ({ subscription_id: randomUUID(), endpoint_id, event_type, status: 'ACTIVE' as const, created_at: at(ms) });

/** Registers the webhook contract tests; `store()` is the current test's fresh store. */
export function describeWebhookContract(store: () => Store): void {
  describe('webhooks', () => {
    it('creates, reads, lists per credential newest first with a cursor, updates endpoints', async () => {
      const w = store().webhooks;
      const a = endpoint({ created_at: at(1) });
      const b = endpoint({ created_at: at(2) });
      await w.createEndpoint(a);
      await w.createEndpoint(b);
      await w.createEndpoint(endpoint({ api_id: 'api-2' }));
      expect(await w.getEndpoint(a.endpoint_id)).toEqual(a);
      const p1 = await w.listEndpoints('api-1', 1);
      expect(p1.items.map((e) => e.endpoint_id)).toEqual([b.endpoint_id]);
      const p2 = await w.listEndpoints('api-1', 1, p1.next_cursor!);
      expect(p2).toEqual({ items: [a], next_cursor: null });
      const u = await w.updateEndpoint(a.endpoint_id, { status: 'DISABLED', disabled_reason: 'gone', updated_at: at(5) });
      expect(u).toEqual({ ...a, status: 'DISABLED', disabled_reason: 'gone', updated_at: at(5) });
      expect(await w.updateEndpoint('nope', { updated_at: at(5) })).toBeNull();
      expect((await w.listActiveEndpoints()).map((e) => e.endpoint_id)).not.toContain(a.endpoint_id);
      expect((await w.listActiveEndpoints()).map((e) => e.endpoint_id)).toContain(b.endpoint_id);
      const moved = await w.updateEndpoint(b.endpoint_id, { fanout_position: 'p-1', updated_at: at(6) });
      expect(moved?.fanout_position).toBe('p-1');
    });

    it('keeps one subscription per (endpoint, type), lists and deletes', async () => {
      const w = store().webhooks;
      const e = endpoint();
      await w.createEndpoint(e);
      const s1 = await w.createSubscription(sub(e.endpoint_id, 'device.*'));
      const again = await w.createSubscription(sub(e.endpoint_id, 'device.*', 1));
      expect(again).toEqual(s1);
      const s2 = await w.createSubscription(sub(e.endpoint_id, 'command.completed', 2));
      expect(await w.listSubscriptions(e.endpoint_id)).toEqual([s1, s2]);
      expect(await w.deleteSubscription('other', s1.subscription_id)).toBe(false);
      expect(await w.deleteSubscription(e.endpoint_id, s1.subscription_id)).toBe(true);
      expect(await w.listSubscriptions(e.endpoint_id)).toEqual([s2]);
    });

    it('fans an event out to active subscribed endpoints of credentials allowed to see it, once', async () => {
      const w = store().webhooks;
      const exact = endpoint();
      const prefix = endpoint();
      const other = endpoint({ api_id: 'api-2' });
      const off = endpoint({ status: 'DISABLED' });
      const unrelated = endpoint();
      for (const e of [exact, prefix, other, off, unrelated]) await w.createEndpoint(e);
      await w.createSubscription(sub(exact.endpoint_id, 'device.offline'));
      await w.createSubscription(sub(prefix.endpoint_id, 'device.*'));
      await w.createSubscription(sub(other.endpoint_id, '*'));
      await w.createSubscription(sub(off.endpoint_id, '*'));
      await w.createSubscription(sub(unrelated.endpoint_id, 'command.*'));
      const ev = event({ event_type: 'device.offline' });
      expect(await w.enqueue(ev)).toBe(2);
      expect(await w.enqueue(ev)).toBe(0);
      expect((await w.getDelivery(exact.endpoint_id, ev.event_id))?.status).toBe('PENDING');
      expect(await w.getDelivery(other.endpoint_id, ev.event_id)).toBeNull();
      expect(await w.enqueue(event({ event_type: 'device.online', visible_to: null }))).toBe(2);
      expect(await w.enqueue(event({ event_type: 'x.y' }), unrelated.endpoint_id)).toBe(1);
    });

    it('claims due deliveries under a lease, skips excluded endpoints, records attempts and retries', async () => {
      const w = store().webhooks;
      const e1 = endpoint();
      const e2 = endpoint();
      await w.createEndpoint(e1);
      await w.createEndpoint(e2);
      await w.createSubscription(sub(e1.endpoint_id, '*'));
      await w.createSubscription(sub(e2.endpoint_id, '*'));
      const ev = event({ visible_to: null });
      await w.enqueue(ev);
      expect(await w.claimDue('a', 10, 1000, at(-1), [])).toEqual([]);
      const mine = await w.claimDue('a', 10, 1000, at(0), [e2.endpoint_id]);
      expect(mine.map((d) => d.endpoint_id)).toEqual([e1.endpoint_id]);
      expect(await w.claimDue('b', 10, 1000, at(500), [e2.endpoint_id])).toEqual([]);
      // The lease ran out (a dead instance): another claims it.
      expect((await w.claimDue('b', 10, 1000, at(1000), [e2.endpoint_id])).map((d) => d.delivery_id)).toEqual([mine[0].delivery_id]);
      const attempt = { attempt_id: randomUUID(), delivery_id: mine[0].delivery_id, endpoint_id: e1.endpoint_id, event_id: ev.event_id, attempted_at: at(1001), status_code: 500, latency_ms: 3, response_body: 'no', error: null };
      await w.completeAttempt(mine[0].delivery_id, { attempt, status: 'PENDING', next_attempt_at: at(6001) });
      expect(await w.claimDue('b', 10, 1000, at(6000), [e2.endpoint_id])).toEqual([]);
      expect(await w.getDelivery(e1.endpoint_id, ev.event_id)).toMatchObject({ status: 'PENDING', attempts: 1, next_attempt_at: at(6001) });
      const a2 = { ...attempt, attempt_id: randomUUID(), attempted_at: at(6002), status_code: null, error: 'timeout' };
      await w.completeAttempt(mine[0].delivery_id, { attempt: a2, status: 'FAILED', next_attempt_at: at(6002) });
      expect(await w.claimDue('b', 10, 1000, at(99_000), [e2.endpoint_id])).toEqual([]);
      const listed = await w.listAttempts({ api_id: 'api-1', endpoint_id: e1.endpoint_id, limit: 1 });
      expect(listed.items).toEqual([a2]);
      expect((await w.listAttempts({ api_id: 'api-1', event_id: ev.event_id, limit: 5, cursor: listed.next_cursor! })).items).toEqual([attempt]);
      expect((await w.listAttempts({ api_id: 'api-2', event_id: ev.event_id, limit: 5 })).items).toEqual([]);

      expect(await w.recoverFailed(e1.endpoint_id, at(1), at(7000))).toBe(0);
      expect(await w.recoverFailed(e1.endpoint_id, at(0), at(7000))).toBe(1);
      expect(await w.getDelivery(e1.endpoint_id, ev.event_id)).toMatchObject({ status: 'PENDING', attempts: 0, next_attempt_at: at(7000) });
      expect(await w.redeliver(e1.endpoint_id, 'nope', at(7000))).toBe(false);
      expect(await w.redeliver(e2.endpoint_id, ev.event_id, at(8000))).toBe(true);
    });
  });
}
