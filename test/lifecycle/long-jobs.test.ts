/**
 * Long jobs end right (issue 12.1), on the in-memory store with a simulated clock: the real
 * correlator and catalog limits, the store's sweep (`expireCommands`, what the sweeper runs) called
 * as the clock advances. `timeout_seconds` bounds only the dock's acceptance; an accepted
 * progress-tracked job is bounded by its catalog silence limit and maximum duration.
 */
import { describe, expect, it } from 'vitest';
import { commandsByType } from '../../spec/catalog.js';
import type { CommandDef, ProgressSpec } from '../../spec/types.js';
import { buildCommandRecord } from '../../server/commands/accept.js';
import { deliveryPatch } from '../../server/commands/transitions.js';
import { Correlator } from '../../server/mqtt/correlator.js';
import { TransitionBus } from '../../server/mqtt/lifecycle.js';
import { buildProgressIndex } from '../../server/mqtt/progress.js';
import { Stats } from '../../server/mqtt/stats.js';
import { MemoryStore } from '../../server/store/memory/store.js';
import type { CommandRecord } from '../../server/store/types.js';
import { FakeLink, envelope, silent } from './fakes.js';

const SN = 'DOCK-1';
const T0 = Date.parse('2026-04-22T12:00:00.000Z');
const S = 1000;
const MIN = 60 * S;

/** Put `value` at the dotted `path` of `data`. */
function setPath(data: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = data;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[parts[parts.length - 1]] = value;
}

/** A status of `spec` that keeps the job running (neither succeeded nor failed). */
const runningStatus = (spec: ProgressSpec) => (spec.status_path === 'status' ? 'wayline_progress' : 'in_progress');

/**
 * One dock, one correlator, a clock the test moves. `sweep()` is the sweeper's step at the current
 * time; `advance(ms)` moves the clock, sweeping once per simulated second-or-step so a deadline
 * cannot be skipped over unseen.
 */
function rig(catalog: ReadonlyMap<string, CommandDef> = commandsByType) {
  const store = new MemoryStore();
  let now = T0;
  const clock = () => new Date(now);
  const correlator = new Correlator({ store, link: new FakeLink(), logger: silent, catalog, progressIndex: buildProgressIndex(catalog.values()), stats: new Stats(), bus: new TransitionBus(), now: clock });
  const expired: CommandRecord[] = [];
  const sweep = async () => {
    expired.push(...(await store.expireCommands(clock().toISOString())));
  };
  const advance = async (ms: number, step = 10 * S) => {
    const end = now + ms;
    while (now < end) {
      now = Math.min(end, now + step);
      await sweep();
    }
  };
  const get = async (id: string) => (await store.getCommand(id))!;

  /** Accept `command_type` (catalog example payload) now, then the broker's PUBACK 100 ms later. */
  const accept = async (command_type: string, timeout_seconds = 30): Promise<CommandRecord> => {
    const def = catalog.get(command_type)!;
    const rec = await buildCommandRecord(store, 'api-1', { vendor: 'dji', device_id: SN, command_type, payload: def.example, idempotency_key: `k-${command_type}-${now}`, timeout_seconds }, clock());
    const created = await store.createCommand(rec);
    await advance(100);
    const at = clock().toISOString();
    return (await store.transitionCommand(created.command.command_id, ['ACCEPTED'], deliveryPatch(created.command, def, at)))!;
  };
  /** The dock's accepting services_reply. */
  const reply = (cmd: CommandRecord, data: Record<string, unknown> = { result: 0 }) =>
    correlator.onServicesReply(SN, `thing/product/${SN}/services_reply`, envelope({ tid: cmd.tid, bid: cmd.bid, method: cmd.command_type, gateway: SN, data, timestamp: now }));
  /** A progress event of `cmd`'s catalog spec with DJI `status` (and percent, result). */
  const progress = (cmd: CommandRecord, status: string, o: { percent?: number; result?: number } = {}) => {
    const spec = catalog.get(cmd.command_type)!.progress!;
    const data: Record<string, unknown> = { result: o.result ?? 0 };
    setPath(data, spec.status_path, status);
    if (spec.percent_path && o.percent !== undefined) setPath(data, spec.percent_path, o.percent);
    if (spec.correlate_by !== 'bid') setPath(data, spec.correlate_by.event_field, cmd.progress_key);
    return correlator.onEvent(SN, `thing/product/${SN}/events`, envelope({ tid: `ev-${now}`, bid: cmd.bid, method: spec.event_method, gateway: SN, data, timestamp: now }));
  };
  return { store, clock, sweep, advance, get, accept, reply, progress, expired, elapsed: () => now - T0 };
}

const flight = commandsByType.get('flighttask_execute')!.progress!.limits;

describe('long jobs: a wayline flight (flighttask_execute)', () => {
  it('a 40-minute flight reporting every 2 s ends SUCCEEDED with its final progress, far past timeout_seconds', async () => {
    const r = rig();
    const cmd = await r.accept('flighttask_execute', 30);
    await r.advance(1 * S);
    await r.reply(cmd);
    expect(await r.get(cmd.command_id)).toMatchObject({ status: 'DELIVERED', response_code: '0', deadline_code: 'PROGRESS_SILENCE' });
    for (let t = 2 * S; t < 40 * MIN; t += 2 * S) {
      await r.advance(2 * S, 2 * S);
      await r.progress(cmd, 'in_progress', { percent: Math.floor((t / (40 * MIN)) * 100) });
    }
    const running = await r.get(cmd.command_id);
    expect(running).toMatchObject({ status: 'DELIVERED', progress: { dji_status: 'in_progress', percent: 99 } });
    await r.advance(2 * S, 2 * S);
    await r.progress(cmd, 'ok', { percent: 100 });
    const done = await r.get(cmd.command_id);
    expect(r.elapsed()).toBeGreaterThanOrEqual(40 * MIN);
    expect(done).toMatchObject({ status: 'SUCCEEDED', failure_code: null, progress: { percent: 100, dji_status: 'ok', step: null }, completed_at: r.clock().toISOString() });
    expect(r.expired).toEqual([]);
  });

  it('a dock that stops reporting mid-flight ends TIMED_OUT by silence, at last event + the silence limit', async () => {
    const r = rig();
    const cmd = await r.accept('flighttask_execute');
    await r.reply(cmd);
    for (let i = 0; i < 300; i++) {
      await r.advance(2 * S, 2 * S);
      await r.progress(cmd, 'in_progress', { percent: Math.floor(i / 6) });
    }
    const lastEvent = r.clock().getTime();
    await r.advance(flight.silence_seconds * S - 1, 1 * S);
    expect((await r.get(cmd.command_id)).status).toBe('DELIVERED');
    await r.advance(1, 1);
    const rec = await r.get(cmd.command_id);
    expect(rec).toMatchObject({
      status: 'TIMED_OUT',
      failure_code: 'PROGRESS_SILENCE',
      failure_reason: `No progress event for ${flight.silence_seconds} s (the silence limit of flighttask_execute) after the dock accepted the job`,
      progress: { percent: 49, dji_status: 'in_progress' },
    });
    expect(Date.parse(rec.completed_at!)).toBe(lastEvent + flight.silence_seconds * S);
    expect(r.expired.map((c) => c.command_id)).toEqual([cmd.command_id]);
    // The dock coming back later changes nothing: the job has ended.
    await r.progress(cmd, 'ok', { percent: 100 });
    expect((await r.get(cmd.command_id)).status).toBe('TIMED_OUT');
  });

  it("a flight that fails ends FAILED with DJI's code", async () => {
    const r = rig();
    const cmd = await r.accept('flighttask_execute');
    await r.reply(cmd);
    for (let i = 0; i < 600; i++) {
      await r.advance(2 * S, 2 * S);
      await r.progress(cmd, 'in_progress', { percent: Math.floor(i / 12) });
    }
    await r.progress(cmd, 'failed', { percent: 50, result: 319999 });
    expect(await r.get(cmd.command_id)).toMatchObject({
      status: 'FAILED',
      failure_code: 'DEVICE_EXECUTION_FAILED',
      response_code: '319999',
      failure_reason: 'flighttask_progress progress ended with status failed (result 319999)',
      progress: { percent: 50, dji_status: 'failed' },
    });
    await r.advance(flight.max_duration_seconds * S, 10 * MIN);
    expect(r.expired).toEqual([]);
  });

  it('a job still reporting at its maximum duration ends TIMED_OUT by duration, counted from delivery', async () => {
    const r = rig();
    const cmd = await r.accept('flighttask_execute');
    await r.reply(cmd);
    const deliveredAt = Date.parse((await r.get(cmd.command_id)).delivered_at!);
    // A paused task that keeps reporting `paused` every 30 s, for longer than the maximum duration.
    while ((await r.get(cmd.command_id)).status === 'DELIVERED') {
      await r.advance(30 * S, 1 * S);
      await r.progress(cmd, 'paused');
    }
    const rec = await r.get(cmd.command_id);
    expect(rec).toMatchObject({
      status: 'TIMED_OUT',
      failure_code: 'MAX_DURATION_EXCEEDED',
      failure_reason: `Still running ${flight.max_duration_seconds} s after delivery (the maximum duration of flighttask_execute)`,
      progress: { dji_status: 'paused' },
    });
    expect(Date.parse(rec.completed_at!)).toBe(deliveredAt + flight.max_duration_seconds * S);
  });

  it('a reply that never comes ends TIMED_OUT by reply at timeout_seconds, as before', async () => {
    const r = rig();
    const cmd = await r.accept('flighttask_execute', 20);
    await r.advance(20 * S - 101, 1 * S);
    expect((await r.get(cmd.command_id)).status).toBe('DELIVERED');
    await r.advance(1, 1);
    expect(await r.get(cmd.command_id)).toMatchObject({ status: 'TIMED_OUT', failure_code: 'TIMED_OUT', failure_reason: 'No terminal status within 20 s of acceptance', progress: null });
  });

  it('a progress event that beats the reply also proves acceptance: the job limits apply', async () => {
    const r = rig();
    const cmd = await r.accept('flighttask_execute', 10);
    await r.advance(5 * S);
    await r.progress(cmd, 'in_progress', { percent: 1 });
    await r.advance(60 * S, 1 * S);
    await r.reply(cmd);
    expect(await r.get(cmd.command_id)).toMatchObject({ status: 'DELIVERED', response_code: '0', deadline_code: 'PROGRESS_SILENCE' });
  });
});

describe('long jobs: every progress-tracked command type keeps running while progress comes within its limits', () => {
  const tracked = [...commandsByType.values()].filter((c) => c.progress);
  it('covers every progress-tracked command of the catalog', () => {
    expect(tracked.length).toBeGreaterThanOrEqual(19);
  });
  for (const def of tracked) {
    const { silence_seconds, max_duration_seconds } = def.progress!.limits;
    it(`${def.command_type}: events every 90% of ${silence_seconds} s up to 95% of ${max_duration_seconds} s → SUCCEEDED`, async () => {
      const r = rig();
      const cmd = await r.accept(def.command_type, 30);
      await r.advance(1 * S);
      await r.reply(cmd);
      const gap = Math.floor(silence_seconds * 0.9) * S;
      let n = 0;
      while (r.elapsed() + gap < max_duration_seconds * 0.95 * S) {
        await r.advance(gap, gap / 10);
        await r.progress(cmd, runningStatus(def.progress!), { percent: 50 });
        n++;
      }
      expect(n).toBeGreaterThan(0);
      const running = await r.get(cmd.command_id);
      expect(running.status).toBe('DELIVERED');
      // Well past the reply limit: the old rule would have ended it TIMED_OUT.
      expect(r.elapsed()).toBeGreaterThan(cmd.timeout_seconds * S);
      // The last event still within both limits: the next gap, or just before the maximum duration.
      const deliveredAt = Date.parse(cmd.delivered_at!);
      await r.advance(Math.min(gap, deliveredAt + max_duration_seconds * S - r.clock().getTime() - S), gap / 10);
      await r.progress(cmd, def.progress!.succeeded[0]);
      expect(await r.get(cmd.command_id)).toMatchObject({ status: 'SUCCEEDED', failure_code: null });
      expect(r.expired).toEqual([]);
    });
  }
});
