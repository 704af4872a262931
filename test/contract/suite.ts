/**
 * The contract suite, defined once and run against each target (mock.test.ts, production.test.ts).
 * Data-driven: command types and their valid/invalid bodies come from `generated/examples.json`
 * (the catalog), operations, statuses and error codes from `generated/openapi.json`. Every call
 * goes through the generated client, whose fetch checks each response against the document
 * (recorder.ts); a response the document does not describe fails the test that caused it. The last
 * test prints the coverage report and fails when any documented outcome, command type or scenario
 * was not observed.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TYPES, type ApiResult, type DockgateClient } from '../../generated/client/index.js';
import { commands as catalog } from '../../spec/catalog.js';
import { signRequest } from '../../spec/signing.js';
import { LIMITS } from '../../spec/api.js';
import { Contract } from './openapi.js';
import type { Cred, Target } from './targets.js';

type Body = Record<string, any>;
interface Examples {
  commands: Record<string, { valid: { name: string; body: Body }[]; invalid: { name: string; body: Body; field?: string; rule?: string }[] }>;
  envelope: { invalid: { name: string; body: unknown; code: string; field?: string; rule?: string }[] };
}

const EXAMPLES: Examples = JSON.parse(readFileSync(fileURLToPath(new URL('../../generated/examples.json', import.meta.url)), 'utf8'));

/** Scenario outcomes the suite must observe. */
export const SCENARIOS = ['succeeded', 'failed', 'timeout', 'unmatched', 'delay'] as const;

/** Concurrency of the command runs (bounded so the suite stays fast without flooding the broker). */
const PARALLEL = 12;

/** Run `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** The same request, re-signed after a change (body, timestamp, headers). */
export async function resign(req: Request, cred: Cred, o: { body?: string; timestamp?: number; contentType?: string; dropHeader?: string } = {}): Promise<Request> {
  const body = o.body ?? (req.method === 'GET' ? '' : new TextDecoder().decode(await req.clone().arrayBuffer()));
  const url = new URL(req.url);
  const headers = new Headers(req.headers);
  const signed = signRequest({ method: req.method, path: url.pathname, query: url.search.slice(1), apiId: cred.apiId, apiKey: cred.apiKey, body, timestamp: o.timestamp });
  for (const [k, v] of Object.entries(signed)) headers.set(k, v);
  if (o.contentType) headers.set('content-type', o.contentType);
  if (o.dropHeader) headers.delete(o.dropHeader);
  headers.delete('content-length');
  return new Request(req.url, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
}

export function errorCode(r: ApiResult<unknown>): string | undefined {
  return (r.error as { code?: string } | undefined)?.code;
}

/** Poll `fn` until it returns non-null, or throw naming `what` after `ms`. */
export async function poll<T>(fn: () => Promise<T | null>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What target-specific tests get from the suite. */
export interface SuiteContext {
  target(): Target;
  /** The generated client with the target's all-scopes credential. */
  api(): DockgateClient;
  /** A valid create body for `type` (its catalog example) on `device_id`, with a fresh idempotency key. */
  bodyFor(type: string, device_id: string, o?: Partial<Body>): Body;
}

/**
 * Define the suite for one target. `start` builds the target (and its recorder); `extra` adds
 * target-specific tests, run after the shared ones and before the coverage check.
 */
export function defineContractSuite(name: string, start: (contract: Contract) => Promise<Target>, extra?: (ctx: SuiteContext) => void): void {
  describe(`contract suite: ${name}`, () => {
    const contract = new Contract();
    let t: Target;
    let api: DockgateClient;
    let checked = 0;
    const run = randomUUID().slice(0, 8);
    const key = (what: string) => `ct-${run}-${what}-${randomUUID().slice(0, 8)}`;
    /** A valid create body for `type` (its catalog example) on `device_id`. */
    const bodyFor = (type: string, device_id: string, o: Partial<Body> = {}): Body => ({
      ...structuredClone(EXAMPLES.commands[type].valid[0].body),
      device_id,
      idempotency_key: key(type),
      timeout_seconds: 20,
      ...o,
    });
    // Filled by earlier tests, used by later ones.
    let someCommandId = '';
    let someRequestId = '';
    let someFlightId = '';

    beforeAll(async () => {
      t = await start(contract);
      api = t.client();
      await t.prepareDocks();
    }, 60_000);

    afterEach(() => {
      const fresh = t?.recorder.violations.slice(checked) ?? [];
      checked += fresh.length;
      expect(fresh, 'responses the OpenAPI document does not describe').toEqual([]);
    });

    afterAll(async () => {
      await t?.close();
    }, 30_000);

    it('the catalog, the examples and the client agree on the command types', () => {
      const fromCatalog = catalog.map((c) => c.command_type).sort();
      expect(Object.keys(EXAMPLES.commands).sort()).toEqual(fromCatalog);
      expect([...COMMAND_TYPES].sort()).toEqual(fromCatalog);
      expect(fromCatalog.length).toBeGreaterThan(0);
    });

    it('every command type reaches a terminal status with its catalog example (SUCCEEDED), routed by dock or aircraft SN', async () => {
      const types = Object.keys(EXAMPLES.commands);
      const results = await mapLimit(types, PARALLEL, async (type, i) => {
        const dock = t.docks[i % t.docks.length];
        const viaAircraft = i % 4 === 3;
        const r = await api.createCommand(bodyFor(type, viaAircraft ? dock.droneSn : dock.sn) as never);
        if (!r.data) return { type, problem: `create ${r.response.status} ${JSON.stringify(r.error)}` };
        const cmd = await api.waitForCommand(r.data.command_id, { timeoutMs: 25_000 });
        if (['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'UNMATCHED_RESPONSE'].includes(cmd.status)) t.recorder.noteTerminal(type, cmd.status);
        const problems: string[] = [];
        if (cmd.status !== 'SUCCEEDED') problems.push(`status ${cmd.status} (response_code ${cmd.response_code}, ${cmd.failure_reason ?? ''})`);
        if (cmd.gateway_sn !== dock.sn) problems.push(`gateway_sn ${cmd.gateway_sn}, expected ${dock.sn}`);
        if (cmd.delivered_at === null || cmd.completed_at === null) problems.push('delivered_at/completed_at not set');
        someCommandId ||= cmd.command_id;
        return problems.length ? { type, problem: problems.join('; ') } : null;
      });
      expect(results.filter(Boolean)).toEqual([]);
    }, 90_000);

    it("rejects each command's invalid catalog example with VALIDATION_FAILED naming the field and rule", async () => {
      const cases = Object.entries(EXAMPLES.commands).flatMap(([type, ex]) => (ex.invalid[0] ? [{ type, ex: ex.invalid[0] }] : []));
      const results = await mapLimit(cases, PARALLEL, async ({ type, ex }) => {
        const r = await api.createCommand({ ...structuredClone(ex.body), device_id: t.docks[0].sn, idempotency_key: key('invalid') } as never);
        const details = (r.error as { details?: { field: string; rule: string }[] } | undefined)?.details ?? [];
        const ok = r.response.status === 400 && errorCode(r) === 'VALIDATION_FAILED' && (!ex.field || details.some((d) => d.field === ex.field && (!ex.rule || d.rule === ex.rule)));
        return ok ? null : `${type} (${ex.name}): ${r.response.status} ${JSON.stringify(r.error ?? r.data)}`;
      });
      expect(results.filter(Boolean)).toEqual([]);
    }, 60_000);

    it('rejects invalid envelopes with the documented code (UNSUPPORTED_VENDOR, UNSUPPORTED_COMMAND, VALIDATION_FAILED)', async () => {
      const results = await mapLimit(EXAMPLES.envelope.invalid, PARALLEL, async (ex) => {
        const r = await api.createCommand(ex.body as never);
        const details = (r.error as { details?: { field: string; rule: string }[] } | undefined)?.details ?? [];
        const ok = r.response.status === 400 && errorCode(r) === ex.code && (!ex.field || details.some((d) => d.field === ex.field));
        return ok ? null : `${ex.name}: ${r.response.status} ${JSON.stringify(r.error)}`;
      });
      expect(results.filter(Boolean)).toEqual([]);
    });

    it('idempotency: same key and body replays the 202 (Idempotent-Replayed), another body is 409 IDEMPOTENCY_CONFLICT', async () => {
      const body = bodyFor('debug_mode_open', t.docks[1].sn, { idempotency_key: key('idem') });
      const first = await api.createCommand(body as never);
      expect(first.response.status).toBe(202);
      const again = await api.createCommand(body as never);
      expect(again.response.status).toBe(202);
      expect(again.response.headers.get('idempotent-replayed')).toBe('true');
      expect(again.data?.command_id).toBe(first.data?.command_id);
      const other = await api.createCommand({ ...body, device_id: t.docks[2].sn } as never);
      expect(other.response.status).toBe(409);
      expect(errorCode(other)).toBe('IDEMPOTENCY_CONFLICT');
    });

    it('malformed bodies: 400 INVALID_REQUEST_BODY, 415 UNSUPPORTED_MEDIA_TYPE, 413 PAYLOAD_TOO_LARGE (create and reply)', async () => {
      const reqId = (await t.injectDeviceRequest(t.docks[0].sn, 'storage_config_get')).request_id;
      const valid = bodyFor('debug_mode_open', t.docks[0].sn);
      const posts: ((c: DockgateClient) => Promise<ApiResult<unknown>>)[] = [
        (c) => c.createCommand(valid as never),
        (c) => c.replyDeviceRequest(reqId, { reply_code: '0' }),
      ];
      const huge = JSON.stringify({ ...valid, payload: { pad: 'x'.repeat(LIMITS.maxBodyBytes) } });
      for (const call of posts) {
        const notJson = await call(t.client({ tamper: (req) => resign(req, t.cred, { body: '{"vendor": "dji",' }) }));
        expect([notJson.response.status, errorCode(notJson)]).toEqual([400, 'INVALID_REQUEST_BODY']);
        const text = await call(t.client({ tamper: (req) => resign(req, t.cred, { contentType: 'text/plain' }) }));
        expect([text.response.status, errorCode(text)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
        const big = await call(t.client({ tamper: (req) => resign(req, t.cred, { body: huge }) }));
        expect([big.response.status, errorCode(big)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      }
    });

    it('webhooks: endpoints, subscriptions, attempts, redeliver, recover, test event; their errors', async () => {
      const ok = async <T>(p: Promise<ApiResult<T>>, status: number): Promise<T> => {
        const r = await p;
        expect([r.response.status, errorCode(r)]).toEqual([status, undefined]);
        return r.data as T;
      };
      const fails = async (what: string, p: Promise<ApiResult<unknown>>, status: number, code: string) => {
        const r = await p;
        expect([what, r.response.status, errorCode(r)]).toEqual([what, status, code]);
      };
      const ep = await ok(api.createWebhookEndpoint({ name: 'contract', url: 'https://hooks.example.com/contract' }), 201);
      expect(ep.secret).toMatch(/^whsec_/);
      const id = ep.endpoint_id;
      await ok(api.listWebhookEndpoints({ limit: 5 }), 200);
      expect(await ok(api.getWebhookEndpoint(id), 200)).not.toHaveProperty('secret');
      expect((await ok(api.updateWebhookEndpoint(id, { rotate_secret: true }), 200)).secret).toMatch(/^whsec_/);
      const sub = await ok(api.createWebhookSubscription(id, { event_type: 'command.*' }), 201);
      await ok(api.listWebhookSubscriptions(id), 200);
      await ok(api.deleteWebhookSubscription(id, sub.subscription_id), 204);
      await fails('delete again', api.deleteWebhookSubscription(id, sub.subscription_id), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      const sent = await ok(api.sendWebhookTest(id), 202);
      await ok(api.listWebhookAttempts({ endpoint_id: id, limit: 5 }), 200);
      await ok(api.redeliverWebhookEvent(id, sent.event_id!), 202);
      await fails('redeliver unknown', api.redeliverWebhookEvent(id, 'evt-unknown'), 404, 'WEBHOOK_DELIVERY_NOT_FOUND');
      await ok(api.recoverWebhookDeliveries(id, { since: '2026-01-01T00:00:00Z' }), 202);
      await fails('create http', api.createWebhookEndpoint({ name: 'x', url: 'http://hooks.example.com/x' }), 400, 'WEBHOOK_URL_NOT_ALLOWED');
      await fails('update http', api.updateWebhookEndpoint(id, { url: 'http://hooks.example.com/x' }), 400, 'WEBHOOK_URL_NOT_ALLOWED');
      const bad: [string, Promise<ApiResult<unknown>>][] = [
        ['createWebhookEndpoint body', api.createWebhookEndpoint({} as never)],
        ['listWebhookEndpoints limit=0', api.listWebhookEndpoints({ limit: 0 })],
        ['getWebhookEndpoint id', api.getWebhookEndpoint('not-a-uuid')],
        ['updateWebhookEndpoint body', api.updateWebhookEndpoint(id, { timeout_seconds: 0 })],
        ['createWebhookSubscription body', api.createWebhookSubscription(id, { event_type: 'Not A Type' })],
        ['listWebhookSubscriptions id', api.listWebhookSubscriptions('not-a-uuid')],
        ['deleteWebhookSubscription id', api.deleteWebhookSubscription(id, 'not-a-uuid')],
        ['listWebhookAttempts limit=0', api.listWebhookAttempts({ limit: 0 })],
        ['redeliverWebhookEvent id', api.redeliverWebhookEvent('not-a-uuid', 'e')],
        ['recoverWebhookDeliveries body', api.recoverWebhookDeliveries(id, {} as never)],
        ['sendWebhookTest id', api.sendWebhookTest('not-a-uuid')],
      ];
      for (const [what, p] of bad) await fails(what, p, 400, 'VALIDATION_FAILED');
      const posts: ((c: DockgateClient) => Promise<ApiResult<unknown>>)[] = [
        (c) => c.createWebhookEndpoint({ name: 'x', url: 'https://hooks.example.com/x' }),
        (c) => c.updateWebhookEndpoint(id, { name: 'x' }),
        (c) => c.createWebhookSubscription(id, { event_type: 'command.*' }),
        (c) => c.recoverWebhookDeliveries(id, { since: '2026-01-01T00:00:00Z' }),
      ];
      const huge = JSON.stringify({ name: 'x'.repeat(LIMITS.maxBodyBytes) });
      for (const call of posts) {
        await fails('not json', call(t.client({ tamper: (req) => resign(req, t.cred, { body: '{"name": ' }) })), 400, 'INVALID_REQUEST_BODY');
        await fails('text', call(t.client({ tamper: (req) => resign(req, t.cred, { contentType: 'text/plain' }) })), 415, 'UNSUPPORTED_MEDIA_TYPE');
        await fails('huge', call(t.client({ tamper: (req) => resign(req, t.cred, { body: huge }) })), 413, 'PAYLOAD_TOO_LARGE');
      }
    });

    it('device requests: list, get, reply (202) seen by the dock as requests_reply, second reply 409; config answered automatically', async () => {
      const sn = t.docks[1].sn;
      // A request type no target answers by itself (the mock answers storage_config_get from its sandbox storage: docs/missions.md).
      const manual = await t.injectDeviceRequest(sn, 'flighttask_resource_get');
      someRequestId = manual.request_id;
      const got = await api.getDeviceRequest(manual.request_id);
      expect(got.data).toMatchObject({ request_id: manual.request_id, device_id: sn, request_type: 'flighttask_resource_get', reply_code: null, replied_at: null });
      const list = await api.listDeviceRequests({ device_id: sn, request_type: 'flighttask_resource_get', limit: 10 });
      expect(list.data?.items.map((i) => i.request_id)).toContain(manual.request_id);

      const reply = await api.replyDeviceRequest(manual.request_id, { reply_code: '0', reply_message: 'ok', payload: { file: { url: 'https://example.com/wayline.kmz', fingerprint: 'abc' } } });
      expect(reply.response.status).toBe(202);
      expect(reply.data).toMatchObject({ request_id: manual.request_id, reply_code: '0', reply_source: 'manual' });
      const end = Date.now() + 5000;
      let seen: Record<string, unknown> | null = null;
      while (!seen && Date.now() < end) {
        seen = await t.replySeenByDock(sn, manual.tid);
        if (!seen) await new Promise((r) => setTimeout(r, 25));
      }
      expect(seen, 'requests_reply recorded by the simulated dock').toMatchObject({ tid: manual.tid, method: 'flighttask_resource_get', data: { result: 0, output: { file: { url: 'https://example.com/wayline.kmz', fingerprint: 'abc' } } } });
      const twice = await api.replyDeviceRequest(manual.request_id, { reply_code: '0' });
      expect([twice.response.status, errorCode(twice)]).toEqual([409, 'DEVICE_REQUEST_ALREADY_REPLIED']);

      const auto = await t.injectDeviceRequest(sn, 'config');
      let autoState = (await api.getDeviceRequest(auto.request_id)).data;
      for (let i = 0; i < 100 && autoState?.reply_source !== 'auto'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        autoState = (await api.getDeviceRequest(auto.request_id)).data;
      }
      expect(autoState?.reply_source).toBe('auto');
      const late = await api.replyDeviceRequest(auto.request_id, { reply_code: '0' });
      expect([late.response.status, errorCode(late)]).toEqual([409, 'DEVICE_REQUEST_ALREADY_REPLIED']);
    });

    it('reads: list with filters and cursor pages, get with wait_seconds, 404 for unknown or foreign ids, 400 for bad parameters', async () => {
      expect(someCommandId).not.toBe('');
      const page1 = await api.listCommands({ device_id: t.docks[0].sn, limit: 1 });
      expect(page1.data?.items).toHaveLength(1);
      expect(page1.data?.next_cursor).toEqual(expect.any(String));
      const page2 = await api.listCommands({ device_id: t.docks[0].sn, limit: 1, cursor: page1.data!.next_cursor! });
      expect(page2.data?.items[0]?.command_id).not.toBe(page1.data?.items[0]?.command_id);
      const filtered = await api.listCommands({ status: 'SUCCEEDED', command_type: 'debug_mode_open', limit: 500 });
      expect(filtered.data?.items.every((c) => c.status === 'SUCCEEDED' && c.command_type === 'debug_mode_open')).toBe(true);
      expect((await api.getCommand(someCommandId, { wait_seconds: 1 })).data?.command_id).toBe(someCommandId);
      expect((await api.listDeviceRequests()).response.status).toBe(200);

      const notFound = await api.getCommand(randomUUID());
      expect([notFound.response.status, errorCode(notFound)]).toEqual([404, 'COMMAND_NOT_FOUND']);
      const foreign = await t.client({ cred: t.readCred }).getCommand(someCommandId);
      expect([foreign.response.status, errorCode(foreign)]).toEqual([404, 'COMMAND_NOT_FOUND']);
      const noRequest = await api.getDeviceRequest(randomUUID());
      expect([noRequest.response.status, errorCode(noRequest)]).toEqual([404, 'DEVICE_REQUEST_NOT_FOUND']);
      const noReply = await api.replyDeviceRequest(randomUUID(), { reply_code: '0' });
      expect([noReply.response.status, errorCode(noReply)]).toEqual([404, 'DEVICE_REQUEST_NOT_FOUND']);

      const bad: [string, Promise<ApiResult<unknown>>][] = [
        ['listCommands limit=0', api.listCommands({ limit: 0 })],
        ['listCommands cursor', api.listCommands({ cursor: 'not-a-cursor' })],
        ['getCommand wait_seconds=31', api.getCommand(someCommandId, { wait_seconds: LIMITS.waitSeconds.max + 1 })],
        ['getCommand id', api.getCommand('not-a-uuid')],
        ['listDeviceRequests limit=501', api.listDeviceRequests({ limit: LIMITS.listLimit.max + 1 })],
        ['getDeviceRequest id', api.getDeviceRequest('not-a-uuid')],
        ['replyDeviceRequest body', api.replyDeviceRequest(someRequestId, {} as never)],
        ['listEvents cursor', api.listEvents({ cursor: 'not-a-cursor' })],
      ];
      for (const [what, p] of bad) {
        const r = await p;
        expect([what, r.response.status, errorCode(r)]).toEqual([what, 400, 'VALIDATION_FAILED']);
      }
    });

    it('devices: list with filters and cursor, detail with presence, topology, state and alarms; alarms raised and cleared; 404 and 400', async () => {
      const dock = t.docks[2];
      // Presence and topology: every dock of the run announced itself (update_topo) with its aircraft.
      const docks = await poll(async () => {
        const r = await api.listDevices({ kind: 'dock', online: true, limit: LIMITS.listLimit.max });
        const sns = new Set(r.data?.items.map((d) => d.sn));
        return t.docks.every((d) => sns.has(d.sn)) ? r.data!.items : null;
      }, 10_000, 'docks listed online');
      expect(docks.every((d) => d.kind === 'dock' && d.online)).toBe(true);
      const p1 = await api.listDevices({ limit: 1 });
      expect(p1.data?.items).toHaveLength(1);
      const p2 = await api.listDevices({ limit: 1, cursor: p1.data!.next_cursor! });
      expect(p2.data?.items[0]?.sn).not.toBe(p1.data?.items[0]?.sn);
      const aircraft = await api.listDevices({ kind: 'aircraft', limit: LIMITS.listLimit.max });
      expect(aircraft.data?.items.find((d) => d.sn === dock.droneSn)).toMatchObject({ kind: 'aircraft', dock_sn: dock.sn });
      expect((await api.listDevices({ model: '9-9-9' })).data?.items).toEqual([]);

      // Detail: online, history, topology, and (once the first osd is written) a state snapshot.
      const detail = await poll(async () => {
        const r = await api.getDevice(dock.sn);
        return r.data?.state ? r.data : null;
      }, 10_000, 'state snapshot of the dock');
      expect(detail).toMatchObject({ sn: dock.sn, kind: 'dock', online: true, aircraft: [dock.droneSn] });
      expect(detail.presence_history[0]).toMatchObject({ online: true });
      expect(detail.state!.version).toBeGreaterThanOrEqual(1);

      // HMS: raise two, clear one: active and cleared lists follow the dock's complete reports.
      await t.raiseHms(dock.sn, ['0x16100083', '0x16100084']);
      await poll(async () => ((await api.listDeviceAlarms(dock.sn)).data?.items.length === 2 ? true : null), 10_000, 'two active alarms');
      await t.clearHms(dock.sn, ['0x16100083']);
      const cleared = await poll(async () => {
        const r = await api.listDeviceAlarms(dock.sn, { state: 'cleared' });
        return r.data?.items.length ? r.data.items : null;
      }, 10_000, 'a cleared alarm');
      expect(cleared[0]).toMatchObject({ code: '0x16100083', sn: dock.sn, cleared_at: expect.any(String) });
      const active = await api.listDeviceAlarms(dock.sn, { state: 'active', limit: 1, lang: 'zh' });
      expect(active.data?.items.map((a) => a.code)).toEqual(['0x16100084']);
      expect(active.data?.items[0]).toMatchObject({ cleared_at: null, message: null });
      expect((await api.getDevice(dock.sn)).data?.active_alarms.map((a) => a.code)).toEqual(['0x16100084']);
      expect((await api.listDeviceAlarms(dock.sn, { state: 'cleared', since: '2999-01-01T00:00:00Z' })).data?.items).toEqual([]);

      const none = await api.getDevice(`NODEVICE${run}`);
      expect([none.response.status, errorCode(none)]).toEqual([404, 'DEVICE_NOT_FOUND']);
      const noAlarms = await api.listDeviceAlarms(`NODEVICE${run}`);
      expect([noAlarms.response.status, errorCode(noAlarms)]).toEqual([404, 'DEVICE_NOT_FOUND']);
      const bad: [string, Promise<ApiResult<unknown>>][] = [
        ['listDevices kind', api.listDevices({ kind: 'drone' as never })],
        ['listDevices cursor', api.listDevices({ cursor: 'not-a-cursor' })],
        ['getDevice sn', api.getDevice('bad/sn')],
        ['getDevice lang', api.getDevice(dock.sn, { lang: 'not a language' })],
        ['listDeviceAlarms state', api.listDeviceAlarms(dock.sn, { state: 'gone' as never })],
        ['listDeviceAlarms since', api.listDeviceAlarms(dock.sn, { since: 'yesterday' })],
      ];
      for (const [what, p] of bad) {
        const r = await p;
        expect([what, r.response.status, errorCode(r)]).toEqual([what, 400, 'VALIDATION_FAILED']);
      }
    }, 60_000);

    it('authentication and scopes on every operation: 401 UNAUTHORIZED, SIGNATURE_INVALID, TIMESTAMP_EXPIRED, NONCE_REPLAYED; 403 FORBIDDEN', async () => {
      const valid = (what: string) => bodyFor('debug_mode_open', t.docks[2].sn, { idempotency_key: key(what) });
      const calls: Record<string, (c: DockgateClient) => Promise<ApiResult<unknown>>> = {
        createCommand: (c) => c.createCommand(valid('auth') as never),
        listCommands: (c) => c.listCommands({ limit: 1 }),
        getCommand: (c) => c.getCommand(someCommandId),
        listDeviceRequests: (c) => c.listDeviceRequests({ limit: 1 }),
        getDeviceRequest: (c) => c.getDeviceRequest(someRequestId),
        replyDeviceRequest: (c) => c.replyDeviceRequest(someRequestId, { reply_code: '0' }),
        listFlightTasks: (c) => c.listFlightTasks({ limit: 1 }),
        getFlightTask: (c) => c.getFlightTask(someFlightId || randomUUID()),
        listMedia: (c) => c.listMedia({ limit: 1 }),
        listDevices: (c) => c.listDevices({ limit: 1 }),
        getDevice: (c) => c.getDevice(t.docks[0].sn),
        listDeviceAlarms: (c) => c.listDeviceAlarms(t.docks[0].sn, { limit: 1 }),
        listEvents: (c) => c.listEvents({ limit: 1 }),
        createWebhookEndpoint: (c) => c.createWebhookEndpoint({ name: 'contract', url: 'https://hooks.example.com/contract' }),
        listWebhookEndpoints: (c) => c.listWebhookEndpoints({ limit: 1 }),
        getWebhookEndpoint: (c) => c.getWebhookEndpoint(someCommandId),
        updateWebhookEndpoint: (c) => c.updateWebhookEndpoint(someCommandId, { name: 'x' }),
        listWebhookSubscriptions: (c) => c.listWebhookSubscriptions(someCommandId),
        createWebhookSubscription: (c) => c.createWebhookSubscription(someCommandId, { event_type: 'command.*' }),
        deleteWebhookSubscription: (c) => c.deleteWebhookSubscription(someCommandId, someRequestId),
        listWebhookAttempts: (c) => c.listWebhookAttempts({ limit: 1 }),
        redeliverWebhookEvent: (c) => c.redeliverWebhookEvent(someCommandId, someRequestId),
        recoverWebhookDeliveries: (c) => c.recoverWebhookDeliveries(someCommandId, { since: '2026-01-01T00:00:00Z' }),
        sendWebhookTest: (c) => c.sendWebhookTest(someCommandId),
        // The stream iterator throws on a 4xx; its first step is the call.
        streamEvents: (c) =>
          c
            .streamEvents({}, { lastEventId: someCommandId })
            .next()
            .then(
              () => ({ response: new Response(null, { status: 200 }) }) as never,
              (err: { status: number; error: never }) => ({ response: new Response(null, { status: err.status }), error: err.error }),
            ),
      };
      const stale = Math.floor(Date.now() / 1000) - 2 * LIMITS.signatureWindowSeconds;
      const cases: [string, number, string, (op: { scope: string }) => DockgateClient][] = [
        ['missing signature header', 401, 'UNAUTHORIZED', () => t.client({ tamper: (req) => resign(req, t.cred, { dropHeader: 'X-Api-Signature' }) })],
        ['unknown API ID', 401, 'UNAUTHORIZED', () => t.client({ cred: { apiId: `nobody-${run}`, apiKey: 'x' } })],
        ['wrong key', 401, 'SIGNATURE_INVALID', () => t.client({ cred: { apiId: t.cred.apiId, apiKey: 'not-the-key' } })],
        ['stale timestamp', 401, 'TIMESTAMP_EXPIRED', () => t.client({ tamper: (req) => resign(req, t.cred, { timestamp: stale }) })],
        ['nonce sent twice', 401, 'NONCE_REPLAYED', () => t.client({ sendTwice: true })],
        ['scope missing', 403, 'FORBIDDEN', (op) => t.client({ cred: op.scope.endsWith(':create') ? t.readCred : t.writeCred })],
      ];
      const failures: string[] = [];
      for (const op of contract.operations) {
        const call = calls[op.operationId];
        if (!call) {
          failures.push(`${op.operationId}: no contract call defined for this operation (add one to test/contract/suite.ts)`);
          continue;
        }
        for (const [what, status, code, client] of cases) {
          const r = await call(client(op));
          if (r.response.status !== status || errorCode(r) !== code) failures.push(`${op.operationId} ${what}: ${r.response.status} ${errorCode(r)} (expected ${status} ${code})`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('events: the accepted command\'s command.accepted is listed and streamed (resumed after the event before it)', async () => {
      const dock = t.docks[2].sn;
      const created = await api.createCommand(bodyFor('debug_mode_open', dock, { idempotency_key: key('events') }) as never);
      expect(created.response.status).toBe(202);
      const id = (created.data as { command_id: string }).command_id;
      const listed = await api.listEvents({ type: 'command.accepted', device_id: dock, limit: 500 });
      expect(listed.response.status).toBe(200);
      const items = listed.data!.items;
      const mine = items.findIndex((e) => (e.data as { command_id?: string }).command_id === id);
      expect(mine).toBeGreaterThanOrEqual(0);
      const resume = mine > 0 ? { lastEventId: items[mine - 1]!.id } : {};
      const ctl = new AbortController();
      const it = api.streamEvents({ type: 'command.accepted', device_id: dock }, { ...resume, signal: ctl.signal });
      if (mine > 0) {
        const first = await it.next();
        expect((first.value as { id: string }).id).toBe(items[mine]!.id);
      }
      ctl.abort();
      await it.return(undefined);
    });

    it('scenario outcomes: succeeded, failed with a DJI code, timeout, unmatched, delay', async () => {
      const dock = t.docks[0].sn;
      const cases = [
        { scenario: 'succeeded', prefer: 'outcome=succeeded', type: 'cover_open', status: 'SUCCEEDED' },
        { scenario: 'failed', prefer: 'outcome=failed, code=514107', type: 'cover_close', status: 'FAILED', response_code: '514107', failure_code: 'DEVICE_EXECUTION_FAILED' },
        { scenario: 'timeout', prefer: 'outcome=timeout', type: 'debug_mode_open', status: 'TIMED_OUT', failure_code: 'TIMED_OUT', timeout_seconds: 1 },
        { scenario: 'unmatched', prefer: 'outcome=unmatched', type: 'debug_mode_close', status: 'UNMATCHED_RESPONSE', failure_code: 'UNMATCHED_RESPONSE' },
        { scenario: 'delay', prefer: 'delay=1500', type: 'supplement_light_open', status: 'SUCCEEDED', minReplyDelayMs: 1400 },
      ];
      const failures = await mapLimit(cases, cases.length, async (c) => {
        const r = await t.createWithScenario(c.prefer, bodyFor(c.type, dock, c.timeout_seconds ? { timeout_seconds: c.timeout_seconds } : {}));
        if (!r.data) return `${c.scenario}: create ${r.response.status} ${JSON.stringify(r.error)}`;
        const cmd = await api.waitForCommand(r.data.command_id, { timeoutMs: 15_000 });
        const problems: string[] = [];
        if (cmd.status !== c.status) problems.push(`status ${cmd.status}`);
        if (c.response_code && cmd.response_code !== c.response_code) problems.push(`response_code ${cmd.response_code}`);
        if (c.failure_code && cmd.failure_code !== c.failure_code) problems.push(`failure_code ${cmd.failure_code}`);
        if (c.minReplyDelayMs) {
          const waited = Date.parse(cmd.response_received_at ?? '') - Date.parse(cmd.delivered_at ?? '');
          if (!(waited >= c.minReplyDelayMs)) problems.push(`reply came ${waited} ms after delivery`);
        }
        if (problems.length) return `${c.scenario}: ${problems.join('; ')}`;
        t.recorder.noteScenario(c.scenario, `${c.prefer} → ${cmd.status}${cmd.response_code ? ` (${cmd.response_code})` : ''}`);
        return null;
      });
      expect(failures.filter(Boolean)).toEqual([]);
    }, 30_000);

    it('missions: prepare + execute → SUCCEEDED with a flight task (ok); a mission failing at a waypoint → task failed with its break point; lists, 404 and 400', async () => {
      const dock = t.docks[1].sn;
      const flight_id = randomUUID();
      const prep = await api.createCommand(bodyFor('flighttask_prepare', dock, { payload: { ...EXAMPLES.commands.flighttask_prepare.valid[0].body.payload, flight_id } }) as never);
      expect((await api.waitForCommand(prep.data!.command_id, { timeoutMs: 15_000 })).status).toBe('SUCCEEDED');
      const exec = await api.createCommand(bodyFor('flighttask_execute', dock, { payload: { flight_id } }) as never);
      expect(await api.waitForCommand(exec.data!.command_id, { timeoutMs: 20_000 })).toMatchObject({ status: 'SUCCEEDED', progress: { percent: 100 } });
      someFlightId = flight_id;
      const task = await api.getFlightTask(flight_id);
      expect(task.data).toMatchObject({ flight_id, sn: dock, status: 'ok', terminal: true, percent: 100, media_count: 5 });
      expect(task.data!.commands.map((c) => c.command_type)).toEqual(['flighttask_prepare', 'flighttask_execute']);
      const listed = await api.listFlightTasks({ device_sn: dock, status: 'ok', limit: 10 });
      expect(listed.data!.items.map((x) => x.flight_id)).toContain(flight_id);
      expect((await api.listMedia({ flight_id, limit: 10 })).response.status).toBe(200);

      const broken = randomUUID();
      const failing = await t.createWithScenario('outcome=failed, code=314015, waypoint=2', bodyFor('flighttask_execute', dock, { payload: { flight_id: broken } }));
      expect(await api.waitForCommand(failing.data!.command_id, { timeoutMs: 20_000 })).toMatchObject({ status: 'FAILED', response_code: '314015' });
      expect((await api.getFlightTask(broken)).data).toMatchObject({ status: 'failed', terminal: true, result: 314015, break_point: { index: 2 } });

      const unknown = await api.getFlightTask(randomUUID());
      expect([unknown.response.status, errorCode(unknown)]).toEqual([404, 'FLIGHT_TASK_NOT_FOUND']);
      const bad: [string, Promise<ApiResult<unknown>>][] = [
        ['listFlightTasks limit=0', api.listFlightTasks({ limit: 0 })],
        ['listFlightTasks cursor', api.listFlightTasks({ cursor: 'not-a-cursor' })],
        ['getFlightTask id', api.getFlightTask('x'.repeat(257))],
        ['listMedia from', api.listMedia({ from: 'yesterday' })],
      ];
      for (const [what, p] of bad) {
        const r = await p;
        expect([what, r.response.status, errorCode(r)]).toEqual([what, 400, 'VALIDATION_FAILED']);
      }
    }, 60_000);

    it('devices: list, get and alarms of a dock that reported; 404 for an unknown SN; 400 for bad parameters', async () => {
      const sn = t.docks[0].sn;
      let dev = await api.getDevice(sn);
      for (let i = 0; i < 40 && dev.response.status === 404; i++) {
        await new Promise((r) => setTimeout(r, 100));
        dev = await api.getDevice(sn);
      }
      expect(dev.data).toMatchObject({ sn, kind: 'dock' });
      expect((await api.listDevices({ kind: 'dock', limit: 500 })).data!.items.map((d) => d.sn)).toContain(sn);
      expect((await api.listDeviceAlarms(sn, { state: 'active' })).response.status).toBe(200);
      for (const r of [await api.getDevice('NOSUCHDOCK404'), await api.listDeviceAlarms('NOSUCHDOCK404')]) {
        expect([r.response.status, errorCode(r)]).toEqual([404, 'DEVICE_NOT_FOUND']);
      }
      const bad: [string, Promise<ApiResult<unknown>>][] = [
        ['listDevices limit=0', api.listDevices({ limit: 0 })],
        ['getDevice lang', api.getDevice(sn, { lang: 'not a language' })],
        ['listDeviceAlarms state', api.listDeviceAlarms(sn, { state: 'gone' as never })],
      ];
      for (const [what, p] of bad) {
        const r = await p;
        expect([what, r.response.status, errorCode(r)]).toEqual([what, 400, 'VALIDATION_FAILED']);
      }
    }, 30_000);

    extra?.({ target: () => t, api: () => api, bodyFor });

    it('coverage: every documented status and code, every command type terminal, every scenario', () => {
      const o = { commandTypes: catalog.map((c) => c.command_type), scenarios: SCENARIOS, exempt: t.exempt };
      process.stdout.write('\n' + t.recorder.report(o) + '\n');
      expect(t.recorder.missing(o)).toEqual({ outcomes: [], commandTypes: [], scenarios: [] });
    });
  });
}
