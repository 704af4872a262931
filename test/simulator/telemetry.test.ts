/**
 * Telemetry of the simulated dock on real brokers (embedded aedes and the machine's Mosquitto): osd
 * cadence, state on change (cover), the aircraft leaving the dock and moving during a flight, HMS
 * raise/clear with complete-list semantics, silence and disconnect.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commandsByType } from '../../spec/catalog.js';
import { telemetryTopic } from '../../spec/topics.js';
import { startSimulatedDock, type SimulatedDock, type SimulatedDockOptions } from '../../mock/simulator/index.js';
import type { TelemetryTimers } from '../../mock/simulator/telemetry.js';
import { Cloud, MOSQUITTO_URL, mosquittoUp, startAedes, uniqueSn, waitFor, type TestBroker } from './helpers.js';

const mosquitto = await mosquittoUp();
if (!mosquitto) console.warn('Mosquitto not reachable on 127.0.0.1:1883: its half of test/simulator/telemetry.test.ts is skipped');

/** An interval the test fires by hand: `fire()` runs every registered callback once. */
function manualTimers(): TelemetryTimers & { fire(): void; periods: number[] } {
  const fns = new Map<number, () => void>();
  let next = 1;
  const periods: number[] = [];
  return {
    periods,
    setInterval(fn, ms) {
      periods.push(ms);
      fns.set(next, fn);
      return next++;
    },
    clearInterval(h) {
      fns.delete(h as number);
    },
    fire() {
      for (const f of fns.values()) f();
    },
  };
}

const example = (type: string) => commandsByType.get(type)!.example;

for (const target of [
  { name: 'aedes', skip: false },
  { name: 'mosquitto', skip: !mosquitto },
]) {
  describe.skipIf(target.skip)(`simulated telemetry on ${target.name}`, () => {
    let broker: TestBroker;
    const open: { close(): Promise<void> }[] = [];
    beforeAll(async () => {
      broker = target.name === 'aedes' ? await startAedes() : { name: 'mosquitto', url: MOSQUITTO_URL, close: async () => {} };
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((c) => c.close()));
    });
    afterAll(async () => {
      await broker?.close();
    });

    async function setup(o: Partial<SimulatedDockOptions> = {}): Promise<{ sn: string; drone: string; cloud: Cloud; dock: SimulatedDock }> {
      const sn = uniqueSn();
      const drone = `${sn}-DRONE`;
      const cloud = await Cloud.connect(broker.url, [sn, drone]);
      open.push(cloud);
      const dock = await startSimulatedDock({ brokerUrl: broker.url, dockSn: sn, ...o });
      open.push(dock);
      return { sn, drone, cloud, dock };
    }

    /** Fire one tick and wait until both devices' osd number `n` arrived. */
    async function tick(t: ReturnType<typeof manualTimers>, cloud: Cloud, sn: string, drone: string, n: number) {
      t.fire();
      await cloud.waitOn(telemetryTopic(sn, 'osd'), () => true, n);
      return (await cloud.waitOn(telemetryTopic(drone, 'osd'), () => true, n))[n - 1]!.message;
    }

    it('reports osd for the dock and its aircraft once per interval, in the DJI envelope', async () => {
      const { sn, drone, cloud } = await setup({ telemetry: { osdIntervalMs: 40 } });
      const dockOsd = await cloud.waitOn(telemetryTopic(sn, 'osd'), () => true, 5, 5000);
      const droneOsd = await cloud.waitOn(telemetryTopic(drone, 'osd'), () => true, 5, 5000);
      for (const r of [...dockOsd, ...droneOsd]) {
        expect(r.message).toMatchObject({ gateway: sn, tid: expect.any(String), bid: expect.any(String), timestamp: expect.any(Number), data: expect.any(Object) });
        expect(r.message).not.toHaveProperty('method');
      }
      expect(dockOsd[0]!.message.data).toMatchObject({ cover_state: 0, drone_in_dock: 1, mode_code: 0, latitude: expect.any(Number), longitude: expect.any(Number) });
      expect(droneOsd[0]!.message.data).toMatchObject({ mode_code: 0, latitude: expect.any(Number), battery: { capacity_percent: expect.any(Number) } });
      // Cadence: not faster than the interval (5 reports span at least 4 periods, with timer slack).
      expect(dockOsd[4]!.at - dockOsd[0]!.at).toBeGreaterThanOrEqual(4 * 40 - 20);
    });

    it('uses the injected timers with the configured period: one osd per device per tick', async () => {
      const timers = manualTimers();
      const { sn, drone, cloud } = await setup({ telemetry: { osdIntervalMs: 2000, timers } });
      expect(timers.periods).toEqual([2000]);
      await tick(timers, cloud, sn, drone, 1);
      await tick(timers, cloud, sn, drone, 2);
      await new Promise((r) => setTimeout(r, 100));
      expect(cloud.on(telemetryTopic(sn, 'osd'))).toHaveLength(2);
      expect(cloud.on(telemetryTopic(drone, 'osd'))).toHaveLength(2);
    });

    it('opens the cover on cover_open and closes it on cover_close, each change on state at once', async () => {
      const timers = manualTimers();
      const { sn, drone, cloud, dock } = await setup({ telemetry: { timers } });
      const open1 = await cloud.command(sn, 'cover_open', {});
      expect((await cloud.reply(sn, open1.tid)).data).toMatchObject({ result: 0 });
      const [st] = await cloud.waitOn(telemetryTopic(sn, 'state'), (m) => (m.data as { cover_state?: number }).cover_state === 1);
      expect(st!.message).toMatchObject({ gateway: sn, data: { cover_state: 1 } });
      expect(Object.keys(st!.message.data as object)).toEqual(['cover_state']); // only what changed
      await tick(timers, cloud, sn, drone, 1);
      expect(cloud.on(telemetryTopic(sn, 'osd'))[0]!.message.data).toMatchObject({ cover_state: 1 });
      const close1 = await cloud.command(sn, 'cover_close', {});
      await cloud.reply(sn, close1.tid);
      await cloud.waitOn(telemetryTopic(sn, 'state'), (m) => (m.data as { cover_state?: number }).cover_state === 0);
      expect(dock.telemetry.get('dock', 'cover_state')).toBe(0);
      // A failed cover_open leaves the cover shut.
      dock.setRule('cover_open', { outcome: 'fail', code: 514107 });
      const failed = await cloud.command(sn, 'cover_open', {});
      await cloud.reply(sn, failed.tid);
      await new Promise((r) => setTimeout(r, 100));
      expect(cloud.on(telemetryTopic(sn, 'state'))).toHaveLength(2);
    });

    it('takes off (aircraft leaves the dock), moves during the flight, and returns home on return_home', async () => {
      const timers = manualTimers();
      const { sn, drone, cloud, dock } = await setup({ telemetry: { timers, legTicks: 3 } });
      const takeoff = example('takeoff_to_point');
      const c = await cloud.command(sn, 'takeoff_to_point', takeoff);
      await cloud.reply(sn, c.tid);
      await cloud.waitOn(telemetryTopic(sn, 'state'), (m) => (m.data as { drone_in_dock?: number }).drone_in_dock === 0);
      await cloud.waitOn(telemetryTopic(drone, 'state'), (m) => (m.data as { mode_code?: number }).mode_code === 17);
      const positions: { latitude: number; longitude: number; height: number }[] = [];
      for (let n = 1; n <= 6; n++) positions.push((await tick(timers, cloud, sn, drone, n)).data as never);
      // Climbs first, then flies to the target; every tick of the way moves.
      expect(positions[1]!.height).toBeGreaterThan(positions[0]!.height);
      expect(new Set(positions.map((p) => `${p.latitude},${p.longitude},${p.height}`)).size).toBe(6);
      expect(positions[5]).toMatchObject({ latitude: takeoff.target_latitude, longitude: takeoff.target_longitude, height: takeoff.target_height });
      expect(dock.telemetry.get('dock', 'drone_in_dock')).toBe(0);

      const rth = await cloud.command(sn, 'return_home', {});
      await cloud.reply(sn, rth.tid);
      await cloud.waitOn(telemetryTopic(drone, 'state'), (m) => (m.data as { mode_code?: number }).mode_code === 9);
      for (let n = 7; n <= 12; n++) await tick(timers, cloud, sn, drone, n);
      await cloud.waitOn(telemetryTopic(sn, 'state'), (m) => (m.data as { drone_in_dock?: number }).drone_in_dock === 1);
      const last = cloud.on(telemetryTopic(drone, 'osd')).at(-1)!.message.data as Record<string, number>;
      expect(last).toMatchObject({ latitude: dock.telemetry.home.latitude, longitude: dock.telemetry.home.longitude, mode_code: 0 });
      expect(dock.telemetry.get('dock', 'cover_state')).toBe(0);
    });

    it('flighttask_execute flies a loop and lands by itself', async () => {
      const timers = manualTimers();
      const { sn, drone, cloud, dock } = await setup({ telemetry: { timers, legTicks: 1 } });
      const c = await cloud.command(sn, 'flighttask_execute', example('flighttask_execute'));
      await cloud.reply(sn, c.tid);
      await cloud.waitOn(telemetryTopic(sn, 'state'), (m) => (m.data as { drone_in_dock?: number }).drone_in_dock === 0);
      const lats = new Set<number>();
      for (let n = 1; n <= 6; n++) lats.add(((await tick(timers, cloud, sn, drone, n)).data as { latitude: number }).latitude);
      expect(lats.size).toBeGreaterThan(1);
      await cloud.waitOn(telemetryTopic(sn, 'state'), (m) => (m.data as { drone_in_dock?: number }).drone_in_dock === 1);
      expect(dock.telemetry.flying()).toBe(false);
    });

    it('raises and clears HMS alarms, each report the complete current list', async () => {
      const { sn, cloud, dock } = await setup({ telemetry: false });
      const hms = () => cloud.on(`thing/product/${sn}/events`, (m) => m.method === 'hms').map((r) => r.message);
      await dock.raiseHms([{ code: '0x16100083' }, { code: '0x1B010001', device_type: '0-100-0', level: 1, in_the_sky: 1, args: { component_index: 1, sensor_index: 2 } }]);
      await waitFor(() => hms().length === 1, 3000, 'first hms');
      expect(hms()[0]).toMatchObject({ gateway: sn, need_reply: 0, method: 'hms' });
      expect((hms()[0]!.data as { list: unknown[] }).list).toEqual([
        { level: 2, module: 3, in_the_sky: 0, code: '0x16100083', device_type: '3-3-0', imminent: 0, args: { component_index: 0, sensor_index: 0 } },
        { level: 1, module: 3, in_the_sky: 1, code: '0x1B010001', device_type: '0-100-0', imminent: 0, args: { component_index: 1, sensor_index: 2 } },
      ]);
      await dock.clearHms(['0x16100083']);
      await waitFor(() => hms().length === 2, 3000, 'second hms');
      expect((hms()[1]!.data as { list: { code: string }[] }).list.map((i) => i.code)).toEqual(['0x1B010001']);
      await dock.clearHms();
      await waitFor(() => hms().length === 3, 3000, 'third hms');
      expect((hms()[2]!.data as { list: unknown[] }).list).toEqual([]);
      await expect(dock.raiseHms([{ code: 'nope' }])).rejects.toThrow(/code must be/);
    });

    it('goes silent (nothing at all is published) and speaks again', async () => {
      const timers = manualTimers();
      const { sn, drone, cloud, dock } = await setup({ telemetry: { timers } });
      await tick(timers, cloud, sn, drone, 1);
      dock.silence(true);
      const before = cloud.messages.length;
      timers.fire();
      await dock.raiseHms([{ code: '0x16100083' }]);
      const c = await cloud.command(sn, 'cover_open', {});
      await new Promise((r) => setTimeout(r, 200));
      expect(cloud.messages.slice(before).map((m) => m.topic)).toEqual([`thing/product/${sn}/services`]); // only our own command
      expect(dock.suppressed).toBeGreaterThan(0);
      expect(dock.connected()).toBe(true);
      void c;
      dock.silence(false);
      await tick(timers, cloud, sn, drone, 2);
    });

    it('disconnects from the broker and reconnects (subscribing and announcing again)', async () => {
      const timers = manualTimers();
      const { sn, drone, cloud, dock } = await setup({ telemetry: { timers } });
      await tick(timers, cloud, sn, drone, 1);
      await dock.disconnect();
      expect(dock.connected()).toBe(false);
      timers.fire();
      await new Promise((r) => setTimeout(r, 150));
      expect(cloud.on(telemetryTopic(sn, 'osd'))).toHaveLength(1);
      await dock.reconnect();
      expect(dock.connected()).toBe(true);
      expect(dock.announces.length).toBe(2);
      await cloud.waitOn(`sys/product/${sn}/status`, () => true, 2);
      await tick(timers, cloud, sn, drone, 2);
      const c = await cloud.command(sn, 'cover_open', {});
      expect((await cloud.reply(sn, c.tid)).data).toMatchObject({ result: 0 });
    });
  });
}
