/** Unit tests of the client building blocks, with a fetch that records requests. */
import { describe, expect, it } from 'vitest';
import { commandHelpers, createSignedClient } from './create.js';

describe('createSignedClient', () => {
  it('runs all middleware before signing, so their changes are signed, and sends extra headers', async () => {
    const seen: Request[] = [];
    const raw = createSignedClient<any>({
      baseUrl: 'http://gw.test',
      apiId: 'id-1',
      apiKey: 'k',
      headers: { 'X-Extra': 'e' },
      fetch: async (r) => (seen.push(r), new Response('{}', { headers: { 'content-type': 'application/json' } })),
      middleware: [{ onRequest: ({ request }) => { const u = new URL(request.url); u.searchParams.set('added', '1'); return new Request(u, request); } }],
    });
    raw.use({ onRequest: ({ request }) => { request.headers.set('X-Late', 'l'); return request; } });
    await raw.GET('/x', {});
    expect(seen[0]!.headers.get('X-Extra')).toBe('e');
    expect(seen[0]!.headers.get('X-Late')).toBe('l');
    expect(seen[0]!.headers.get('X-Api-Id')).toBe('id-1');
    expect(seen[0]!.url).toBe('http://gw.test/x?added=1');
    expect(seen[0]!.headers.get('X-Api-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('commandHelpers', () => {
  it('builds one helper per command type, filling in the fixed fields and an idempotency key', async () => {
    const bodies: Record<string, unknown>[] = [];
    const helpers = commandHelpers<Record<string, (i: object) => Promise<unknown>>>(['cover_open', 'return_home'], async (b) => bodies.push(b), 'command_type', { vendor: 'dji' });
    expect(Object.keys(helpers)).toEqual(['cover_open', 'return_home']);
    await helpers.cover_open!({ device_id: 'd', payload: {} });
    await helpers.return_home!({ device_id: 'd', payload: {}, idempotency_key: 'mine', timeout_seconds: 5 });
    expect(Object.keys(bodies[0]!)).toEqual(['vendor', 'command_type', 'device_id', 'payload', 'idempotency_key']);
    expect(bodies[0]).toMatchObject({ vendor: 'dji', command_type: 'cover_open', device_id: 'd' });
    expect(bodies[0]!.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies[1]).toEqual({ vendor: 'dji', command_type: 'return_home', device_id: 'd', payload: {}, idempotency_key: 'mine', timeout_seconds: 5 });
  });
});
