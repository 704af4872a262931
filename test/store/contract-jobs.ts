/**
 * Store contract, long jobs (issue 12.1): the deadline a transition moves (`deadline_at` with the
 * limit it stands for, `deadline_code` / `deadline_reason`) is stored with the compare-and-set on
 * the status, and `expireCommands` ends the command with that limit's failure code and reason,
 * exactly once. Called from `describeStoreContract` (./contract.ts), so all three stores run it.
 */
import { describe, expect, it } from 'vitest';
import { jobDeadline } from '../../server/commands/transitions.js';
import { timeoutReason } from '../../server/store/rows.js';
import type { CommandRecord, Store } from '../../server/store/types.js';
import type { JobLimits } from '../../spec/types.js';
import { at, command } from './contract.js';

const LIMITS: JobLimits = { silence_seconds: 60, max_duration_seconds: 600, why: 'contract test' };

/** A command accepted at T0 and delivered at T0 + 100 ms (DELIVERED, reply limit 30 s). */
async function delivered(store: Store, o: Partial<CommandRecord> = {}): Promise<CommandRecord> {
  const out = await store.createCommand(command({ command_type: 'flighttask_execute', ...o }));
  expect(out.kind).toBe('created');
  const rec = await store.transitionCommand(out.command.command_id, ['ACCEPTED'], { status: 'DELIVERED', dispatch_state: 'published', delivered_at: at(100), updated_at: at(100) });
  return rec!;
}

/** The patch a progress event at `now` applies (status unchanged, deadline moved). */
function progressAt(cmd: CommandRecord, now: string, limits = LIMITS) {
  return { status: 'DELIVERED' as const, progress: { percent: 10, step: null, dji_status: 'in_progress', updated_at: now }, ...jobDeadline(cmd, limits, now), updated_at: now };
}

export function describeJobLimitsContract(getStore: () => Store): void {
  describe('long jobs: deadlines that move', () => {
    it('stores the moved deadline with the limit it stands for, only through the compare-and-set', async () => {
      const store = getStore();
      const cmd = await delivered(store);
      expect(cmd).toMatchObject({ deadline_at: at(30_000), deadline_code: null, deadline_reason: null });

      const patch = progressAt(cmd, at(20_000));
      expect(await store.applyTransition(cmd.command_id, ['ACCEPTED'], patch)).toBe(false);
      expect((await store.getCommand(cmd.command_id))!.deadline_at).toBe(at(30_000));

      const rec = await store.transitionCommand(cmd.command_id, ['DELIVERED'], patch);
      expect(rec).toMatchObject({ status: 'DELIVERED', deadline_at: at(80_000), deadline_code: 'PROGRESS_SILENCE', deadline_reason: patch.deadline_reason });
      expect(await store.getCommand(cmd.command_id)).toEqual(rec);
    });

    it('does not time out a job whose deadline moved past the old one', async () => {
      const store = getStore();
      const cmd = await delivered(store);
      // Progress every 50 s for 5 minutes: the reply limit (30 s) and each silence limit pass unused.
      let cur = cmd;
      let last = 0;
      for (let t = 20_000; t <= 300_000; t += 50_000) {
        expect(await store.expireCommands(at(t - 1))).toEqual([]);
        cur = (await store.transitionCommand(cur.command_id, ['DELIVERED'], progressAt(cur, at(t))))!;
        last = t;
      }
      expect(await store.expireCommands(at(last + 59_999))).toEqual([]);
      expect((await store.getCommand(cmd.command_id))!.status).toBe('DELIVERED');
    });

    it('ends a silent job TIMED_OUT with PROGRESS_SILENCE and the limit in its reason', async () => {
      const store = getStore();
      const cmd = await delivered(store);
      const patch = progressAt(cmd, at(10_000));
      await store.transitionCommand(cmd.command_id, ['DELIVERED'], patch);
      expect(await store.expireCommands(at(69_999))).toEqual([]);
      const [rec] = await store.expireCommands(at(70_000));
      expect(rec).toMatchObject({
        command_id: cmd.command_id,
        status: 'TIMED_OUT',
        failure_code: 'PROGRESS_SILENCE',
        failure_reason: 'No progress event for 60 s (the silence limit of flighttask_execute) after the dock accepted the job',
        completed_at: at(70_000),
        progress: patch.progress,
      });
      expect(await store.getCommand(cmd.command_id)).toEqual(rec);
    });

    it('ends a job at its maximum duration (from delivery) with MAX_DURATION_EXCEEDED', async () => {
      const store = getStore();
      const cmd = await delivered(store);
      // An event 570 s after delivery: the silence limit would reach past 600 s, so the maximum duration is the deadline.
      const patch = progressAt(cmd, at(570_100));
      expect(patch).toMatchObject({ deadline_at: at(600_100), deadline_code: 'MAX_DURATION_EXCEEDED' });
      await store.transitionCommand(cmd.command_id, ['DELIVERED'], patch);
      const [rec] = await store.expireCommands(at(600_100));
      expect(rec).toMatchObject({ status: 'TIMED_OUT', failure_code: 'MAX_DURATION_EXCEEDED', failure_reason: 'Still running 600 s after delivery (the maximum duration of flighttask_execute)' });
    });

    it('keeps the reply limit (TIMED_OUT, the seed reason) for a command whose deadline never moved', async () => {
      const store = getStore();
      const cmd = await delivered(store, { timeout_seconds: 30 });
      const [rec] = await store.expireCommands(at(30_000));
      expect(rec).toMatchObject({ command_id: cmd.command_id, status: 'TIMED_OUT', failure_code: 'TIMED_OUT', failure_reason: timeoutReason(30) });
    });

    it('a sweep and a progress event racing on the deadline: exactly one applies', async () => {
      const store = getStore();
      const cmds = [];
      for (let i = 0; i < 10; i++) cmds.push(await delivered(store));
      // Every command is due at 30 s; each gets a progress event at the same moment as two sweeps.
      const results = await Promise.all([
        store.expireCommands(at(30_000)),
        ...cmds.map((c) => store.applyTransition(c.command_id, ['DELIVERED'], progressAt(c, at(30_000)))),
        store.expireCommands(at(30_000)),
      ]);
      const expired = [...(results[0] as CommandRecord[]), ...(results[results.length - 1] as CommandRecord[])].map((c) => c.command_id);
      const moved = cmds.filter((_, i) => results[i + 1] === true).map((c) => c.command_id);
      expect(new Set(expired).size).toBe(expired.length);
      expect([...expired, ...moved].sort()).toEqual(cmds.map((c) => c.command_id).sort());
      for (const c of cmds) {
        const rec = (await store.getCommand(c.command_id))!;
        if (expired.includes(c.command_id)) expect(rec).toMatchObject({ status: 'TIMED_OUT', failure_code: 'TIMED_OUT', progress: null });
        else expect(rec).toMatchObject({ status: 'DELIVERED', deadline_code: 'PROGRESS_SILENCE', deadline_at: at(90_000) });
      }
    });
  });
}
