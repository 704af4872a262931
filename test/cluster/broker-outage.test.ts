/**
 * Broker outage: two instances and a dock on a private Mosquitto (its own process on a free port,
 * so the machine's broker is untouched), killed for several seconds under load and restarted.
 * The instances stay up, /readyz says not ready (mqtt down) during the outage, commands accepted
 * during it are kept (ACCEPTED, not delivered) and dispatched once the broker is back, and
 * `timeout_seconds` counts from acceptance: a command whose deadline passes during the outage is
 * TIMED_OUT at that deadline and never published afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedDock, type SimulatedDock } from '../../mock/simulator/index.js';
import {
  Api,
  GatewayProcess,
  PrivateMosquitto,
  RUN,
  createClusterDb,
  isTerminal,
  missingPrerequisite,
  simpleCommand,
  sleep,
  uniqueSn,
  waitFor,
  type ClusterDb,
} from './harness.js';

const problem = await missingPrerequisite({ mosquittoBinary: true });
if (problem && process.env.CI === 'true') throw new Error(`cluster tests need PostgreSQL, Mosquitto and the mosquitto binary (CI=true): ${problem}`);
if (problem) console.warn(`[test/cluster/broker-outage] SKIPPED: ${problem}`);

const OUTAGE_MS = 5_000;
const SHORT_TIMEOUT_S = 2;
const BEFORE_TIMEOUT_S = 12;

describe.skipIf(problem !== null)('broker outage', () => {
  let db: ClusterDb;
  let broker: PrivateMosquitto;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let apiA: Api;
  let apiB: Api;
  let dock: SimulatedDock;

  beforeAll(async () => {
    broker = await PrivateMosquitto.start();
    db = await createClusterDb('broker');
    const common = { databaseUrl: db.url, mqttUrl: broker.url, shareGroup: `dgcl_broker_${RUN}` };
    [a, b] = await Promise.all([
      GatewayProcess.start('A', { ...common, instanceId: `cl-broker-a-${RUN}` }),
      GatewayProcess.start('B', { ...common, instanceId: `cl-broker-b-${RUN}` }),
    ]);
    apiA = new Api(a.url, db.credential);
    apiB = new Api(b.url, db.credential);
    // A dock with a persistent session (clean: false), as a real dock reconnecting to its broker:
    // commands published before it has reconnected wait in its session on the broker.
    const dockSn = uniqueSn('OUTAGE');
    dock = await startSimulatedDock({ brokerUrl: broker.url, dockSn, mqtt: { clean: false, clientId: `dgcl-dock-${dockSn}`, reconnectPeriod: 500 } });
    await Promise.all([apiA, apiB].map((api) => waitFor(`${api.baseUrl} ready`, async () => (await api.plain('/readyz')).status === 200, 10_000)));
  }, 60_000);

  afterAll(async () => {
    await dock?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
    await broker?.dispose();
    await db?.drop();
  });

  it('keeps accepting, reports not ready, and dispatches after reconnect with timeouts from acceptance', async () => {
    const api = [apiA, apiB];
    // Load before the outage, partly still in flight when the broker stops. Those messages survive in
    // the broker's persisted sessions; with a broker that loses them (no persistence, a crash) such
    // commands end TIMED_OUT, which is all this asserts for them.
    const before = await Promise.all(Array.from({ length: 40 }, (_, i) => api[i % 2]!.createCommand(simpleCommand(dock.sn, `outage-before-${RUN}-${i}`, BEFORE_TIMEOUT_S))));
    for (const r of before) expect(r.status).toBe(202);

    await broker.stop('SIGTERM');
    const outageStart = Date.now();

    // Both instances notice and say so on /readyz (store up, mqtt down); /healthz stays 200.
    for (const x of api) {
      const ready = await waitFor(`${x.baseUrl} /readyz 503`, async () => {
        const r = await x.plain('/readyz');
        return r.status === 503 ? r : null;
      }, 5_000, 100);
      expect(JSON.parse(ready.text)).toMatchObject({ status: 'unavailable', store: 'up', mqtt: 'down' });
      expect((await x.plain('/healthz')).status).toBe(200);
    }

    // Commands accepted during the outage are stored and wait.
    const during = [];
    for (let i = 0; i < 40; i++) {
      const r = await api[i % 2]!.createCommand(simpleCommand(dock.sn, `outage-during-${RUN}-${i}`, 30));
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      during.push(r.body.command_id);
    }
    const short = await apiA.createCommand(simpleCommand(dock.sn, `outage-short-${RUN}`, SHORT_TIMEOUT_S));
    expect(short.status).toBe(202);
    for (const id of during.slice(0, 5)) {
      const g = await apiB.getCommand(id);
      expect(g.body).toMatchObject({ status: 'ACCEPTED', delivered_at: null });
    }

    // The short command times out at its deadline, counted from acceptance, while the broker is still down.
    const timedOut = await waitFor('the short command to time out', async () => {
      const g = await apiB.getCommand(short.body.command_id);
      return g.body.status === 'TIMED_OUT' ? g.body : null;
    }, SHORT_TIMEOUT_S * 1000 + 3_000, 100);
    const lateness = Date.parse(timedOut.completed_at!) - Date.parse(timedOut.accepted_at);
    expect(lateness).toBeGreaterThanOrEqual(SHORT_TIMEOUT_S * 1000);
    expect(lateness).toBeLessThan(SHORT_TIMEOUT_S * 1000 + 1_500);
    expect(timedOut).toMatchObject({ failure_code: 'TIMED_OUT', delivered_at: null });

    const remaining = OUTAGE_MS - (Date.now() - outageStart);
    if (remaining > 0) await sleep(remaining);
    expect(a.alive() && b.alive()).toBe(true);
    expect((await apiA.plain('/readyz')).status).toBe(503);

    const restartedAt = Date.now();
    await broker.start();
    for (const x of api) await waitFor(`${x.baseUrl} ready again`, async () => (await x.plain('/readyz')).status === 200, 10_000, 100);

    // Everything accepted during the outage is published after the restart, once, and succeeds;
    // the load from before ends in a terminal status too.
    const terminal = (id: string, ms: number) => waitFor(`command ${id} terminal`, async () => {
      const g = await apiA.getCommand(id, 5);
      return isTerminal(g.body.status) ? g.body : null;
    }, ms);
    const final = await Promise.all(during.map((id) => terminal(id, 15_000)));
    for (const c of final) expect({ id: c.command_id, status: c.status }).toEqual({ id: c.command_id, status: 'SUCCEEDED' });
    for (const c of final) expect(Date.parse(c.delivered_at!)).toBeGreaterThanOrEqual(restartedAt - 50);
    const early = await Promise.all(before.map((r) => terminal(r.body.command_id, BEFORE_TIMEOUT_S * 1000 + 5_000)));
    for (const c of early) expect(['SUCCEEDED', 'TIMED_OUT']).toContain(c.status);

    // The timed-out command was never published; the others reached the dock once each.
    const tids = await db.query<{ command_id: string; tid: string }>('SELECT command_id, tid FROM commands');
    const tidOf = new Map(tids.map((r) => [r.command_id, r.tid]));
    const received = dock.commands.map((c) => c.tid as string);
    expect(received).not.toContain(tidOf.get(short.body.command_id));
    for (const id of during) expect(received.filter((t) => t === tidOf.get(id))).toHaveLength(1);
    // The timed-out command stays TIMED_OUT.
    expect((await apiB.getCommand(short.body.command_id)).body.status).toBe('TIMED_OUT');
  }, 60_000);
});
