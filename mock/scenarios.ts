/**
 * Per-request scenarios of the mock server (docs/scenarios.md): the `Prefer` header (RFC 7240) or
 * its query twin `?prefer=` on create-command choose how the simulated dock answers that one
 * command. The grammar is parsed here; the chosen scenario is kept under (api_id, idempotency_key)
 * before the create handler runs, and the simulated dock looks it up when the command arrives
 * (tid → store.findCommandByTid → (api_id, idempotency_key) → scenario), so there is no race
 * between the 202 and the dispatch.
 *
 * Grammar (names case-insensitive, values may be double-quoted, items separated by `,` or `;`):
 *   outcome=succeeded | failed | timeout | unmatched
 *   code=<DJI error code, positive integer>        only with outcome=failed (alone it implies failed)
 *   fail_at=reply | event                          where a progress-tracked command fails
 *   delay=<milliseconds, 0–300000>                 wait before the dock replies
 *   waypoint=<0-based index>                       flighttask_execute: with outcome=failed the mission
 *                                                  fails there (break point); with timeout it goes silent there
 * Preferences with other names (`return=minimal`, `respond-async`, …) are ignored, as RFC 7240
 * asks; a known name with a bad value is a `PreferError` (the mock answers 400 VALIDATION_FAILED).
 */
import { DEFAULT_FAIL_CODE, type ScenarioRule } from './simulator/rules.js';

/** What the partner asked for. */
export type ScenarioOutcome = 'succeeded' | 'failed' | 'timeout' | 'unmatched';

/** One parsed scenario. */
export interface Scenario {
  outcome: ScenarioOutcome;
  /** DJI error code for `failed` (default {@link DEFAULT_FAIL_CODE}). */
  code?: number;
  /** `event`: progress-tracked commands accept (result 0) and fail in the terminal progress event. */
  failAt?: 'reply' | 'event';
  /** Milliseconds the dock waits before replying. */
  delayMs?: number;
  /** Simulated mission: the waypoint where it fails (`failed`) or goes silent (`timeout`). */
  waypoint?: number;
}

/** Longest delay accepted: the longest `timeout_seconds` (300 s). */
export const MAX_DELAY_MS = 300_000;

/** A known preference with an unusable value; `field` is `Prefer` (header) or `prefer` (query). */
export class PreferError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PreferError';
  }
}

const OUTCOMES: readonly ScenarioOutcome[] = ['succeeded', 'failed', 'timeout', 'unmatched'];
/** Friendly synonyms partners type (the simulator's own words, DJI's `TIMED_OUT`). */
const OUTCOME_ALIASES: Record<string, ScenarioOutcome> = {
  succeed: 'succeeded',
  success: 'succeeded',
  ok: 'succeeded',
  fail: 'failed',
  failure: 'failed',
  timed_out: 'timeout',
  silent: 'timeout',
  unmatched_response: 'unmatched',
  wrong_method: 'unmatched',
};

function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/**
 * Parse one or more `Prefer` texts (several headers, or header then query; later ones override
 * earlier ones name by name). Returns null when none of them names a scenario preference.
 * Throws {@link PreferError} naming the bad item.
 */
export function parsePrefer(sources: { field: string; text: string | undefined }[]): Scenario | null {
  let outcome: ScenarioOutcome | undefined;
  let outcomeField = '';
  let code: number | undefined;
  let codeField = '';
  let failAt: 'reply' | 'event' | undefined;
  let delayMs: number | undefined;
  let waypoint: number | undefined;
  let seen = false;
  for (const { field, text } of sources) {
    if (text === undefined) continue;
    for (const raw of text.split(/[,;]/)) {
      const item = raw.trim();
      if (item === '') continue;
      const eq = item.indexOf('=');
      const name = (eq === -1 ? item : item.slice(0, eq)).trim().toLowerCase();
      const value = eq === -1 ? '' : unquote(item.slice(eq + 1)).toLowerCase();
      switch (name) {
        case 'outcome': {
          const o = (OUTCOMES as readonly string[]).includes(value) ? (value as ScenarioOutcome) : OUTCOME_ALIASES[value];
          if (!o) throw new PreferError(field, `${field}: outcome must be one of ${OUTCOMES.join(', ')}, got ${JSON.stringify(value)}.`);
          outcome = o;
          outcomeField = field;
          break;
        }
        case 'code': {
          if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > 2 ** 31 - 1) {
            throw new PreferError(field, `${field}: code must be a DJI error code (a positive integer such as 514107), got ${JSON.stringify(value)}. It is the dock's code, not an HTTP status.`);
          }
          code = Number(value);
          codeField = field;
          break;
        }
        case 'fail_at':
        case 'fail-at': {
          if (value !== 'reply' && value !== 'event') throw new PreferError(field, `${field}: fail_at must be reply or event, got ${JSON.stringify(value)}.`);
          failAt = value;
          break;
        }
        case 'delay': {
          if (!/^\d{1,9}$/.test(value) || Number(value) > MAX_DELAY_MS) {
            throw new PreferError(field, `${field}: delay must be milliseconds between 0 and ${MAX_DELAY_MS}, got ${JSON.stringify(value)}.`);
          }
          delayMs = Number(value);
          break;
        }
        case 'waypoint': {
          if (!/^\d{1,4}$/.test(value)) throw new PreferError(field, `${field}: waypoint must be a waypoint index 0–9999, got ${JSON.stringify(value)}.`);
          waypoint = Number(value);
          break;
        }
        default:
          continue; // RFC 7240 §2: ignore preferences that are not understood
      }
      seen = true;
    }
  }
  if (!seen) return null;
  if (outcome === undefined) outcome = code !== undefined || failAt !== undefined ? 'failed' : 'succeeded';
  if (outcome !== 'failed' && code !== undefined) {
    throw new PreferError(codeField || outcomeField, `${codeField || outcomeField}: code only applies to outcome=failed (got outcome=${outcome}).`);
  }
  if (outcome !== 'failed' && failAt !== undefined) {
    throw new PreferError(outcomeField, `${outcomeField}: fail_at only applies to outcome=failed (got outcome=${outcome}).`);
  }
  if (waypoint !== undefined && outcome !== 'failed' && outcome !== 'timeout') {
    throw new PreferError(outcomeField, `${outcomeField}: waypoint only applies to outcome=failed or outcome=timeout (got outcome=${outcome}).`);
  }
  const s: Scenario = { outcome };
  if (waypoint !== undefined) s.waypoint = waypoint;
  if (outcome === 'failed') s.code = code ?? DEFAULT_FAIL_CODE;
  if (failAt !== undefined) s.failAt = failAt;
  if (delayMs !== undefined) s.delayMs = delayMs;
  return s;
}

/** The `Preference-Applied` value (RFC 7240 §3) for a scenario, in canonical form. */
export function formatScenario(s: Scenario): string {
  const parts = [`outcome=${s.outcome}`];
  if (s.code !== undefined) parts.push(`code=${s.code}`);
  if (s.failAt !== undefined) parts.push(`fail_at=${s.failAt}`);
  if (s.delayMs !== undefined) parts.push(`delay=${s.delayMs}`);
  if (s.waypoint !== undefined) parts.push(`waypoint=${s.waypoint}`);
  return parts.join(', ');
}

/** The simulator rule that plays a scenario (mock/simulator/rules.ts). */
export function toRule(s: Scenario): ScenarioRule {
  const rule: ScenarioRule = {};
  switch (s.outcome) {
    case 'succeeded':
      rule.outcome = 'succeed';
      break;
    case 'failed':
      rule.outcome = 'fail';
      rule.code = s.code ?? DEFAULT_FAIL_CODE;
      if (s.failAt) rule.failAt = s.failAt;
      break;
    case 'timeout':
      rule.outcome = 'silent';
      break;
    case 'unmatched':
      rule.outcome = 'wrong_method';
      break;
  }
  if (s.delayMs !== undefined) rule.delayMs = s.delayMs;
  if (s.waypoint !== undefined) rule.atWaypoint = s.waypoint;
  return rule;
}

/**
 * Scenarios by (api_id, idempotency_key), bounded (oldest dropped past `max`): a command keeps
 * its scenario for as long as a partner can plausibly still be waiting on it.
 */
export class ScenarioRegistry {
  private readonly byKey = new Map<string, Scenario>();
  constructor(private readonly max = 10_000) {}

  private static key(api_id: string, idempotency_key: string): string {
    return `${api_id}\u0000${idempotency_key}`;
  }

  get(api_id: string, idempotency_key: string): Scenario | undefined {
    return this.byKey.get(ScenarioRegistry.key(api_id, idempotency_key));
  }

  /** Store `s` (or with `undefined` remove it); returns the previous value, so a rejected request can put it back. */
  set(api_id: string, idempotency_key: string, s: Scenario | undefined): Scenario | undefined {
    const k = ScenarioRegistry.key(api_id, idempotency_key);
    const prev = this.byKey.get(k);
    this.byKey.delete(k);
    if (s !== undefined) {
      this.byKey.set(k, s);
      if (this.byKey.size > this.max) this.byKey.delete(this.byKey.keys().next().value as string);
    }
    return prev;
  }

  get size(): number {
    return this.byKey.size;
  }
}
