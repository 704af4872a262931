/**
 * A mission flown against the mock (issue 12 items 2–4; docs/missions.md): the production gateway
 * with simulated docks, over the generated client. prepare + execute → SUCCEEDED, the flight task
 * shows its waypoints, media count and uploaded media, `GET /media?flight_id=` lists the photos (the
 * mock answers `storage_config_get` from its sandbox storage, secrets redacted in the stored
 * request); a mission told to fail at a waypoint shows its break point and DJI code; pause and
 * recovery show on the task; a silent mission stays open.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockgateClient, type DockgateClient } from '../../generated/client/index.js';
import { mockConfig, startMock, type MockServer } from '../../mock/server.js';
import { commandsByType } from '../../spec/catalog.js';

/** Poll `f` until it returns a value (every 50 ms), or fail after `ms` naming `what`. */
async function waitFor<T>(f: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const DOCK = `MIS${Date.now().toString(36).toUpperCase()}`;
const prepareExample = commandsByType.get('flighttask_prepare')!.example as Record<string, unknown>;

describe('a mission against the mock', () => {
  let m: MockServer;
  let client: DockgateClient;
  const withPrefer = (prefer: string) => createDockgateClient({ baseUrl: m.url, apiId: 'sandbox', apiKey: 'sandbox-secret', headers: { Prefer: prefer } });

  beforeAll(async () => {
    m = await startMock(mockConfig([], { PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent' }), { progressIntervalMs: 30, telemetry: { osdIntervalMs: 0 } });
    client = createDockgateClient({ baseUrl: m.url, apiId: 'sandbox', apiKey: 'sandbox-secret' });
  }, 30_000);
  afterAll(async () => {
    await m?.close();
  });

  /** prepare then execute flight `id`; returns the execute command (not awaited). */
  async function fly(id: string, c: DockgateClient = client) {
    const prep = await client.commands.flighttask_prepare({ device_id: DOCK, payload: { ...prepareExample, flight_id: id } as never });
    expect(prep.response.status).toBe(202);
    expect(await client.waitForCommand(prep.data!.command_id, { timeoutMs: 10_000 })).toMatchObject({ status: 'SUCCEEDED' });
    const exec = await c.commands.flighttask_execute({ device_id: DOCK, payload: { flight_id: id } });
    expect(exec.response.status).toBe(202);
    return exec.data!.command_id;
  }

  it('prepare + execute → SUCCEEDED; the flight task shows waypoints and media; GET /media lists the photos', async () => {
    const id = randomUUID();
    const exec = await fly(id);
    expect(await client.waitForCommand(exec, { timeoutMs: 15_000 })).toMatchObject({ status: 'SUCCEEDED', progress: { percent: 100 } });
    const task = await waitFor(async () => {
      const t = (await client.getFlightTask(id)).data;
      return t && t.uploaded_count === 5 ? t : undefined;
    }, 10_000, 'media uploaded');
    expect(task).toMatchObject({ flight_id: id, sn: DOCK, status: 'ok', terminal: true, percent: 100, current_waypoint_index: 4, media_count: 5, uploaded_count: 5, break_point: null, result: 0 });
    expect(task.commands.map((c) => c.command_type)).toEqual(['flighttask_prepare', 'flighttask_execute']);
    expect(task.prepared_at && task.started_at && task.ended_at).toBeTruthy();
    const media = await client.listMedia({ flight_id: id, limit: 3 });
    expect(media.data!.items).toHaveLength(3);
    expect(media.data!.items[0]).toMatchObject({ sn: DOCK, flight_id: id, is_original: true, object_key: expect.stringMatching(new RegExp(`^media/${DOCK}/${id}/DJI_\\d{4}_W\\.jpeg$`)) });
    const rest = await client.listMedia({ flight_id: id, cursor: media.data!.next_cursor! });
    expect(rest.data!.items).toHaveLength(2);
    // The stored storage_config_get reply keeps the key id but not the secret.
    const reqs = await client.listDeviceRequests({ device_id: DOCK, request_type: 'storage_config_get' });
    const stored = reqs.data!.items[0]!;
    expect(stored.reply_source).toBe('auto');
    expect(JSON.stringify(stored)).not.toContain('sandbox-secret');
    expect(stored.standardized_reply).toMatchObject({ result: 0, output: { bucket: 'dockgate-sandbox', object_key_prefix: `media/${DOCK}`, credentials: { access_key_id: 'sandbox', access_key_secret: '***' } } });
    const listed = await client.listFlightTasks({ device_sn: DOCK, status: 'ok' });
    expect(listed.data!.items.map((t) => t.flight_id)).toContain(id);
  }, 40_000);

  it('Prefer: outcome=failed, code=…, waypoint=2 → FAILED with the DJI code; the task shows its break point', async () => {
    const id = randomUUID();
    const exec = await fly(id, withPrefer('outcome=failed, code=314015, waypoint=2'));
    expect(await client.waitForCommand(exec, { timeoutMs: 15_000 })).toMatchObject({ status: 'FAILED', response_code: '314015' });
    const task = (await client.getFlightTask(id)).data!;
    expect(task).toMatchObject({ status: 'failed', terminal: true, result: 314015, current_waypoint_index: 2, media_count: 2, break_point: { index: 2, state: 1, progress: 0, wayline_id: 0 } });
  }, 40_000);

  it('pause and recovery show on the task; a mission that goes silent stays open', async () => {
    const id = randomUUID();
    const exec = await fly(id);
    const pause = await client.commands.flighttask_pause({ device_id: DOCK, payload: {} });
    expect(await client.waitForCommand(pause.data!.command_id, { timeoutMs: 10_000 })).toMatchObject({ status: 'SUCCEEDED' });
    const paused = await waitFor(async () => ((await client.getFlightTask(id)).data?.status === 'paused' ? (await client.getFlightTask(id)).data : undefined), 10_000, 'paused');
    expect(paused.paused_at).not.toBeNull();
    const rec = await client.commands.flighttask_recovery({ device_id: DOCK, payload: {} });
    expect(await client.waitForCommand(rec.data!.command_id, { timeoutMs: 10_000 })).toMatchObject({ status: 'SUCCEEDED' });
    expect(await client.waitForCommand(exec, { timeoutMs: 15_000 })).toMatchObject({ status: 'SUCCEEDED' });
    expect((await client.getFlightTask(id)).data!.commands.map((c) => c.command_type)).toEqual(['flighttask_prepare', 'flighttask_execute', 'flighttask_pause', 'flighttask_recovery']);

    const quiet = randomUUID();
    const q = await fly(quiet, withPrefer('outcome=timeout, waypoint=1'));
    await waitFor(async () => ((await client.getFlightTask(quiet)).data?.current_waypoint_index === 0 ? true : undefined), 10_000, 'first waypoint');
    await new Promise((r) => setTimeout(r, 300));
    expect((await client.getFlightTask(quiet)).data).toMatchObject({ status: 'in_progress', terminal: false, current_waypoint_index: 0 });
    expect((await client.getCommand(q)).data!.status).toBe('DELIVERED');
    expect((await client.getFlightTask(randomUUID())).response.status).toBe(404);
  }, 60_000);
});
