/**
 * The real catalog through the simulator: every command's example, in the wire form the gateway
 * publishes (`wire.translate` when present), is accepted (result 0, the right reply topic, no reply
 * for `reply: 'none'`), and every progress-tracked command ends with a succeeded status the
 * catalog lists. Catches examples that do not match their own wire schema, too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { commands } from '../../spec/catalog.js';
import { startSimulatedDock, type SimulatedDock } from '../../mock/simulator/dock.js';
import { Cloud, getPath, startAedes, uniqueSn, waitFor, type TestBroker } from './helpers.js';

describe('simulated dock answers every catalog command', () => {
  let broker: TestBroker;
  let cloud: Cloud;
  let dock: SimulatedDock;
  const sn = uniqueSn();

  beforeAll(async () => {
    broker = await startAedes();
    cloud = await Cloud.connect(broker.url, [sn]);
    dock = await startSimulatedDock({ brokerUrl: broker.url, dockSn: sn });
  });
  afterAll(async () => {
    await dock?.close();
    await cloud?.close();
    await broker?.close();
  });

  it('has commands to check', () => {
    expect(commands.length).toBeGreaterThan(0);
  });

  it('rejects a real command with a bad payload with 325001, naming the field', async () => {
    const tid = randomUUID();
    await cloud.publish(`thing/product/${sn}/services`, { tid, bid: tid, timestamp: Date.now(), method: 'air_conditioner_mode_switch', data: { action: 9 } });
    expect((await cloud.reply(sn, tid)).data).toEqual({ result: 325001 });
    const handled = await waitFor(() => dock.commands.find((c) => c.tid === tid && c.finished_at), 2000);
    expect(handled.result).toBe('invalid');
    expect(handled.issues).toEqual([expect.objectContaining({ field: 'data.action', rule: 'enum' })]);
  });

  // Concurrent: each command has its own tid/bid/seq, like a busy dock.
  it.concurrent.for(commands.map((c) => [c.command_type, c] as const))('%s', async ([, def], { expect }) => {
    const data = def.wire?.translate ? def.wire.translate(structuredClone(def.example)) : structuredClone(def.example);
    const tid = randomUUID();
    const bid = randomUUID();
    if (def.transport === 'services') {
      await cloud.publish(`thing/product/${sn}/services`, { tid, bid, timestamp: Date.now(), method: def.command_type, data });
      const reply = await cloud.reply(sn, tid);
      expect(reply, JSON.stringify(dock.commands.find((c) => c.tid === tid)?.issues)).toMatchObject({ bid, method: def.command_type, data: { result: 0 } });
    } else {
      const seq = Math.floor(Math.random() * 1e9);
      await cloud.publish(`thing/product/${sn}/drc/down`, { tid, bid, timestamp: Date.now(), method: def.command_type, seq, data });
      const handled = await waitFor(() => dock.commands.find((c) => c.tid === tid && c.finished_at), 3000, `${def.command_type} handled`);
      expect(handled.issues).toEqual([]);
      if (def.reply === 'none') {
        expect(handled.reply).toBeNull();
      } else {
        const [up] = await cloud.waitOn(`thing/product/${sn}/drc/up`, (m) => m.seq === seq);
        expect(up.message).toMatchObject({ method: def.command_type, data: { result: 0 } });
      }
    }
    if (def.progress) {
      const p = def.progress;
      const handled = await waitFor(() => dock.commands.find((c) => c.tid === tid && c.finished_at), 3000, `${def.command_type} progress`);
      const last = handled.events.at(-1)!.message;
      expect(last.method).toBe(p.event_method);
      expect(p.succeeded).toContain(getPath(last.data, p.status_path));
      if (p.correlate_by === 'bid') expect(last.bid).toBe(bid);
      else expect(getPath(last.data, p.correlate_by.event_field)).toBe((data as Record<string, unknown>)[p.correlate_by.payload_field]);
      expect(last.need_reply).toBe(p.need_reply ? 1 : 0);
      await cloud.waitOn(`thing/product/${sn}/events`, (m) => m.tid === last.tid);
    }
  });
});
