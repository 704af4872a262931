/** The simulator CLI's telemetry flags as a real child process: osd period, home, HMS raised then cleared, silence. */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { telemetryTopic } from '../../spec/topics.js';
import { Cloud, startAedes, uniqueSn, waitFor } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

describe('simulator CLI telemetry flags', () => {
  it('reports osd at --osd-interval from --home, raises --hms then clears it, and goes silent at --silent-after', async () => {
    const broker = await startAedes();
    cleanups.push(() => broker.close());
    const sn = uniqueSn();
    const cloud = await Cloud.connect(broker.url, [sn, `${sn}-DRONE`]);
    cleanups.push(() => cloud.close());
    const args = ['--import', 'tsx', 'mock/simulator-cli.ts', '--broker', broker.url, '--dock', sn, '--osd-interval', '100', '--home', '48.1,11.5,520', '--hms', '0x16100083', '--hms-clear-after', '400', '--silent-after', '1500'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
    cleanups.push(async () => {
      child.kill('SIGTERM');
      await exited;
    });
    const [osd] = await cloud.waitOn(telemetryTopic(sn, 'osd'), () => true, 1, 15_000);
    expect(osd!.message.data).toMatchObject({ latitude: 48.1, longitude: 11.5, height: 520 });
    const hms = await cloud.waitOn(`thing/product/${sn}/events`, (m) => m.method === 'hms', 2, 5000);
    expect(hms.map((h) => (h.message.data as { list: { code: string }[] }).list.map((i) => i.code))).toEqual([['0x16100083'], []]);
    await waitFor(() => Date.now() - (cloud.on(telemetryTopic(sn, 'osd')).at(-1)?.at ?? Date.now()) > 600, 8000, 'osd to stop');
    const n = cloud.on(telemetryTopic(sn, 'osd')).length;
    await new Promise((r) => setTimeout(r, 300));
    expect(cloud.on(telemetryTopic(sn, 'osd')).length).toBe(n);
  });

  it('rejects a bad --hms code or --home with exit code 2', async () => {
    for (const bad of [['--hms', 'E1'], ['--home', '95,11']]) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'mock/simulator-cli.ts', '--dock', 'X', ...bad], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      expect(await new Promise((r) => child.once('close', r))).toBe(2);
      expect(err).toMatch(bad[0] === '--hms' ? /--hms must be/ : /--home must be/);
    }
  });
});
