/**
 * The generated client and server stubs against each other (issue 2 §4):
 * - type level: `tsc` on a fixture that implements `Handlers`, calls every client helper with its
 *   catalog example, mixes client and server types, and proves with `@ts-expect-error` that a wrong
 *   payload, a misspelt field and an unknown command are type errors (an unused
 *   `@ts-expect-error` is itself an error, so each of those lines can fail the test);
 * - run time: the client over real HTTP (127.0.0.1, port 0) against a Hono app built with
 *   `registerRoutes`, whose middleware verifies every signature with spec/signing.ts.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalRequest, sign } from '../../spec/signing.js';
import { catalog, syntheticCommand } from './helpers.js';
import { surfaceTree, type SurfaceTree } from './surface-tree.js';

const PROBE = 'zz_surface_probe';
const PROBE_PAYLOAD = { mode: 1, speed: 3.5, lens: 'ir', target: { height: 10 }, points: [{ x: 1 }] };
let tree: SurfaceTree;
let commandTypes: { command_type: string; example: Record<string, unknown> }[];

beforeAll(async () => {
  const cat = await catalog();
  const commands = [...cat.commands, syntheticCommand(PROBE)];
  commandTypes = commands.map((c) => ({ command_type: c.command_type, example: c.example }));
  tree = await surfaceTree({ ...cat, commands });
}, 180_000);
afterAll(() => tree?.remove());

function typeErrors(dir: string): string[] {
  const cfgPath = join(dir, 'tsconfig.json');
  const cfg = ts.getParsedCommandLineOfConfigFile(cfgPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } })!;
  const program = ts.createProgram({ rootNames: cfg.fileNames, options: cfg.options });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('client and server type-check against each other', () => {
  it('compiles a fixture using both, and rejects wrong payloads at compile time', () => {
    const calls = commandTypes
      .map((c) => `  await client.commands.${c.command_type}({ device_id: 'dock-1', payload: ${JSON.stringify(c.example)} });`)
      .join('\n');
    tree.write(
      'fixture/client.ts',
      `import { createDockgateClient, type CommandInput, type CreateCommandRequest as ClientBody, type Command } from '../generated/client/index.js';
import type { CreateCommandRequest as ServerBody, ListCommandsQuery } from '../generated/server/routes.js';

const client = createDockgateClient({ baseUrl: 'http://127.0.0.1:1', apiId: 'id', apiKey: 'key' });
const ok: CommandInput<'${PROBE}'>['payload'] = ${JSON.stringify(PROBE_PAYLOAD)};

export async function everyHelper(): Promise<void> {
${calls}
  await client.commands.${PROBE}({ device_id: 'd', payload: { ...ok, label: 'x' }, idempotency_key: 'k', timeout_seconds: 10 });
  // @ts-expect-error mode 7 is not in the enum
  await client.commands.${PROBE}({ device_id: 'd', payload: { ...ok, mode: 7 } });
  // @ts-expect-error misspelt payload field
  await client.commands.${PROBE}({ device_id: 'd', payload: { ...ok, moed: 1 } });
  // @ts-expect-error speed must be a number
  await client.commands.${PROBE}({ device_id: 'd', payload: { ...ok, speed: '3' } });
  // @ts-expect-error a required payload field is missing
  await client.commands.${PROBE}({ device_id: 'd', payload: { mode: 1, speed: 1, lens: 'ir', target: { height: 10 } } });
  // @ts-expect-error device_id is required
  await client.commands.${PROBE}({ payload: ok });
  // @ts-expect-error no such command
  await client.commands.no_such_command({ device_id: 'd', payload: {} });
  const created = await client.createCommand({ vendor: 'dji', device_id: 'd', command_type: '${PROBE}', payload: ok, idempotency_key: 'k' });
  if (created.data) {
    const id: string = created.data.command_id;
    const done: Command = await client.waitForCommand(id, { timeoutMs: 1000 });
    const status: 'ACCEPTED' | 'DELIVERED' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'UNMATCHED_RESPONSE' = done.status;
    void status;
  } else {
    const code: string = created.error.code;
    void code;
  }
  const got = await client.getCommand('id', { wait_seconds: 5 });
  // @ts-expect-error wait_seconds is a number
  await client.getCommand('id', { wait_seconds: '5' });
  await client.listCommands({ limit: 10, device_id: 'd' });
  await client.listDeviceRequests({ limit: 10 });
  await client.getDeviceRequest('id');
  await client.replyDeviceRequest('id', { reply_code: '0', payload: {} });
  void got;
}

// Client and server name the same types.
export function sameTypes(a: ClientBody, q: ListCommandsQuery): ServerBody {
  const input: CommandInput<'${PROBE}'> = { device_id: 'd', payload: ok };
  void input; void q;
  return a;
}
`,
    );
    tree.write(
      'fixture/server.ts',
      `import { Hono } from 'hono';
import { registerRoutes, routeTable, operationScopes, type Handlers, type HandlerResult, type CommandAccepted, type Command } from '../generated/server/routes.js';
import type { CommandAccepted as ClientResponse } from '../generated/client/index.js';

const handlers: Handlers = {
  async createCommand(_c, { body }): Promise<HandlerResult> {
    if (body.command_type === '${PROBE}') {
      const mode: 0 | 1 = body.payload.mode;
      // @ts-expect-error payload of the narrowed variant has no such field
      void body.payload.nothing;
      void mode;
    }
    const res: ClientResponse = { command_id: '00000000-0000-4000-8000-000000000000', status: 'ACCEPTED', accepted_at: new Date().toISOString() };
    const same: CommandAccepted = res;
    return { status: 202, body: same };
  },
  async listCommands(_c, { query }) {
    const limit: number | undefined = query.limit;
    return { status: 200, body: { items: [], next_cursor: null, limit } };
  },
  async getCommand(_c, { params, query }) {
    const id: string = params.command_id;
    const wait: number | undefined = query.wait_seconds;
    const cmd = null as unknown as Command;
    return { status: 200, body: { ...cmd, id, wait } };
  },
  async listDeviceRequests(_c, { query }) {
    return { status: 200, body: { items: [], next_cursor: null, q: query.device_id } };
  },
  async getDeviceRequest(_c, { params }) {
    return { status: 200, body: { request_id: params.request_id } };
  },
  async replyDeviceRequest(_c, { params, body }) {
    const code: string = body.reply_code;
    return { status: 202, body: { request_id: params.request_id, reply_code: code } };
  },
  async listDevices(_c, { query }) {
    const online: boolean | undefined = query.online;
    return { status: 200, body: { items: [], next_cursor: null, online } };
  },
  async getDevice(_c, { params }) {
    const sn: string = params.device_sn;
    return { status: 200, body: { sn } };
  },
  async listDeviceAlarms(_c, { params, query }) {
    const state: 'active' | 'cleared' | undefined = query.state;
    return { status: 200, body: { items: [], next_cursor: null, sn: params.device_sn, state } };
  },
  async listFlightTasks() {
    return { status: 200, body: { items: [], next_cursor: null } };
  },
  async getFlightTask(_c, { params }) {
    const flightId: string = params.flight_id;
    return { status: 200, body: { flight_id: flightId } };
  },
  async listMedia() {
    return { status: 200, body: { items: [], next_cursor: null } };
  },
  async listEvents(_c, { query }) {
    const type: string | undefined = query.type;
    return { status: 200, body: { items: [], next_cursor: null, type } };
  },
  async createWebhookEndpoint(_c, { body }) {
    const url: string = body.url;
    return { status: 201, body: { url } };
  },
  async updateWebhookEndpoint(_c, { params, body }) {
    const rotate: boolean | undefined = body.rotate_secret;
    return { status: 200, body: { endpoint_id: params.endpoint_id, rotate } };
  },
  async deleteWebhookSubscription(_c, { params }) {
    const id: string = params.subscription_id;
    return { status: 204, body: id ? undefined : undefined };
  },
  async listWebhookEndpoints() {
    return { status: 200, body: {} };
  },
  async getWebhookEndpoint() {
    return { status: 200, body: {} };
  },
  async createWebhookSubscription() {
    return { status: 200, body: {} };
  },
  async listWebhookSubscriptions() {
    return { status: 200, body: {} };
  },
  async listWebhookAttempts() {
    return { status: 200, body: {} };
  },
  async redeliverWebhookEvent() {
    return { status: 200, body: {} };
  },
  async recoverWebhookDeliveries() {
    return { status: 200, body: {} };
  },
  async sendWebhookTest() {
    return { status: 200, body: {} };
  },
  async streamEvents(_c, { query }) {
    const after: string | undefined = query.last_event_id;
    return { status: 200, body: undefined, response: new Response(after ?? '') };
  },
};
const app = new Hono();
registerRoutes(app, handlers, { readBody: (c) => c.req.json(), onInvalid: (c, code, issues) => c.json({ code, details: issues }, 400) });
export const scopes: string[] = [...routeTable.map((r) => r.scope), operationScopes.createCommand];
`,
    );
    expect(typeErrors(tree.dir)).toEqual([]);
  }, 180_000);
});

describe('client ↔ routes over real HTTP with signatures', () => {
  const API_ID = 'partner-1';
  const API_KEY = 'secret-key-1';
  let server: ServerType;
  let baseUrl: string;
  const seen: { op: string; input: any }[] = [];
  const verified: { path: string; query: string; ok: boolean }[] = [];
  let polls = 0;
  let client: any;

  beforeAll(async () => {
    const routes = await tree.load('generated/server/routes.ts');
    const { createDockgateClient } = await tree.load('generated/client/index.ts');
    const app = new Hono<{ Variables: { raw: Uint8Array } }>();
    // What the HTTP layer does: verify the signature over the raw bytes, keep them for readBody.
    app.use('*', async (c, next) => {
      const raw = new Uint8Array(await c.req.raw.clone().arrayBuffer());
      const url = new URL(c.req.url);
      const canonical = canonicalRequest({
        method: c.req.method,
        path: url.pathname,
        query: url.search.slice(1),
        apiId: c.req.header('X-Api-Id') ?? '',
        timestamp: c.req.header('X-Api-Timestamp') ?? '',
        nonce: c.req.header('X-Api-Nonce') ?? '',
        body: raw,
      });
      const ok = c.req.header('X-Api-Id') === API_ID && sign(API_KEY, canonical) === c.req.header('X-Api-Signature');
      verified.push({ path: url.pathname, query: url.search.slice(1), ok });
      if (!ok) return c.json({ code: 'SIGNATURE_INVALID', message: 'bad signature', request_id: 'r' }, 401);
      c.set('raw', raw);
      await next();
    });
    const rec = (op: string, input: unknown) => seen.push({ op, input: JSON.parse(JSON.stringify(input)) });
    const now = () => new Date().toISOString();
    const command = (status: string) => ({ command_id: '0b0f5f3e-7c1a-4d4e-9a55-7f1e2d3c4b5a', status, command_type: PROBE, updated_at: now() });
    routes.registerRoutes(
      app,
      {
        createCommand: async (_c: Context, input: unknown) => (rec('createCommand', input), { status: 202, body: { command_id: command('ACCEPTED').command_id, status: 'ACCEPTED', accepted_at: now() } }),
        listCommands: async (_c: Context, input: unknown) => (rec('listCommands', input), { status: 200, body: { items: [], next_cursor: null } }),
        getCommand: async (_c: Context, input: any) => {
          rec('getCommand', input);
          polls++;
          return { status: 200, body: command(polls >= 2 ? 'SUCCEEDED' : 'DELIVERED'), headers: { 'X-Poll': String(polls) } };
        },
        listDeviceRequests: async (_c: Context, input: unknown) => (rec('listDeviceRequests', input), { status: 200, body: { items: [], next_cursor: null } }),
        getDeviceRequest: async (_c: Context, input: any) => (rec('getDeviceRequest', input), { status: 404, body: { code: 'DEVICE_REQUEST_NOT_FOUND', message: 'none', request_id: 'r' } }),
        replyDeviceRequest: async (_c: Context, input: any) => (rec('replyDeviceRequest', input), { status: 202, body: { request_id: input.params.request_id, reply_code: input.body.reply_code, reply_message: null, reply_source: 'manual', replied_at: now() } }),
        listDevices: async (_c: Context, input: unknown) => (rec('listDevices', input), { status: 200, body: { items: [], next_cursor: null } }),
        getDevice: async (_c: Context, input: any) => (rec('getDevice', input), { status: 404, body: { code: 'DEVICE_NOT_FOUND', message: 'none', request_id: 'r' } }),
        listDeviceAlarms: async (_c: Context, input: unknown) => (rec('listDeviceAlarms', input), { status: 200, body: { items: [], next_cursor: null } }),
        listFlightTasks: async (_c: Context, input: unknown) => (rec('listFlightTasks', input), { status: 200, body: { items: [], next_cursor: null } }),
        getFlightTask: async (_c: Context, input: unknown) => (rec('getFlightTask', input), { status: 200, body: {} }),
        listMedia: async (_c: Context, input: unknown) => (rec('listMedia', input), { status: 200, body: { items: [], next_cursor: null } }),
        listEvents: async (_c: Context, input: unknown) => (rec('listEvents', input), { status: 200, body: { items: [], next_cursor: null } }),
        createWebhookEndpoint: async (_c: Context, input: unknown) => (rec('createWebhookEndpoint', input), { status: 200, body: {} }),
        listWebhookEndpoints: async (_c: Context, input: unknown) => (rec('listWebhookEndpoints', input), { status: 200, body: {} }),
        getWebhookEndpoint: async (_c: Context, input: unknown) => (rec('getWebhookEndpoint', input), { status: 200, body: {} }),
        updateWebhookEndpoint: async (_c: Context, input: unknown) => (rec('updateWebhookEndpoint', input), { status: 200, body: {} }),
        createWebhookSubscription: async (_c: Context, input: unknown) => (rec('createWebhookSubscription', input), { status: 200, body: {} }),
        listWebhookSubscriptions: async (_c: Context, input: unknown) => (rec('listWebhookSubscriptions', input), { status: 200, body: {} }),
        deleteWebhookSubscription: async (_c: Context, input: unknown) => (rec('deleteWebhookSubscription', input), { status: 200, body: {} }),
        listWebhookAttempts: async (_c: Context, input: unknown) => (rec('listWebhookAttempts', input), { status: 200, body: {} }),
        redeliverWebhookEvent: async (_c: Context, input: unknown) => (rec('redeliverWebhookEvent', input), { status: 200, body: {} }),
        recoverWebhookDeliveries: async (_c: Context, input: unknown) => (rec('recoverWebhookDeliveries', input), { status: 200, body: {} }),
        sendWebhookTest: async (_c: Context, input: unknown) => (rec('sendWebhookTest', input), { status: 200, body: {} }),
        streamEvents: async (_c: Context, input: unknown) => (rec('streamEvents', input), { status: 200, body: undefined, response: new Response('', { headers: { 'Content-Type': 'text/event-stream' } }) }),
      },
      {
        readBody: async (c: Context) => JSON.parse(new TextDecoder().decode(c.get('raw'))),
        onInvalid: (c: Context, code: string, issues: unknown[]) => c.json({ code, message: 'invalid', request_id: 'r', details: issues }, 400),
      },
    );
    server = await new Promise<ServerType>((ready) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => ready(s));
    });
    const addr = server.address() as { port: number };
    baseUrl = `http://127.0.0.1:${addr.port}`;
    client = createDockgateClient({ baseUrl, apiId: API_ID, apiKey: API_KEY });
  }, 60_000);
  afterAll(async () => {
    await new Promise((done) => server?.close(done));
  });

  it('sends a per-command helper as a signed, validated create-command body', async () => {
    const r = await client.commands[PROBE]({ device_id: 'dock-1', payload: PROBE_PAYLOAD, timeout_seconds: 12 });
    expect(r.error).toBeUndefined();
    expect(r.response.status).toBe(202);
    expect(r.data.status).toBe('ACCEPTED');
    const body = seen.find((s) => s.op === 'createCommand')!.input.body;
    expect(body).toMatchObject({ vendor: 'dji', device_id: 'dock-1', command_type: PROBE, payload: PROBE_PAYLOAD, timeout_seconds: 12 });
    expect(body.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(verified.at(-1)).toEqual({ path: '/api/v1/open/downlink/commands', query: '', ok: true });
  });

  it('rejects an invalid body through onInvalid without calling the handler', async () => {
    const before = seen.length;
    const r = await client.createCommand({ vendor: 'dji', device_id: 'dock-1', command_type: PROBE, payload: { ...PROBE_PAYLOAD, mode: 5 }, idempotency_key: 'k' });
    expect(r.response.status).toBe(400);
    expect(r.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'payload.mode', rule: 'enum' }] });
    const unknown = await client.createCommand({ vendor: 'dji', device_id: 'dock-1', command_type: 'no_such', payload: {}, idempotency_key: 'k' });
    expect(unknown.error).toMatchObject({ code: 'UNSUPPORTED_COMMAND' });
    expect(seen.length).toBe(before);
  });

  it('signs and coerces query strings (sorted, percent-encoded) and waits with wait_seconds', async () => {
    const list = await client.listCommands({ limit: 5, device_id: 'dock 1&x', status: 'SUCCEEDED' });
    expect(list.error).toBeUndefined();
    expect(seen.filter((s) => s.op === 'listCommands').at(-1)!.input).toEqual({ query: { limit: 5, device_id: 'dock 1&x', status: 'SUCCEEDED' } });
    expect(verified.at(-1)!.ok).toBe(true);

    polls = 0;
    const done = await client.waitForCommand('0b0f5f3e-7c1a-4d4e-9a55-7f1e2d3c4b5a', { timeoutMs: 10_000 });
    expect(done.status).toBe('SUCCEEDED');
    const gets = seen.filter((s) => s.op === 'getCommand');
    expect(gets.length).toBe(2);
    expect(gets[0]!.input.params).toEqual({ command_id: '0b0f5f3e-7c1a-4d4e-9a55-7f1e2d3c4b5a' });
    // 10 s budget → the first long-poll asks for 9 or 10 s (whole seconds left), never more than 30
    expect([9, 10]).toContain(gets[0]!.input.query.wait_seconds);
    const get = await client.getCommand('0b0f5f3e-7c1a-4d4e-9a55-7f1e2d3c4b5a');
    expect(get.response.headers.get('X-Poll')).toBe('3');
    const bad = await client.getCommand('not-a-uuid', { wait_seconds: 31 });
    expect(bad.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['command_id', 'wait_seconds']);
  });

  it('covers the device-request operations and surfaces API errors', async () => {
    const id = '1c1f5f3e-7c1a-4d4e-9a55-7f1e2d3c4b5a';
    const reply = await client.replyDeviceRequest(id, { reply_code: '0', payload: { ok: true } });
    expect(reply.data).toMatchObject({ request_id: id, reply_code: '0', reply_source: 'manual' });
    expect(seen.at(-1)).toEqual({ op: 'replyDeviceRequest', input: { params: { request_id: id }, body: { reply_code: '0', payload: { ok: true } } } });
    const missing = await client.getDeviceRequest(id);
    expect(missing.response.status).toBe(404);
    expect(missing.error.code).toBe('DEVICE_REQUEST_NOT_FOUND');
    const list = await client.listDeviceRequests({ limit: 2 });
    expect(list.data).toEqual({ items: [], next_cursor: null });
  });

  it('is refused by the verifier when signed with another key', async () => {
    const { createDockgateClient } = await tree.load('generated/client/index.ts');
    const wrong = createDockgateClient({ baseUrl, apiId: API_ID, apiKey: 'not-the-key' });
    const r = await wrong.listCommands();
    expect(r.response.status).toBe(401);
    expect(verified.at(-1)!.ok).toBe(false);
    await expect(wrong.waitForCommand('0b0f5f3e-7c1a-4d4e-9a55-7f1e2d3c4b5a', { timeoutMs: 100 })).rejects.toThrow(/SIGNATURE_INVALID/);
  });
});
