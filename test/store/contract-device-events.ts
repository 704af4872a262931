/**
 * Device events in the store contract (issue 13 items 1–2 for issue 11's fleet): every presence
 * change writes exactly one `device.online` / `device.offline`, every HMS diff one
 * `device.hms_raised` / `device.hms_cleared` per alarm, in the transaction of the change; a
 * repeated report that changes nothing writes nothing. Run by test/store/contract.ts on every store.
 */
import { describe, expect, it } from 'vitest';
import type { EventFilter } from '../../server/store/types/events.js';
import type { HmsItem } from '../../server/store/types/fleet.js';
import type { Store } from '../../server/store/types.js';

const T0 = Date.parse('2026-04-22T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const all = (o: Partial<EventFilter> = {}): EventFilter => ({ api_id: 'api-1', allowed_devices: null, ...o });

function hms(code: string, o: Partial<HmsItem> = {}): HmsItem {
  return { code, level: 2, module: 3, in_the_sky: 0, imminent: 0, device_type: '0-100-0', args: { component_index: 0, sensor_index: 0 }, ...o };
}

async function events(store: Store, f: EventFilter = all()) {
  return (await store.events.read(null, f, 1000)).events;
}

export function describeDeviceEventsContract(get: () => Store): void {
  describe('device events', () => {
    it('presence: one event per change with its reason, none for a message that changes nothing', async () => {
      const store = get();
      const f = store.fleet;
      await f.seen('DOCK-1', at(0), { kind: 'dock', model_key: '3-3-0' });
      await f.seen('DOCK-1', at(1000), { kind: 'dock' });
      await f.seen('AC-1', at(1000), { kind: 'aircraft', model_key: '0-100-0', gateway_sn: 'DOCK-1' }, 'update_topo');
      await f.seen('AC-1', at(1500), { kind: 'aircraft', gateway_sn: 'DOCK-1' }, 'update_topo');
      const offs = await Promise.all([f.setOffline('DOCK-1', 'disconnect', at(2000)), f.setOffline('DOCK-1', 'disconnect', at(2000))]);
      expect(offs.filter(Boolean)).toHaveLength(1);
      expect(await f.setOffline('DOCK-1', 'silence', at(2500))).toBeNull();
      await f.setOffline('AC-1', 'update_topo', at(3000));
      await f.seen('DOCK-1', at(4000), { kind: 'dock' });
      await f.seen('DOCK-1', at(4500), { kind: 'dock' });
      await f.setOffline('DOCK-1', 'silence', at(70_000), at(60_000));
      // A stale silence check (a message came after the cut-off) changes nothing and writes nothing.
      await f.seen('DOCK-1', at(71_000), { kind: 'dock' });
      expect(await f.setOffline('DOCK-1', 'silence', at(72_000), at(65_000))).toBeNull();

      const evs = await events(store);
      expect(evs.map((e) => [e.type, e.device_id, e.sequence, e.api_id, e.timestamp, (e.data as { reason: string }).reason])).toEqual([
        ['device.online', 'DOCK-1', 1, null, at(0), 'message'],
        ['device.online', 'AC-1', 1, null, at(1000), 'update_topo'],
        ['device.offline', 'DOCK-1', 2, null, at(2000), 'disconnect'],
        ['device.offline', 'AC-1', 2, null, at(3000), 'update_topo'],
        ['device.online', 'DOCK-1', 3, null, at(4000), 'message'],
        ['device.offline', 'DOCK-1', 4, null, at(70_000), 'silence'],
        ['device.online', 'DOCK-1', 5, null, at(71_000), 'message'],
      ]);
      expect(evs[0]!.data).toEqual({ sn: 'DOCK-1', kind: 'dock', dock_sn: null, online_at: at(0), reason: 'message' });
      expect(evs[3]!.data).toEqual({ sn: 'AC-1', kind: 'aircraft', dock_sn: 'DOCK-1', offline_at: at(3000), reason: 'update_topo' });
      // As many presence events as history rows: no change without its event, no event without its change.
      const history = [...(await f.presenceHistory('DOCK-1', 100)), ...(await f.presenceHistory('AC-1', 100))];
      expect(evs).toHaveLength(history.length);
    });

    it('HMS: one event per raised and per cleared alarm; a repeated report writes nothing', async () => {
      const store = get();
      const f = store.fleet;
      const r1 = await f.applyHmsReport('DOCK-1', [hms('0x1'), hms('0x2', { in_the_sky: null, level: null })], at(0));
      expect(await f.applyHmsReport('DOCK-1', [hms('0x1'), hms('0x2', { in_the_sky: null, level: null })], at(1000))).toEqual({ raised: [], cleared: [] });
      const r2 = await f.applyHmsReport('DOCK-1', [hms('0x2', { in_the_sky: null, level: null }), hms('0x3', { in_the_sky: 1 })], at(2000));
      await f.applyHmsReport('DOCK-1', [], at(3000));
      await f.applyHmsReport('DOCK-1', [], at(4000));

      const evs = await events(store);
      expect(evs.map((e) => [e.type, e.device_id, e.sequence, e.timestamp, (e.data as { hms: { key: string } }).hms.key])).toEqual([
        ['device.hms_raised', 'DOCK-1', 1, at(0), '0x1'],
        ['device.hms_raised', 'DOCK-1', 2, at(0), '0x2'],
        ['device.hms_raised', 'DOCK-1', 3, at(2000), '0x3'],
        ['device.hms_cleared', 'DOCK-1', 4, at(2000), '0x1'],
        ['device.hms_cleared', 'DOCK-1', 5, at(3000), '0x2'],
        ['device.hms_cleared', 'DOCK-1', 6, at(3000), '0x3'],
      ]);
      const a1 = r1.raised.find((a) => a.code === '0x1')!;
      expect(evs[0]!.data).toEqual({
        sn: 'DOCK-1', raised_at: at(0),
        hms: { alarm_id: a1.alarm_id, key: '0x1', level: 2, module: 3, in_the_sky: false, device_type: '0-100-0', args: { component_index: 0, sensor_index: 0 } },
      });
      expect(evs[1]!.data).toMatchObject({ hms: { key: '0x2', level: null, in_the_sky: null } });
      expect(evs[2]!.data).toMatchObject({ hms: { alarm_id: r2.raised[0]!.alarm_id, in_the_sky: true } });
      expect(evs[3]!.data).toEqual({ sn: 'DOCK-1', raised_at: at(0), cleared_at: at(2000), hms: expect.objectContaining({ alarm_id: a1.alarm_id }) });
      const alarms = (await f.listAlarms({ sn: 'DOCK-1', state: 'cleared', limit: 100 })).items;
      expect(evs.filter((e) => e.type === 'device.hms_cleared')).toHaveLength(alarms.length);
    });

    it('device events share the device sequence with other events and are visible by the allow-list', async () => {
      const store = get();
      await store.fleet.seen('DOCK-1', at(0), { kind: 'dock' });
      await store.fleet.applyHmsReport('DOCK-1', [hms('0x1')], at(500));
      await store.fleet.seen('DOCK-2', at(0), { kind: 'dock' });
      expect((await events(store)).map((e) => [e.device_id, e.sequence])).toEqual([['DOCK-1', 1], ['DOCK-1', 2], ['DOCK-2', 1]]);
      expect((await events(store, all({ allowed_devices: ['DOCK-2'] }))).map((e) => e.device_id)).toEqual(['DOCK-2']);
      expect(await events(store, all({ allowed_devices: [] }))).toEqual([]);
      expect((await events(store, all({ type: 'device.hms_raised' }))).map((e) => e.type)).toEqual(['device.hms_raised']);
    });
  });
}
