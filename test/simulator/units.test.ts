/** Pure parts of the simulator: rule text, rule matching, data checks, progress plans. */
import { describe, expect, it } from 'vitest';
import { parseRule, RuleBook } from '../../mock/simulator/rules.js';
import { checkData } from '../../mock/simulator/validate.js';
import { planProgress } from '../../mock/simulator/progress.js';
import { requestData } from '../../mock/simulator/requests.js';
import { arr, bool, int, obj, openObj, str } from '../../spec/fields.js';
import type { ProgressSpec } from '../../spec/types.js';

describe('parseRule', () => {
  it('reads every item', () => {
    expect(parseRule('cover_open=fail:514107')).toEqual({ commandType: 'cover_open', rule: { outcome: 'fail', code: 514107 } });
    expect(parseRule('fly_to_point=fail:336000:event,once')).toEqual({
      commandType: 'fly_to_point',
      rule: { outcome: 'fail', code: 336000, failAt: 'event', once: true },
    });
    expect(parseRule('*=delay:500')).toEqual({ commandType: '*', rule: { delayMs: 500 } });
    expect(parseRule('x=silent').rule).toEqual({ outcome: 'silent' });
    expect(parseRule('x=wrong_method:cover_close').rule).toEqual({ outcome: 'wrong_method', method: 'cover_close' });
    expect(parseRule('x=fail,delay:10').rule).toEqual({ outcome: 'fail', delayMs: 10 });
  });
  it('names what is wrong', () => {
    expect(() => parseRule('cover_open')).toThrow(/TYPE=SPEC/);
    expect(() => parseRule('x=fail:abc')).toThrow(/numeric DJI code/);
    expect(() => parseRule('x=delay:-1')).toThrow(/milliseconds/);
    expect(() => parseRule('x=boom')).toThrow(/unknown item "boom"/);
  });
});

describe('RuleBook', () => {
  it('matches tid, then bid, then method, then *; keyed rules are one-shot by default', () => {
    const b = new RuleBook();
    b.set('*', { outcome: 'silent' });
    b.set('m', { outcome: 'fail', code: 1 });
    b.setFor({ bid: 'B' }, { outcome: 'fail', code: 2 });
    b.setFor({ tid: 'T' }, { outcome: 'fail', code: 3 });
    expect(b.take({ tid: 'T', bid: 'B', method: 'm' })?.code).toBe(3);
    expect(b.take({ tid: 'T', bid: 'B', method: 'm' })?.code).toBe(2);
    expect(b.take({ tid: 'T', bid: 'B', method: 'm' })?.code).toBe(1);
    expect(b.take({ method: 'other' })?.outcome).toBe('silent');
    b.set('m', { once: true, delayMs: 5 });
    expect(b.take({ method: 'm' })?.delayMs).toBe(5);
    expect(b.take({ method: 'm' })?.outcome).toBe('silent');
    b.setFor({ bid: 'keep' }, { outcome: 'fail', once: false });
    b.take({ bid: 'keep', method: 'z' });
    expect(b.take({ bid: 'keep', method: 'z' })?.outcome).toBe('fail');
    expect(() => b.setFor({ bid: '' }, {})).toThrow(/non-empty/);
    b.clear();
    expect(b.take({ method: 'm' })).toBeUndefined();
  });
});

describe('checkData', () => {
  const fields = {
    mode: int('m', { enum: { 0: 'a', 1: 'b' } }),
    id: str('id', { format: 'uuid', required: false }),
    idx: str('idx', { pattern: '^\\d+-\\d+-\\d+$', required: false }),
    on: bool('on', { required: false }),
    meta: openObj('meta', { required: false }),
    box: obj('box', { w: int('w', { min: 1 }) }, { required: false }),
    list: arr('l', int('i', { max: 3 }), { required: false, minItems: 1 }),
  };
  it('accepts valid data and open objects', () => {
    expect(checkData(fields, { mode: 1, meta: { anything: [1] }, box: { w: 2 }, list: [3], on: true, idx: '39-0-7', id: '6a1f9d2e-84b3-4c0a-9f57-3e2d1c0b8a71' })).toEqual([]);
  });
  it('names each problem with its path', () => {
    const issues = checkData(fields, { mode: 1.5, id: 'nope', idx: '39', on: 1, box: { w: 0, x: 1 }, list: [4, 'a'] });
    expect(issues.map((i) => `${i.field}:${i.rule}`)).toEqual([
      'data.mode:type',
      'data.id:format',
      'data.idx:pattern',
      'data.on:type',
      'data.box.w:minimum',
      'data.box.x:additionalProperties',
      'data.list[0]:maximum',
      'data.list[1]:type',
    ]);
    expect(checkData(fields, { list: [] }).map((i) => i.rule)).toEqual(['required', 'minItems']);
  });
  it('accepts {}, null, "" and a missing data for commands without fields', () => {
    for (const d of [{}, null, '', undefined]) expect(checkData({}, d)).toEqual([]);
    expect(checkData({}, { x: 1 })[0].rule).toBe('additionalProperties');
    expect(checkData({}, [])[0].rule).toBe('type');
  });
});

describe('planProgress', () => {
  const wrapped: ProgressSpec = {
    event_method: 'ota_progress',
    correlate_by: 'bid',
    status_path: 'output.status',
    percent_path: 'output.progress.percent',
    step_path: 'output.progress.current_step',
    succeeded: ['ok'],
    failed: ['failed'],
    limits: { silence_seconds: 60, max_duration_seconds: 600, why: 'test' },
    need_reply: true,
  };
  it('plans 20/60/100 ending in the first succeeded status', () => {
    const plan = planProgress(wrapped);
    expect(plan.map((p) => [p.status, p.terminal, (p.data.output as { progress: { percent: number } }).progress.percent])).toEqual([
      ['in_progress', false, 20],
      ['in_progress', false, 60],
      ['ok', true, 100],
    ]);
  });
  it('ends a failing plan with the failed status and the code in result', () => {
    const plan = planProgress({ ...wrapped, failed: ['rejected', 'failed'] }, { failCode: 312015 });
    expect(plan.at(-1)!.data).toMatchObject({ result: 312015, output: { status: 'rejected' } });
    expect(plan).toHaveLength(2);
  });
  it('puts the job id and flat status at the top level for flat events', () => {
    const plan = planProgress(
      { event_method: 'takeoff_to_point_progress', correlate_by: { payload_field: 'flight_id', event_field: 'flight_id' }, status_path: 'status', succeeded: ['task_finish'], failed: ['wayline_failed'], need_reply: false, limits: { silence_seconds: 60, max_duration_seconds: 600, why: 'test' } },
      { jobId: 'F1' },
    );
    expect(plan.map((p) => p.data.status)).toEqual(['wayline_progress', 'wayline_progress', 'task_finish']);
    expect(plan.every((p) => p.data.flight_id === 'F1' && p.data.result === 0)).toBe(true);
  });
});

describe('requestData', () => {
  it('fills the dock’s own identity into the catalog examples', () => {
    const ctx = { dockSn: 'D1', droneSn: 'A1', lastFlightId: 'F9' };
    expect(requestData('airport_bind_status', ctx)).toEqual({ devices: [{ sn: 'D1' }, { sn: 'A1' }] });
    expect(requestData('flighttask_resource_get', ctx)).toEqual({ flight_id: 'F9' });
    expect(requestData('config', ctx)).toEqual({ config_type: 'json', config_scope: 'product' });
    expect(requestData('flight_areas_get', ctx)).toBeNull();
    expect(requestData('not_in_catalog', ctx)).toEqual({});
  });
});
