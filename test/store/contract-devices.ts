/**
 * The device-registry part of the store contract (server/store/types/devices.ts), run by
 * `describeStoreContract` (./contract.ts) against every store.
 */
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../server/store/cursor.js';
import type { Store } from '../../server/store/types.js';
import type { DeviceRecord } from '../../server/store/types/devices.js';

const T0 = Date.parse('2026-04-22T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

export function dock(o: Partial<DeviceRecord> = {}): DeviceRecord {
  return { sn: 'DOCK-1', kind: 'dock', model_key: '3-1-0', dock_sn: null, credentials: ['api-a'], mqtt_password_hash: 'scrypt$x', mosquitto_password_hash: '$7$x', created_at: at(0), updated_at: at(0), ...o };
}

/** Tests of `store.devices`; `store()` is the fresh store of the current test. */
export function describeDeviceContract(store: () => Store): void {
  describe('devices', () => {
    it('adds, gets, refuses a second add of one SN, and removes', async () => {
      const s = store();
      await s.devices.add(dock());
      expect(await s.devices.get('DOCK-1')).toEqual(dock());
      await expect(s.devices.add(dock({ mqtt_password_hash: 'other' }))).rejects.toThrow(/exists/);
      expect((await s.devices.get('DOCK-1'))?.mqtt_password_hash).toBe('scrypt$x');
      expect(await s.devices.get('NOPE')).toBeNull();
      expect(await s.devices.remove('DOCK-1')).toBe(true);
      expect(await s.devices.remove('DOCK-1')).toBe(false);
      expect(await s.devices.get('DOCK-1')).toBeNull();
    });

    it('rejects an SN that cannot be a topic level', async () => {
      await expect(store().devices.add(dock({ sn: 'a/b' }))).rejects.toThrow(TypeError);
      await expect(store().devices.add(dock({ sn: '+' }))).rejects.toThrow(TypeError);
    });

    it('replaces a dock password hash (rotate), only for docks', async () => {
      const s = store();
      await s.devices.add(dock());
      expect(await s.devices.setPasswordHash('DOCK-1', 'scrypt$new', '$7$new', at(5))).toBe(true);
      expect(await s.devices.get('DOCK-1')).toMatchObject({ mqtt_password_hash: 'scrypt$new', mosquitto_password_hash: '$7$new', updated_at: at(5), created_at: at(0) });
      expect(await s.devices.setPasswordHash('NOPE', 'h')).toBe(false);
    });

    it('upsertAircraft registers aircraft under a registered dock only, inheriting its credentials', async () => {
      const s = store();
      expect(await s.devices.upsertAircraft('DOCK-1', [{ sn: 'AC-1', model_key: '0-67-0' }], at(1))).toBe(0);
      expect(await s.devices.get('AC-1')).toBeNull();
      await s.devices.add(dock({ credentials: ['api-a', 'api-b'] }));
      expect(await s.devices.upsertAircraft('DOCK-1', [{ sn: 'AC-1', model_key: '0-67-0' }, { sn: 'DOCK-1', model_key: null }], at(1))).toBe(1);
      expect(await s.devices.get('AC-1')).toEqual({
        sn: 'AC-1', kind: 'aircraft', model_key: '0-67-0', dock_sn: 'DOCK-1', credentials: ['api-a', 'api-b'],
        mqtt_password_hash: null, mosquitto_password_hash: null, created_at: at(1), updated_at: at(1),
      });
      // Seen again without a model, then under another dock: the model is kept, the dock follows.
      await s.devices.add(dock({ sn: 'DOCK-2', credentials: ['api-c'] }));
      await s.devices.upsertAircraft('DOCK-1', [{ sn: 'AC-1', model_key: null }], at(2));
      expect((await s.devices.get('AC-1'))?.model_key).toBe('0-67-0');
      await s.devices.upsertAircraft('DOCK-2', [{ sn: 'AC-1', model_key: null }], at(3));
      expect(await s.devices.get('AC-1')).toMatchObject({ dock_sn: 'DOCK-2', credentials: ['api-c'], model_key: '0-67-0', created_at: at(1), updated_at: at(3) });
      // A dock announced as another dock's sub-device stays a dock.
      expect(await s.devices.upsertAircraft('DOCK-2', [{ sn: 'DOCK-1', model_key: null }], at(4))).toBe(0);
      expect((await s.devices.get('DOCK-1'))?.kind).toBe('dock');
      await expect(s.devices.upsertAircraft('DOCK-2', [{ sn: 'bad sn', model_key: null }])).rejects.toThrow(TypeError);
    });

    it('removing a dock removes its aircraft', async () => {
      const s = store();
      await s.devices.add(dock());
      await s.devices.upsertAircraft('DOCK-1', [{ sn: 'AC-1', model_key: null }], at(1));
      await s.devices.remove('DOCK-1');
      expect(await s.devices.get('AC-1')).toBeNull();
    });

    it('lists newest first with filters and a cursor', async () => {
      const s = store();
      for (let i = 0; i < 5; i++) await s.devices.add(dock({ sn: `D${i}`, created_at: at(i), updated_at: at(i), credentials: i % 2 ? ['api-odd'] : ['api-even'], model_key: i < 2 ? '3-1-0' : '3-2-0' }));
      await s.devices.upsertAircraft('D1', [{ sn: 'A1', model_key: '0-67-0' }], at(10));
      const all = await s.devices.list({ limit: 10 });
      expect(all.items.map((d) => d.sn)).toEqual(['A1', 'D4', 'D3', 'D2', 'D1', 'D0']);
      expect(all.next_cursor).toBeNull();
      const p1 = await s.devices.list({ limit: 2, kind: 'dock' });
      expect(p1.items.map((d) => d.sn)).toEqual(['D4', 'D3']);
      const p2 = await s.devices.list({ limit: 2, kind: 'dock', cursor: p1.next_cursor! });
      expect(p2.items.map((d) => d.sn)).toEqual(['D2', 'D1']);
      const p3 = await s.devices.list({ limit: 2, kind: 'dock', cursor: p2.next_cursor! });
      expect(p3).toEqual({ items: [expect.objectContaining({ sn: 'D0' })], next_cursor: null });
      expect((await s.devices.list({ limit: 10, credential: 'api-odd' })).items.map((d) => d.sn)).toEqual(['A1', 'D3', 'D1']);
      expect((await s.devices.list({ limit: 10, dock_sn: 'D1' })).items.map((d) => d.sn)).toEqual(['A1']);
      expect((await s.devices.list({ limit: 10, model_key: '3-1-0' })).items.map((d) => d.sn)).toEqual(['D1', 'D0']);
      await expect(s.devices.list({ limit: 10, cursor: 'junk' })).rejects.toThrow(InvalidCursorError);
    });
  });
}
