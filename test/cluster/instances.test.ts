/**
 * Two gateway processes, one PostgreSQL schema, one broker (the machine's Mosquitto) with a shared
 * subscription group: (a) a command accepted by A completes through replies handled by B, every
 * uplink message handled by exactly one instance; (b) one idempotency key sent to A and B at the
 * same moment creates one command; plus /readyz and /metrics on each instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedDock, type SimulatedDock } from '../../mock/simulator/index.js';
import {
  Api,
  GatewayProcess,
  MQTT_URL,
  RUN,
  createClusterDb,
  dropMqttSessions,
  isTerminal,
  metricValue,
  missingPrerequisite,
  simpleCommand,
  uniqueSn,
  waitFor,
  type ClusterDb,
} from './harness.js';

const problem = await missingPrerequisite();
if (problem && process.env.CI === 'true') throw new Error(`cluster tests need PostgreSQL and Mosquitto (CI=true): ${problem}`);
if (problem) console.warn(`[test/cluster/instances] SKIPPED: ${problem}`);

describe.skipIf(problem !== null)('two instances, one database, one broker', () => {
  let db: ClusterDb;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let apiA: Api;
  let apiB: Api;
  let dock: SimulatedDock;
  const shareGroup = `dgcl_basic_${RUN}`;

  beforeAll(async () => {
    db = await createClusterDb('basic');
    const common = { databaseUrl: db.url, mqttUrl: MQTT_URL, shareGroup };
    [a, b] = await Promise.all([
      GatewayProcess.start('A', { ...common, instanceId: `cl-basic-a-${RUN}` }),
      GatewayProcess.start('B', { ...common, instanceId: `cl-basic-b-${RUN}` }),
    ]);
    apiA = new Api(a.url, db.credential);
    apiB = new Api(b.url, db.credential);
    dock = await startSimulatedDock({ brokerUrl: MQTT_URL, dockSn: uniqueSn('BASIC') });
    await Promise.all([a, b].map((gw) => waitFor(`${gw.name} ready`, async () => (await new Api(gw.url, db.credential).plain('/readyz')).status === 200, 10_000)));
  }, 60_000);

  afterAll(async () => {
    await dock?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
    await dropMqttSessions(MQTT_URL, [a, b].filter(Boolean).map((g) => g.clientId));
    await db?.drop();
  });

  it('completes commands accepted by A through replies and events handled by either instance, each message once', async () => {
    const before = await Promise.all([apiA, apiB].map(async (api) => (await api.plain('/metrics')).text));
    const simple = Array.from({ length: 20 }, (_, i) => simpleCommand(dock.sn, `basic-a-${RUN}-${i}`, 20));
    // cover_open completes by progress events (reply, then 20/60/100 % and `ok`): with the group,
    // one command's reply and events are split over A and B.
    const progress = Array.from({ length: 4 }, (_, i) => ({ vendor: 'dji' as const, device_id: dock.sn, command_type: 'cover_open', payload: {}, idempotency_key: `basic-p-${RUN}-${i}`, timeout_seconds: 20 }));
    const accepted = await Promise.all([...simple, ...progress].map((body) => apiA.createCommand(body)));
    for (const r of accepted) expect(r.status, JSON.stringify(r.body)).toBe(202);

    // Read back through B (long poll): B sees what A accepted and what either instance applied.
    const final = await Promise.all(accepted.map(async (r) => {
      const got = await waitFor(`command ${r.body.command_id} terminal`, async () => {
        const g = await apiB.getCommand(r.body.command_id, 5);
        return isTerminal(g.body.status) ? g : null;
      }, 20_000);
      return got.body;
    }));
    for (const c of final) expect({ id: c.command_id, status: c.status, reason: c.failure_reason }).toEqual({ id: c.command_id, status: 'SUCCEEDED', reason: null });

    // The dock received each command once (one tid each).
    const tids = dock.commands.map((c) => c.tid);
    expect(tids).toHaveLength(accepted.length);
    expect(new Set(tids).size).toBe(accepted.length);

    // Each services_reply was applied by exactly one instance, and B applied some of A's.
    const after = await Promise.all([apiA, apiB].map(async (api) => (await api.plain('/metrics')).text));
    const delta = (i: number, name: string) => metricValue(after[i]!, name) - metricValue(before[i]!, name);
    const repliesA = delta(0, 'dockgate_mqtt_replies_total');
    const repliesB = delta(1, 'dockgate_mqtt_replies_total');
    expect(repliesA + repliesB).toBe(accepted.length);
    expect(repliesB).toBeGreaterThan(0);
    expect(delta(0, 'dockgate_mqtt_duplicate_replies_total') + delta(1, 'dockgate_mqtt_duplicate_replies_total')).toBe(0);
    expect(delta(0, 'dockgate_mqtt_unknown_tid_total') + delta(1, 'dockgate_mqtt_unknown_tid_total')).toBe(0);
    // The update_topo of the dock was answered once, by one of them.
    expect(dock.announces.filter((x) => x.reply !== null).length).toBe(dock.announces.length);
  }, 40_000);

  it('creates one command when the same idempotency key reaches A and B at the same moment', async () => {
    for (let round = 0; round < 8; round++) {
      const body = simpleCommand(dock.sn, `basic-idem-${RUN}-${round}`, 5);
      const [ra, rb] = await Promise.all([apiA.createCommand(body), apiB.createCommand(body)]);
      expect([ra.status, rb.status]).toEqual([202, 202]);
      expect(ra.body.command_id).toBe(rb.body.command_id);
      // Exactly one of the two created it; the other replayed the stored response.
      expect([ra, rb].filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
      const rows = await db.query('SELECT command_id FROM commands WHERE idempotency_key = $1', [body.idempotency_key]);
      expect(rows).toEqual([{ command_id: ra.body.command_id }]);
    }
    // Same key, different bodies, at once: one 202 and one 409, still one command.
    const key = `basic-idem-conflict-${RUN}`;
    const [r1, r2] = await Promise.all([apiA.createCommand(simpleCommand(dock.sn, key, 5)), apiB.createCommand(simpleCommand(dock.sn, key, 6))]);
    expect([r1.status, r2.status].sort()).toEqual([202, 409]);
    expect((r1.status === 409 ? r1 : r2).body.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await db.query('SELECT count(*)::int AS n FROM commands WHERE idempotency_key = $1', [key])).toEqual([{ n: 1 }]);
  }, 30_000);

  it('rejects a nonce replayed on the other instance', async () => {
    // The same signed request (same nonce) sent to A, then to B: B must see A's nonce.
    const path = '/api/v1/open/downlink/commands?limit=1';
    const { signRequest } = await import('../../spec/signing.js');
    const headers = signRequest({ method: 'GET', path, apiId: db.credential.api_id, apiKey: db.credential.api_key, body: '' });
    const first = await fetch(a.url + path, { headers });
    const second = await fetch(b.url + path, { headers });
    expect(first.status).toBe(200);
    expect(second.status).toBe(401);
    expect(((await second.json()) as { code: string }).code).toBe('NONCE_REPLAYED');
  });

  it('serves /metrics in the Prometheus text format on each instance', async () => {
    await waitFor('no pending commands', async () => metricValue((await apiA.plain('/metrics')).text, 'dockgate_commands_pending') === 0 || null, 15_000, 200);
    for (const api of [apiA, apiB]) {
      const res = await fetch(api.baseUrl + '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      // Database-wide gauges agree between instances.
      expect(metricValue(text, 'dockgate_commands', { status: 'SUCCEEDED' })).toBeGreaterThanOrEqual(24);
      expect(metricValue(text, 'dockgate_store_up')).toBe(1);
      expect(metricValue(text, 'dockgate_mqtt_connected')).toBe(1);
      expect(text).toMatch(/^# TYPE dockgate_command_dispatch_seconds histogram$/m);
      expect(text).toMatch(/^# TYPE dockgate_command_completion_seconds histogram$/m);
      expect(text).toMatch(/^dockgate_http_requests_total\{method="POST",route="\/api\/v1\/open\/downlink\/commands",status="202"\} \d+$/m);
    }
    const [ta, tb] = await Promise.all([apiA, apiB].map(async (api) => (await api.plain('/metrics')).text));
    expect(metricValue(ta!, 'dockgate_commands_pending')).toBe(metricValue(tb!, 'dockgate_commands_pending'));
    // Every command that reached a terminal status was observed once, by one instance.
    const observed = metricValue(ta!, 'dockgate_command_completion_seconds_count') + metricValue(tb!, 'dockgate_command_completion_seconds_count');
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM commands WHERE status IN ('SUCCEEDED','FAILED','TIMED_OUT','UNMATCHED_RESPONSE')`);
    expect(observed).toBe(n);
  });
});
