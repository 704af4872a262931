/**
 * The event log and stream over real HTTP on loopback (issue 13 items 2 and 6): a real gateway
 * (SQLite, embedded broker), signed requests through the generated client. Commands accepted
 * through the API appear in `GET /api/v1/open/events` and on the stream; the client's iterator
 * reconnects by itself and resumes with `Last-Event-ID`; an explicit resume misses nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockgateClient, type DockgateClient, type DockgateEvent } from '../../generated/client/index.js';
import { createCredential } from '../../server/cli/credentials.js';
import { loadConfig } from '../../server/config.js';
import { startGateway, type Gateway } from '../../server/main.js';
import { signRequest } from '../../spec/signing.js';

let gw: Gateway;
let dir: string;
let client: DockgateClient;
let cred: { api_id: string; api_key: string };
const DEVICE = 'DOCK-EVENTS-1';

async function accept(n: number, device = DEVICE): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await client.commands.air_conditioner_mode_switch({ device_id: device, payload: { action: 1 } });
    expect(r.response.status).toBe(202);
    ids.push(r.data!.command_id);
  }
  return ids;
}

/** Take `n` events from an iterator (then stop it). */
async function take(it: AsyncGenerator<DockgateEvent>, n: number): Promise<DockgateEvent[]> {
  const out: DockgateEvent[] = [];
  for await (const e of it) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockgate-events-'));
  const config = loadConfig([], { PORT: '0', MQTT_PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', DEV_CREDENTIAL: 'false', SHUTDOWN_TIMEOUT_MS: '500' });
  gw = await startGateway(config, { eventStream: { heartbeatMs: 100, pollMs: 50 } });
  const c = await createCredential(gw.store, { name: 'events', scopes: ['open:command:create', 'open:command:read', 'open:event:read'], allowed_devices: null });
  cred = { api_id: c.api_id, api_key: c.api_key };
  client = createDockgateClient({ baseUrl: gw.url, apiId: cred.api_id, apiKey: cred.api_key });
});

afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('event log and stream', () => {
  it('lists command.accepted for accepted commands, oldest first, paged by cursor, filtered by type prefix and device', async () => {
    const ids = await accept(3, 'DOCK-LIST-1');
    const page1 = await client.listEvents({ type: 'command.accepted', device_id: 'DOCK-LIST-1', limit: 2 });
    expect(page1.response.status).toBe(200);
    expect(page1.data!.items.map((e) => (e.data as { command_id: string }).command_id)).toEqual(ids.slice(0, 2));
    // Per-device sequence: increasing (the commands' delivered events take numbers in between).
    const seqs = page1.data!.items.map((e) => e.sequence!);
    expect(seqs[0]).toBe(1);
    expect(seqs[1]).toBeGreaterThan(seqs[0]!);
    const page2 = await client.listEvents({ type: 'command.*', device_id: 'DOCK-LIST-1', limit: 2, cursor: page1.data!.next_cursor! });
    expect(page2.data!.items.some((e) => e.type === 'command.accepted' && (e.data as { command_id: string }).command_id === ids[2])).toBe(true);
    const bad = await client.listEvents({ cursor: 'nope' });
    expect(bad.response.status).toBe(400);
    const other = await createCredential(gw.store, { name: 'other', scopes: ['open:event:read'], allowed_devices: null });
    const theirs = await createDockgateClient({ baseUrl: gw.url, apiId: other.api_id, apiKey: other.api_key }).listEvents({ device_id: 'DOCK-LIST-1' });
    expect(theirs.data!.items).toEqual([]);
  });

  it('streams new events as SSE with id = event id and heartbeat comments, to a signed request', async () => {
    const path = '/api/v1/open/events/stream';
    const query = 'type=command.accepted';
    const res = await fetch(`${gw.url}${path}?${query}`, { headers: signRequest({ method: 'GET', path, query, apiId: cred.api_id, apiKey: cred.api_key, body: '' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const [id] = await accept(1);
    let text = '';
    const dec = new TextDecoder();
    while (!(text.includes(id!) && text.includes(': heartbeat'))) text += dec.decode((await reader.read()).value, { stream: true });
    await reader.cancel();
    const frame = text.split('\n\n').find((f) => f.includes(id!))!;
    const data = JSON.parse(frame.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
    expect(frame).toContain(`id: ${data.id}`);
    expect(frame).toContain('event: command.accepted');
    const unsigned = await fetch(`${gw.url}${path}`);
    expect(unsigned.status).toBe(401);
  });

  it('resumes after Last-Event-ID: a reconnect misses nothing and repeats nothing', async () => {
    const first = client.streamEvents({ type: 'command.accepted', device_id: 'DOCK-RESUME' });
    const firstTwo = take(first, 2);
    await new Promise((r) => setTimeout(r, 200));
    const ids = await accept(2, 'DOCK-RESUME');
    const got = await firstTwo;
    expect(got.map((e) => (e.data as { command_id: string }).command_id)).toEqual(ids);
    // Disconnected; three more are accepted meanwhile.
    const later = await accept(3, 'DOCK-RESUME');
    const resumed = await take(client.streamEvents({ type: 'command.accepted', device_id: 'DOCK-RESUME' }, { lastEventId: got[1]!.id }), 3);
    expect(resumed.map((e) => (e.data as { command_id: string }).command_id)).toEqual(later);
    const seqs = [got[1]!, ...resumed].map((e) => e.sequence!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(4);
    const unknown = client.streamEvents({}, { lastEventId: '01966a3c-7d00-7000-8000-000000000000' });
    await expect(unknown.next()).rejects.toMatchObject({ status: 400 });
  });

  it('the client iterator reconnects by itself after a dropped connection and resumes from the last event', async () => {
    let streams = 0;
    const reconnects: unknown[] = [];
    // A fetch that cuts the first stream connection right after its first event.
    const cutting = async (req: Request): Promise<Response> => {
      const res = await fetch(req);
      if (!req.url.includes('/events/stream') || streams++ > 0 || !res.body) return res;
      const src = res.body.getReader();
      let buf = '';
      const body = new ReadableStream<Uint8Array>({
        async pull(ctl) {
          const { value, done } = await src.read();
          if (done) return ctl.close();
          ctl.enqueue(value);
          buf += new TextDecoder().decode(value);
          if (/\nid: /.test(buf) || buf.startsWith('id: ') || buf.includes('\nid:')) {
            await src.cancel();
            ctl.error(new Error('connection cut by the test'));
          }
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const c2 = createDockgateClient({ baseUrl: gw.url, apiId: cred.api_id, apiKey: cred.api_key, fetch: cutting });
    const it = c2.streamEvents({ type: 'command.accepted', device_id: 'DOCK-CUT' }, { retryMs: 20, onReconnect: (e) => reconnects.push(e) });
    const four = take(it, 4);
    await new Promise((r) => setTimeout(r, 200));
    const ids = await accept(4, 'DOCK-CUT');
    const got = await four;
    expect(got.map((e) => (e.data as { command_id: string }).command_id)).toEqual(ids);
    expect(streams).toBeGreaterThanOrEqual(2);
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
  });
});
