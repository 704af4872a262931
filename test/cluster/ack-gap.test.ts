/**
 * Kill in the gap (issue 11 §8): a dock's services_reply has reached the gateway but is not stored
 * yet when the gateway is SIGKILLed. Because the PUBACK waits for the store (server/mqtt/held-acks.ts,
 * server/mqtt/broker.ts), the reply was never acknowledged, so after a restart it is delivered again
 * and applied: the command SUCCEEDS instead of timing out although the dock executed it.
 *
 * The gap is made wide and certain with the test-only TEST_INGEST_DELAY_MS (the gateway waits that
 * long after receiving each uplink message before handling it, and logs the receipt); the test kills
 * the process once the reply's receipt is logged. Run on both stores and on both broker kinds:
 * - the machine's Mosquitto, gateway session kept (INSTANCE_ID set, no share group): the broker
 *   redelivers the unacknowledged reply to the restarted instance;
 * - the embedded broker (dies with the gateway): the dock's mqtt.js client resends its
 *   unacknowledged reply when it reconnects to the restarted gateway.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulatedDock, type SimulatedDock } from '../../mock/simulator/index.js';
import { createCredential } from '../../server/cli/credentials.js';
import { openPostgresStore } from '../../server/store/postgres/store.js';
import { openSqliteStore } from '../../server/store/sqlite/store.js';
import { provisionDock } from '../support/devices.js';
import type { Credential } from '../../server/store/types.js';
import { Api, GatewayProcess, MQTT_URL, PG_URL, RUN, createClusterDb, dropMqttSessions, freePort, missingPrerequisite, simpleCommand, uniqueSn, waitFor, type ClusterDb } from './harness.js';

const problem = await missingPrerequisite();
if (problem && process.env.CI === 'true') throw new Error(`cluster tests need PostgreSQL and Mosquitto (CI=true): ${problem}`);
if (problem) console.warn(`[test/cluster/ack-gap] SKIPPED: ${problem}`);

/** Long enough that the kill surely lands inside it. */
const GAP_MS = 4_000;

type StoreKind = 'sqlite' | 'postgres';
type BrokerKind = 'mosquitto' | 'embedded';

interface Setup {
  credential: Credential;
  /** A dock registered in the store (the embedded broker checks logins) and its MQTT login. */
  dock: { sn: string; username: string; password: string };
  env: Record<string, string>;
  databaseUrl: string;
  /** The command's status as stored, read while no gateway runs. */
  status(command_id: string): Promise<string | undefined>;
  dispose(): Promise<void>;
}

async function storeSetup(kind: StoreKind, tag: string): Promise<Setup> {
  if (kind === 'postgres') {
    const db: ClusterDb = await createClusterDb(tag);
    const store = await openPostgresStore(PG_URL, { schema: db.schema, poolSize: 1 });
    let dock: Setup['dock'];
    try {
      dock = await provisionDock(store, uniqueSn('GAP'));
    } finally {
      await store.close();
    }
    return {
      credential: db.credential,
      dock,
      env: {},
      databaseUrl: db.url,
      async status(id) {
        return (await db.query<{ status: string }>('SELECT status FROM commands WHERE command_id = $1', [id]))[0]?.status;
      },
      dispose: () => db.drop(),
    };
  }
  // One data folder for both lives of the gateway.
  const dir = mkdtempSync(join(tmpdir(), `dgcl-gap-${tag}-`));
  const store = await openSqliteStore(join(dir, 'dockgate.sqlite'));
  const credential = await createCredential(store, { name: `gap-${tag}` });
  const dock = await provisionDock(store, uniqueSn('GAP'));
  await store.close();
  return {
    credential,
    dock,
    env: { DATA_DIR: dir },
    databaseUrl: '',
    async status(id) {
      const s = await openSqliteStore(join(dir, 'dockgate.sqlite'));
      try {
        return (await s.getCommand(id))?.status;
      } finally {
        await s.close();
      }
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const CASES: [StoreKind, BrokerKind][] = [
  ['sqlite', 'mosquitto'],
  ['postgres', 'mosquitto'],
  ['sqlite', 'embedded'],
  ['postgres', 'embedded'],
];

describe.skipIf(problem !== null)('SIGKILL between receipt and store of a reply', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const f of cleanups.reverse()) await f().catch(() => {});
  });

  it.each(CASES)('%s store, %s broker: the reply is delivered again after the restart and applied', async (storeKind, brokerKind) => {
    const tag = `gap_${storeKind}_${brokerKind}`;
    const setup = await storeSetup(storeKind, tag);
    cleanups.push(() => setup.dispose());
    const instanceId = `cl-${tag}-${RUN}`;
    const embeddedPort = brokerKind === 'embedded' ? await freePort() : 0;
    const brokerUrl = brokerKind === 'embedded' ? `mqtt://127.0.0.1:${embeddedPort}` : MQTT_URL;
    const options = (delayMs: number) => ({
      instanceId,
      databaseUrl: setup.databaseUrl,
      // '' = unset: the embedded broker on MQTT_PORT.
      mqttUrl: brokerKind === 'embedded' ? '' : MQTT_URL,
      shareGroup: '',
      env: { ...setup.env, TEST_INGEST_DELAY_MS: String(delayMs), ...(brokerKind === 'embedded' ? { MQTT_PORT: String(embeddedPort) } : {}) },
    });

    let gw = await GatewayProcess.start(`${tag}-1`, options(GAP_MS));
    cleanups.push(() => gw.dispose());
    if (brokerKind === 'mosquitto') cleanups.push(() => dropMqttSessions(MQTT_URL, [gw.clientId]));
    const dock: SimulatedDock = await startSimulatedDock({
      brokerUrl,
      dockSn: setup.dock.sn,
      dedupByTid: true,
      ...(brokerKind === 'embedded' ? { mqtt: { username: setup.dock.username, password: setup.dock.password } } : {}),
    });
    cleanups.push(() => dock.close());
    const api = new Api(gw.url, setup.credential);
    await waitFor('ready', async () => (await api.plain('/readyz')).status === 200, 10_000);

    const created = await api.createCommand(simpleCommand(dock.sn, `gap-${tag}-${RUN}`, 60));
    expect(created.status).toBe(202);
    const id = created.body.command_id;

    // The reply reached the gateway (its receipt is logged) and waits in the gap: kill now.
    await waitFor('the reply to reach the gateway', () => /TEST_INGEST_DELAY_MS.*services_reply|services_reply.*TEST_INGEST_DELAY_MS/.test(gw.output()), 20_000, 20);
    await gw.stop('SIGKILL');
    // Not stored: the kill landed between receipt and store.
    expect(await setup.status(id)).toBe('DELIVERED');

    gw = await GatewayProcess.start(`${tag}-2`, options(0));
    const api2 = new Api(gw.url, setup.credential);
    const done = await waitFor(
      'the command to succeed',
      async () => {
        const c = await api2.getCommand(id);
        return c.body.status === 'SUCCEEDED' ? c.body : null;
      },
      20_000,
      100,
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', response_code: '0' });
  }, 90_000);
});
