/** Command lifecycle data: statuses and failure codes (seed 001–003 "Query Response"). */

/** Lifecycle of a downlink command (seed 001–003 "Query Response"). */
export const COMMAND_STATUSES = ['ACCEPTED', 'DELIVERED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'UNMATCHED_RESPONSE'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
/** Statuses after which nothing changes the command any more. */
export const TERMINAL_STATUSES: readonly CommandStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'UNMATCHED_RESPONSE'];

/** What each status means, one line each (the `CommandStatus` schema's `x-enumDescriptions`). */
export const STATUS_MEANINGS: Record<CommandStatus, string> = {
  ACCEPTED: 'Stored, not yet published.',
  DELIVERED: 'Published; the broker acknowledged it.',
  SUCCEEDED: 'The dock reported success.',
  FAILED: 'The dock reported failure.',
  TIMED_OUT: 'No terminal status within timeout_seconds.',
  UNMATCHED_RESPONSE: 'A reply carried the command tid but another method or gateway.',
};

/** Why a command ended badly (`failure_code`). */
export const FAILURE_CODES = {
  DEVICE_EXECUTION_FAILED: 'The dock answered with a non-zero `result`, or a progress event ended in failed/rejected/canceled/timeout.',
  TIMED_OUT: 'No terminal status before `timeout_seconds` elapsed (counted from acceptance).',
  UNMATCHED_RESPONSE: 'A reply carried the command `tid` but another `method` or gateway.',
} as const;
export type FailureCode = keyof typeof FAILURE_CODES;
