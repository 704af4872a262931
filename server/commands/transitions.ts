/**
 * The command status machine: which statuses are open or terminal, and the patch each event
 * applies (docs/lifecycle.md states the public behaviour). Pure: no store, no broker. The MQTT
 * layer decides *which* command an event belongs to and writes the patch with a compare-and-set on
 * the status (`Store.transitionCommand` / `applyTransition`); the rules for *what* changes are here.
 *
 * ACCEPTED → DELIVERED (PUBACK, or a reply/event that proves delivery) → SUCCEEDED | FAILED |
 * UNMATCHED_RESPONSE; any open status → TIMED_OUT (the store's `expireCommands`, at `deadline_at`).
 *
 * Deadlines: `timeout_seconds` bounds the dock's acceptance (deadline_at = accepted_at +
 * timeout_seconds, set at acceptance). A progress-tracked job the dock accepted (its accepting
 * reply, or a progress event) is then bounded by its catalog `limits` instead: every such patch
 * carries `jobDeadline`, the nearer of the silence limit and the maximum duration.
 * Reply mapping (`response_code`, `response_message`, `vendor_response`): ./response.ts.
 */
import { COMMAND_STATUSES, TERMINAL_STATUSES, type CommandStatus } from '../../spec/api.js';
import type { CommandDef, JobLimits, ProgressSpec } from '../../spec/types.js';
import type { ReadProgress } from '../mqtt/progress.js';
import { failureReason, replyOutputStatus, type MappedReply } from './response.js';
import type { CommandPatch, CommandRecord } from '../store/types.js';

/** Statuses a command can still leave (`ACCEPTED`, `DELIVERED`). The migrations' partial indices spell this same list. */
export const OPEN_STATUSES: readonly CommandStatus[] = COMMAND_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));

export function isTerminal(status: CommandStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * `cmd` with `patch` applied (undefined fields skipped): the record a caller holding `cmd` gets
 * after `store.applyTransition(cmd.command_id, [cmd.status], patch)` returned true.
 */
export function withPatch(cmd: CommandRecord, patch: CommandPatch): CommandRecord {
  const out: Record<string, unknown> = { ...cmd };
  for (const k of Object.keys(patch)) {
    const v = (patch as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as unknown as CommandRecord;
}

/** The response fields a dock reply sets (received at `now`). */
export function responseFields(m: MappedReply, now: string): Pick<CommandPatch, 'response_code' | 'response_message' | 'vendor_response' | 'response_received_at'> {
  return { response_code: m.response_code, response_message: m.response_message, vendor_response: m.vendor_response, response_received_at: now };
}

/**
 * The deadline of a progress-tracked job after an accepting reply or a progress event at `now`:
 * `min(now + silence_seconds, start + max_duration_seconds)` where `start` is `delivered_at` (now
 * when not yet set), with the failure code and reason the sweeper writes when it passes
 * (`PROGRESS_SILENCE` or `MAX_DURATION_EXCEEDED`; on a tie the maximum duration). `now` is when
 * the gateway applies the message, so two instances applying events at once can leave the
 * earlier of their two deadlines: milliseconds against limits of minutes.
 */
export function jobDeadline(cmd: CommandRecord, limits: JobLimits, now: string): Pick<CommandPatch, 'deadline_at' | 'deadline_code' | 'deadline_reason'> {
  const at = Date.parse(now);
  const silenceEnd = at + limits.silence_seconds * 1000;
  const maxEnd = Date.parse(cmd.delivered_at ?? now) + limits.max_duration_seconds * 1000;
  if (silenceEnd < maxEnd) {
    return {
      deadline_at: new Date(silenceEnd).toISOString(),
      deadline_code: 'PROGRESS_SILENCE',
      deadline_reason: `No progress event for ${limits.silence_seconds} s (the silence limit of ${cmd.command_type}) after the dock accepted the job`,
    };
  }
  return {
    deadline_at: new Date(maxEnd).toISOString(),
    deadline_code: 'MAX_DURATION_EXCEEDED',
    deadline_reason: `Still running ${limits.max_duration_seconds} s after delivery (the maximum duration of ${cmd.command_type})`,
  };
}

/** A reply or event proves delivery even when it beats the PUBACK handling. */
function deliveredFields(cmd: CommandRecord, now: string): Pick<CommandPatch, 'delivered_at' | 'dispatch_state'> {
  return { delivered_at: cmd.delivered_at ?? now, dispatch_state: 'published' };
}

/**
 * PUBACK of the publish (from ACCEPTED only): DELIVERED, or SUCCEEDED at once for commands whose
 * catalog `reply` is `none` or whose `timeout_seconds` is 0 (nothing to wait for).
 */
export function deliveryPatch(cmd: CommandRecord, def: CommandDef | undefined, now: string): CommandPatch {
  const completesOnDelivery = cmd.timeout_seconds === 0 || def?.reply === 'none';
  return completesOnDelivery
    ? { status: 'SUCCEEDED', dispatch_state: 'published', delivered_at: now, completed_at: now, updated_at: now }
    : { status: 'DELIVERED', dispatch_state: 'published', delivered_at: now, updated_at: now };
}

/** A gateway SN that cannot be a topic level: the command can never be published (from ACCEPTED). */
export function unroutablePatch(cmd: CommandRecord, now: string): CommandPatch {
  return {
    status: 'FAILED',
    failure_code: null,
    failure_reason: `gateway SN ${JSON.stringify(cmd.gateway_sn)} cannot be used in an MQTT topic; the command was not published`,
    completed_at: now,
    updated_at: now,
  };
}

/** The DRC `seq` allocated before publishing on `drc/down` (from ACCEPTED). */
export function seqPatch(seq: number, now: string): CommandPatch {
  return { seq, updated_at: now };
}

/** What a `services_reply` names that differs from the command (empty = it matches). */
export function replyMismatch(cmd: CommandRecord, gateway_sn: string, reply: { bid: string; method: string }): string[] {
  const mismatch: string[] = [];
  if (reply.bid !== cmd.bid) mismatch.push(`bid ${JSON.stringify(reply.bid)} ≠ ${JSON.stringify(cmd.bid)}`);
  if (reply.method !== cmd.command_type) mismatch.push(`method ${JSON.stringify(reply.method)} ≠ ${JSON.stringify(cmd.command_type)}`);
  if (gateway_sn !== cmd.gateway_sn) mismatch.push(`gateway ${JSON.stringify(gateway_sn)} ≠ ${JSON.stringify(cmd.gateway_sn)}`);
  return mismatch;
}

/**
 * The patch of a `services_reply` on an open command (seeds 001–003):
 * - mismatching bid/method/gateway → UNMATCHED_RESPONSE;
 * - `result` ≠ 0 → FAILED / DEVICE_EXECUTION_FAILED;
 * - `result` 0 on a progress-tracked command → DELIVERED with progress and the job's deadline
 *   (`jobDeadline`), unless `output.status` is already one of the catalog's terminal statuses
 *   (some docks finish at once);
 * - `result` 0 otherwise → SUCCEEDED.
 */
export function servicesReplyPatch(
  cmd: CommandRecord,
  reply: { tid: string; data: Record<string, unknown> },
  mapped: MappedReply,
  mismatch: readonly string[],
  spec: ProgressSpec | undefined,
  now: string,
): CommandPatch {
  const base = { ...responseFields(mapped, now), ...deliveredFields(cmd, now), updated_at: now };
  if (mismatch.length > 0) {
    return {
      status: 'UNMATCHED_RESPONSE',
      failure_code: 'UNMATCHED_RESPONSE',
      failure_reason: `services_reply for tid ${reply.tid} does not match the command: ${mismatch.join('; ')}`,
      ...base,
      completed_at: now,
    };
  }
  if (mapped.result !== 0) {
    return {
      status: 'FAILED',
      failure_code: 'DEVICE_EXECUTION_FAILED',
      failure_reason: mapped.result === null ? 'services_reply carries no numeric data.result' : failureReason(mapped),
      ...base,
      completed_at: now,
    };
  }
  if (!spec) return { status: 'SUCCEEDED', ...base, completed_at: now };
  const st = replyOutputStatus(reply.data);
  if (st !== null && spec.succeeded.includes(st)) return { ...base, status: 'SUCCEEDED', completed_at: now };
  if (st !== null && spec.failed.includes(st)) {
    return { ...base, status: 'FAILED', failure_code: 'DEVICE_EXECUTION_FAILED', failure_reason: `services_reply output.status ${st}`, completed_at: now };
  }
  return {
    ...base,
    status: 'DELIVERED',
    progress: cmd.progress ?? { percent: null, step: null, dji_status: st, updated_at: now },
    ...jobDeadline(cmd, spec.limits, now),
  };
}

/**
 * A `services_reply` arriving after a progress event already ended the command (SUCCEEDED/FAILED
 * without a response): it supplies the response fields without changing the status.
 */
export function lateResponsePatch(mapped: MappedReply, now: string): CommandPatch {
  return { ...responseFields(mapped, now), updated_at: now };
}

/**
 * The patch of a progress event `method` read as `rp`: DELIVERED with progress and the job's next
 * deadline (`jobDeadline` of the command's catalog `limits`) while running, SUCCEEDED or FAILED
 * (DEVICE_EXECUTION_FAILED; a non-zero event `result` becomes `response_code`, the device-side
 * execution code of the seeds) when its status is terminal.
 */
export function progressPatch(cmd: CommandRecord, method: string, rp: ReadProgress, now: string, limits: JobLimits): CommandPatch {
  if (rp.outcome === 'succeeded') return { status: 'SUCCEEDED', progress: rp.progress, ...deliveredFields(cmd, now), completed_at: now, updated_at: now };
  if (rp.outcome === 'failed') {
    const failedResult = rp.result !== null && rp.result !== 0;
    return {
      status: 'FAILED',
      failure_code: 'DEVICE_EXECUTION_FAILED',
      failure_reason: `${method} progress ended with status ${rp.progress.dji_status}` + (failedResult ? ` (result ${rp.result})` : ''),
      ...(failedResult ? { response_code: String(rp.result) } : {}),
      progress: rp.progress,
      ...deliveredFields(cmd, now),
      completed_at: now,
      updated_at: now,
    };
  }
  return { status: 'DELIVERED', progress: rp.progress, ...deliveredFields(cmd, now), ...jobDeadline(cmd, limits, now), updated_at: now };
}

/**
 * The patch of a `drc/up` reply: `result` 0 → SUCCEEDED, else FAILED. An echo without `result`
 * or `code` (heart_beat echoes `{timestamp}`) means the dock received it: SUCCEEDED.
 */
export function drcReplyPatch(cmd: CommandRecord, data: Record<string, unknown>, mapped: MappedReply, now: string): CommandPatch {
  const ok = mapped.result === 0 || (data.result === undefined && data.code === undefined);
  const base = { ...responseFields(mapped, now), ...deliveredFields(cmd, now), completed_at: now, updated_at: now };
  if (ok) return { status: 'SUCCEEDED', ...base };
  return {
    status: 'FAILED',
    failure_code: 'DEVICE_EXECUTION_FAILED',
    failure_reason: mapped.result === null ? 'drc/up reply carries a non-numeric data.result' : failureReason(mapped),
    ...base,
  };
}
