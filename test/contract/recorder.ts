/**
 * The contract recorder: a `fetch` for the generated client that checks every response against
 * the OpenAPI document (openapi.ts) and records what was seen, plus the coverage the suite must
 * reach (operations × statuses × codes, command types terminal, scenario outcomes) and its report.
 */
import { Contract, type Violation } from './openapi.js';

/** Why a documented outcome is not required on a target (shown in the report). */
export type Exemptions = Map<string, string>;

export function outcomeKey(operationId: string, status: number, code: string | null): string {
  return `${operationId} ${status}${code ? ' ' + code : ''}`;
}

export class Recorder {
  readonly seen = new Map<string, number>();
  readonly violations: Violation[] = [];
  /** command_type → terminal status first seen. */
  readonly terminal = new Map<string, string>();
  /** Scenario outcome → evidence (e.g. the command status). */
  readonly scenarios = new Map<string, string>();
  private unchecked = 0;

  constructor(
    readonly target: string,
    readonly contract: Contract,
  ) {}

  /** A fetch that sends the request, checks and records the response, and hands it on unchanged. */
  fetch = async (request: Request): Promise<Response> => {
    const res = await globalThis.fetch(request);
    // A stream stays open: not read here (the contract checks its media type and headers).
    const text = res.headers.get('content-type')?.startsWith('text/event-stream') ? '' : await res.clone().text();
    const { observation, violations } = this.contract.check(request.method, request.url, res.status, res.headers, text);
    this.violations.push(...violations);
    if (observation) {
      const k = outcomeKey(observation.operationId, observation.status, observation.code);
      this.seen.set(k, (this.seen.get(k) ?? 0) + 1);
    } else {
      this.unchecked++;
    }
    return res;
  };

  /** Violations recorded since the last call (tests assert it is empty after each step). */
  takeViolations(): Violation[] {
    return this.violations.splice(0);
  }

  noteTerminal(command_type: string, status: string): void {
    if (!this.terminal.has(command_type)) this.terminal.set(command_type, status);
  }

  noteScenario(outcome: string, evidence: string): void {
    this.scenarios.set(outcome, evidence);
  }

  /** What is still missing: documented outcomes not seen (minus exemptions), command types, scenarios. */
  missing(o: { commandTypes: readonly string[]; scenarios: readonly string[]; exempt: Exemptions }): { outcomes: string[]; commandTypes: string[]; scenarios: string[] } {
    const outcomes = this.contract
      .documentedOutcomes()
      .map((x) => outcomeKey(x.operationId, x.status, x.code))
      .filter((k) => !this.seen.has(k) && !o.exempt.has(k));
    return {
      outcomes,
      commandTypes: o.commandTypes.filter((t) => !this.terminal.has(t)),
      scenarios: o.scenarios.filter((s) => !this.scenarios.has(s)),
    };
  }

  /** Human coverage report. */
  report(o: { commandTypes: readonly string[]; scenarios: readonly string[]; exempt: Exemptions }): string {
    const lines: string[] = [`contract coverage — target: ${this.target}`, '', 'operations × statuses (× error codes), count seen:'];
    for (const op of this.contract.operations) {
      lines.push(`  ${op.operationId}  ${op.method} ${op.path}`);
      for (const r of op.responses.values()) {
        const codes = r.codes.length ? r.codes : [null];
        for (const code of codes) {
          const k = outcomeKey(op.operationId, r.status, code);
          const n = this.seen.get(k) ?? 0;
          const mark = n > 0 ? 'ok  ' : o.exempt.has(k) ? 'n/a ' : 'MISS';
          lines.push(`    ${mark} ${String(r.status)} ${(code ?? '').padEnd(32)} ${n > 0 ? `×${n}` : o.exempt.get(k) ?? ''}`);
        }
      }
    }
    const byStatus = new Map<string, number>();
    for (const s of this.terminal.values()) byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
    const missingTypes = o.commandTypes.filter((t) => !this.terminal.has(t));
    lines.push(
      '',
      `command types taken to a terminal status: ${o.commandTypes.length - missingTypes.length}/${o.commandTypes.length} (${[...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')})`,
    );
    if (missingTypes.length) lines.push(`  MISSING: ${missingTypes.join(', ')}`);
    lines.push('', 'scenario outcomes observed:');
    for (const s of o.scenarios) lines.push(`  ${this.scenarios.has(s) ? 'ok  ' : 'MISS'} ${s.padEnd(12)} ${this.scenarios.get(s) ?? ''}`);
    lines.push('', `responses outside the document (mock-only endpoints): ${this.unchecked}`, `violations: ${this.violations.length}`);
    return lines.join('\n');
  }
}
