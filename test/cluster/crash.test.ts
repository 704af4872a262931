/**
 * Crash safety: two instances under load, SIGKILL one mid-stream. What the gateway guarantees
 * (docs/operations.md "Delivery guarantee"), and exactly what this test checks:
 *
 * 1. every command that got a 202 is in the database and reaches a terminal status, by its
 *    deadline (accepted_at + timeout_seconds) plus the sweep period at the latest;
 * 2. a request whose answer was lost with the instance is safe to retry on another instance with
 *    the same idempotency key: 202, one command;
 * 3. publishing is at-least-once with a stable tid: a command the killed instance had published but
 *    not yet recorded as delivered is published again by the survivor after the dispatch lease
 *    (10 s), with the same tid, bid, method and data. A dock that ignores a tid it has already
 *    executed (as the simulated dock does with `dedupByTid`) therefore executes no command twice;
 *    duplicates are only ever deliveries of commands the killed instance had claimed;
 * 4. commands accepted after the crash (A gone) are unaffected: all of them succeed.
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
  missingPrerequisite,
  simpleCommand,
  sleep,
  uniqueSn,
  waitFor,
  type ApiResponse,
  type ClusterDb,
  type CommandBody,
} from './harness.js';

const problem = await missingPrerequisite();
if (problem && process.env.CI === 'true') throw new Error(`cluster tests need PostgreSQL and Mosquitto (CI=true): ${problem}`);
if (problem) console.warn(`[test/cluster/crash] SKIPPED: ${problem}`);

const TOTAL = 300;
const KILL_AFTER = 100;
const TIMEOUT_S = 15;
const CONCURRENCY = 8;
/** Pause of each client between requests: ~300 requests/s, so the load runs well past the kill. */
const PACE_MS = 25;

describe.skipIf(problem !== null)('SIGKILL of one instance under load', () => {
  let db: ClusterDb;
  let a: GatewayProcess;
  let b: GatewayProcess;
  const docks: SimulatedDock[] = [];
  const shareGroup = `dgcl_crash_${RUN}`;

  beforeAll(async () => {
    db = await createClusterDb('crash');
    const common = { databaseUrl: db.url, mqttUrl: MQTT_URL, shareGroup };
    [a, b] = await Promise.all([
      GatewayProcess.start('A', { ...common, instanceId: `cl-crash-a-${RUN}` }),
      GatewayProcess.start('B', { ...common, instanceId: `cl-crash-b-${RUN}` }),
    ]);
    for (let i = 0; i < 4; i++) docks.push(await startSimulatedDock({ brokerUrl: MQTT_URL, dockSn: uniqueSn(`CRASH${i}`), dedupByTid: true }));
    await Promise.all([a, b].map((gw) => waitFor(`${gw.name} ready`, async () => (await new Api(gw.url, db.credential).plain('/readyz')).status === 200, 10_000)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(docks.map((d) => d.close()));
    await Promise.all([a?.dispose(), b?.dispose()]);
    await dropMqttSessions(MQTT_URL, [a, b].filter(Boolean).map((g) => g.clientId));
    await db?.drop();
  });

  it('loses no accepted command, executes none twice, and keeps serving', async () => {
    const apiA = new Api(a.url, db.credential);
    const apiB = new Api(b.url, db.credential);
    const bodies: CommandBody[] = Array.from({ length: TOTAL }, (_, i) => simpleCommand(docks[i % docks.length]!.sn, `crash-${RUN}-${i}`, TIMEOUT_S));
    const accepted = new Map<string, { command_id: string; via: 'A' | 'B' | 'retry'; afterKill: boolean }>();
    const unanswered: CommandBody[] = [];
    let killedAt = 0;
    let answered = 0;

    // The load balancer: alternate while A lives, B only once A is gone.
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= TOTAL) return;
        const body = bodies[i]!;
        const useA = killedAt === 0 && i % 2 === 0;
        // "After the crash" = once A is gone and the broker has dropped its connection (it had a few
        // ms to claim, publish or receive a reply between the signal and its exit).
        const sentAfterKill = a.exitedAt !== undefined && Date.now() > a.exitedAt + 200;
        let res: ApiResponse<{ command_id: string }> | null = null;
        try {
          res = await (useA ? apiA : apiB).createCommand(body);
        } catch {
          // connection reset by the crash: the client does not know whether it was accepted
        }
        if (res?.status === 202) accepted.set(body.idempotency_key, { command_id: res.body.command_id, via: useA ? 'A' : 'B', afterKill: sentAfterKill });
        else unanswered.push(body);
        if (++answered === KILL_AFTER) {
          killedAt = Date.now();
          a.child.kill('SIGKILL');
        }
        await sleep(PACE_MS);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(killedAt).toBeGreaterThan(0);
    await waitFor('A to be gone', () => !a.alive(), 5_000);

    // The client retries what got no 202 on the surviving instance, with the same key and body.
    for (const body of unanswered) {
      const r = await apiB.createCommand(body);
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      accepted.set(body.idempotency_key, { command_id: r.body.command_id, via: 'retry', afterKill: true });
    }
    expect(accepted.size).toBe(TOTAL);

    // 1. Everything reaches a terminal status by its deadline (+ sweep and slack).
    const ids = [...accepted.values()].map((x) => x.command_id);
    await waitFor(
      'every accepted command to be terminal',
      async () => {
        const [{ open }] = await db.query<{ open: number }>(`SELECT count(*)::int AS open FROM commands WHERE command_id = ANY($1::text[]) AND status IN ('ACCEPTED','DELIVERED')`, [ids]);
        return open === 0;
      },
      TIMEOUT_S * 1000 + 10_000,
      250,
    );
    const rows = await db.query<{ command_id: string; idempotency_key: string; tid: string; bid: string; status: string; accepted_at: Date; completed_at: Date; failure_code: string | null }>(
      'SELECT command_id, idempotency_key, tid, bid, status, accepted_at, completed_at, failure_code FROM commands',
    );
    // One row per key (nothing duplicated by the retries), each the command the client was told about.
    expect(rows).toHaveLength(TOTAL);
    for (const r of rows) expect(r.command_id).toBe(accepted.get(r.idempotency_key)?.command_id);
    for (const r of rows) {
      expect(['SUCCEEDED', 'TIMED_OUT']).toContain(r.status);
      // A timeout is applied at the deadline counted from acceptance (sweep period and load as slack).
      if (r.status === 'TIMED_OUT') expect(new Date(r.completed_at).getTime() - new Date(r.accepted_at).getTime()).toBeLessThan(TIMEOUT_S * 1000 + 3_000);
    }

    // 4. Commands sent after the crash never touched A: all succeed.
    const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
    const afterKill = [...accepted.entries()].filter(([, x]) => x.afterKill && x.via !== 'retry').map(([k]) => byKey.get(k)!);
    expect(afterKill.length).toBeGreaterThan(50);
    expect(afterKill.filter((r) => r.status !== 'SUCCEEDED').map((r) => `${r.command_id} ${r.status}`)).toEqual([]);

    // 3. The docks: each tid executed once; every repeated delivery is a byte-identical command
    //    (same tid, bid, method, data) of a command first delivered before the kill.
    const byTid = new Map(rows.map((r) => [r.tid, r]));
    const executed = docks.flatMap((d) => d.commands);
    const tids = executed.map((c) => c.tid as string);
    expect(new Set(tids).size).toBe(tids.length);
    for (const c of executed) expect(byTid.has(c.tid as string), `dock executed an unknown tid ${String(c.tid)}`).toBe(true);
    const firstSeen = new Map(executed.map((c) => [c.tid as string, c]));
    const duplicates = docks.flatMap((d) => d.duplicates);
    for (const dup of duplicates) {
      const msg = dup.message as Record<string, unknown>;
      const first = firstSeen.get(msg.tid as string);
      expect(first, `duplicate of a tid never executed: ${String(msg.tid)}`).toBeDefined();
      expect({ tid: msg.tid, bid: msg.bid, method: msg.method, data: msg.data }).toEqual({ tid: first!.tid, bid: first!.bid, method: first!.method, data: first!.data });
      expect(Date.parse(first!.received_at)).toBeLessThanOrEqual(killedAt + 50);
    }
    // Every SUCCEEDED command was executed by a dock (a success is never invented).
    for (const r of rows) if (r.status === 'SUCCEEDED') expect(firstSeen.has(r.tid), `SUCCEEDED but never executed: ${r.command_id}`).toBe(true);

    // The survivor stayed up and ready.
    expect(b.alive()).toBe(true);
    expect((await apiB.plain('/readyz')).status).toBe(200);
    const summary = {
      accepted: accepted.size,
      after_crash: afterKill.length,
      retried: unanswered.length,
      succeeded: rows.filter((r) => r.status === 'SUCCEEDED').length,
      timed_out: rows.filter((r) => r.status === 'TIMED_OUT').length,
      duplicate_deliveries: duplicates.length,
    };
    console.info('[test/cluster/crash]', JSON.stringify(summary));
  }, 90_000);
});
