/**
 * The mission ingest (server/missions/ingest.ts) on a real (memory) store: commands without a
 * flight id act on the dock's newest open task; an undo before the start cancels; progress from
 * another dock is ignored; malformed progress and upload callbacks are reported, not thrown; a
 * resent upload callback is recorded once.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MissionIngest } from '../../server/missions/ingest.js';
import { Stats } from '../../server/mqtt/stats.js';
import { openMemoryStore } from '../../server/store/memory/store.js';
import type { CommandRecord } from '../../server/store/types.js';
import type { DjiEnvelope } from '../../server/mqtt/envelope.js';

const T = '2026-04-22T12:00:00.000Z';
const rec = (command_type: string, payload: Record<string, unknown>, n: number): CommandRecord =>
  ({ command_id: `c-${n}`, command_type, api_id: 'api-a', gateway_sn: 'DOCK-1', device_id: 'DOCK-1', status: 'DELIVERED', payload, response_received_at: `2026-04-22T12:00:0${n}.000Z` }) as unknown as CommandRecord;
const env = (method: string, data: Record<string, unknown>): DjiEnvelope => ({ tid: 't', bid: 'b', method, data, need_reply: 1, raw: {} }) as unknown as DjiEnvelope;

describe('mission ingest', () => {
  it('builds tasks from commands, including those without a flight id, and cancels an undone task', async () => {
    const store = await openMemoryStore();
    const stats = new Stats();
    const m = new MissionIngest({ store, stats, logger: pino({ level: 'silent' }), now: () => new Date(T) });
    await m.onReply(rec('flighttask_prepare', { flight_id: 'F1' }, 1));
    await m.onReply(rec('flighttask_execute', { flight_id: 'F1' }, 2));
    await m.onReply(rec('return_home', {}, 3));
    await m.onReply({ ...rec('flighttask_pause', {}, 4), status: 'FAILED' } as CommandRecord);
    expect((await store.flightTasks.get('F1'))!.commands.map((c) => c.command_type)).toEqual(['flighttask_prepare', 'flighttask_execute', 'return_home']);

    await m.onReply(rec('flighttask_prepare', { flight_id: 'F2' }, 5));
    await m.onReply(rec('flighttask_undo', { flight_ids: ['F2'] }, 6));
    expect(await store.flightTasks.get('F2')).toMatchObject({ status: 'canceled', terminal: true, ended_at: '2026-04-22T12:00:06.000Z' });
    await m.onReply(rec('cover_open', {}, 7));
    expect(stats.get('mission_errors')).toBe(0);
  });

  it('ignores progress of another dock, reports malformed events, records a resent upload once', async () => {
    const store = await openMemoryStore();
    const stats = new Stats();
    const m = new MissionIngest({ store, stats, logger: pino({ level: 'silent' }), now: () => new Date(T) });
    await m.onReply(rec('flighttask_prepare', { flight_id: 'F1' }, 1));
    const progress = env('flighttask_progress', { result: 0, output: { status: 'in_progress', progress: { percent: 50 }, ext: { flight_id: 'F1' } } });
    expect(await m.onEvent('DOCK-2', progress)).toBeNull();
    expect((await store.flightTasks.get('F1'))!.status).toBe('prepared');
    expect(await m.onEvent('DOCK-1', progress)).toBeNull();
    expect((await store.flightTasks.get('F1'))).toMatchObject({ status: 'in_progress', percent: 50 });
    expect(await m.onEvent('DOCK-1', env('flighttask_progress', { output: {} }))).toMatch(/flight_id/);
    expect(await m.onEvent('DOCK-1', env('file_upload_callback', { file: { name: 'x' } }))).toMatch(/object_key/);
    const upload = env('file_upload_callback', { file: { object_key: 'media/DOCK-1/F1/a.jpeg', name: 'a.jpeg', ext: { flight_id: 'F1' }, metadata: { create_time: 'not a time' } } });
    await m.onEvent('DOCK-1', upload);
    await m.onEvent('DOCK-1', upload);
    expect(stats.get('media_recorded')).toBe(1);
    const items = (await store.media.list({ limit: 10 })).items;
    expect(items).toMatchObject([{ object_key: 'media/DOCK-1/F1/a.jpeg', flight_id: 'F1', created_time: null, shoot_position: null }]);
    expect((await store.flightTasks.get('F1'))!.uploaded_count).toBe(1);
    expect(await m.onEvent('DOCK-1', env('hms', {}))).toBeNull();
  });
});
