/**
 * The fleet part of the store contract (server/store/types/fleet.ts): presence compare-and-set and
 * history, state merges, HMS diffs, listings. Called from describeStoreContract, so every store
 * kind runs it; `getStore` returns the fresh store of the current test.
 */
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../server/store/cursor.js';
import type { Store } from '../../server/store/types.js';
import type { HmsItem } from '../../server/store/types/fleet.js';

const T0 = Date.parse('2026-04-22T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function hms(code: string, o: Partial<HmsItem> = {}): HmsItem {
  return { code, level: 2, module: 3, in_the_sky: 0, imminent: 0, device_type: '0-100-0', args: { component_index: 0, sensor_index: 0 }, ...o };
}

export function describeFleetContract(getStore: () => Store): void {
  describe('fleet: presence', () => {
    it('a first message makes a device online once; later messages only move last_seen_at', async () => {
      const f = getStore().fleet;
      expect(await f.seen('DOCK-1', at(0), { kind: 'dock', model_key: '3-3-0' })).toEqual({ sn: 'DOCK-1', online: true, reason: 'message', at: at(0) });
      expect(await f.seen('DOCK-1', at(2000), { kind: 'dock' })).toBeNull();
      expect(await f.seen('DOCK-1', at(1000), { kind: 'dock' })).toBeNull();
      const d = await f.getDevice('DOCK-1');
      expect(d).toMatchObject({ sn: 'DOCK-1', kind: 'dock', model_key: '3-3-0', online: true, last_seen_at: at(2000), changed_at: at(0), reason: 'message' });
      expect(await f.presenceHistory('DOCK-1', 10)).toEqual([{ sn: 'DOCK-1', online: true, reason: 'message', at: at(0) }]);
    });

    it('offline and back: each change computed once, stored with its reason, newest first', async () => {
      const f = getStore().fleet;
      await f.seen('DOCK-1', at(0), { kind: 'dock' });
      const offs = await Promise.all([f.setOffline('DOCK-1', 'disconnect', at(5000)), f.setOffline('DOCK-1', 'disconnect', at(5000))]);
      expect(offs.filter(Boolean)).toHaveLength(1);
      expect(await f.setOffline('DOCK-1', 'silence', at(6000))).toBeNull();
      // A message older than the change does not bring it back.
      expect(await f.seen('DOCK-1', at(4000), { kind: 'dock' })).toBeNull();
      const backs = await Promise.all([f.seen('DOCK-1', at(7000), { kind: 'dock' }), f.seen('DOCK-1', at(7000), { kind: 'dock' })]);
      expect(backs.filter(Boolean)).toEqual([{ sn: 'DOCK-1', online: true, reason: 'message', at: at(7000) }]);
      expect((await f.presenceHistory('DOCK-1', 10)).map((c) => [c.online, c.reason])).toEqual([[true, 'message'], [false, 'disconnect'], [true, 'message']]);
      expect(await f.presenceHistory('DOCK-1', 1)).toHaveLength(1);
    });

    it('silence: only devices not heard since the cut-off, and not if a message came meanwhile', async () => {
      const f = getStore().fleet;
      await f.seen('DOCK-1', at(0), { kind: 'dock' });
      await f.seen('DOCK-2', at(65_000), { kind: 'dock' });
      expect((await f.silentSince(at(60_000), 10)).map((d) => d.sn)).toEqual(['DOCK-1']);
      await f.seen('DOCK-1', at(61_000), { kind: 'dock' });
      expect(await f.setOffline('DOCK-1', 'silence', at(62_000), at(60_000))).toBeNull();
      expect(await f.setOffline('DOCK-2', 'silence', at(130_000), at(70_000))).toMatchObject({ online: false, reason: 'silence' });
      expect((await f.getDevice('DOCK-2'))?.online).toBe(false);
      expect(await f.silentSince(at(200_000), 10)).toEqual([expect.objectContaining({ sn: 'DOCK-1' })]);
    });

    it('lists devices by SN with filters, allow-list and cursor', async () => {
      const f = getStore().fleet;
      await f.seen('DOCK-B', at(0), { kind: 'dock', model_key: '3-3-0' });
      await f.seen('AC-1', at(0), { kind: 'aircraft', model_key: '0-100-0', gateway_sn: 'DOCK-B' }, 'update_topo');
      await f.seen('DOCK-A', at(0), { kind: 'dock', model_key: '3-2-0' });
      await f.setOffline('DOCK-A', 'disconnect', at(1));
      const p1 = await f.listDevices({ limit: 2 });
      expect(p1.items.map((d) => d.sn)).toEqual(['AC-1', 'DOCK-A']);
      const p2 = await f.listDevices({ limit: 2, cursor: p1.next_cursor! });
      expect(p2).toMatchObject({ items: [expect.objectContaining({ sn: 'DOCK-B' })], next_cursor: null });
      expect((await f.listDevices({ limit: 10, kind: 'dock' })).items.map((d) => d.sn)).toEqual(['DOCK-A', 'DOCK-B']);
      expect((await f.listDevices({ limit: 10, online: false })).items.map((d) => d.sn)).toEqual(['DOCK-A']);
      expect((await f.listDevices({ limit: 10, model_key: '0-100-0' })).items).toEqual([expect.objectContaining({ sn: 'AC-1', gateway_sn: 'DOCK-B', reason: 'update_topo' })]);
      expect((await f.listDevices({ limit: 10, sns: ['DOCK-B', 'NOPE'] })).items.map((d) => d.sn)).toEqual(['DOCK-B']);
      expect((await f.listDevices({ limit: 10, sns: [] })).items).toEqual([]);
      await expect(f.listDevices({ limit: 10, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });

  describe('fleet: state', () => {
    it('merges partial reports, keeps unknown properties, version increases, group times move forward only', async () => {
      const f = getStore().fleet;
      expect(await f.getState('DOCK-1')).toBeNull();
      expect(await f.mergeState('DOCK-1', { cover_state: 0, battery: { capacity_percent: 80 }, x_unknown: [1] }, { cover: at(1000), other: at(1000) }, at(1000))).toBe(1);
      expect(await f.mergeState('DOCK-1', { cover_state: 1, latitude: 22.5 }, { cover: at(3000), position: at(3000) }, at(3000))).toBe(2);
      expect(await f.mergeState('DOCK-1', { battery: { capacity_percent: 79 } }, { cover: at(2000) }, at(2000))).toBe(3);
      const s = await f.getState('DOCK-1');
      expect(s).toEqual({
        sn: 'DOCK-1',
        properties: { cover_state: 1, battery: { capacity_percent: 79 }, x_unknown: [1], latitude: 22.5 },
        version: 3,
        updated_at: at(3000),
        group_reported_at: { cover: at(3000), other: at(1000), position: at(3000) },
      });
    });

    it('concurrent merges of one device all count', async () => {
      const f = getStore().fleet;
      await Promise.all(Array.from({ length: 8 }, (_, i) => f.mergeState('DOCK-1', { [`p${i}`]: i }, {}, at(i))));
      const s = await f.getState('DOCK-1');
      expect(s?.version).toBe(8);
      expect(Object.keys(s!.properties).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
    });
  });

  describe('fleet: HMS alarms', () => {
    it('each report is the complete list: new items raised, missing ones cleared, repeated ones kept', async () => {
      const f = getStore().fleet;
      const r1 = await f.applyHmsReport('DOCK-1', [hms('0x1'), hms('0x2', { args: { component_index: 1 } })], at(1000));
      expect(r1.raised.map((a) => a.code)).toEqual(['0x1', '0x2']);
      expect(r1.cleared).toEqual([]);
      const r2 = await f.applyHmsReport('DOCK-1', [hms('0x2', { args: { component_index: 1 } }), hms('0x3')], at(2000));
      expect(r2.raised.map((a) => a.code)).toEqual(['0x3']);
      expect(r2.cleared).toEqual([expect.objectContaining({ code: '0x1', raised_at: at(1000), cleared_at: at(2000), level: 2, module: 3, device_type: '0-100-0' })]);
      const active = await f.listAlarms({ sn: 'DOCK-1', state: 'active', limit: 10 });
      expect(active.items.map((a) => a.code)).toEqual(['0x3', '0x2']);
      expect(active.items[1]).toMatchObject({ args: { component_index: 1 }, cleared_at: null, in_the_sky: 0, imminent: 0 });
      const r3 = await f.applyHmsReport('DOCK-1', [], at(3000));
      expect(r3.cleared.map((a) => a.code).sort()).toEqual(['0x2', '0x3']);
      expect((await f.listAlarms({ sn: 'DOCK-1', state: 'active', limit: 10 })).items).toEqual([]);
      const cleared = await f.listAlarms({ sn: 'DOCK-1', state: 'cleared', limit: 2 });
      expect(cleared.items).toHaveLength(2);
      const rest = await f.listAlarms({ sn: 'DOCK-1', state: 'cleared', limit: 2, cursor: cleared.next_cursor! });
      expect(rest.next_cursor).toBeNull();
      expect([...cleared.items, ...rest.items].map((a) => a.code).sort()).toEqual(['0x1', '0x2', '0x3']);
      expect((await f.listAlarms({ sn: 'DOCK-1', state: 'cleared', since: at(2500), limit: 10 })).items.map((a) => a.code).sort()).toEqual(['0x2', '0x3']);
      expect((await f.listAlarms({ sn: 'DOCK-2', state: 'cleared', limit: 10 })).items).toEqual([]);
    });

    it('the same report applied twice at once raises each alarm once', async () => {
      const f = getStore().fleet;
      const out = await Promise.all([f.applyHmsReport('DOCK-1', [hms('0x9')], at(1)), f.applyHmsReport('DOCK-1', [hms('0x9')], at(1))]);
      expect(out.flatMap((o) => o.raised)).toHaveLength(1);
      expect((await f.listAlarms({ sn: 'DOCK-1', state: 'active', limit: 10 })).items).toHaveLength(1);
    });
  });
}
