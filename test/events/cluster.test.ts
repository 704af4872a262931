/**
 * Events across instances (issue 13 items 2 and 6): two gateways in one process, each with its own
 * PostgreSQL pool on one fresh schema (as two instances share a database) and its own embedded
 * broker, on loopback ports. Commands accepted through instance A arrive on a stream held by
 * instance B (which only learns of them by following the shared log), in per-device order, and a
 * reconnect to A with `Last-Event-ID` misses nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockgateClient, type DockgateClient, type DockgateEvent } from '../../generated/client/index.js';
import { createCredential } from '../../server/cli/credentials.js';
import { loadConfig } from '../../server/config.js';
import { startGateway, type Gateway } from '../../server/main.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `dgev_${process.pid}_${randomBytes(3).toString('hex')}`;
const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

async function sql(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

let a: Gateway;
let b: Gateway;
const dirs: string[] = [];
let clientA: DockgateClient;
let clientB: DockgateClient;

async function gateway(): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'dockgate-evcl-'));
  dirs.push(dir);
  const config = loadConfig([], { PORT: '0', MQTT_PORT: '0', DATA_DIR: dir, DATABASE_URL: url, LOG_LEVEL: 'silent', DEV_CREDENTIAL: 'false', SHUTDOWN_TIMEOUT_MS: '500' });
  // No local wake-up crosses instances: B sees A's events only by polling the shared log.
  return startGateway(config, { eventStream: { heartbeatMs: 1000, pollMs: 100 } });
}

async function take(it: AsyncGenerator<DockgateEvent>, n: number): Promise<DockgateEvent[]> {
  const out: DockgateEvent[] = [];
  for await (const e of it) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}

beforeAll(async () => {
  await sql(`CREATE SCHEMA ${schema}`);
  a = await gateway();
  b = await gateway();
  const c = await createCredential(a.store, { name: 'cluster', scopes: ['open:command:create', 'open:command:read', 'open:event:read'], allowed_devices: null });
  clientA = createDockgateClient({ baseUrl: a.url, apiId: c.api_id, apiKey: c.api_key });
  clientB = createDockgateClient({ baseUrl: b.url, apiId: c.api_id, apiKey: c.api_key });
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('events across two instances on PostgreSQL', () => {
  it('a stream on B receives the events of commands accepted on A, and a reconnect to A resumes without loss', async () => {
    const device = 'DOCK-CL-1';
    const onB = take(clientB.streamEvents({ type: 'command.accepted', device_id: device }), 6);
    await new Promise((r) => setTimeout(r, 300));
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await clientA.commands.air_conditioner_mode_switch({ device_id: device, payload: { action: 1 } });
      ids.push(r.data!.command_id);
    }
    const got = await onB;
    expect(got.map((e) => (e.data as { command_id: string }).command_id)).toEqual(ids);
    const seqs = got.map((e) => e.sequence!);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));

    // Resume on the other instance after the third event: exactly the last three.
    const resumed = await take(clientA.streamEvents({ type: 'command.accepted', device_id: device }, { lastEventId: got[2]!.id }), 3);
    expect(resumed.map((e) => e.id)).toEqual(got.slice(3).map((e) => e.id));
  }, 60_000);

  it('concurrent accepts on both instances give one device gapless sequence numbers', async () => {
    const device = 'DOCK-CL-2';
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? clientA : clientB).commands.air_conditioner_mode_switch({ device_id: device, payload: { action: 1 } })),
    );
    const page = await clientB.listEvents({ device_id: device, type: 'command.accepted', limit: 100 });
    expect(page.data!.items).toHaveLength(20);
    const all = await clientA.listEvents({ device_id: device, limit: 500 });
    const seqs = all.data!.items.map((e) => e.sequence!).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  }, 60_000);
});
