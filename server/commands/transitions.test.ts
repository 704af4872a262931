/** Unit tests of the status machine's patch rules (pure functions: no store, no broker). */
import { describe, expect, it } from 'vitest';
import type { ProgressSpec } from '../../spec/types.js';
import type { CommandRecord } from '../store/types.js';
import { mapReplyData } from './response.js';
import {
  OPEN_STATUSES,
  deliveryPatch,
  drcReplyPatch,
  isTerminal,
  jobDeadline,
  progressPatch,
  replyMismatch,
  servicesReplyPatch,
  unroutablePatch,
  withPatch,
} from './transitions.js';

const NOW = '2026-04-22T12:00:01.000Z';

function cmd(over: Partial<CommandRecord> = {}): CommandRecord {
  return {
    command_id: 'c1', api_id: 'a', vendor: 'dji', device_id: 'DOCK1', gateway_sn: 'DOCK1', command_type: 'cover_open',
    payload: {}, wire_data: {}, transport: 'services', idempotency_key: 'k', request_hash: 'h', timeout_seconds: 30,
    tid: 't1', bid: 'b1', progress_key: null, seq: null, status: 'ACCEPTED', dispatch_state: 'pending',
    response_code: null, response_message: null, vendor_response: null, failure_code: null, failure_reason: null,
    progress: null, messages: [], accepted_at: '2026-04-22T12:00:00.000Z', delivered_at: null, response_received_at: null,
    completed_at: null, updated_at: '2026-04-22T12:00:00.000Z', deadline_at: '2026-04-22T12:00:30.000Z', deadline_code: null, deadline_reason: null,
    ...over,
  };
}

const spec: ProgressSpec = {
  event_method: 'cover_open', correlate_by: 'bid', status_path: 'output.status', percent_path: 'output.progress.percent',
  succeeded: ['ok'], failed: ['failed'], need_reply: false, limits: { silence_seconds: 60, max_duration_seconds: 600, why: 'test' },
};

describe('command transitions', () => {
  it('open statuses are the non-terminal ones', () => {
    expect(OPEN_STATUSES).toEqual(['ACCEPTED', 'DELIVERED']);
    expect(OPEN_STATUSES.some(isTerminal)).toBe(false);
    expect(isTerminal('TIMED_OUT')).toBe(true);
  });

  it('PUBACK delivers, or completes commands with nothing to wait for', () => {
    expect(deliveryPatch(cmd(), { reply: 'services_reply' } as never, NOW)).toEqual({ status: 'DELIVERED', dispatch_state: 'published', delivered_at: NOW, updated_at: NOW });
    expect(deliveryPatch(cmd({ timeout_seconds: 0 }), undefined, NOW)).toMatchObject({ status: 'SUCCEEDED', completed_at: NOW });
    expect(deliveryPatch(cmd(), { reply: 'none' } as never, NOW)).toMatchObject({ status: 'SUCCEEDED', completed_at: NOW });
  });

  it('an unroutable gateway fails without a failure code', () => {
    expect(unroutablePatch(cmd({ gateway_sn: 'a/b' }), NOW)).toMatchObject({ status: 'FAILED', failure_code: null, completed_at: NOW });
  });

  it('services_reply: result 0 succeeds, non-zero fails, a mismatch is UNMATCHED_RESPONSE', () => {
    const ok = servicesReplyPatch(cmd(), { tid: 't1', data: { result: 0 } }, mapReplyData({ result: 0 }), [], undefined, NOW);
    expect(ok).toEqual({
      status: 'SUCCEEDED', response_code: '0', response_message: null, vendor_response: { result: 0 }, response_received_at: NOW,
      delivered_at: NOW, dispatch_state: 'published', completed_at: NOW, updated_at: NOW,
    });
    const failed = servicesReplyPatch(cmd(), { tid: 't1', data: { result: 314000, message: 'busy' } }, mapReplyData({ result: 314000, message: 'busy' }), [], undefined, NOW);
    expect(failed).toMatchObject({ status: 'FAILED', failure_code: 'DEVICE_EXECUTION_FAILED', failure_reason: 'dock answered 314000: busy' });
    const mismatch = replyMismatch(cmd(), 'DOCK2', { bid: 'b1', method: 'cover_open' });
    expect(mismatch).toEqual(['gateway "DOCK2" ≠ "DOCK1"']);
    expect(servicesReplyPatch(cmd(), { tid: 't1', data: { result: 0 } }, mapReplyData({ result: 0 }), mismatch, undefined, NOW)).toMatchObject({
      status: 'UNMATCHED_RESPONSE',
      failure_code: 'UNMATCHED_RESPONSE',
    });
  });

  it('services_reply of a progress-tracked command stays DELIVERED unless output.status is terminal', () => {
    const running = servicesReplyPatch(cmd(), { tid: 't1', data: { result: 0 } }, mapReplyData({ result: 0 }), [], spec, NOW);
    expect(running).toMatchObject({ status: 'DELIVERED', progress: { percent: null, step: null, dji_status: null, updated_at: NOW } });
    const data = { result: 0, output: { status: 'ok' } };
    expect(servicesReplyPatch(cmd(), { tid: 't1', data }, mapReplyData(data), [], spec, NOW)).toMatchObject({ status: 'SUCCEEDED', completed_at: NOW });
  });

  it('a failing progress event carries its result as response_code', () => {
    const rp = { progress: { percent: 40, step: null, dji_status: 'failed', updated_at: NOW }, outcome: 'failed' as const, result: 514100 };
    expect(progressPatch(cmd({ status: 'DELIVERED', delivered_at: '2026-04-22T12:00:00.500Z' }), 'cover_open', rp, NOW, spec.limits)).toMatchObject({
      status: 'FAILED',
      response_code: '514100',
      failure_reason: 'cover_open progress ended with status failed (result 514100)',
      delivered_at: '2026-04-22T12:00:00.500Z',
    });
  });

  it('a drc/up echo without result succeeds; a non-zero result fails', () => {
    expect(drcReplyPatch(cmd(), { timestamp: 1 }, mapReplyData({ timestamp: 1 }), NOW)).toMatchObject({ status: 'SUCCEEDED' });
    expect(drcReplyPatch(cmd(), { result: 1 }, mapReplyData({ result: 1 }), NOW)).toMatchObject({ status: 'FAILED', failure_code: 'DEVICE_EXECUTION_FAILED' });
  });

  it('withPatch applies defined fields only', () => {
    const c = cmd();
    expect(withPatch(c, { status: 'DELIVERED', delivered_at: undefined, updated_at: NOW })).toEqual({ ...c, status: 'DELIVERED', updated_at: NOW });
  });
});

describe('long-job deadlines (spec limits: silence 60 s, maximum 600 s)', () => {
  const delivered = cmd({ status: 'DELIVERED', delivered_at: '2026-04-22T12:00:00.500Z' });

  it('jobDeadline is the nearer of now + silence and delivered_at + maximum, naming that limit', () => {
    expect(jobDeadline(delivered, spec.limits, '2026-04-22T12:05:00.000Z')).toEqual({
      deadline_at: '2026-04-22T12:06:00.000Z',
      deadline_code: 'PROGRESS_SILENCE',
      deadline_reason: 'No progress event for 60 s (the silence limit of cover_open) after the dock accepted the job',
    });
    expect(jobDeadline(delivered, spec.limits, '2026-04-22T12:09:30.000Z')).toEqual({
      deadline_at: '2026-04-22T12:10:00.500Z',
      deadline_code: 'MAX_DURATION_EXCEEDED',
      deadline_reason: 'Still running 600 s after delivery (the maximum duration of cover_open)',
    });
    // Not yet delivered (a reply or event that beats the PUBACK): the maximum counts from now.
    expect(jobDeadline(cmd(), { ...spec.limits, silence_seconds: 900 }, NOW)).toMatchObject({ deadline_at: '2026-04-22T12:10:01.000Z', deadline_code: 'MAX_DURATION_EXCEEDED' });
  });

  it('an accepting reply and a running event move the deadline; terminal patches and plain replies do not', () => {
    const accepted = servicesReplyPatch(delivered, { tid: 't1', data: { result: 0 } }, mapReplyData({ result: 0 }), [], spec, NOW);
    expect(accepted).toMatchObject({ status: 'DELIVERED', deadline_at: '2026-04-22T12:01:01.000Z', deadline_code: 'PROGRESS_SILENCE' });
    const running = { progress: { percent: 40, step: null, dji_status: 'in_progress', updated_at: NOW }, outcome: 'running' as const, result: 0 };
    expect(progressPatch(delivered, 'cover_open', running, NOW, spec.limits)).toMatchObject({ status: 'DELIVERED', deadline_at: '2026-04-22T12:01:01.000Z' });
    const ok = { ...running, outcome: 'succeeded' as const };
    expect(progressPatch(delivered, 'cover_open', ok, NOW, spec.limits)).not.toHaveProperty('deadline_at');
    expect(servicesReplyPatch(delivered, { tid: 't1', data: { result: 0 } }, mapReplyData({ result: 0 }), [], undefined, NOW)).not.toHaveProperty('deadline_at');
  });
});
