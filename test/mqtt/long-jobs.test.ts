/**
 * Long jobs end to end (issue 12.1): the embedded broker, a SQLite store, the real core and the
 * dock simulator scripted to fly a wayline task (`flighttask_execute` → `flighttask_progress`).
 * The catalog's job limits are scaled by 1/500 through the core's catalog override (the limits
 * are data), so a 40-minute flight with an event every 30 s takes 4.8 s and the 300 s silence
 * limit is 0.6 s; `timeout_seconds` stays 1 s, shorter than every flight here.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandsByType } from '../../spec/catalog.js';
import type { CommandDef, JobLimits } from '../../spec/types.js';
import type { ProgressScript } from '../../mock/simulator/script.js';
import { startHarness, uniqueSn, type Harness } from './harness.js';

const SCALE = 1 / 500;

/** The catalog with every job limit multiplied by `scale` (and `override` applied to flighttask_execute). */
function scaledCatalog(scale: number, override: Partial<JobLimits> = {}): Map<string, CommandDef> {
  return new Map(
    [...commandsByType].map(([type, def]) => {
      if (!def.progress) return [type, def];
      const l = def.progress.limits;
      const limits = { ...l, silence_seconds: l.silence_seconds * scale, max_duration_seconds: l.max_duration_seconds * scale, ...(type === 'flighttask_execute' ? override : {}) };
      return [type, { ...def, progress: { ...def.progress, limits } }];
    }),
  );
}

const real = commandsByType.get('flighttask_execute')!.progress!.limits;
/** One simulated 30 s step between events, in real ms. */
const STEP_MS = 30_000 * SCALE;

/** `flighttask_progress` events every simulated 30 s for `minutes`, ending with `terminal`. */
function flight(minutes: number, terminal: string | null, o: Partial<ProgressScript> = {}): ProgressScript {
  const n = minutes * 2;
  return { method: 'flighttask_progress', percents: Array.from({ length: n }, (_, i) => Math.floor((i * 100) / n)), intervalMs: STEP_MS, terminal, needReply: true, ...o };
}

async function fly(h: Harness, progress: ProgressScript | null, timeout_seconds = 1) {
  const dock = await h.dock({ sn: uniqueSn(), script: { flighttask_execute: progress ? { progress } : { silent: true } } });
  const example = commandsByType.get('flighttask_execute')!.example;
  return h.accept({ device_id: dock.sn, command_type: 'flighttask_execute', payload: { ...example, flight_id: randomUUID() }, timeout_seconds });
}

describe('long jobs over the broker: a wayline flight with limits scaled 1/500', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  describe('with the catalog limits (scaled)', () => {
    beforeEach(async () => {
      h = await startHarness({ broker: 'aedes', core: { catalog: scaledCatalog(SCALE) } });
    });

    it('a 40-minute flight ends SUCCEEDED with its final progress, long after timeout_seconds', async () => {
      const cmd = await fly(h, flight(40, 'ok'));
      const running = await h.until(cmd.command_id, (c) => c.progress?.percent === 50, 10_000);
      expect(running).toMatchObject({ status: 'DELIVERED', response_code: '0', deadline_code: 'PROGRESS_SILENCE' });
      const done = await h.terminal(cmd.command_id, 20_000);
      expect(done).toMatchObject({ status: 'SUCCEEDED', failure_code: null, progress: { dji_status: 'ok' } });
      const took = Date.parse(done.completed_at!) - Date.parse(done.accepted_at);
      expect(took).toBeGreaterThan(40 * 60_000 * SCALE * 0.9);
      expect(took).toBeGreaterThan(cmd.timeout_seconds * 1000);
    });

    it('a dock that stops reporting mid-flight ends TIMED_OUT by silence', async () => {
      const cmd = await fly(h, flight(10, null));
      const rec = await h.terminal(cmd.command_id, 20_000);
      expect(rec).toMatchObject({ status: 'TIMED_OUT', failure_code: 'PROGRESS_SILENCE', progress: { dji_status: 'in_progress' } });
      expect(rec.progress!.percent).toBeGreaterThanOrEqual(90);
      const silent = Date.parse(rec.completed_at!) - Date.parse(rec.progress!.updated_at);
      expect(silent).toBeGreaterThanOrEqual(real.silence_seconds * 1000 * SCALE);
    });

    it("a flight that fails ends FAILED with DJI's code", async () => {
      const cmd = await fly(h, flight(5, 'failed', { terminalResult: 319999 }));
      const rec = await h.terminal(cmd.command_id, 20_000);
      expect(rec).toMatchObject({ status: 'FAILED', failure_code: 'DEVICE_EXECUTION_FAILED', response_code: '319999', progress: { dji_status: 'failed' } });
    });

    it('a reply that never comes ends TIMED_OUT by reply at timeout_seconds', async () => {
      const cmd = await fly(h, null, 1);
      const rec = await h.terminal(cmd.command_id, 10_000);
      expect(rec).toMatchObject({ status: 'TIMED_OUT', failure_code: 'TIMED_OUT', failure_reason: 'No terminal status within 1 s of acceptance', progress: null });
    });
  });

  describe('with a 2 s maximum duration', () => {
    beforeEach(async () => {
      h = await startHarness({ broker: 'aedes', core: { catalog: scaledCatalog(SCALE, { max_duration_seconds: 2 }) } });
    });

    it('a flight still reporting at its maximum duration ends TIMED_OUT by duration', async () => {
      const cmd = await fly(h, flight(40, 'ok'));
      const rec = await h.terminal(cmd.command_id, 20_000);
      expect(rec).toMatchObject({ status: 'TIMED_OUT', failure_code: 'MAX_DURATION_EXCEEDED', progress: { dji_status: 'in_progress' } });
      expect(Date.parse(rec.completed_at!) - Date.parse(rec.delivered_at!)).toBeGreaterThanOrEqual(2_000);
    });
  });
});
