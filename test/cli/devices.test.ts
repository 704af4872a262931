/**
 * `npm run devices` (server/cli/devices.ts) on a real SQLite store: add / list / rotate / remove,
 * the password shown once and stored only as hashes; and `export-mosquitto`, whose password and ACL
 * files a private Mosquitto (started here on a spare port) enforces: a registered dock connects, an
 * unknown one is refused, a dock cannot publish or subscribe on another dock's topics but can on
 * its aircraft's.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDevicesArgs, runDevicesCommand } from '../../server/cli/devices.js';
import { verifyPassword } from '../../server/devices/secrets.js';
import { openSqliteStore } from '../../server/store/sqlite/store.js';
import type { Store } from '../../server/store/types.js';
import { uniqueSn } from '../support/dock.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dockgate-devices-cli-'));
let store: Store;

const cli = (...argv: string[]) => {
  const { cmd, args } = parseDevicesArgs(argv);
  return runDevicesCommand(store, cmd, args);
};
const passwordOf = (out: string) => /MQTT password: (\S+)/.exec(out)![1];

beforeAll(async () => {
  store = await openSqliteStore(join(dir, 'data', 'dockgate.sqlite'));
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run devices', () => {
  it('add prints the login once and stores only hashes; list, rotate, remove', async () => {
    const out = await cli('add', 'DOCK-CLI-1', '--model', '3-2-0', '--credential', 'ak_1', '--credential=ak_2,ak_3');
    expect(out).toContain('MQTT username: DOCK-CLI-1');
    const pw = passwordOf(out);
    expect(pw).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const d = (await store.devices.get('DOCK-CLI-1'))!;
    expect(d).toMatchObject({ kind: 'dock', model_key: '3-2-0', credentials: ['ak_1', 'ak_2', 'ak_3'] });
    expect(d.mqtt_password_hash).toMatch(/^scrypt\$N=16384,r=8,p=1\$/);
    expect(d.mosquitto_password_hash).toMatch(/^\$7\$100000\$/);
    expect(JSON.stringify(d)).not.toContain(pw);
    expect(await verifyPassword(pw, d.mqtt_password_hash!)).toBe(true);

    const list = await cli('list');
    expect(list).toContain('DOCK-CLI-1');
    expect(list).toContain('model=3-2-0');
    expect(list).not.toContain(pw);
    expect(list).not.toContain(d.mqtt_password_hash!);

    const rotated = passwordOf(await cli('rotate', 'DOCK-CLI-1'));
    expect(rotated).not.toBe(pw);
    const after = (await store.devices.get('DOCK-CLI-1'))!;
    expect(await verifyPassword(pw, after.mqtt_password_hash!)).toBe(false);
    expect(await verifyPassword(rotated, after.mqtt_password_hash!)).toBe(true);

    expect(await cli('remove', 'DOCK-CLI-1')).toBe('removed DOCK-CLI-1');
    expect(await store.devices.get('DOCK-CLI-1')).toBeNull();
  });

  it('refuses bad usage with a message', async () => {
    await cli('add', 'DOCK-CLI-2');
    await expect(cli('add', 'DOCK-CLI-2')).rejects.toThrow(/already registered/);
    await expect(cli('add', 'bad/sn')).rejects.toThrow(/not a valid SN/);
    await expect(cli('add', 'AC-1', '--kind', 'aircraft')).rejects.toThrow(/update_topo/);
    await expect(cli('add', 'DOCK-CLI-3', '--model', 'M30')).rejects.toThrow(/domain-type-sub_type/);
    await expect(cli('rotate', 'NOPE')).rejects.toThrow(/no dock NOPE/);
    await expect(cli('remove', 'NOPE')).rejects.toThrow(/no device NOPE/);
    await expect(cli('frobnicate')).rejects.toThrow(/usage/);
  });

  it('runs as a script (npm run devices) on DATA_DIR', () => {
    const env = { ...process.env, DATA_DIR: join(dir, 'script-data') };
    const added = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/devices.ts', 'add', 'DOCK-SCRIPT'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/MQTT password: \S+/);
    const listed = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/devices.ts', 'list'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(listed.stdout).toContain('DOCK-SCRIPT');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/devices.ts', 'rotate'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('rotate needs a dock SN');
  });
});

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p));
const haveMosquittoPasswd = spawnSync('mosquitto_passwd', ['-h']).error === undefined;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

describe.skipIf(!MOSQUITTO || !haveMosquittoPasswd)('export-mosquitto on a private Mosquitto', () => {
  let broker: ChildProcess | undefined;
  let url = '';
  const a = uniqueSn('MQA');
  const b = uniqueSn('MQB');
  const aircraft = uniqueSn('MQAC');
  const pw: Record<string, string> = { dockgate: 'gateway-secret' };
  const clients: mqtt.MqttClient[] = [];
  const exportDir = join(dir, 'mosquitto');

  const connect = (o: mqtt.IClientOptions) =>
    new Promise<{ client: mqtt.MqttClient; refused: number | null }>((resolve, reject) => {
      const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3_000, ...o });
      clients.push(client);
      client.once('connect', () => resolve({ client, refused: null }));
      client.once('error', (err) => (typeof (err as { code?: unknown }).code === 'number' ? resolve({ client, refused: (err as { code: number }).code }) : reject(err)));
    });

  beforeAll(async () => {
    pw[a] = passwordOf(await cli('add', a));
    pw[b] = passwordOf(await cli('add', b));
    await store.devices.upsertAircraft(a, [{ sn: aircraft, model_key: '0-67-0' }]);
    const out = await cli('export-mosquitto', exportDir);
    expect(out).toContain(join(exportDir, 'acl'));
    expect(statSync(join(exportDir, 'passwd')).mode & 0o777).toBe(0o600);
    execFileSync('mosquitto_passwd', ['-b', join(exportDir, 'passwd'), 'dockgate', pw.dockgate], { stdio: 'ignore' });
    // A packaged mosquitto started as root drops to its own user, which must read these.
    chmodSync(dir, 0o755);
    chmodSync(exportDir, 0o755);
    for (const f of ['passwd', 'acl']) chmodSync(join(exportDir, f), 0o644);
    const port = await freePort();
    url = `mqtt://127.0.0.1:${port}`;
    const conf = join(exportDir, 'mosquitto.conf');
    writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${join(exportDir, 'passwd')}`, `acl_file ${join(exportDir, 'acl')}`, 'persistence false', 'log_dest none', ''].join('\n'));
    broker = spawn(MOSQUITTO!, ['-c', conf], { stdio: 'ignore' });
    const end = Date.now() + 10_000;
    for (;;) {
      const up = await new Promise<boolean>((r) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); r(true); }).once('error', () => r(false)));
      if (up) break;
      if (Date.now() > end) throw new Error('private mosquitto did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 30_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    broker?.kill('SIGTERM');
  });

  it('writes per-dock aircraft rules and the password hashes, never the passwords', () => {
    const acl = readFileSync(join(exportDir, 'acl'), 'utf8');
    const passwd = readFileSync(join(exportDir, 'passwd'), 'utf8');
    expect(acl).toContain('pattern write thing/product/%u/events');
    expect(acl).toContain(`user ${a}\ntopic write thing/product/${aircraft}/services_reply`);
    expect(acl).not.toContain(`user ${b}`); // no aircraft: the pattern rules cover it
    expect(passwd).toMatch(new RegExp(`^${a}:\\$7\\$`, 'm'));
    for (const p of [pw[a], pw[b]]) expect(passwd + acl).not.toContain(p);
  });

  it('lets registered docks in and refuses the rest (CONNACK 5 on 3.1.1)', async () => {
    expect((await connect({ username: a, password: pw[a] })).refused).toBeNull();
    expect((await connect({ username: a, password: 'wrong' })).refused).toBe(5);
    expect((await connect({ username: uniqueSn('UNKNOWN'), password: 'x' })).refused).toBe(5);
    expect((await connect({})).refused).toBe(5);
  });

  it('keeps a dock off another dock\'s topics, and on its aircraft\'s', async () => {
    const gateway = (await connect({ username: 'dockgate', password: pw.dockgate })).client;
    const dock = (await connect({ username: a, password: pw[a] })).client;
    const got: string[] = [];
    gateway.on('message', (t) => got.push(t));
    await gateway.subscribeAsync(['thing/product/+/events', 'thing/product/+/osd'], { qos: 1 });
    await dock.publishAsync(`thing/product/${b}/events`, '{}', { qos: 1 });
    await dock.publishAsync(`thing/product/${a}/events`, '{}', { qos: 1 });
    await dock.publishAsync(`thing/product/${aircraft}/osd`, '{}', { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(got.sort()).toEqual([`thing/product/${a}/events`, `thing/product/${aircraft}/osd`].sort());

    // Another dock's commands cannot be read: Mosquitto grants the SUBSCRIBE but delivers nothing.
    const seen: string[] = [];
    dock.on('message', (t) => seen.push(t));
    await dock.subscribeAsync([`thing/product/${b}/services`, `thing/product/${a}/services`, `thing/product/${aircraft}/services`], { qos: 1 });
    await gateway.publishAsync(`thing/product/${b}/services`, '{}', { qos: 1 });
    await gateway.publishAsync(`thing/product/${a}/services`, '{}', { qos: 1 });
    await gateway.publishAsync(`thing/product/${aircraft}/services`, '{}', { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.sort()).toEqual([`thing/product/${a}/services`, `thing/product/${aircraft}/services`].sort());
  });
});
