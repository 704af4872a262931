/**
 * Several docks at once (startFleet / ensureDock), re-announce after a broker restart, and the
 * `npm run simulator` CLI as a real child process: starts, answers a command, exits on SIGTERM.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { startEmbeddedBroker } from '../../server/mqtt/broker.js';
import { startFleet, type Fleet } from '../../mock/simulator/fleet.js';
import { startSimulatedDock } from '../../mock/simulator/dock.js';
import { Cloud, MOSQUITTO_URL, mosquittoUp, startAedes, testCatalog, uniqueSn, waitFor } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

describe('fleet', () => {
  it('starts several docks, adds docks on demand, and applies fleet rules to new docks', async () => {
    const broker = await startAedes();
    cleanups.push(() => broker.close());
    const [a, b, c] = [uniqueSn('A'), uniqueSn('B'), uniqueSn('C')];
    const cloud = await Cloud.connect(broker.url, [a, b, c]);
    cleanups.push(() => cloud.close());
    const fleet: Fleet = await startFleet({ brokerUrl: broker.url, catalog: testCatalog, docks: [a, { dockSn: b, droneSn: `${b}AC` }] });
    cleanups.push(() => fleet.close());
    expect(fleet.docks().map((d) => d.sn).sort()).toEqual([a, b].sort());
    await cloud.waitOn(`sys/product/${a}/status`);
    const [topoB] = await cloud.waitOn(`sys/product/${b}/status`);
    expect((topoB.message.data as { sub_devices: { sn: string }[] }).sub_devices[0].sn).toBe(`${b}AC`);

    fleet.setRule('sim_set_mode', { outcome: 'fail', code: 514116 });
    const [c1, c2] = await Promise.all([fleet.ensureDock(c), fleet.ensureDock(c)]);
    expect(c1).toBe(c2);
    expect(await fleet.ensureDock(`${b}AC`)).toBe(fleet.get(b)); // an aircraft SN finds its dock
    expect(fleet.docks()).toHaveLength(3);
    await cloud.waitOn(`sys/product/${c}/status`);
    for (const sn of [a, c]) {
      const { tid } = await cloud.command(sn, 'sim_set_mode', { action: 1 });
      expect((await cloud.reply(sn, tid)).data).toEqual({ result: 514116 });
    }
    await fleet.removeDock(a);
    expect(fleet.get(a)).toBeUndefined();
    await fleet.close();
    await expect(fleet.ensureDock(uniqueSn())).rejects.toThrow(/closed/);
  });

  it('rejects when the broker cannot be reached', async () => {
    await expect(startSimulatedDock({ brokerUrl: 'mqtt://127.0.0.1:1', dockSn: uniqueSn(), connectTimeoutMs: 500 })).rejects.toThrow(/not reachable/);
  });
});

describe('reconnect', () => {
  it('re-subscribes and re-announces update_topo after the broker restarts', async () => {
    const first = await startEmbeddedBroker({ port: 0 });
    const port = first.port;
    const sn = uniqueSn();
    const dock = await startSimulatedDock({ brokerUrl: first.url, dockSn: sn, catalog: testCatalog });
    cleanups.push(() => dock.close());
    await first.close();
    await waitFor(() => !dock.connected(), 3000, 'dock sees the broker go');
    const second = await startEmbeddedBroker({ port });
    cleanups.push(() => second.close());
    const cloud = await Cloud.connect(second.url, [sn]);
    cleanups.push(() => cloud.close());
    await cloud.waitOn(`sys/product/${sn}/status`, (m) => m.method === 'update_topo', 1, 5000);
    const { tid } = await cloud.command(sn, 'sim_set_mode', { action: 1 });
    expect((await cloud.reply(sn, tid)).data).toEqual({ result: 0 });
    expect(dock.announces.length).toBe(2);
  });
});

describe('simulator CLI', async () => {
  const mosquitto = await mosquittoUp();
  const targets = [{ name: 'aedes' }, ...(mosquitto ? [{ name: 'mosquitto' }] : [])];

  it.each(targets)('starts, answers a command with its rule, logs JSON lines and exits 0 on SIGTERM ($name)', async ({ name }) => {
    let url = MOSQUITTO_URL;
    if (name === 'aedes') {
      const b = await startAedes();
      cleanups.push(() => b.close());
      url = b.url;
    }
    const sn = uniqueSn('CLI');
    const cloud = await Cloud.connect(url, [sn]);
    cleanups.push(() => cloud.close());
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'mock/simulator-cli.ts', '--broker', url, '--dock', sn, '--drone', `${sn}AC`, '--rule', 'cover_open=fail:514107', '--request', 'config'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanups.push(async () => child.exitCode === null && child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // 'close' (not 'exit'): it fires after stdout is drained, so the last log lines are in `out`.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

    await waitFor(() => out.includes('"event":"ready"'), 15_000, `CLI ready (stderr: ${err})`);
    const [req] = await cloud.waitOn(`thing/product/${sn}/requests`, (m) => m.method === 'config');
    await cloud.publish(`thing/product/${sn}/requests_reply`, { tid: req.message.tid, bid: req.message.bid, timestamp: Date.now(), method: 'config', data: { app_id: 'x' } });
    const { tid } = await cloud.command(sn, 'cover_open', {});
    expect((await cloud.reply(sn, tid)).data).toEqual({ result: 514107 });
    const ok = await cloud.command(sn, 'cover_close', {}, { bid: randomUUID() });
    expect(((await cloud.reply(sn, ok.tid)).data as { result: number }).result).toBe(0);
    await waitFor(() => out.includes('"event":"request_replied"'), 3000, 'request reply logged');

    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hang'), 10_000))]);
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { event?: string; topic?: string });
    expect(lines.some((l) => l.event === 'received' && l.topic === `thing/product/${sn}/services`)).toBe(true);
    expect(lines.some((l) => l.event === 'sent' && l.topic === `thing/product/${sn}/services_reply`)).toBe(true);
    expect(lines.at(-1)?.event).toBe('stopped');
  });

  it('exits 2 with a message on bad arguments', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'mock/simulator-cli.ts', '--dock', 'X', '--rule', 'cover_open=explode'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/unknown item "explode"/);
  });
});
