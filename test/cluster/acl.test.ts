/**
 * The Mosquitto ACL documented in docs/deployment.md (test/cluster/fixtures/mosquitto.acl), on a
 * private mosquitto with password authentication: a gateway instance logged in as `dockgate`
 * (credentials in MQTT_URL) works through it with a shared subscription, and a dock logged in with
 * its SN can neither read another dock's commands nor inject replies on another dock's topics.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedDock, type SimulatedDock } from '../../mock/simulator/index.js';
import { Api, GatewayProcess, PrivateMosquitto, ROOT, RUN, createClusterDb, metricValue, missingPrerequisite, simpleCommand, sleep, uniqueSn, waitFor, type ClusterDb } from './harness.js';

const problem = await missingPrerequisite({ mosquittoBinary: true });
if (problem && process.env.CI === 'true') throw new Error(`cluster tests need PostgreSQL, Mosquitto and the mosquitto binary (CI=true): ${problem}`);
if (problem) console.warn(`[test/cluster/acl] SKIPPED: ${problem}`);

const ACL_FILE = join(ROOT, 'test/cluster/fixtures/mosquitto.acl');

describe.skipIf(problem !== null)('broker ACL (Mosquitto acl_file)', () => {
  let db: ClusterDb;
  let broker: PrivateMosquitto;
  let gw: GatewayProcess;
  let api: Api;
  let dockA: SimulatedDock;
  const snA = uniqueSn('ACLA');
  const snB = uniqueSn('ACLB');
  const pass = { dockgate: `gw-${RUN}`, [snA]: `a-${RUN}`, [snB]: `b-${RUN}` };

  beforeAll(async () => {
    broker = await PrivateMosquitto.start({
      configure(dir) {
        const pw = join(dir, 'passwd');
        writeFileSync(pw, '');
        for (const [user, password] of Object.entries(pass)) execFileSync('mosquitto_passwd', ['-b', pw, user, password], { stdio: 'ignore' });
        chmodSync(pw, 0o644);
        return `allow_anonymous false\npassword_file ${pw}\nacl_file ${ACL_FILE}\n`;
      },
    });
    db = await createClusterDb('acl');
    const url = new URL(broker.url);
    url.username = 'dockgate';
    url.password = pass.dockgate;
    gw = await GatewayProcess.start('G', { databaseUrl: db.url, mqttUrl: url.toString(), shareGroup: `dgcl_acl_${RUN}`, instanceId: `cl-acl-${RUN}` });
    api = new Api(gw.url, db.credential);
    dockA = await startSimulatedDock({ brokerUrl: broker.url, dockSn: snA, mqtt: { username: snA, password: pass[snA] } });
    await waitFor('gateway ready', async () => (await api.plain('/readyz')).status === 200, 10_000);
  }, 60_000);

  afterAll(async () => {
    await dockA?.close();
    await gw?.dispose();
    await broker?.dispose();
    await db?.drop();
  });

  it('is the ACL printed in docs/deployment.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/deployment.md'), 'utf8');
    expect(doc).toContain(readFileSync(ACL_FILE, 'utf8').trim());
    expect(doc).toContain(readFileSync(join(ROOT, 'test/cluster/fixtures/emqx-acl.conf'), 'utf8').trim());
  });

  it('lets the gateway and a dock work, and keeps another dock out of its topics', async () => {
    // Dock B, logged in as itself, tries to read dock A's commands and to answer for dock A.
    const rogue = mqtt.connect(broker.url, { username: snB, password: pass[snB], clientId: `rogue-${RUN}`, reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => {
      rogue.once('connect', () => resolve());
      rogue.once('error', reject);
    });
    const stolen: string[] = [];
    rogue.on('message', (topic) => stolen.push(topic));
    await rogue.subscribeAsync([`thing/product/${snA}/services`, `thing/product/+/services`], { qos: 1 });

    const r = await api.createCommand(simpleCommand(snA, `acl-${RUN}`, 10));
    expect(r.status).toBe(202);
    const done = await api.getCommand(r.body.command_id, 8);
    expect(done.body.status).toBe('SUCCEEDED');
    expect(dockA.commands.map((c) => c.method)).toEqual(['debug_mode_open']);
    // A's update_topo was read by the gateway and answered (status_reply through the ACL).
    expect(dockA.announces.every((x) => x.reply !== null)).toBe(true);

    const unknownBefore = metricValue((await api.plain('/metrics')).text, 'dockgate_mqtt_unknown_tid_total');
    const fake = (tid: string) => JSON.stringify({ tid, bid: tid, timestamp: Date.now(), gateway: snA, method: 'debug_mode_open', data: { result: 0 } });
    await rogue.publishAsync(`thing/product/${snA}/services_reply`, fake(`rogue-${RUN}`), { qos: 1 }).catch(() => {});
    await sleep(500);
    expect(stolen).toEqual([]);
    expect(metricValue((await api.plain('/metrics')).text, 'dockgate_mqtt_unknown_tid_total')).toBe(unknownBefore);

    // Control: the same message from dock A itself reaches the gateway (an unknown tid, counted).
    const own = mqtt.connect(broker.url, { username: snA, password: pass[snA], clientId: `own-${RUN}`, reconnectPeriod: 0 });
    await new Promise<void>((resolve) => own.once('connect', () => resolve()));
    await own.publishAsync(`thing/product/${snA}/services_reply`, fake(`own-${RUN}`), { qos: 1 });
    await waitFor('the unknown tid to be counted', async () => metricValue((await api.plain('/metrics')).text, 'dockgate_mqtt_unknown_tid_total') === unknownBefore + 1, 5_000);
    await Promise.all([rogue.endAsync(true), own.endAsync(true)]);
  }, 30_000);
});
