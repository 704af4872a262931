/**
 * Unit tests of the route plumbing on a real Hono app (requests through `app.request`, no socket):
 * validators here are small functions, the generated ones are covered by test/generator and
 * test/http.
 */
import { Hono, type Context } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ParamsInput, ValidationResult } from '../validation/index.js';
import { registerRouteTable, send, type HandlerResult, type RouteHooks } from './route.js';

const idParams = (raw: ParamsInput): ValidationResult<{ id: string }> =>
  raw.id === 'bad' ? { ok: false, code: 'VALIDATION_FAILED', issues: [{ field: 'id', rule: 'pattern', message: 'id is bad' }] } : { ok: true, value: { id: String(raw.id) } };
const limitQuery = (raw: ParamsInput): ValidationResult<{ limit?: number; tag?: string[] }> => {
  if (raw.limit !== undefined && !/^\d+$/.test(String(raw.limit))) return { ok: false, code: 'VALIDATION_FAILED', issues: [{ field: 'limit', rule: 'type', message: 'limit must be of type integer' }] };
  return { ok: true, value: { ...(raw.limit === undefined ? {} : { limit: Number(raw.limit) }), ...(raw.tag === undefined ? {} : { tag: raw.tag as string[] }) } };
};
const objectBody = (raw: unknown): ValidationResult<{ name: string }> =>
  typeof raw === 'object' && raw !== null && typeof (raw as { name?: unknown }).name === 'string'
    ? { ok: true, value: raw as { name: string } }
    : { ok: false, code: 'UNSUPPORTED_COMMAND', issues: [{ field: 'name', rule: 'required', message: 'name is required' }] };

const routes = [
  { method: 'GET', path: '/things', operationId: 'listThings', scope: 'open:command:read', input: { query: limitQuery } },
  { method: 'POST', path: '/things/:id', operationId: 'putThing', scope: 'open:command:create', input: { params: idParams, body: objectBody } },
  { method: 'DELETE', path: '/things/:id', operationId: 'dropThing', scope: 'open:command:create', input: {} },
] as const;

function app(calls: unknown[] = []) {
  const hooks: RouteHooks = {
    readBody: (c) => c.req.json(),
    onInvalid: (c, code, issues) => c.json({ code, details: issues }, 400),
  };
  const a = new Hono();
  registerRouteTable(a, routes, {
    async listThings(_c: Context, input: { query: { limit?: number; tag?: string[] } }): Promise<HandlerResult> {
      calls.push(input);
      return { status: 200, body: { items: [], ...input.query }, headers: { 'x-extra': '1' } };
    },
    async putThing(_c, input) {
      calls.push(input);
      return { status: 202, body: { id: input.params.id, name: input.body.name } };
    },
    async dropThing(_c, input) {
      calls.push(input);
      return { status: 204, body: undefined };
    },
  }, hooks);
  return a;
}

const post = (body: string) => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('registerRouteTable', () => {
  it('hands the handler the validated parts and sends its result with status and headers', async () => {
    const calls: unknown[] = [];
    const r = await app(calls).request('/things?limit=5&tag=a&tag=b');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-extra')).toBe('1');
    expect(await r.json()).toEqual({ items: [], limit: 5, tag: ['a', 'b'] });
    const r2 = await app(calls).request('/things/7', post('{"name":"n"}'));
    expect([r2.status, await r2.json()]).toEqual([202, { id: '7', name: 'n' }]);
    expect(calls).toEqual([{ query: { limit: 5, tag: ['a', 'b'] } }, { params: { id: '7' }, body: { name: 'n' } }]);
  });

  it('sends no body when the result has none, and passes an empty input to a route without parts', async () => {
    const calls: unknown[] = [];
    const r = await app(calls).request('/things/1', { method: 'DELETE' });
    expect(r.status).toBe(204);
    expect(await r.text()).toBe('');
    expect(calls).toEqual([{}]);
  });

  it('reports every invalid part with the first one’s code, without calling the handler', async () => {
    const calls: unknown[] = [];
    const r = await app(calls).request('/things/bad', post('{}'));
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      code: 'VALIDATION_FAILED',
      details: [
        { field: 'id', rule: 'pattern', message: 'id is bad' },
        { field: 'name', rule: 'required', message: 'name is required' },
      ],
    });
    const r2 = await app(calls).request('/things/1', post('[]'));
    expect(await r2.json()).toMatchObject({ code: 'UNSUPPORTED_COMMAND' });
    expect(calls).toEqual([]);
  });

  it('lets a failing body reader propagate to onError', async () => {
    const a = app();
    a.onError((e, c) => c.json({ thrown: e.name }, 500));
    const r = await a.request('/things/1', post('{not json'));
    expect([r.status, await r.json()]).toEqual([500, { thrown: 'SyntaxError' }]);
  });

  it('refuses a table without a handler for one of its routes', () => {
    expect(() => registerRouteTable(new Hono(), routes, {} as never, {} as RouteHooks)).toThrow(/no handler for listThings/);
  });
});

describe('send', () => {
  it('sends JSON with the status, or an empty body', async () => {
    const a = new Hono();
    a.get('/j', (c) => send(c, { status: 201, body: { a: 1 } }));
    a.get('/e', (c) => send(c, { status: 204, body: undefined, headers: { location: '/x' } }));
    const j = await a.request('/j');
    expect([j.status, j.headers.get('content-type'), await j.json()]).toEqual([201, 'application/json', { a: 1 }]);
    const e = await a.request('/e');
    expect([e.status, e.headers.get('location'), await e.text()]).toEqual([204, '/x', '']);
  });
});
