/**
 * The store contract suite: one set of behaviour tests every `Store` implementation must pass
 * (server/store/types.ts is the spec). `open` must return a fresh, migrated, empty store on every
 * call (each test gets its own); `cleanup` runs once after the suite.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../server/store/cursor.js';
import { describeFleetContract } from './contract-fleet.js';
import { withPatch } from '../../server/commands/transitions.js';
import { MAX_COMMAND_MESSAGES, timeoutReason } from '../../server/store/rows.js';
import type { CommandRecord, Credential, DeviceRequestRecord, Store } from '../../server/store/types.js';
import { describeJobLimitsContract } from './contract-jobs.js';
import { describeDeviceContract } from './contract-devices.js';
import { describeEventsContract } from './contract-events.js';
import { describeDeviceEventsContract } from './contract-device-events.js';
import { describeWebhookContract } from './contract-webhooks.js';
import { describeFlightTaskContract } from './contract-flight-tasks.js';

/** A fixed instant the fixtures count from (ms). */
const T0 = Date.parse('2026-04-22T12:00:00.000Z');
/** ISO timestamp `ms` after T0. */
export const at = (ms: number) => new Date(T0 + ms).toISOString();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function credential(o: Partial<Credential> = {}): Credential {
  return {
    api_id: `api-${randomUUID()}`,
    api_key: `key-${randomUUID()}`,
    name: 'partner',
    scopes: ['open:command:create', 'open:command:read'],
    allowed_devices: null,
    disabled: false,
    created_at: at(0),
    updated_at: at(0),
    ...o,
  };
}

export function command(o: Partial<CommandRecord> = {}): CommandRecord {
  const accepted = o.accepted_at ?? at(0);
  return {
    command_id: randomUUID(),
    api_id: 'api-1',
    vendor: 'dji',
    device_id: 'DOCK-1',
    gateway_sn: 'DOCK-1',
    command_type: 'cover_open',
    payload: {},
    wire_data: {},
    transport: 'services',
    idempotency_key: randomUUID(),
    request_hash: 'hash-a',
    timeout_seconds: 30,
    tid: randomUUID(),
    bid: randomUUID(),
    progress_key: null,
    seq: null,
    status: 'ACCEPTED',
    dispatch_state: 'pending',
    response_code: null,
    response_message: null,
    vendor_response: null,
    failure_code: null,
    failure_reason: null,
    progress: null,
    messages: [],
    accepted_at: accepted,
    delivered_at: null,
    response_received_at: null,
    completed_at: null,
    updated_at: accepted,
    deadline_at: new Date(Date.parse(accepted) + 30_000).toISOString(),
    deadline_code: null,
    deadline_reason: null,
    ...o,
  };
}

export function deviceRequest(o: Partial<DeviceRequestRecord> = {}): DeviceRequestRecord {
  const tid = o.tid ?? randomUUID();
  const bid = o.bid ?? randomUUID();
  const device_id = o.device_id ?? 'DOCK-1';
  const request_type = o.request_type ?? 'config';
  return {
    request_id: randomUUID(),
    vendor: 'dji',
    device_id,
    request_type,
    inbound_payload: { tid, bid, timestamp: T0, gateway: device_id, method: request_type, data: { config_type: 'json', config_scope: 'product' } },
    tid,
    bid,
    received_at: at(0),
    reply_code: null,
    reply_message: null,
    reply_payload: null,
    reply_source: null,
    standardized_reply: null,
    replied_at: null,
    ...o,
  };
}

async function created(store: Store, c: CommandRecord): Promise<CommandRecord> {
  const out = await store.createCommand(c);
  expect(out.kind).toBe('created');
  return out.command;
}

/** Walk every page of a list; fails on a page loop. */
async function allPages<T>(next: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor: string | null }>): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const p = await next(cursor);
    pages.push(p.items);
    if (p.next_cursor == null) return pages;
    cursor = p.next_cursor;
  }
  throw new Error('list did not end within 100 pages');
}

export function describeStoreContract(name: string, open: () => Promise<Store>, cleanup?: () => Promise<void>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store?.close();
    });
    if (cleanup) afterAll(cleanup);
    describeFleetContract(() => store);
    describeDeviceContract(() => store);
    describeWebhookContract(() => store);
    describeFlightTaskContract(() => store);

    describe('lifecycle', () => {
      it('pings, and migrate() again is a no-op that keeps data', async () => {
        expect(await store.ping()).toBe(true);
        const c = await created(store, command());
        await store.migrate();
        await store.migrate();
        expect(await store.getCommand(c.command_id)).toEqual(c);
      });
    });

    describe('credentials', () => {
      it('creates, reads, lists without the key, counts', async () => {
        const a = credential({ name: 'a', allowed_devices: ['DOCK-1', 'AC-1'], created_at: at(1) });
        const b = credential({ name: 'b', disabled: true, created_at: at(2), updated_at: '2026-04-22T12:00:05Z' });
        await store.createCredential(b);
        await store.createCredential(a);
        expect(await store.getCredential(a.api_id)).toEqual(a);
        expect(await store.getCredential(b.api_id)).toEqual({ ...b, updated_at: '2026-04-22T12:00:05.000Z' });
        expect(await store.getCredential('nobody')).toBeNull();
        const list = await store.listCredentials();
        expect(list.map((c) => c.api_id)).toEqual([a.api_id, b.api_id]);
        expect(list.every((c) => c.api_key === '')).toBe(true);
        expect(list[0]).toEqual({ ...a, api_key: '' });
        expect(await store.countCredentials()).toBe(2);
      });

      it('rejects a second credential with the same api_id', async () => {
        const a = credential();
        await store.createCredential(a);
        await expect(store.createCredential({ ...a, name: 'again' })).rejects.toThrow(/already exists/);
        expect((await store.getCredential(a.api_id))?.name).toBe(a.name);
      });

      it('updates only the given fields', async () => {
        const a = credential({ allowed_devices: ['DOCK-1'] });
        await store.createCredential(a);
        const u = await store.updateCredential(a.api_id, { disabled: true, allowed_devices: null, scopes: ['open:device-request:read'], updated_at: at(5000) });
        expect(u).toEqual({ ...a, disabled: true, allowed_devices: null, scopes: ['open:device-request:read'], updated_at: at(5000) });
        expect(await store.getCredential(a.api_id)).toEqual(u);
        const v = await store.updateCredential(a.api_id, { api_key: 'rotated' });
        expect(v?.api_key).toBe('rotated');
        expect(v?.disabled).toBe(true);
        expect(Date.parse(v!.updated_at)).toBeGreaterThan(T0 + 5000);
        expect(await store.updateCredential('nobody', { name: 'x' })).toBeNull();
      });
    });

    describe('nonces', () => {
      it('remembers a nonce once per API ID until it expires', async () => {
        const later = new Date(Date.now() + 300_000).toISOString();
        expect(await store.rememberNonce('api-1', 'nonce-abcdef', later)).toBe(true);
        expect(await store.rememberNonce('api-1', 'nonce-abcdef', later)).toBe(false);
        expect(await store.rememberNonce('api-2', 'nonce-abcdef', later)).toBe(true);
        expect(await store.rememberNonce('api-1', 'nonce-other1', later)).toBe(true);
      });

      it('accepts a nonce again once the remembered one has expired, then guards it again', async () => {
        const past = new Date(Date.now() - 1000).toISOString();
        const later = new Date(Date.now() + 300_000).toISOString();
        expect(await store.rememberNonce('api-1', 'nonce-expired', past)).toBe(true);
        expect(await store.rememberNonce('api-1', 'nonce-expired', later)).toBe(true);
        expect(await store.rememberNonce('api-1', 'nonce-expired', later)).toBe(false);
      });

      it('is atomic under concurrency: one of 20 parallel calls wins', async () => {
        const later = new Date(Date.now() + 300_000).toISOString();
        const results = await Promise.all(Array.from({ length: 20 }, () => store.rememberNonce('api-1', 'nonce-race', later)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('purges expired nonces (purgeExpired) and keeps live ones', async () => {
        const purge = (store as Store & { purgeExpired?: (now: string) => Promise<number> }).purgeExpired;
        expect(typeof purge).toBe('function');
        const now = new Date().toISOString();
        await store.rememberNonce('api-1', 'old-nonce-1', new Date(Date.now() - 2000).toISOString());
        await store.rememberNonce('api-1', 'old-nonce-2', new Date(Date.now() - 1000).toISOString());
        await store.rememberNonce('api-1', 'live-nonce', new Date(Date.now() + 300_000).toISOString());
        expect(await purge!.call(store, now)).toBe(2);
        expect(await store.rememberNonce('api-1', 'live-nonce', new Date(Date.now() + 300_000).toISOString())).toBe(false);
      });
    });

    describe('createCommand', () => {
      it('creates a command readable as stored, status ACCEPTED and dispatch pending', async () => {
        const c = command({
          payload: { b: 1, a: { z: [1, 2], y: 'x' } },
          wire_data: { b: 1, a: 2 },
          progress_key: 'fly-1',
          accepted_at: '2026-04-22T12:00:00Z',
          updated_at: '2026-04-22T12:00:00Z',
          deadline_at: '2026-04-22T12:00:30Z',
          status: 'DELIVERED',
          dispatch_state: 'published',
        });
        const out = await store.createCommand(c);
        expect(out.kind).toBe('created');
        expect(out.command).toEqual({
          ...c,
          status: 'ACCEPTED',
          dispatch_state: 'pending',
          accepted_at: at(0),
          updated_at: at(0),
          deadline_at: at(30_000),
        });
        const got = await store.getCommand(c.command_id);
        expect(got).toEqual(out.command);
        // Documents keep their key order (what was accepted is what is published and shown).
        expect(Object.keys(got!.payload)).toEqual(['b', 'a']);
        expect(Object.keys(got!.payload.a as object)).toEqual(['z', 'y']);
        expect(await store.getCommand(randomUUID())).toBeNull();
      });

      it('replays the same key with the same hash and reports a conflict for another hash', async () => {
        const first = await created(store, command({ idempotency_key: 'k1', request_hash: 'h1' }));
        const replay = await store.createCommand(command({ idempotency_key: 'k1', request_hash: 'h1' }));
        expect(replay).toEqual({ kind: 'replayed', command: first });
        const conflict = await store.createCommand(command({ idempotency_key: 'k1', request_hash: 'h2' }));
        expect(conflict).toEqual({ kind: 'conflict', command: first });
        // The key is per API ID.
        const other = await store.createCommand(command({ api_id: 'api-2', idempotency_key: 'k1', request_hash: 'h2' }));
        expect(other.kind).toBe('created');
        expect((await store.listCommands({ api_id: 'api-1', limit: 10 })).items).toHaveLength(1);
      });

      it('creates exactly one command when 20 calls race with one key', async () => {
        const outs = await Promise.all(
          Array.from({ length: 20 }, () => store.createCommand(command({ idempotency_key: 'race', request_hash: 'h' }))),
        );
        expect(outs.filter((o) => o.kind === 'created')).toHaveLength(1);
        expect(outs.filter((o) => o.kind === 'replayed')).toHaveLength(19);
        expect(new Set(outs.map((o) => o.command.command_id)).size).toBe(1);
        expect((await store.listCommands({ api_id: 'api-1', limit: 100 })).items).toHaveLength(1);
      });

      it('rejects a second command with an existing tid', async () => {
        const a = await created(store, command());
        await expect(store.createCommand(command({ tid: a.tid }))).rejects.toThrow();
      });
    });

    describe('reads', () => {
      it('finds a command by tid', async () => {
        const a = await created(store, command());
        await created(store, command());
        expect(await store.findCommandByTid(a.tid)).toEqual(a);
        expect(await store.findCommandByTid(randomUUID())).toBeNull();
      });

      it('lists per API ID, newest first, with each filter', async () => {
        const mk = (i: number, o: Partial<CommandRecord>) => created(store, command({ accepted_at: at(i * 1000), ...o }));
        const c1 = await mk(1, { device_id: 'DOCK-1', command_type: 'cover_open' });
        const c2 = await mk(2, { device_id: 'DOCK-2', command_type: 'cover_open' });
        const c3 = await mk(3, { device_id: 'DOCK-1', command_type: 'cover_close' });
        await mk(4, { api_id: 'api-2', device_id: 'DOCK-1' });
        await store.transitionCommand(c3.command_id, ['ACCEPTED'], { status: 'DELIVERED', updated_at: at(9000) });
        const ids = async (f: Partial<Parameters<Store['listCommands']>[0]>) =>
          (await store.listCommands({ api_id: 'api-1', limit: 100, ...f })).items.map((c) => c.command_id);
        expect(await ids({})).toEqual([c3.command_id, c2.command_id, c1.command_id]);
        expect(await ids({ device_id: 'DOCK-1' })).toEqual([c3.command_id, c1.command_id]);
        expect(await ids({ command_type: 'cover_open' })).toEqual([c2.command_id, c1.command_id]);
        expect(await ids({ status: 'DELIVERED' })).toEqual([c3.command_id]);
        expect(await ids({ status: 'ACCEPTED', device_id: 'DOCK-1' })).toEqual([c1.command_id]);
        expect(await ids({ device_id: 'NOPE' })).toEqual([]);
        expect(await ids({ api_id: 'api-3' })).toEqual([]);
      });

      it('pages commands by cursor without duplicates or gaps, also across equal timestamps', async () => {
        const all: CommandRecord[] = [];
        // 13 commands, several sharing accepted_at, so ties are broken by command_id.
        for (let i = 0; i < 13; i++) all.push(await created(store, command({ accepted_at: at(Math.floor(i / 3) * 1000) })));
        const expected = [...all]
          .sort((a, b) => (a.accepted_at === b.accepted_at ? (a.command_id < b.command_id ? 1 : -1) : a.accepted_at < b.accepted_at ? 1 : -1))
          .map((c) => c.command_id);
        for (const limit of [1, 2, 3, 5, 13, 20]) {
          const pages = await allPages((cursor) => store.listCommands({ api_id: 'api-1', limit, cursor }));
          expect(pages.flat().map((c) => c.command_id), `limit ${limit}`).toEqual(expected);
          expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
        }
        const last = await store.listCommands({ api_id: 'api-1', limit: 13 });
        expect(last.next_cursor).toBeNull();
        // A filter holds across pages too.
        const one = await store.listCommands({ api_id: 'api-1', limit: 2 });
        const next = await store.listCommands({ api_id: 'api-1', limit: 2, cursor: one.next_cursor!, device_id: 'NOPE' });
        expect(next).toEqual({ items: [], next_cursor: null });
      });

      it('rejects a cursor it did not produce', async () => {
        await expect(store.listCommands({ api_id: 'api-1', limit: 10, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
        const bogus = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
        await expect(store.listDeviceRequests({ allowed_devices: null, limit: 10, cursor: bogus })).rejects.toBeInstanceOf(InvalidCursorError);
      });
    });

    describe('correlation lookups', () => {
      it('finds a non-terminal progress command by bid or progress_key, of the gateway and types only', async () => {
        const a = await created(store, command({ gateway_sn: 'DOCK-1', command_type: 'fly_to_point', progress_key: 'fly-1' }));
        const types = ['fly_to_point', 'flighttask_execute'];
        expect(await store.findProgressCommand('DOCK-1', types, 'bid', a.bid)).toEqual(a);
        expect(await store.findProgressCommand('DOCK-1', types, 'progress_key', 'fly-1')).toEqual(a);
        expect(await store.findProgressCommand('DOCK-2', types, 'bid', a.bid)).toBeNull();
        expect(await store.findProgressCommand('DOCK-1', ['cover_open'], 'bid', a.bid)).toBeNull();
        expect(await store.findProgressCommand('DOCK-1', types, 'progress_key', a.bid)).toBeNull();
        expect(await store.findProgressCommand('DOCK-1', types, 'bid', 'fly-1')).toBeNull();
        const d = await store.transitionCommand(a.command_id, ['ACCEPTED'], { status: 'DELIVERED', updated_at: at(1) });
        expect(await store.findProgressCommand('DOCK-1', types, 'bid', a.bid)).toEqual(d);
        await store.transitionCommand(a.command_id, ['DELIVERED'], { status: 'SUCCEEDED', updated_at: at(2) });
        expect(await store.findProgressCommand('DOCK-1', types, 'bid', a.bid)).toBeNull();
        expect(await store.findProgressCommand('DOCK-1', types, 'progress_key', 'fly-1')).toBeNull();
        // A later job reusing the key is found once the old one is terminal.
        const b = await created(store, command({ gateway_sn: 'DOCK-1', command_type: 'fly_to_point', progress_key: 'fly-1', accepted_at: at(5) }));
        expect(await store.findProgressCommand('DOCK-1', types, 'progress_key', 'fly-1')).toEqual(b);
      });

      it('finds the oldest open DRC command of a gateway and method, narrowed by seq', async () => {
        const drc = (i: number, o: Partial<CommandRecord>) =>
          created(store, command({ transport: 'drc/down', command_type: 'drone_emergency_stop', gateway_sn: 'DOCK-1', accepted_at: at(i), ...o }));
        await created(store, command({ transport: 'services', command_type: 'drone_emergency_stop', accepted_at: at(0) }));
        const old = await drc(1, { seq: 7 });
        const young = await drc(2, { seq: 8 });
        await drc(0, { gateway_sn: 'DOCK-2', seq: 7 });
        expect((await store.findDrcCommand('DOCK-1', 'drone_emergency_stop', null))?.command_id).toBe(old.command_id);
        expect((await store.findDrcCommand('DOCK-1', 'drone_emergency_stop', 8))?.command_id).toBe(young.command_id);
        expect(await store.findDrcCommand('DOCK-1', 'drone_emergency_stop', 9)).toBeNull();
        expect(await store.findDrcCommand('DOCK-1', 'stick_control', null)).toBeNull();
        await store.transitionCommand(old.command_id, ['ACCEPTED'], { status: 'FAILED', updated_at: at(3) });
        expect((await store.findDrcCommand('DOCK-1', 'drone_emergency_stop', null))?.command_id).toBe(young.command_id);
        expect(await store.findDrcCommand('DOCK-1', 'drone_emergency_stop', 7)).toBeNull();
      });
    });

    describe('transitionCommand', () => {
      it('applies a patch only from the expected status (compare-and-set)', async () => {
        const a = await created(store, command());
        const d = await store.transitionCommand(a.command_id, ['ACCEPTED'], {
          status: 'DELIVERED',
          dispatch_state: 'published',
          seq: 3,
          delivered_at: '2026-04-22T12:00:01Z',
          updated_at: at(1000),
        });
        expect(d).toEqual({ ...a, status: 'DELIVERED', dispatch_state: 'published', seq: 3, delivered_at: at(1000), updated_at: at(1000) });
        // Stale: a second writer still thinks it is ACCEPTED.
        expect(await store.transitionCommand(a.command_id, ['ACCEPTED'], { status: 'FAILED', failure_code: 'DEVICE_EXECUTION_FAILED', updated_at: at(2000) })).toBeNull();
        expect(await store.getCommand(a.command_id)).toEqual(d);
        const progress = { percent: 40, step: 'takeoff', dji_status: 'in_progress', updated_at: at(2500) };
        const p = await store.transitionCommand(a.command_id, ['DELIVERED'], { progress, updated_at: at(2500) });
        expect(p?.progress).toEqual(progress);
        expect(p?.status).toBe('DELIVERED');
        const s = await store.transitionCommand(a.command_id, ['ACCEPTED', 'DELIVERED'], {
          status: 'SUCCEEDED',
          response_code: '0',
          response_message: 'ok',
          vendor_response: { result: 0, output: { status: 'ok' } },
          response_received_at: at(3000),
          completed_at: at(3000),
          updated_at: at(3000),
        });
        expect(s).toEqual({
          ...p,
          status: 'SUCCEEDED',
          response_code: '0',
          response_message: 'ok',
          vendor_response: { result: 0, output: { status: 'ok' } },
          response_received_at: at(3000),
          completed_at: at(3000),
          updated_at: at(3000),
        });
        expect(await store.getCommand(a.command_id)).toEqual(s);
        // Fields can be cleared back to null.
        const cleared = await store.transitionCommand(a.command_id, ['SUCCEEDED'], { vendor_response: null, progress: null, updated_at: at(4000) });
        expect(cleared?.vendor_response).toBeNull();
        expect(cleared?.progress).toBeNull();
        expect(await store.transitionCommand(randomUUID(), ['ACCEPTED'], { status: 'DELIVERED', updated_at: at(1) })).toBeNull();
      });

      it('appends a message in the same statement when given one, and only when it applies', async () => {
        const a = await created(store, command());
        const m = { topic: 'thing/product/DOCK-1/events', received_at: at(500), applied: true, message: { method: 'cover_open', data: { output: { status: 'ok' } } } };
        const done = await store.transitionCommand(a.command_id, ['ACCEPTED'], { status: 'SUCCEEDED', completed_at: at(500), updated_at: at(500) }, m);
        expect(done?.messages).toEqual([m]);
        expect((await store.getCommand(a.command_id))?.messages).toEqual([m]);
        // Compare-and-set failed: neither the patch nor the message is written.
        expect(await store.transitionCommand(a.command_id, ['ACCEPTED'], { status: 'FAILED', updated_at: at(600) }, { ...m, received_at: at(600) })).toBeNull();
        expect((await store.getCommand(a.command_id))?.messages).toEqual([m]);
      });

      it('lets exactly one of several racing transitions win', async () => {
        const a = await created(store, command());
        const outs = await Promise.all(
          (['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'UNMATCHED_RESPONSE'] as const).map((status) =>
            store.transitionCommand(a.command_id, ['ACCEPTED', 'DELIVERED'], { status, updated_at: at(1) }),
          ),
        );
        const winners = outs.filter((o) => o !== null);
        expect(winners).toHaveLength(1);
        expect((await store.getCommand(a.command_id))?.status).toBe(winners[0]!.status);
      });

      it('rejects an unknown patch field', async () => {
        const a = await created(store, command());
        await expect(store.transitionCommand(a.command_id, ['ACCEPTED'], { updated_at: at(1), api_id: 'x' } as never)).rejects.toThrow(/api_id/);
        expect(await store.getCommand(a.command_id)).toEqual(a);
      });
    });

    describe('applyTransition', () => {
      it('applies a patch only from the expected status, without reading the row back', async () => {
        const a = await created(store, command());
        const patch = { status: 'DELIVERED', dispatch_state: 'published', delivered_at: at(1000), updated_at: at(1000) } as const;
        expect(await store.applyTransition(a.command_id, ['ACCEPTED'], patch)).toBe(true);
        expect(await store.getCommand(a.command_id)).toEqual(withPatch(a, patch));
        // Compare-and-set: a stale writer changes nothing.
        expect(await store.applyTransition(a.command_id, ['ACCEPTED'], { status: 'FAILED', updated_at: at(2000) })).toBe(false);
        expect(await store.getCommand(a.command_id)).toEqual(withPatch(a, patch));
        expect(await store.applyTransition(randomUUID(), ['ACCEPTED'], { status: 'DELIVERED', updated_at: at(1) })).toBe(false);
        expect(await store.applyTransition(a.command_id, [], { status: 'FAILED', updated_at: at(3000) })).toBe(false);
      });

      it('lets exactly one of several racing transitions win', async () => {
        const a = await created(store, command());
        const outs = await Promise.all(
          (['SUCCEEDED', 'FAILED', 'TIMED_OUT'] as const).map((status) => store.applyTransition(a.command_id, ['ACCEPTED'], { status, updated_at: at(1) })),
        );
        expect(outs.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('recordCommandMessage', () => {
      it('appends messages, newest last, without touching status or updated_at', async () => {
        const a = await created(store, command());
        const m1 = { topic: 'thing/product/DOCK-1/services_reply', received_at: at(1), applied: false, message: { tid: a.tid, b: 1, a: 2 } };
        const m2 = { topic: 'thing/product/DOCK-1/events', received_at: '2026-04-22T12:00:00.002Z', applied: true, message: { x: [1, { y: null }] } };
        await store.recordCommandMessage(a.command_id, m1);
        await store.recordCommandMessage(a.command_id, m2);
        const got = await store.getCommand(a.command_id);
        expect(got).toEqual({ ...a, messages: [m1, m2] });
        await store.recordCommandMessage(randomUUID(), m1); // unknown command: no-op
      });

      it(`keeps the newest ${MAX_COMMAND_MESSAGES} messages`, async () => {
        const a = await created(store, command());
        for (let i = 0; i < MAX_COMMAND_MESSAGES + 5; i++) {
          await store.recordCommandMessage(a.command_id, { topic: 't', received_at: at(i), applied: false, message: { i } });
        }
        const msgs = (await store.getCommand(a.command_id))!.messages;
        expect(msgs).toHaveLength(MAX_COMMAND_MESSAGES);
        expect(msgs[0].message).toEqual({ i: 5 });
        expect(msgs[msgs.length - 1].message).toEqual({ i: MAX_COMMAND_MESSAGES + 4 });
      });
    });

    describe('claimPendingDispatch', () => {
      it('hands pending ACCEPTED commands to one owner at a time, oldest first, until the lease ends', async () => {
        const c = [];
        for (let i = 0; i < 3; i++) c.push(await created(store, command({ accepted_at: at(i) })));
        const a = await store.claimPendingDispatch('owner-a', 2, 60_000);
        expect(a.map((x) => x.command_id)).toEqual([c[0].command_id, c[1].command_id]);
        expect(a[0]).toEqual(c[0]);
        const b = await store.claimPendingDispatch('owner-b', 10, 60_000);
        expect(b.map((x) => x.command_id)).toEqual([c[2].command_id]);
        expect(await store.claimPendingDispatch('owner-a', 10, 60_000)).toEqual([]);
        expect(await store.claimPendingDispatch('owner-c', 10, 60_000)).toEqual([]);
      });

      it('gives rows back after the lease expires', async () => {
        const c = await created(store, command());
        expect(await store.claimPendingDispatch('owner-a', 10, 150)).toHaveLength(1);
        expect(await store.claimPendingDispatch('owner-b', 10, 150)).toHaveLength(0);
        await sleep(250);
        expect((await store.claimPendingDispatch('owner-b', 10, 60_000)).map((x) => x.command_id)).toEqual([c.command_id]);
      });

      it('skips a command leased at insert (createCommand with a claim) until that lease ends', async () => {
        const leased = await store.createCommand(command({ accepted_at: at(0) }), { owner: 'acceptor', lease_until: new Date(Date.now() + 300).toISOString() });
        expect(leased.kind).toBe('created');
        const free = await created(store, command({ accepted_at: at(1) }));
        expect((await store.claimPendingDispatch('owner-a', 10, 60_000)).map((x) => x.command_id)).toEqual([free.command_id]);
        await sleep(450);
        // The acceptor died before PUBACK: anyone may publish it now.
        expect((await store.claimPendingDispatch('owner-b', 10, 60_000)).map((x) => x.command_id)).toEqual([leased.command.command_id]);
      });

      it('never hands out published, delivered or terminal commands', async () => {
        const published = await created(store, command({ accepted_at: at(0) }));
        const delivered = await created(store, command({ accepted_at: at(1) }));
        const failed = await created(store, command({ accepted_at: at(2) }));
        const pending = await created(store, command({ accepted_at: at(3) }));
        await store.transitionCommand(published.command_id, ['ACCEPTED'], { dispatch_state: 'published', updated_at: at(10) });
        await store.transitionCommand(delivered.command_id, ['ACCEPTED'], { status: 'DELIVERED', updated_at: at(10) });
        await store.transitionCommand(failed.command_id, ['ACCEPTED'], { status: 'FAILED', updated_at: at(10) });
        expect((await store.claimPendingDispatch('owner-a', 10, 1)).map((x) => x.command_id)).toEqual([pending.command_id]);
        await store.transitionCommand(pending.command_id, ['ACCEPTED'], { dispatch_state: 'published', updated_at: at(11) });
        await sleep(20);
        expect(await store.claimPendingDispatch('owner-b', 10, 60_000)).toEqual([]);
      });

      it('splits pending rows between concurrent claimers without overlap', async () => {
        const ids = new Set<string>();
        for (let i = 0; i < 30; i++) ids.add((await created(store, command({ accepted_at: at(i) }))).command_id);
        const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => store.claimPendingDispatch(`owner-${i}`, 7, 60_000)));
        const got = claims.flat().map((c) => c.command_id);
        expect(new Set(got).size).toBe(got.length);
        expect(got.length).toBe(30);
        expect(new Set(got)).toEqual(ids);
      });
    });

    describe('nextDrcSeq', () => {
      it('is strictly increasing per gateway, also under concurrency', async () => {
        const a1 = await store.nextDrcSeq('DOCK-1');
        const a2 = await store.nextDrcSeq('DOCK-1');
        const b1 = await store.nextDrcSeq('DOCK-2');
        expect(a2).toBeGreaterThan(a1);
        expect(b1).toBe(a1);
        const many = await Promise.all(Array.from({ length: 20 }, () => store.nextDrcSeq('DOCK-1')));
        expect(new Set(many).size).toBe(20);
        expect(Math.min(...many)).toBeGreaterThan(a2);
        expect(await store.nextDrcSeq('DOCK-1')).toBeGreaterThan(Math.max(...many));
      });
    });

    describe('expireCommands', () => {
      it('times out deadline-passed open commands exactly once', async () => {
        const due1 = await created(store, command({ timeout_seconds: 5, deadline_at: at(5000) }));
        const due2 = await created(store, command({ timeout_seconds: 10, deadline_at: at(10_000), accepted_at: at(0) }));
        const notYet = await created(store, command({ deadline_at: at(30_000) }));
        const noDeadline = await created(store, command({ timeout_seconds: 0, deadline_at: null }));
        const done = await created(store, command({ deadline_at: at(1000) }));
        await store.transitionCommand(due2.command_id, ['ACCEPTED'], { status: 'DELIVERED', dispatch_state: 'published', updated_at: at(100) });
        await store.transitionCommand(done.command_id, ['ACCEPTED'], { status: 'SUCCEEDED', updated_at: at(100) });

        const now = at(10_000);
        const expired = await store.expireCommands(now);
        expect(expired.map((c) => c.command_id).sort()).toEqual([due1.command_id, due2.command_id].sort());
        for (const c of expired) {
          expect(c).toMatchObject({ status: 'TIMED_OUT', failure_code: 'TIMED_OUT', completed_at: now, updated_at: now });
          expect(c.failure_reason).toBe(timeoutReason(c.timeout_seconds));
          expect(await store.getCommand(c.command_id)).toEqual(c);
        }
        expect(await store.expireCommands(now)).toEqual([]);
        expect(await store.expireCommands(at(20_000))).toEqual([]);
        expect((await store.getCommand(notYet.command_id))?.status).toBe('ACCEPTED');
        expect((await store.getCommand(noDeadline.command_id))?.status).toBe('ACCEPTED');
        expect((await store.getCommand(done.command_id))?.status).toBe('SUCCEEDED');
        expect((await store.expireCommands(at(30_000))).map((c) => c.command_id)).toEqual([notYet.command_id]);
      });

      it('applies each timeout once when sweeps race', async () => {
        for (let i = 0; i < 10; i++) await created(store, command({ deadline_at: at(i) }));
        const sweeps = await Promise.all(Array.from({ length: 4 }, () => store.expireCommands(at(60_000))));
        expect(sweeps.flat()).toHaveLength(10);
        expect(new Set(sweeps.flat().map((c) => c.command_id)).size).toBe(10);
      });
    });

    describe('counts', () => {
      it('counts open commands and every status', async () => {
        const cs = [];
        for (let i = 0; i < 5; i++) cs.push(await created(store, command()));
        await store.transitionCommand(cs[0].command_id, ['ACCEPTED'], { status: 'DELIVERED', updated_at: at(1) });
        await store.transitionCommand(cs[1].command_id, ['ACCEPTED'], { status: 'SUCCEEDED', updated_at: at(1) });
        await store.transitionCommand(cs[2].command_id, ['ACCEPTED'], { status: 'FAILED', updated_at: at(1) });
        expect(await store.countPending()).toBe(3);
        expect(await store.countCommandsByStatus()).toEqual({
          ACCEPTED: 2,
          DELIVERED: 1,
          SUCCEEDED: 1,
          FAILED: 1,
          TIMED_OUT: 0,
          UNMATCHED_RESPONSE: 0,
        });
      });
    });

    describe('device requests', () => {
      it('inserts once per (device_id, tid) and reads back', async () => {
        const r = deviceRequest({ received_at: '2026-04-22T12:00:00Z' });
        const first = await store.insertDeviceRequest(r);
        expect(first).toEqual({ ...r, received_at: at(0) });
        expect(await store.getDeviceRequest(r.request_id)).toEqual(first);
        const dup = await store.insertDeviceRequest(deviceRequest({ tid: r.tid, device_id: r.device_id, received_at: at(5) }));
        expect(dup).toEqual(first);
        const otherDock = await store.insertDeviceRequest(deviceRequest({ tid: r.tid, device_id: 'DOCK-2' }));
        expect(otherDock.request_id).not.toBe(r.request_id);
        expect(await store.getDeviceRequest(randomUUID())).toBeNull();
      });

      it('lists with allowed_devices and each filter, newest first', async () => {
        const mk = (i: number, o: Partial<DeviceRequestRecord>) => store.insertDeviceRequest(deviceRequest({ received_at: at(i), ...o }));
        const r1 = await mk(1, { device_id: 'DOCK-1', request_type: 'config' });
        const r2 = await mk(2, { device_id: 'DOCK-2', request_type: 'config' });
        const r3 = await mk(3, { device_id: 'DOCK-1', request_type: 'airport_bind_status' });
        const ids = async (f: Partial<Parameters<Store['listDeviceRequests']>[0]>) =>
          (await store.listDeviceRequests({ allowed_devices: null, limit: 100, ...f })).items.map((r) => r.request_id);
        expect(await ids({})).toEqual([r3.request_id, r2.request_id, r1.request_id]);
        expect(await ids({ allowed_devices: ['DOCK-2', 'AC-9'] })).toEqual([r2.request_id]);
        expect(await ids({ allowed_devices: [] })).toEqual([]);
        expect(await ids({ allowed_devices: ['DOCK-2'], device_id: 'DOCK-1' })).toEqual([]);
        expect(await ids({ device_id: 'DOCK-1' })).toEqual([r3.request_id, r1.request_id]);
        expect(await ids({ request_type: 'config' })).toEqual([r2.request_id, r1.request_id]);
        expect(await ids({ vendor: 'dji', request_type: 'config', device_id: 'DOCK-2' })).toEqual([r2.request_id]);
        expect(await ids({ vendor: 'other' })).toEqual([]);
      });

      it('pages by cursor without duplicates or gaps', async () => {
        const all: DeviceRequestRecord[] = [];
        for (let i = 0; i < 11; i++) all.push(await store.insertDeviceRequest(deviceRequest({ received_at: at(Math.floor(i / 4)) })));
        const expected = [...all]
          .sort((a, b) => (a.received_at === b.received_at ? (a.request_id < b.request_id ? 1 : -1) : a.received_at < b.received_at ? 1 : -1))
          .map((r) => r.request_id);
        for (const limit of [1, 3, 4, 11, 50]) {
          const pages = await allPages((cursor) => store.listDeviceRequests({ allowed_devices: null, limit, cursor }));
          expect(pages.flat().map((r) => r.request_id), `limit ${limit}`).toEqual(expected);
        }
      });

      it('takes a reply once', async () => {
        const r = await store.insertDeviceRequest(deviceRequest());
        const reply = {
          reply_code: '0',
          reply_message: 'ok',
          reply_payload: { ntp_server_host: 'ntp.example.com' },
          reply_source: 'manual' as const,
          standardized_reply: { result: 0, output: { ntp_server_host: 'ntp.example.com' } },
          replied_at: '2026-04-22T12:00:09Z',
        };
        const got = await store.replyDeviceRequest(r.request_id, reply);
        expect(got).toEqual({ ...r, ...reply, replied_at: at(9000) });
        expect(await store.getDeviceRequest(r.request_id)).toEqual(got);
        expect(await store.replyDeviceRequest(r.request_id, { ...reply, reply_code: '1', reply_source: 'auto' })).toBeNull();
        expect(await store.getDeviceRequest(r.request_id)).toEqual(got);
        expect(await store.replyDeviceRequest(randomUUID(), reply)).toBeNull();
      });

      it('lets one of several racing replies win', async () => {
        const r = await store.insertDeviceRequest(deviceRequest());
        const outs = await Promise.all(
          ['a', 'b', 'c', 'd'].map((code) =>
            store.replyDeviceRequest(r.request_id, { reply_code: code, reply_message: null, reply_payload: null, reply_source: 'manual', standardized_reply: null, replied_at: at(1) }),
          ),
        );
        expect(outs.filter((o) => o !== null)).toHaveLength(1);
      });
    });

    describe('topology', () => {
      it('maps sub-devices to their gateway and replaces them on update', async () => {
        expect(await store.gatewayOf('AC-1')).toBeNull();
        await store.setTopology('DOCK-1', ['AC-1', 'AC-2'], at(0));
        expect(await store.gatewayOf('AC-1')).toBe('DOCK-1');
        expect(await store.gatewayOf('AC-2')).toBe('DOCK-1');
        await store.setTopology('DOCK-1', ['AC-2'], at(1));
        expect(await store.gatewayOf('AC-1')).toBeNull();
        expect(await store.gatewayOf('AC-2')).toBe('DOCK-1');
        // The aircraft moved to another dock.
        await store.setTopology('DOCK-2', ['AC-2', 'AC-2'], at(2));
        expect(await store.gatewayOf('AC-2')).toBe('DOCK-2');
        await store.setTopology('DOCK-2', [], at(3));
        expect(await store.gatewayOf('AC-2')).toBeNull();
      });
    });

    describeJobLimitsContract(() => store);
    describeEventsContract(() => store);
    describeDeviceEventsContract(() => store);
  });
}
