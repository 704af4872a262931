/**
 * Scenario rules: how a simulated dock answers a command (succeed, fail with a DJI code, stay
 * silent, reply with the wrong method, after a delay). Rules are kept per dock and matched by the
 * command's `tid` or `bid` first, then its `method` (= `command_type`), then `*`.
 */

/** What the dock does with a command. */
export type Outcome = 'succeed' | 'fail' | 'silent' | 'wrong_method';

/**
 * One scenario. `{}` = succeed at once. Examples:
 * `{ outcome: 'fail', code: 514107 }`, `{ outcome: 'fail', code: 514107, failAt: 'event' }`,
 * `{ outcome: 'silent' }`, `{ outcome: 'wrong_method' }`, `{ delayMs: 2000 }`.
 */
export interface ScenarioRule {
  /** Default `succeed`. */
  outcome?: Outcome;
  /** DJI error code for `fail` (default {@link DEFAULT_FAIL_CODE}). */
  code?: number;
  /**
   * Where a `fail` shows for progress-tracked commands: `reply` = non-zero `result` in
   * `services_reply` (default), `event` = `result: 0` reply, then a terminal failed progress event
   * carrying the code. Commands without progress always fail in the reply.
   */
  failAt?: 'reply' | 'event';
  /**
   * For a simulated mission (`flighttask_execute`, mission.ts): `fail` (with `failAt: 'event'`) ends
   * it `failed` with a break point at this waypoint (0-based); `silent` stops its progress there
   * (the command itself is accepted).
   */
  atWaypoint?: number;
  /** Method used by `wrong_method` (default: another catalog method). */
  method?: string;
  /** Wait this long (ms) before replying; progress events follow the reply. */
  delayMs?: number;
  /**
   * Remove the rule after it matched once. Default: `true` for rules keyed by tid/bid, `false` for
   * rules keyed by command type or `*`.
   */
  once?: boolean;
}

/** Used when a `fail` rule gives no code: 319999 "dock system error" (docs/dji/error-codes.md). */
export const DEFAULT_FAIL_CODE = 319999;

/** Key of a per-message rule: exactly one of the command's `tid` or `bid`. */
export type MessageKey = { tid: string; bid?: undefined } | { bid: string; tid?: undefined };

/** A rule as returned by {@link RuleBook.list} (for logs and the mock's dock listing). */
export interface ListedRule {
  key: string;
  rule: ScenarioRule;
}

/** The rules of one dock. Not shared between docks. */
export class RuleBook {
  private readonly byType = new Map<string, ScenarioRule>();
  private readonly byTid = new Map<string, ScenarioRule>();
  private readonly byBid = new Map<string, ScenarioRule>();

  /** Set (replace) the rule for a command type or `*`; `null` removes it. */
  set(commandType: string, rule: ScenarioRule | null): void {
    if (rule === null) this.byType.delete(commandType);
    else this.byType.set(commandType, { ...rule });
  }

  /** Set the rule for exactly one command, by its `tid` or `bid`; `null` removes it. */
  setFor(key: MessageKey, rule: ScenarioRule | null): void {
    const [map, id] = key.tid !== undefined ? [this.byTid, key.tid] : [this.byBid, key.bid];
    if (typeof id !== 'string' || id === '') throw new TypeError('setRuleFor needs a non-empty tid or bid');
    if (rule === null) map.delete(id);
    else map.set(id, { ...rule });
  }

  clear(): void {
    this.byType.clear();
    this.byTid.clear();
    this.byBid.clear();
  }

  /**
   * The rule for one command (tid → bid → method → `*`), consuming one-shot rules.
   * `undefined` = no rule (succeed).
   */
  take(msg: { tid?: unknown; bid?: unknown; method: string }): ScenarioRule | undefined {
    const keyed: [Map<string, ScenarioRule>, unknown][] = [
      [this.byTid, msg.tid],
      [this.byBid, msg.bid],
    ];
    for (const [map, id] of keyed) {
      if (typeof id !== 'string') continue;
      const r = map.get(id);
      if (r) {
        if (r.once !== false) map.delete(id);
        return r;
      }
    }
    for (const key of [msg.method, '*']) {
      const r = this.byType.get(key);
      if (r) {
        if (r.once === true) this.byType.delete(key);
        return r;
      }
    }
    return undefined;
  }

  list(): ListedRule[] {
    return [
      ...[...this.byTid].map(([k, rule]) => ({ key: `tid:${k}`, rule })),
      ...[...this.byBid].map(([k, rule]) => ({ key: `bid:${k}`, rule })),
      ...[...this.byType].map(([k, rule]) => ({ key: k, rule })),
    ];
  }
}

/**
 * Parse the text form of a rule, `TYPE=SPEC[,SPEC…]` (TYPE = command type or `*`). SPEC items: `succeed`, `fail[:CODE][:event]`, `silent`,
 * `wrong_method[:METHOD]`, `delay:MS`, `once`.
 * Examples: `cover_open=fail:514107`, `*=delay:500`, `fly_to_point=fail:336000:event,once`.
 * Throws `Error` naming the bad part.
 */
export function parseRule(text: string): { commandType: string; rule: ScenarioRule } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`rule "${text}" must look like TYPE=SPEC (e.g. cover_open=fail:514107)`);
  const commandType = text.slice(0, eq).trim();
  const rule: ScenarioRule = {};
  for (const raw of text.slice(eq + 1).split(',')) {
    const [kind, ...args] = raw.trim().split(':');
    switch (kind) {
      case 'succeed':
        rule.outcome = 'succeed';
        break;
      case 'silent':
        rule.outcome = 'silent';
        break;
      case 'wrong_method':
        rule.outcome = 'wrong_method';
        if (args[0]) rule.method = args[0];
        break;
      case 'fail': {
        rule.outcome = 'fail';
        for (const a of args) {
          if (a === 'event' || a === 'reply') rule.failAt = a;
          else if (/^\d+$/.test(a)) rule.code = Number(a);
          else throw new Error(`rule "${text}": fail takes a numeric DJI code and/or "event", got "${a}"`);
        }
        break;
      }
      case 'delay': {
        const ms = Number(args[0]);
        if (!Number.isInteger(ms) || ms < 0) throw new Error(`rule "${text}": delay needs milliseconds, got "${args[0] ?? ''}"`);
        rule.delayMs = ms;
        break;
      }
      case 'once':
        rule.once = true;
        break;
      default:
        throw new Error(`rule "${text}": unknown item "${raw}" (use succeed, fail[:CODE][:event], silent, wrong_method[:METHOD], delay:MS, once)`);
    }
  }
  return { commandType, rule };
}
