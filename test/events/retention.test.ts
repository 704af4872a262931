/**
 * Event log retention (EVENT_RETENTION_DAYS): `pruneEvents` deletes events older than the
 * retention in bounded batches, and keeps newer ones; the clock is injected. Runs on SQLite
 * (a real file in a temp dir).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../server/commands/accept.js';
import { pruneEvents } from '../../server/events/retention.js';
import { openSqliteStore } from '../../server/store/sqlite/store.js';

const dir = mkdtempSync(join(tmpdir(), 'dockgate-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('event retention', () => {
  it('deletes events older than retentionDays in batches, keeps the rest', async () => {
    const store = await openSqliteStore(join(dir, 'r.sqlite'));
    const now = Date.parse('2026-05-31T00:00:00.000Z');
    const day = 86_400_000;
    const ev = (ageDays: number) => ({ id: uuidv7(), type: 'device.online' as const, timestamp: new Date(now - ageDays * day).toISOString(), device_id: 'D1', api_id: null, data: {} });
    await store.events.append([...Array.from({ length: 25 }, () => ev(40)), ev(29), ev(1)]);
    const logger = pino({ level: 'silent' });
    expect(await pruneEvents({ store, retentionDays: 30, batch: 10, maxBatches: 2, logger, now: () => now })).toBe(20);
    expect(await pruneEvents({ store, retentionDays: 30, batch: 10, logger, now: () => now })).toBe(5);
    expect(await pruneEvents({ store, retentionDays: 30, batch: 10, logger, now: () => now })).toBe(0);
    const left = (await store.events.read(null, { api_id: 'x', allowed_devices: null }, 100)).events;
    expect(left.map((e) => e.sequence)).toEqual([26, 27]);
    await store.close();
  });
});
