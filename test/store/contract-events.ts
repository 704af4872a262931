/**
 * The event log part of the store contract (server/store/types/events.ts), run by
 * test/store/contract.ts against every store: each change writes its events with it, per-device
 * sequences without gaps, visibility per credential, filters, resumable positions, pruning.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../server/commands/accept.js';
import { deviceEvents } from '../../server/events/derive.js';
import type { EventFilter } from '../../server/store/types/events.js';
import type { Store } from '../../server/store/types.js';
import { at, command, deviceRequest } from './contract.js';

const all = (api_id = 'api-1', o: Partial<EventFilter> = {}): EventFilter => ({ api_id, allowed_devices: null, ...o });

async function events(store: Store, f: EventFilter = all()) {
  return (await store.events.read(null, f, 1000)).events;
}

export function describeEventsContract(get: () => Store): void {
  describe('events', () => {
    it('createCommand writes command.accepted with the command; a replay writes nothing', async () => {
      const store = get();
      const c = command();
      await store.createCommand(c);
      await store.createCommand(c);
      const evs = await events(store);
      expect(evs.map((e) => [e.type, e.device_id, e.sequence, e.api_id])).toEqual([['command.accepted', 'DOCK-1', 1, 'api-1']]);
      expect(evs[0]!.data).toMatchObject({ command_id: c.command_id, status: 'ACCEPTED' });
      expect(evs[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    });

    it('transitions write delivered / progress / completed; a seq-only patch or a lost compare-and-set writes nothing', async () => {
      const store = get();
      const c = command();
      await store.createCommand(c);
      expect(await store.applyTransition(c.command_id, ['ACCEPTED'], { seq: 3, updated_at: at(1) })).toBe(true);
      expect(await store.applyTransition(c.command_id, ['ACCEPTED'], { status: 'DELIVERED', dispatch_state: 'published', delivered_at: at(2), updated_at: at(2) })).toBe(true);
      expect(await store.applyTransition(c.command_id, ['ACCEPTED'], { status: 'DELIVERED', delivered_at: at(3), updated_at: at(3) })).toBe(false);
      const progress = { percent: 40, step: 'x', dji_status: 'in_progress', updated_at: at(4) };
      await store.transitionCommand(c.command_id, ['DELIVERED'], { status: 'DELIVERED', progress, delivered_at: at(2), updated_at: at(4) });
      // The same progress again (a later time only): no event.
      expect(await store.applyTransition(c.command_id, ['DELIVERED'], { status: 'DELIVERED', progress: { ...progress, updated_at: at(4.5) }, delivered_at: at(2), updated_at: at(4.5) })).toBe(true);
      await store.transitionCommand(c.command_id, ['DELIVERED'], { status: 'SUCCEEDED', completed_at: at(5), updated_at: at(5) });
      const evs = await events(store);
      expect(evs.map((e) => [e.type, e.sequence])).toEqual([
        ['command.accepted', 1],
        ['command.delivered', 2],
        ['command.progress', 3],
        ['command.completed', 4],
      ]);
      expect(evs[2]!.data).toMatchObject({ progress: { percent: 40 } });
      expect(evs[3]!.data).toMatchObject({ status: 'SUCCEEDED', completed_at: at(5) });
    });

    it('expireCommands writes command.completed (TIMED_OUT) for each expired command', async () => {
      const store = get();
      const c = command({ timeout_seconds: 1, deadline_at: at(1_000) });
      await store.createCommand(c);
      expect(await store.expireCommands(at(5_000))).toHaveLength(1);
      expect(await store.expireCommands(at(6_000))).toHaveLength(0);
      const evs = await events(store);
      expect(evs.map((e) => e.type)).toEqual(['command.accepted', 'command.completed']);
      expect(evs[1]!.data).toMatchObject({ status: 'TIMED_OUT', failure_code: 'TIMED_OUT' });
    });

    it('device requests: received once per (device, tid), replied once', async () => {
      const store = get();
      const r = deviceRequest();
      await store.insertDeviceRequest(r);
      await store.insertDeviceRequest({ ...r, request_id: randomUUID() });
      const reply = { reply_code: '0', reply_message: null, reply_payload: {}, reply_source: 'manual' as const, standardized_reply: { result: 0 }, replied_at: at(9) };
      expect(await store.replyDeviceRequest(r.request_id, reply)).not.toBeNull();
      expect(await store.replyDeviceRequest(r.request_id, reply)).toBeNull();
      const evs = await events(store, all('someone'));
      expect(evs.map((e) => [e.type, e.device_id, e.api_id])).toEqual([
        ['device_request.received', r.device_id, null],
        ['device_request.replied', r.device_id, null],
      ]);
      expect(evs[1]!.data).toMatchObject({ request_id: r.request_id, reply_code: '0', reply_source: 'manual' });
    });

    it('a credential sees its own commands\' events and its allowed devices\' events; filters by type, prefix, device, since', async () => {
      const store = get();
      await store.createCommand(command({ api_id: 'api-1', device_id: 'DOCK-1' }));
      await store.createCommand(command({ api_id: 'api-2', device_id: 'DOCK-2', accepted_at: at(10), updated_at: at(10) }));
      await store.insertDeviceRequest(deviceRequest({ device_id: 'DOCK-2' }));
      await store.insertDeviceRequest(deviceRequest({ device_id: 'DOCK-3' }));
      expect((await events(store, all('api-1'))).map((e) => [e.type, e.device_id])).toEqual([
        ['command.accepted', 'DOCK-1'],
        ['device_request.received', 'DOCK-2'],
        ['device_request.received', 'DOCK-3'],
      ]);
      expect((await events(store, all('api-1', { allowed_devices: ['DOCK-1', 'DOCK-3'] }))).map((e) => e.device_id)).toEqual(['DOCK-1', 'DOCK-3']);
      expect((await events(store, all('api-2', { type: 'command.*' }))).map((e) => e.device_id)).toEqual(['DOCK-2']);
      expect((await events(store, all('api-2', { type: 'device_request.received', device_id: 'DOCK-3' }))).map((e) => e.device_id)).toEqual(['DOCK-3']);
      expect((await events(store, all('api-2', { type: 'command.accepted', since: at(5) }))).map((e) => e.device_id)).toEqual(['DOCK-2']);
      expect(await events(store, all('api-2', { type: 'device.*' }))).toEqual([]);
    });

    it('reads resume after a position (also one found by event id); sequences have no gaps under concurrent writes', async () => {
      const store = get();
      await Promise.all(Array.from({ length: 20 }, () => store.createCommand(command({ device_id: 'DOCK-9', gateway_sn: 'DOCK-9' }))));
      const first = await store.events.read(null, all(), 7);
      expect(first.events).toHaveLength(7);
      const rest = await store.events.read(first.position, all(), 100);
      expect(rest.events).toHaveLength(13);
      const seqs = [...first.events, ...rest.events].map((e) => e.sequence).sort((a, b) => a! - b!);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await store.events.positionOf(first.events[6]!.id)).toBe(first.position);
      expect(await store.events.positionOf(randomUUID())).toBeNull();
      const again = await store.events.read(rest.position, all(), 100);
      expect(again).toEqual({ events: [], position: rest.position });
    });

    it('scan reads every event after a position whoever may see it, in the order positions compare', async () => {
      const store = get();
      await store.createCommand(command({ api_id: 'api-1', device_id: 'DOCK-1' }));
      await store.createCommand(command({ api_id: 'api-2', device_id: 'DOCK-2' }));
      await store.insertDeviceRequest(deviceRequest({ device_id: 'DOCK-3' }));
      const log = store.events;
      const first = await log.scan(null, 2);
      expect(first.events.map((e) => [e.type, e.api_id])).toEqual([['command.accepted', 'api-1'], ['command.accepted', 'api-2']]);
      const rest = await log.scan(first.position, 10);
      expect(rest.events.map((e) => e.type)).toEqual(['device_request.received']);
      expect(await log.scan(rest.position, 10)).toEqual({ events: [], position: rest.position });
      expect(rest.position).toBe(await log.tail());
      // Positions order as the log does; null is before every event.
      const ps = [...first.events, ...rest.events].map((e) => e.position);
      for (let i = 1; i < ps.length; i++) {
        expect(log.comparePositions(ps[i - 1]!, ps[i]!)).toBeLessThan(0);
        expect(log.comparePositions(ps[i]!, ps[i - 1]!)).toBeGreaterThan(0);
      }
      expect(log.comparePositions(ps[0]!, ps[0]!)).toBe(0);
      expect(log.comparePositions(null, ps[0]!)).toBeLessThan(0);
      expect(log.comparePositions(null, null)).toBe(0);
      expect(() => log.comparePositions('nope', ps[0]!)).toThrow();
      await expect(log.scan('nope', 1)).rejects.toThrow();
    });

    it('append (the hook for changes stored elsewhere) continues the device sequence; prune deletes old events in bounded batches', async () => {
      const store = get();
      await store.createCommand(command());
      const [dev] = await store.events.append([deviceEvents.online({ sn: 'DOCK-1', kind: 'dock', dock_sn: null, online_at: at(1), reason: 'message' })]);
      expect([dev!.type, dev!.device_id, dev!.api_id, dev!.timestamp]).toEqual(['device.online', 'DOCK-1', null, at(1)]);
      expect(dev!.sequence).toBe(2);
      await store.events.append([{ id: uuidv7(), type: 'webhook.test', timestamp: at(2), device_id: null, api_id: 'api-1', data: {} }]);
      expect((await events(store)).map((e) => [e.type, e.sequence])).toEqual([['command.accepted', 1], ['device.online', 2], ['webhook.test', null]]);
      expect(await store.events.prune(at(2), 1)).toBe(1);
      expect(await store.events.prune(at(2), 10)).toBe(1);
      expect((await events(store)).map((e) => e.type)).toEqual(['webhook.test']);
    });
  });
}
