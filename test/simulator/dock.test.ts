/**
 * The simulated dock against real brokers (embedded aedes and the machine's Mosquitto), driven by a
 * cloud-side MQTT client: topology announce, services_reply echo, progress events and
 * events_reply, 325001 on bad payloads, every scenario rule, DRC replies, device requests.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startSimulatedDock, type SimulatedDock, type SimulatedDockOptions } from '../../mock/simulator/index.js';
import { Cloud, MOSQUITTO_URL, mosquittoUp, startAedes, testCatalog, uniqueSn, waitFor, type TestBroker } from './helpers.js';
import { gatewayTopics } from '../../spec/topics.js';

const mosquitto = await mosquittoUp();
if (!mosquitto) console.warn('Mosquitto not reachable on 127.0.0.1:1883: its half of test/simulator/dock.test.ts is skipped');

const targets: { name: string; skip: boolean }[] = [
  { name: 'aedes', skip: false },
  { name: 'mosquitto', skip: !mosquitto },
];

for (const target of targets) {
  describe.skipIf(target.skip)(`simulated dock on ${target.name}`, () => {
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

    /** A cloud client subscribed to a fresh SN, then a dock on that SN. */
    async function setup(o: Partial<SimulatedDockOptions> = {}): Promise<{ sn: string; cloud: Cloud; dock: SimulatedDock }> {
      const sn = o.dockSn ?? uniqueSn();
      const cloud = await Cloud.connect(broker.url, [sn]);
      open.push(cloud);
      const dock = await startSimulatedDock({ brokerUrl: broker.url, dockSn: sn, catalog: testCatalog, ...o });
      open.push(dock);
      return { sn, cloud, dock };
    }
    const T = gatewayTopics;

    it('announces update_topo with the aircraft as sub-device and records the status_reply', async () => {
      const drone = uniqueSn('DRONE');
      const { sn, cloud, dock } = await setup({ droneSn: drone });
      const [topo] = await cloud.waitOn(T(sn).status);
      const m = topo.message;
      expect(m.method).toBe('update_topo');
      expect(m.gateway).toBe(sn);
      expect(typeof m.tid).toBe('string');
      expect(typeof m.timestamp).toBe('number');
      const data = m.data as { domain: string; type: number; sub_devices: { sn: string; domain: string; index: string }[] };
      expect(data.domain).toBe('3');
      expect(data.sub_devices).toEqual([expect.objectContaining({ sn: drone, domain: '0', index: 'A' })]);
      // On the shared Mosquitto a running gateway may answer too, so our reply carries a marker timestamp.
      if (target.name === 'aedes') expect(dock.announces[0].reply).toBeNull();
      await cloud.publish(T(sn).status_reply, { tid: m.tid, bid: m.bid, timestamp: 42, method: 'update_topo', data: { result: 0 } });
      await waitFor(() => dock.repliesReceived.some((r) => r.topic === T(sn).status_reply && (r.message as { timestamp: number }).timestamp === 42), 2000, 'status_reply recorded');
      expect(dock.announces[0].reply).toMatchObject({ tid: m.tid, data: { result: 0 } });
    });

    it('answers a command with services_reply echoing tid, bid and method', async () => {
      const { sn, cloud } = await setup();
      const { tid, bid } = await cloud.command(sn, 'sim_set_mode', { action: 2, speed: 3.5, points: [{ latitude: 1, longitude: 2 }] });
      const r = await cloud.reply(sn, tid);
      expect(r).toMatchObject({ tid, bid, method: 'sim_set_mode', gateway: sn, data: { result: 0 } });
      expect(typeof r.timestamp).toBe('number');
      // No progress spec → no events.
      await new Promise((res) => setTimeout(res, 50));
      expect(cloud.on(T(sn).events)).toHaveLength(0);
    });

    it('sends progress events with the command bid, percent, step, terminal status and need_reply, and records events_reply', async () => {
      const { sn, cloud, dock } = await setup();
      const { tid, bid } = await cloud.command(sn, 'sim_cover_open', {});
      const r = await cloud.reply(sn, tid);
      expect(r.data).toEqual({ result: 0, output: { status: 'in_progress' } });
      const evs = (await cloud.waitOn(T(sn).events, (m) => m.bid === bid, 3)).map((e) => e.message);
      expect(evs.map((e) => e.method)).toEqual(['sim_cover_open', 'sim_cover_open', 'sim_cover_open']);
      expect(evs.map((e) => e.need_reply)).toEqual([1, 1, 1]);
      const out = evs.map((e) => (e.data as { result: number; output: { status: string; progress: { percent: number; step_key: string } } }));
      expect(out.map((d) => d.output.progress.percent)).toEqual([20, 60, 100]);
      expect(out.map((d) => d.output.status)).toEqual(['in_progress', 'in_progress', 'ok']);
      expect(out.every((d) => d.result === 0 && typeof d.output.progress.step_key === 'string')).toBe(true);
      expect(new Set(evs.map((e) => e.tid)).size).toBe(3);
      // The services_reply comes before the first event.
      const replyAt = cloud.on(T(sn).services_reply)[0].at;
      expect(cloud.on(T(sn).events)[0].at).toBeGreaterThanOrEqual(replyAt);

      // Answer only the first two (marked), and check the dock matched them to their events.
      for (const e of evs.slice(0, 2)) {
        await cloud.publish(T(sn).events_reply, { tid: e.tid, bid: e.bid, timestamp: 42, method: e.method, data: { result: 0 } });
      }
      await waitFor(
        () => dock.repliesReceived.filter((r) => r.topic === T(sn).events_reply && (r.message as { timestamp: number }).timestamp === 42).length === 2,
        2000,
        'events_reply received',
      );
      const cmd = await waitFor(() => dock.commands.find((c) => c.tid === tid && c.finished_at), 2000, 'command finished');
      expect(cmd.result).toBe('succeeded');
      expect(cmd.events.slice(0, 2).map((e) => e.reply?.tid)).toEqual([evs[0].tid, evs[1].tid]);
      // Only on the private broker can we be sure nobody else answered the third event.
      if (target.name === 'aedes') expect(cmd.events[2].reply).toBeNull();
    });

    it('sends flat progress events carrying the payload job id (own bid, need_reply 0)', async () => {
      const { sn, cloud } = await setup();
      const flyToId = randomUUID();
      const { tid, bid } = await cloud.command(sn, 'sim_fly_to', { fly_to_id: flyToId, max_speed: 10 });
      expect((await cloud.reply(sn, tid)).data).toEqual({ result: 0 });
      const evs = (await cloud.waitOn(T(sn).events, (m) => (m.data as { fly_to_id?: string }).fly_to_id === flyToId, 3)).map((e) => e.message);
      expect(evs.map((e) => (e.data as { status: string }).status)).toEqual(['wayline_progress', 'wayline_progress', 'wayline_ok']);
      expect(evs.every((e) => e.method === 'sim_fly_to_progress' && e.need_reply === 0 && e.bid !== bid)).toBe(true);
    });

    it('answers 325001 to an invalid payload, an unknown method and a DRC method on services', async () => {
      const { sn, cloud, dock } = await setup();
      const cases: [string, unknown][] = [
        ['sim_set_mode', { action: 9 }], // enum
        ['sim_set_mode', {}], // required
        ['sim_set_mode', { action: 1, extra: true }], // closed object
        ['sim_set_mode', { action: '1' }], // type
        ['sim_set_mode', { action: 1, speed: 16 }], // maximum
        ['sim_set_mode', { action: 1, name: 'much too long' }], // maxLength
        ['sim_set_mode', { action: 1, points: [{ latitude: 1, longitude: 2 }, { latitude: 1, longitude: 2 }] }], // maxItems
        ['sim_set_mode', { action: 1, points: [{ latitude: 91, longitude: 2 }] }], // nested minimum/maximum
        ['sim_set_mode', null], // not an object
        ['no_such_method', {}],
        ['sim_heart_beat', { timestamp: 1 }], // belongs on drc/down
      ];
      const sent = [];
      for (const [method, data] of cases) sent.push({ method, ...(await cloud.command(sn, method, data)) });
      for (const s of sent) {
        const r = await cloud.reply(sn, s.tid);
        expect(r, `${s.method} ${JSON.stringify(cases[sent.indexOf(s)][1])}`).toMatchObject({ tid: s.tid, bid: s.bid, method: s.method, data: { result: 325001 } });
      }
      // The cloud may see a reply before the dock got its PUBACK and closed the record.
      await waitFor(() => dock.commands.filter((c) => c.finished_at).length === cases.length, 2000, 'all commands finished');
      const rules = dock.commands.filter((c) => c.result === 'invalid').map((c) => c.issues[0]?.rule);
      expect(rules).toEqual(['enum', 'required', 'additionalProperties', 'type', 'maximum', 'maxLength', 'maxItems', 'maximum', 'type']);
      expect(dock.commands.filter((c) => c.result === 'unsupported')).toHaveLength(2);
      expect(cloud.on(T(sn).events)).toHaveLength(0);
    });

    it('validates a translated command against its wire form', async () => {
      const { sn, cloud } = await setup();
      const good = await cloud.command(sn, 'sim_wired', { value: 'hello' });
      const publicForm = await cloud.command(sn, 'sim_wired', { text: 'hello' });
      const tooLong = await cloud.command(sn, 'sim_wired', { value: 'x'.repeat(17) });
      expect((await cloud.reply(sn, good.tid)).data).toEqual({ result: 0 });
      expect((await cloud.reply(sn, publicForm.tid)).data).toEqual({ result: 325001 });
      expect((await cloud.reply(sn, tooLong.tid)).data).toEqual({ result: 325001 });
    });

    it('rule fail: non-zero result in services_reply and no events', async () => {
      const { sn, cloud } = await setup({ rules: { sim_cover_open: { outcome: 'fail', code: 514107 } } });
      const { tid, bid } = await cloud.command(sn, 'sim_cover_open', {});
      expect(await cloud.reply(sn, tid)).toMatchObject({ tid, bid, method: 'sim_cover_open', data: { result: 514107 } });
      await new Promise((res) => setTimeout(res, 50));
      expect(cloud.on(T(sn).events)).toHaveLength(0);
    });

    it('rule fail at event: accepted, then a failed terminal event with the code', async () => {
      const { sn, cloud, dock } = await setup();
      dock.setRule('sim_cover_open', { outcome: 'fail', code: 514108, failAt: 'event' });
      const { tid, bid } = await cloud.command(sn, 'sim_cover_open', {});
      expect((await cloud.reply(sn, tid)).data).toMatchObject({ result: 0 });
      const evs = (await cloud.waitOn(T(sn).events, (m) => m.bid === bid, 2)).map((e) => e.message.data as { result: number; output: { status: string } });
      expect(evs.map((d) => [d.output.status, d.result])).toEqual([
        ['in_progress', 0],
        ['failed', 514108],
      ]);
      await waitFor(() => dock.commands.find((c) => c.tid === tid && c.finished_at), 2000);
      expect(dock.commands.find((c) => c.tid === tid)!.result).toBe('failed');
    });

    it('rule silent: no reply at all', async () => {
      const { sn, cloud, dock } = await setup();
      dock.setRule('sim_cover_open', { outcome: 'silent' });
      const { tid } = await cloud.command(sn, 'sim_cover_open', {});
      await waitFor(() => dock.commands.find((c) => c.tid === tid && c.finished_at), 2000, 'command handled');
      await new Promise((res) => setTimeout(res, 100));
      expect(cloud.on(T(sn).services_reply)).toHaveLength(0);
      expect(cloud.on(T(sn).events)).toHaveLength(0);
      expect(dock.commands.find((c) => c.tid === tid)!.result).toBe('silent');
    });

    it('rule wrong_method: same tid/bid, another method; rules are per dock', async () => {
      const { sn, cloud, dock } = await setup();
      const other = await setup();
      dock.setRule('sim_set_mode', { outcome: 'wrong_method' });
      const { tid, bid } = await cloud.command(sn, 'sim_set_mode', { action: 1 });
      const r = await cloud.reply(sn, tid);
      expect(r.tid).toBe(tid);
      expect(r.bid).toBe(bid);
      expect(typeof r.method).toBe('string');
      expect(r.method).not.toBe('sim_set_mode');
      dock.setRule('sim_set_mode', { outcome: 'wrong_method', method: 'cover_close' });
      const second = await cloud.command(sn, 'sim_set_mode', { action: 1 });
      expect((await cloud.reply(sn, second.tid)).method).toBe('cover_close');
      const elsewhere = await other.cloud.command(other.sn, 'sim_set_mode', { action: 1 });
      expect((await other.cloud.reply(other.sn, elsewhere.tid)).method).toBe('sim_set_mode');
    });

    it('script: answers what it covers verbatim, before rules and the catalog; the rest per rule and catalog', async () => {
      const { sn, cloud, dock } = await setup({ script: { sim_set_mode: { data: { result: 0, note: 'scripted' }, repeat: 2 } } });
      dock.setRule('*', { outcome: 'fail', code: 111 });
      // Not valid for the catalog: a script answers without checking.
      const a = await cloud.command(sn, 'sim_set_mode', { action: 'warp' });
      const replies = await cloud.waitOn(T(sn).services_reply, (m) => m.tid === a.tid, 2);
      expect(replies.map((r) => r.message)).toEqual(Array(2).fill({ tid: a.tid, bid: a.bid, timestamp: expect.any(Number), gateway: sn, method: 'sim_set_mode', data: { result: 0, note: 'scripted' } }));
      await waitFor(() => dock.commands.find((c) => c.tid === a.tid && c.finished_at), 2000, 'scripted command handled');
      expect(dock.commands.find((c) => c.tid === a.tid)!.result).toBe('scripted');
      // Not covered by the script: the rule applies.
      const b = await cloud.command(sn, 'sim_cover_open', {});
      expect((await cloud.reply(sn, b.tid)).data).toEqual({ result: 111 });
      // A function script; null leaves the command to the rules, and setScript(null) removes the script.
      dock.setScript((cmd) => (cmd.data.action === 2 ? { method: 'cover_close', progress: { percents: [], terminal: 'ok', needReply: false } } : null));
      const c = await cloud.command(sn, 'sim_set_mode', { action: 2 });
      expect((await cloud.reply(sn, c.tid)).method).toBe('cover_close');
      const [ev] = await cloud.waitOn(T(sn).events, (m) => m.bid === c.bid);
      expect(ev.message).toMatchObject({ method: 'sim_set_mode', need_reply: 0, data: { result: 0, output: { status: 'ok', progress: { percent: 100 } } } });
      const d = await cloud.command(sn, 'sim_set_mode', { action: 1 });
      expect((await cloud.reply(sn, d.tid)).data).toEqual({ result: 111 });
      dock.setScript(null);
      dock.clearRules();
      const e = await cloud.command(sn, 'sim_set_mode', { action: 2 });
      expect((await cloud.reply(sn, e.tid)).data).toEqual({ result: 0 });
    });

    it('rule delay: the reply waits the given time; one-shot rules apply once', async () => {
      const { sn, cloud, dock } = await setup();
      dock.setRule('*', { delayMs: 300, once: true });
      const first = await cloud.command(sn, 'sim_set_mode', { action: 1 });
      const r1 = await cloud.reply(sn, first.tid, 3000);
      const took = cloud.on(T(sn).services_reply, (m) => m.tid === first.tid)[0].at - first.sentAt;
      expect(r1.data).toEqual({ result: 0 });
      expect(took).toBeGreaterThanOrEqual(290);
      const second = await cloud.command(sn, 'sim_set_mode', { action: 1 });
      await cloud.reply(sn, second.tid);
      // One-shot: the second command ran without the rule (timing on a loaded CI box is no proof).
      expect(dock.commands.find((c) => c.tid === second.tid)!.rule).toBeNull();
      expect(dock.commands.find((c) => c.tid === first.tid)!.rule).toEqual({ delayMs: 300, once: true });
      expect(dock.rules()).toEqual([]);
    });

    it('setRuleFor targets exactly one command by bid or tid; type rules beat *', async () => {
      const { sn, cloud, dock } = await setup();
      const bid = randomUUID();
      const tid = randomUUID();
      dock.setRule('*', { outcome: 'fail', code: 111 });
      dock.setRule('sim_set_mode', { outcome: 'fail', code: 222 });
      dock.setRuleFor({ bid }, { outcome: 'fail', code: 333 });
      dock.setRuleFor({ tid }, { outcome: 'succeed' });
      const a = await cloud.command(sn, 'sim_set_mode', { action: 1 }, { bid });
      const b = await cloud.command(sn, 'sim_set_mode', { action: 1 });
      const c = await cloud.command(sn, 'sim_cover_open', {}, { tid });
      const d = await cloud.command(sn, 'sim_cover_open', {});
      const e = await cloud.command(sn, 'sim_set_mode', { action: 1 }, { bid }); // bid rule was one-shot
      const results = [];
      for (const x of [a, b, c, d, e]) results.push(((await cloud.reply(sn, x.tid)).data as { result: number }).result);
      expect(results).toEqual([333, 222, 0, 111, 222]);
    });

    it('answers DRC commands on drc/up with the same method and seq; none for reply none', async () => {
      const { sn, cloud, dock } = await setup();
      const tid = randomUUID();
      await cloud.publish(T(sn)['drc/down'], { tid, bid: tid, timestamp: Date.now(), method: 'sim_heart_beat', seq: 7, data: { timestamp: 1700000000123 } });
      await cloud.publish(T(sn)['drc/down'], { method: 'sim_stick', seq: 8, data: { roll: 1024 } });
      await cloud.publish(T(sn)['drc/down'], { method: 'sim_heart_beat', seq: 9, data: { timestamp: 'x' } });
      const ups = (await cloud.waitOn(T(sn)['drc/up'], () => true, 2)).map((r) => r.message);
      expect(ups[0]).toMatchObject({ method: 'sim_heart_beat', seq: 7, tid, data: { result: 0, timestamp: 1700000000123 } });
      expect(ups[1]).toMatchObject({ method: 'sim_heart_beat', seq: 9, data: { result: 325001 } });
      await waitFor(() => dock.commands.find((c) => c.method === 'sim_stick' && c.finished_at), 2000);
      expect(dock.commands.find((c) => c.method === 'sim_stick')!.result).toBe('no_reply');
      dock.setRule('sim_heart_beat', { outcome: 'fail', code: 319033 });
      await cloud.publish(T(sn)['drc/down'], { method: 'sim_heart_beat', seq: 10, data: { timestamp: 1 } });
      const [failed] = await cloud.waitOn(T(sn)['drc/up'], (m) => m.seq === 10);
      expect(failed.message).toMatchObject({ method: 'sim_heart_beat', data: { result: 319033 } });
      await new Promise((res) => setTimeout(res, 50));
      expect(cloud.on(T(sn)['drc/up'], (m) => m.seq === 8)).toHaveLength(0);
      expect(cloud.on(T(sn).services_reply)).toHaveLength(0);
    });

    it('survives malformed messages on every inbound topic', async () => {
      const { sn, cloud, dock } = await setup();
      await cloud.publish(T(sn).services, 'not json');
      await cloud.publish(T(sn).services, { tid: 'x1', bid: 'y', data: {} }); // no method
      await cloud.publish(T(sn)['drc/down'], '[1,2]');
      await cloud.publish(T(sn).events_reply, '{}');
      await cloud.publish(T(sn).requests_reply, 'null');
      expect((await cloud.reply(sn, 'x1')).data).toEqual({ result: 325001 });
      const { tid } = await cloud.command(sn, 'sim_set_mode', { action: 0 });
      expect((await cloud.reply(sn, tid)).data).toEqual({ result: 0 });
      await waitFor(() => dock.commands.filter((c) => c.finished_at).length === 4, 2000, 'all handled');
      expect(dock.commands.filter((c) => c.result === 'malformed')).toHaveLength(3);
    });

    it('sendRequest publishes a requests message and resolves with its requests_reply', async () => {
      const { sn, cloud, dock } = await setup();
      // The cloud answers every request with the same tid/bid/method.
      cloud.client.on('message', (topic, payload) => {
        if (topic !== T(sn).requests) return;
        const m = JSON.parse(payload.toString());
        void cloud.publish(T(sn).requests_reply, { tid: m.tid, bid: m.bid, timestamp: Date.now(), method: m.method, data: { result: 0, output: { echo: m.data } } });
      });
      const reply = await (await dock.sendRequest('config')).reply;
      const [req] = cloud.on(T(sn).requests, (m) => m.method === 'config').map((r) => r.message);
      expect(req).toMatchObject({ gateway: sn, method: 'config', data: { config_type: 'json', config_scope: 'product' } });
      expect(typeof req.tid).toBe('string');
      expect(typeof req.bid).toBe('string');
      expect(typeof req.timestamp).toBe('number');
      expect(reply).toMatchObject({ tid: req.tid, bid: req.bid, method: 'config' });
      // Checked on the published request, not the reply: on the shared Mosquitto a gateway may answer first.
      const bind = await (await dock.sendRequest('airport_bind_status')).reply;
      expect(bind.method).toBe('airport_bind_status');
      expect(cloud.on(T(sn).requests, (m) => m.tid === bind.tid)[0].message.data).toEqual({ devices: [{ sn }, { sn: dock.droneSn }] });
      const custom = await (await dock.sendRequest('flighttask_resource_get', { flight_id: 'F1' })).reply;
      expect(cloud.on(T(sn).requests, (m) => m.tid === custom.tid)[0].message.data).toEqual({ flight_id: 'F1' });
      expect(dock.requests.map((r) => [r.method, r.reply !== null])).toEqual([
        ['config', true],
        ['airport_bind_status', true],
        ['flighttask_resource_get', true],
      ]);
    });

    it('sendRequest rejects when no requests_reply arrives in time', async () => {
      const { dock } = await setup();
      // A method no gateway answers (a shared Mosquitto may have one auto-replying to the real ones).
      await expect((await dock.sendRequest('sim_unanswered', {}, { timeoutMs: 150 })).reply).rejects.toThrow(/no requests_reply to sim_unanswered/);
      expect(dock.requests[0].error).toMatch(/no requests_reply/);
    });

    it('sends scheduled requests on start and every interval, recording the replies', async () => {
      const sn = uniqueSn();
      const cloud = await Cloud.connect(broker.url, [sn]);
      open.push(cloud);
      cloud.client.on('message', (topic, payload) => {
        if (topic !== T(sn).requests) return;
        const m = JSON.parse(payload.toString());
        void cloud.publish(T(sn).requests_reply, { tid: m.tid, bid: m.bid, timestamp: Date.now(), method: m.method, data: { result: 0, output: {} } });
      });
      const dock = await startSimulatedDock({
        brokerUrl: broker.url,
        dockSn: sn,
        catalog: testCatalog,
        requestSchedule: { methods: ['config', 'flight_areas_get'], onStart: true, intervalMs: 100 },
      });
      open.push(dock);
      await waitFor(() => dock.requests.filter((r) => r.reply).length >= 4, 3000, 'two rounds of replied requests');
      const methods = dock.requests.map((r) => r.method);
      expect(methods.slice(0, 4).sort()).toEqual(['config', 'config', 'flight_areas_get', 'flight_areas_get']);
      // DJI sends flight_areas_get with data null.
      expect(cloud.on(T(sn).requests, (m) => m.method === 'flight_areas_get')[0].message.data).toBeNull();
    });

    it('answers nothing after close; close is idempotent', async () => {
      const { sn, cloud, dock } = await setup();
      await dock.close();
      await dock.close();
      expect(dock.connected()).toBe(false);
      await expect(dock.sendRequest('config')).rejects.toThrow(/not running/);
      const { tid } = await cloud.command(sn, 'sim_set_mode', { action: 1 });
      await new Promise((res) => setTimeout(res, 100));
      expect(cloud.on(T(sn).services_reply, (m) => m.tid === tid)).toHaveLength(0);
    });
  });
}
