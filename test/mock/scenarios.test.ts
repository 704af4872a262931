/** The Prefer grammar of the mock (mock/scenarios.ts) and its mapping to simulator rules. */
import { describe, expect, it } from 'vitest';
import { formatScenario, parsePrefer, PreferError, ScenarioRegistry, toRule } from '../../mock/scenarios.js';
import { DEFAULT_FAIL_CODE } from '../../mock/simulator/rules.js';

const header = (text: string | undefined) => parsePrefer([{ field: 'Prefer', text }]);

describe('parsePrefer', () => {
  it('reads each outcome, code, fail_at and delay, with , or ; separators, any case and quotes', () => {
    expect(header('outcome=failed, code=514107')).toEqual({ outcome: 'failed', code: 514107 });
    expect(header('OUTCOME="failed"; Code=514107; fail_at=event')).toEqual({ outcome: 'failed', code: 514107, failAt: 'event' });
    expect(header('outcome=timeout')).toEqual({ outcome: 'timeout' });
    expect(header('outcome=unmatched')).toEqual({ outcome: 'unmatched' });
    expect(header('outcome=succeeded')).toEqual({ outcome: 'succeeded' });
    expect(header('delay=2000')).toEqual({ outcome: 'succeeded', delayMs: 2000 });
    expect(header('outcome=failed, delay=0')).toEqual({ outcome: 'failed', code: DEFAULT_FAIL_CODE, delayMs: 0 });
  });

  it('accepts the simulator words as synonyms and lets code alone imply failed', () => {
    expect(header('outcome=silent')).toEqual({ outcome: 'timeout' });
    expect(header('outcome=wrong_method')).toEqual({ outcome: 'unmatched' });
    expect(header('code=321000')).toEqual({ outcome: 'failed', code: 321000 });
  });

  it('ignores preferences it does not know (RFC 7240) and returns null when none is a scenario', () => {
    expect(header(undefined)).toBeNull();
    expect(header('return=minimal, respond-async')).toBeNull();
    expect(header('return=minimal, outcome=timeout')).toEqual({ outcome: 'timeout' });
  });

  it('later sources override earlier ones name by name (header, then ?prefer=)', () => {
    expect(parsePrefer([{ field: 'Prefer', text: 'outcome=failed, code=1, delay=5' }, { field: 'prefer', text: 'code=2' }])).toEqual({ outcome: 'failed', code: 2, delayMs: 5 });
  });

  it('rejects bad values naming the source and the problem', () => {
    const bad = (text: string, field = 'Prefer') => {
      try {
        parsePrefer([{ field, text }]);
      } catch (e) {
        expect(e).toBeInstanceOf(PreferError);
        expect((e as PreferError).field).toBe(field);
        return (e as Error).message;
      }
      throw new Error(`accepted ${text}`);
    };
    expect(bad('outcome=explode')).toMatch(/outcome must be one of succeeded, failed, timeout, unmatched/);
    expect(bad('code=abc', 'prefer')).toMatch(/not an HTTP status/);
    expect(bad('code=0')).toMatch(/positive integer/);
    expect(bad('delay=-5')).toMatch(/delay must be milliseconds/);
    expect(bad('delay=300001')).toMatch(/300000/);
    expect(bad('fail_at=later')).toMatch(/fail_at must be reply or event/);
    expect(bad('outcome=timeout, code=514107')).toMatch(/code only applies to outcome=failed/);
    expect(bad('outcome=succeeded, fail_at=event')).toMatch(/fail_at only applies/);
  });
});

describe('toRule and formatScenario', () => {
  it('maps each outcome to the simulator rule that plays it', () => {
    expect(toRule({ outcome: 'succeeded' })).toEqual({ outcome: 'succeed' });
    expect(toRule({ outcome: 'failed', code: 514107, failAt: 'event', delayMs: 10 })).toEqual({ outcome: 'fail', code: 514107, failAt: 'event', delayMs: 10 });
    expect(toRule({ outcome: 'timeout' })).toEqual({ outcome: 'silent' });
    expect(toRule({ outcome: 'unmatched' })).toEqual({ outcome: 'wrong_method' });
  });

  it('formats the canonical Preference-Applied value, which parses back to the same scenario', () => {
    const s = header('delay=5; fail_at=event; code=7; outcome=failed')!;
    expect(formatScenario(s)).toBe('outcome=failed, code=7, fail_at=event, delay=5');
    expect(header(formatScenario(s))).toEqual(s);
  });
});

describe('ScenarioRegistry', () => {
  it('keys by (api_id, idempotency_key), returns the previous value and drops the oldest past its size', () => {
    const r = new ScenarioRegistry(2);
    expect(r.set('a', 'k1', { outcome: 'timeout' })).toBeUndefined();
    expect(r.get('b', 'k1')).toBeUndefined();
    expect(r.set('a', 'k1', { outcome: 'unmatched' })).toEqual({ outcome: 'timeout' });
    r.set('a', 'k2', { outcome: 'succeeded' });
    r.set('a', 'k3', { outcome: 'succeeded' });
    expect(r.get('a', 'k1')).toBeUndefined();
    expect(r.size).toBe(2);
    r.set('a', 'k3', undefined);
    expect(r.get('a', 'k3')).toBeUndefined();
  });
});
