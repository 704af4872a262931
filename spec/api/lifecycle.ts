/** Command lifecycle data: statuses and failure codes (seed 001–003 "Query Response"). */

/** Lifecycle of a downlink command (seed 001–003 "Query Response"). */
export const COMMAND_STATUSES = ['ACCEPTED', 'DELIVERED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'UNMATCHED_RESPONSE'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
/** Statuses after which nothing changes the command any more. */
export const TERMINAL_STATUSES: readonly CommandStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'UNMATCHED_RESPONSE'];

/** What each status means, one line each (the `CommandStatus` schema's `x-enumDescriptions`). */
export const STATUS_MEANINGS: Record<CommandStatus, string> = {
  ACCEPTED: 'Stored, not yet published.',
  DELIVERED: 'Published; the broker acknowledged it. A progress-tracked job stays DELIVERED with progress while the dock runs it.',
  SUCCEEDED: 'The dock reported success.',
  FAILED: 'The dock reported failure.',
  TIMED_OUT: 'A limit passed: no reply within timeout_seconds, or (progress-tracked jobs) no progress event within the silence limit, or the maximum duration; failure_code says which.',
  UNMATCHED_RESPONSE: 'A reply carried the command tid but another method or gateway.',
};

/** Why a command ended badly (`failure_code`). */
export const FAILURE_CODES = {
  DEVICE_EXECUTION_FAILED: 'The dock answered with a non-zero `result`, or a progress event ended in failed/rejected/canceled/timeout.',
  TIMED_OUT: 'The dock did not answer within `timeout_seconds` of acceptance: no reply (or, for a command without a reply, no broker acknowledgement); for a progress-tracked command, no accepting reply and no progress event.',
  PROGRESS_SILENCE: "A progress-tracked job the dock had accepted sent no progress event for its command type's silence limit (its `x-dji.progress.limits`; docs/progress.md lists them).",
  MAX_DURATION_EXCEEDED: "A progress-tracked job was still running at its command type's maximum duration, counted from delivery (its `x-dji.progress.limits`).",
  UNMATCHED_RESPONSE: 'A reply carried the command `tid` but another `method` or gateway.',
} as const;
export type FailureCode = keyof typeof FAILURE_CODES;
