/**
 * The flight-task and media part of the store contract (server/store/types/flight-tasks.ts,
 * media.ts), run by `describeStoreContract` (./contract.ts) against every store: the reducer of
 * server/missions/flight-task.ts drives `update`, so what the stores keep is what the ingest builds.
 */
import { describe, expect, it } from 'vitest';
import { applyCommand, applyProgress, readFlightProgress } from '../../server/missions/flight-task.js';
import { InvalidCursorError } from '../../server/store/cursor.js';
import type { Store } from '../../server/store/types.js';
import type { MediaRecord } from '../../server/store/types/media.js';

const T0 = Date.parse('2026-04-22T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const cmd = (command_type: string, n: number, gateway_sn = 'DOCK-1') => ({ command_id: `c-${n}`, command_type, api_id: 'api-a', gateway_sn, at: at(n * 1000) });
const progress = (flight_id: string, status: string, percent: number, step: number, extra: Record<string, unknown> = {}) =>
  readFlightProgress({ result: 0, output: { status, progress: { percent, current_step: step }, ext: { flight_id, media_count: 2, current_waypoint_index: 1, ...extra } } })!;

export function media(o: Partial<MediaRecord> = {}): MediaRecord {
  return {
    media_id: 'm-1', gateway_sn: 'DOCK-1', flight_id: 'F1', object_key: 'k/DJI_0001.jpeg', name: 'DJI_0001.jpeg', path: 'wayline', is_original: true,
    drone_model_key: '0-91-0', payload_model_key: null, shoot_position: { lat: 22.5, lng: 113.9 }, absolute_altitude: 120, relative_altitude: 100,
    gimbal_yaw_degree: -90, created_time: at(0), received_at: at(5000), ...o,
  };
}

/** Tests of `store.flightTasks` and `store.media`; `store()` is the fresh store of the current test. */
export function describeFlightTaskContract(store: () => Store): void {
  describe('flight tasks and media', () => {
    it('builds a task from commands and progress, writing its events in the same change', async () => {
      const s = store();
      await s.flightTasks.update('F1', (p) => applyCommand(p, 'F1', cmd('flighttask_prepare', 1)));
      await s.flightTasks.update('F1', (p) => applyCommand(p, 'F1', cmd('flighttask_execute', 2)));
      expect(await s.flightTasks.update('F1', (p) => applyCommand(p, 'F1', cmd('flighttask_execute', 2)))).toBeNull();
      await s.flightTasks.update('F1', (p) => applyProgress(p, 'DOCK-1', progress('F1', 'in_progress', 10, 3), at(3000)));
      await s.flightTasks.update('F1', (p) => applyProgress(p, 'DOCK-1', progress('F1', 'in_progress', 20, 3), at(4000)));
      const bp = { index: 1, state: 1, progress: 0, wayline_id: 0 };
      await s.flightTasks.update('F1', (p) => applyProgress(p, 'DOCK-1', { ...progress('F1', 'failed', 20, 3, { break_point: bp }), result: 314015 }, at(5000)));
      // A late event after the end changes nothing.
      expect(await s.flightTasks.update('F1', (p) => applyProgress(p, 'DOCK-1', progress('F1', 'in_progress', 30, 4), at(6000)))).toBeNull();
      const t = await s.flightTasks.get('F1');
      expect(t).toMatchObject({
        flight_id: 'F1', gateway_sn: 'DOCK-1', status: 'failed', terminal: true, percent: 20, current_step: 3, media_count: 2, break_point: bp, result: 314015,
        prepared_at: at(1000), started_at: at(2000), ended_at: at(5000), api_ids: ['api-a'],
      });
      expect(t?.commands.map((c) => c.command_type)).toEqual(['flighttask_prepare', 'flighttask_execute']);
      const evs = (await s.events.read(null, { api_id: 'api-a', allowed_devices: null, type: 'flight_task.*' }, 100)).events;
      // prepared, in_progress (20 % is no new event), failed + completed.
      expect(evs.map((e) => `${e.type}:${(e.data as { status: string }).status}`)).toEqual([
        'flight_task.updated:prepared', 'flight_task.updated:in_progress', 'flight_task.updated:failed', 'flight_task.completed:failed',
      ]);
      expect(await s.flightTasks.latestOpen('DOCK-1')).toBeNull();
    });

    it('finds the open task of a dock and lists with filters and a cursor', async () => {
      const s = store();
      for (let i = 1; i <= 3; i++) await s.flightTasks.update(`F${i}`, (p) => applyCommand(p, `F${i}`, cmd('flighttask_prepare', i, i === 3 ? 'DOCK-2' : 'DOCK-1')));
      await s.flightTasks.update('F1', (p) => applyProgress(p, 'DOCK-1', progress('F1', 'ok', 100, 9), at(9000)));
      expect((await s.flightTasks.latestOpen('DOCK-1'))?.flight_id).toBe('F2');
      const p1 = await s.flightTasks.list({ limit: 2 });
      expect(p1.items.map((t) => t.flight_id)).toEqual(['F3', 'F2']);
      const p2 = await s.flightTasks.list({ limit: 2, cursor: p1.next_cursor! });
      expect(p2).toMatchObject({ items: [{ flight_id: 'F1' }], next_cursor: null });
      expect((await s.flightTasks.list({ limit: 10, gateway_sns: ['DOCK-1'] })).items.map((t) => t.flight_id)).toEqual(['F2', 'F1']);
      expect((await s.flightTasks.list({ limit: 10, gateway_sns: [] })).items).toEqual([]);
      expect((await s.flightTasks.list({ limit: 10, status: 'ok' })).items.map((t) => t.flight_id)).toEqual(['F1']);
      expect((await s.flightTasks.list({ limit: 10, from: at(2000), to: at(3000) })).items.map((t) => t.flight_id)).toEqual(['F2']);
      await expect(s.flightTasks.list({ limit: 1, cursor: 'nope' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('records a media file once, counts it on its task, and lists by flight', async () => {
      const s = store();
      await s.flightTasks.update('F1', (p) => applyCommand(p, 'F1', cmd('flighttask_prepare', 1)));
      const ev = { id: '0190f5a2-7c1e-7a3b-9c2d-000000000099', type: 'media.uploaded' as const, timestamp: at(5000), device_id: 'DOCK-1', api_id: null, data: { sn: 'DOCK-1' } };
      expect(await s.media.add(media(), [ev])).toBe(true);
      expect(await s.media.add(media({ media_id: 'm-dup' }), [{ ...ev, id: '0190f5a2-7c1e-7a3b-9c2d-000000000098' }])).toBe(false);
      expect(await s.media.add(media({ media_id: 'm-2', object_key: 'k/DJI_0002.jpeg', received_at: at(6000) }), [])).toBe(true);
      expect(await s.media.add(media({ media_id: 'm-3', object_key: 'k/x.jpeg', flight_id: null, received_at: at(7000) }), [])).toBe(true);
      expect((await s.flightTasks.get('F1'))?.uploaded_count).toBe(2);
      const byFlight = await s.media.list({ limit: 1, flight_id: 'F1' });
      expect(byFlight.items).toEqual([media({ media_id: 'm-2', object_key: 'k/DJI_0002.jpeg', received_at: at(6000) })]);
      expect((await s.media.list({ limit: 1, flight_id: 'F1', cursor: byFlight.next_cursor! })).items.map((m) => m.media_id)).toEqual(['m-1']);
      expect((await s.media.list({ limit: 10, gateway_sns: ['DOCK-2'] })).items).toEqual([]);
      expect((await s.media.list({ limit: 10, from: at(6500) })).items.map((m) => m.media_id)).toEqual(['m-3']);
      const evs = (await s.events.read(null, { api_id: 'api-a', allowed_devices: null, type: 'media.uploaded' }, 10)).events;
      expect(evs.map((e) => e.id)).toEqual([ev.id]);
    });
  });
}
