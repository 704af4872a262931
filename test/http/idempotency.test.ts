/** Idempotent create through real HTTP: replay, conflict, concurrency, per-credential keys. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, commandBody, startTestGateway, type TestCred, type TestGateway } from './harness.js';

let t: TestGateway;
let cred: TestCred;

beforeAll(async () => {
  t = await startTestGateway();
  cred = await t.cred();
});
afterAll(() => t?.close());

describe('idempotency_key', () => {
  it('202 ACCEPTED with command_id and accepted_at; timeout_seconds defaults to 30', async () => {
    const r = await t.call(cred, 'POST', COMMANDS, { body: commandBody() });
    expect(r.status).toBe(202);
    expect(Object.keys(r.body).sort()).toEqual(['accepted_at', 'command_id', 'status']);
    expect(r.body.status).toBe('ACCEPTED');
    expect(r.headers.get('idempotent-replayed')).toBeNull();
    const g = await t.call(cred, 'GET', `${COMMANDS}/${r.body.command_id}`);
    expect(g.body.timeout_seconds).toBe(30);
    expect(g.body.accepted_at).toBe(r.body.accepted_at);
  });

  it('the same key and body (keys reordered) → the original 202 with Idempotent-Replayed: true', async () => {
    const body = commandBody({ timeout_seconds: 12 });
    const first = await t.call(cred, 'POST', COMMANDS, { body });
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await t.call(cred, 'POST', COMMANDS, { body: JSON.stringify(reordered, null, 2) });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('the same key with another body → 409 IDEMPOTENCY_CONFLICT', async () => {
    const body = commandBody();
    expect((await t.call(cred, 'POST', COMMANDS, { body })).status).toBe(202);
    const r = await t.call(cred, 'POST', COMMANDS, { body: { ...body, payload: { action: 2 } } });
    expect([r.status, r.body.code]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
    // omitting timeout_seconds and sending the default explicitly are different bodies
    const r2 = await t.call(cred, 'POST', COMMANDS, { body: { ...body, timeout_seconds: 30 } });
    expect(r2.status).toBe(409);
  });

  it('keys are scoped per credential', async () => {
    const other = await t.cred();
    const body = commandBody();
    const a = await t.call(cred, 'POST', COMMANDS, { body });
    const b = await t.call(other, 'POST', COMMANDS, { body });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.command_id).not.toBe(a.body.command_id);
  });

  it('concurrent requests with one key create exactly one command', async () => {
    const c = await t.cred();
    const body = commandBody();
    const rs = await Promise.all(Array.from({ length: 24 }, () => t.call(c, 'POST', COMMANDS, { body })));
    expect(rs.map((r) => r.status)).toEqual(rs.map(() => 202));
    expect(new Set(rs.map((r) => r.body.command_id)).size).toBe(1);
    expect(rs.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    const list = await t.call(c, 'GET', COMMANDS);
    expect(list.body.items).toHaveLength(1);
  });

  it('concurrent conflicting bodies: one wins, the others are 409', async () => {
    const c = await t.cred();
    const key = 'race-' + Math.random().toString(36).slice(2);
    const rs = await Promise.all([0, 1, 2, 3].map((a) => t.call(c, 'POST', COMMANDS, { body: commandBody({ idempotency_key: key, device_id: 'DOCK-RACE', payload: { action: a } }) })));
    expect(rs.filter((r) => r.status === 202)).toHaveLength(1);
    expect(rs.filter((r) => r.status === 409)).toHaveLength(3);
  });
});

describe('list and get', () => {
  it('lists newest first with filters and a cursor', async () => {
    const c = await t.cred();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await t.call(c, 'POST', COMMANDS, { body: commandBody({ device_id: i % 2 ? 'DOCK-ODD' : 'DOCK-EVEN' }) })).body.command_id);
    const p1 = await t.call(c, 'GET', COMMANDS, { query: 'limit=2' });
    expect(p1.status).toBe(200);
    expect(p1.body.items.map((x: any) => x.command_id)).toEqual([ids[4], ids[3]]);
    const p2 = await t.call(c, 'GET', COMMANDS, { query: `limit=2&cursor=${encodeURIComponent(p1.body.next_cursor)}` });
    expect(p2.body.items.map((x: any) => x.command_id)).toEqual([ids[2], ids[1]]);
    const odd = await t.call(c, 'GET', COMMANDS, { query: 'device_id=DOCK-ODD' });
    expect(odd.body.items.map((x: any) => x.command_id)).toEqual([ids[3], ids[1]]);
    expect(odd.body.next_cursor).toBeNull();
  });
  it('the Command shape hides internal fields', async () => {
    const r = await t.call(cred, 'POST', COMMANDS, { body: commandBody() });
    const g = await t.call(cred, 'GET', `${COMMANDS}/${r.body.command_id}`);
    expect(Object.keys(g.body).sort()).toEqual(
      ['accepted_at', 'command_id', 'command_type', 'completed_at', 'delivered_at', 'device_id', 'failure_code', 'failure_reason', 'gateway_sn', 'idempotency_key', 'payload', 'progress', 'response_code', 'response_message', 'response_received_at', 'status', 'timeout_seconds', 'updated_at', 'vendor', 'vendor_response'].sort(),
    );
  });
  it('wait_seconds holds the response until the timeout passes, then returns the current state', async () => {
    const r = await t.call(cred, 'POST', COMMANDS, { body: commandBody() });
    const t0 = Date.now();
    const g = await t.call(cred, 'GET', `${COMMANDS}/${r.body.command_id}`, { query: 'wait_seconds=1' });
    expect(g.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(['ACCEPTED', 'DELIVERED']).toContain(g.body.status);
  });
});
