/**
 * Database outage: both instances reach PostgreSQL through a TCP proxy the test cuts (new
 * connections refused, open ones broken) and restores; the machine's PostgreSQL is untouched.
 * During the cut every API request gets 503 SERVICE_UNAVAILABLE in the error envelope with
 * Retry-After, /readyz says the store is down, /healthz stays up and the processes survive; nothing
 * is half-written: each 503'd create, retried after the restore with the same idempotency key,
 * yields exactly one command (created, or the one whose commit raced the cut), and every command
 * the API ever returned reaches a terminal status. After the restore everything works again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedDock, type SimulatedDock } from '../../mock/simulator/index.js';
import {
  Api,
  GatewayProcess,
  MQTT_URL,
  PG_URL,
  RUN,
  TcpProxy,
  createClusterDb,
  dropMqttSessions,
  isTerminal,
  metricValue,
  missingPrerequisite,
  simpleCommand,
  sleep,
  uniqueSn,
  waitFor,
  withHostPort,
  type ApiResponse,
  type ClusterDb,
  type CommandBody,
} from './harness.js';

const problem = await missingPrerequisite();
if (problem && process.env.CI === 'true') throw new Error(`cluster tests need PostgreSQL and Mosquitto (CI=true): ${problem}`);
if (problem) console.warn(`[test/cluster/db-outage] SKIPPED: ${problem}`);

describe.skipIf(problem !== null)('PostgreSQL outage', () => {
  let db: ClusterDb;
  let proxy: TcpProxy;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let apiA: Api;
  let apiB: Api;
  let dock: SimulatedDock;

  beforeAll(async () => {
    db = await createClusterDb('pgout');
    const pgTarget = new URL(PG_URL);
    proxy = await TcpProxy.start({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
    const common = { databaseUrl: withHostPort(db.url, '127.0.0.1', proxy.port), mqttUrl: MQTT_URL, shareGroup: `dgcl_pgout_${RUN}` };
    [a, b] = await Promise.all([
      GatewayProcess.start('A', { ...common, instanceId: `cl-pgout-a-${RUN}` }),
      GatewayProcess.start('B', { ...common, instanceId: `cl-pgout-b-${RUN}` }),
    ]);
    apiA = new Api(a.url, db.credential);
    apiB = new Api(b.url, db.credential);
    dock = await startSimulatedDock({ brokerUrl: MQTT_URL, dockSn: uniqueSn('PGOUT') });
    await Promise.all([apiA, apiB].map((api) => waitFor(`${api.baseUrl} ready`, async () => (await api.plain('/readyz')).status === 200, 10_000)));
  }, 60_000);

  afterAll(async () => {
    await dock?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
    await proxy?.close();
    await dropMqttSessions(MQTT_URL, [a, b].filter(Boolean).map((g) => g.clientId));
    await db?.drop();
  });

  it('answers 503 during the cut, writes nothing by halves, and recovers', async () => {
    const api = [apiA, apiB];
    const ok = await apiA.createCommand(simpleCommand(dock.sn, `pgout-ok-${RUN}`, 10));
    expect(ok.status).toBe(202);
    expect((await apiB.getCommand(ok.body.command_id, 5)).body.status).toBe('SUCCEEDED');

    // Load that runs across the cut: each create is either answered 202 or not (503 or a reset).
    const bodies: CommandBody[] = Array.from({ length: 120 }, (_, i) => simpleCommand(dock.sn, `pgout-${RUN}-${i}`, 10));
    const outcome = new Map<string, ApiResponse<{ command_id: string; code?: string }> | Error>();
    let next = 0;
    const load = Promise.all(
      Array.from({ length: 6 }, async () => {
        for (;;) {
          const i = next++;
          if (i >= bodies.length) return;
          const body = bodies[i]!;
          outcome.set(body.idempotency_key, await api[i % 2]!.createCommand(body).catch((e: Error) => e));
          await sleep(15);
        }
      }),
    );
    await sleep(300);
    await proxy.pause();
    const cutAt = Date.now();

    // During the cut: a clear 503 on every instance, for writes and reads.
    for (const x of api) {
      const r = await waitFor(`${x.baseUrl} to answer 503`, async () => {
        const res = await x.createCommand(simpleCommand(dock.sn, `pgout-probe-${RUN}-${Math.random()}`, 10));
        return res.status === 503 ? res : null;
      }, 6_000, 100);
      expect(r.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(typeof r.body.message).toBe('string');
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.headers.get('x-request-id')).toBeTruthy();
      const get = await x.getCommand(ok.body.command_id);
      expect(get.status).toBe(503);
      expect((get.body as unknown as { code: string }).code).toBe('SERVICE_UNAVAILABLE');
      const ready = await x.plain('/readyz');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text)).toMatchObject({ status: 'unavailable', store: 'down' });
      expect((await x.plain('/healthz')).status).toBe(200);
      // /metrics still answers, reporting the store down.
      const metrics = await x.plain('/metrics');
      expect(metrics.status).toBe(200);
      expect(metricValue(metrics.text, 'dockgate_store_up')).toBe(0);
    }
    await load;
    // Hold the cut a little longer (dispatcher and sweeper keep failing meanwhile), then restore.
    const held = 3_000 - (Date.now() - cutAt);
    if (held > 0) await sleep(held);
    expect(a.alive() && b.alive()).toBe(true);
    await proxy.resume();
    for (const x of api) await waitFor(`${x.baseUrl} ready again`, async () => (await x.plain('/readyz')).status === 200, 10_000, 100);

    // Nothing half-written: a client retries every create that got no 202, with the same key and body.
    const got503 = [...outcome.values()].filter((r) => !(r instanceof Error) && r.status === 503).length;
    expect(got503).toBeGreaterThan(0);
    for (const r of outcome.values()) if (!(r instanceof Error)) expect([202, 503]).toContain(r.status);
    const idByKey = new Map<string, string>();
    const createdAfterRestore = new Set<string>();
    for (const [key, r] of outcome) if (!(r instanceof Error) && r.status === 202) idByKey.set(key, r.body.command_id);
    for (const body of bodies) {
      if (idByKey.has(body.idempotency_key)) continue;
      const r = await apiB.createCommand(body);
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      idByKey.set(body.idempotency_key, r.body.command_id);
      // Replayed = its insert had committed although the client saw a 503: whole, not half-written.
      if (r.headers.get('idempotent-replayed') !== 'true') createdAfterRestore.add(r.body.command_id);
    }
    expect(createdAfterRestore.size).toBeGreaterThan(0);
    // One command per key (the 202s and the retries agree with the database), none extra.
    const rows = await db.query<{ idempotency_key: string; command_id: string }>(`SELECT idempotency_key, command_id FROM commands WHERE idempotency_key LIKE $1`, [`pgout-${RUN}-%`]);
    expect(rows).toHaveLength(bodies.length);
    for (const r of rows) expect(r.command_id).toBe(idByKey.get(r.idempotency_key));

    // Every command reaches a terminal status.
    const final = await Promise.all([...idByKey.values()].map((id) => waitFor(`command ${id} terminal`, async () => {
      const g = await apiA.getCommand(id, 5);
      return isTerminal(g.body.status) ? g.body : null;
    }, 20_000)));
    // Those in flight during the cut may time out (a reply that arrived while the store was
    // unreachable is dropped); those created after the restore all succeed.
    for (const c of final) expect(['SUCCEEDED', 'TIMED_OUT']).toContain(c.status);
    for (const c of final) if (createdAfterRestore.has(c.command_id)) expect(c.status).toBe('SUCCEEDED');

    // And the gateway works normally again on both instances.
    for (const [i, x] of api.entries()) {
      const r = await x.createCommand(simpleCommand(dock.sn, `pgout-after-${RUN}-${i}`, 10));
      expect(r.status).toBe(202);
      expect((await x.getCommand(r.body.command_id, 5)).body.status).toBe('SUCCEEDED');
    }
  }, 60_000);
});
