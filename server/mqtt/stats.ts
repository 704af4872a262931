/** Counters of the MQTT core, exposed by `MqttCore.stats()` for logs and metrics. */

export const STAT_NAMES = [
  /** Commands published and acknowledged by the broker (PUBACK). */
  'published',
  /** Commands moved to DELIVERED (or straight to SUCCEEDED for reply-less ones) on PUBACK. */
  'delivered',
  /** Publishes that failed (connection lost before PUBACK, …); the command is retried. */
  'publish_errors',
  /** services_reply / drc/up replies applied to a command. */
  'replies',
  'unmatched_replies',
  /** services_reply with a tid of no known command. */
  'unknown_tid',
  /** Uplink messages dropped as malformed (not JSON, missing tid, wrong types, oversized). */
  'malformed_messages',
  /** The oversized ones among `malformed_messages` (over envelope.ts MAX_MESSAGE_BYTES). */
  'oversized_messages',
  /** Uplink messages whose topic SN is not in the device registry (counted, still handled). */
  'unknown_device_messages',
  'late_replies',
  'duplicate_replies',
  /** drc/up replies with no pending DRC command (pushes such as osd_info_push are not counted). */
  'unknown_drc_replies',
  'progress_events',
  /** Events of a progress method with no non-terminal command to apply to. */
  'untracked_events',
  'events_replied',
  'status_replied',
  'topology_updates',
  'requests_received',
  'auto_replies',
  'timed_out',
  /** Messages with a method the core has no use for on that topic. */
  'ignored_messages',
  /** Unexpected errors inside a handler (store down, bug); logged, never thrown. */
  'handler_errors',
  /** Inbound messages dropped because the handler backlog was full (overload protection). */
  'overload_dropped',
  'reconnects',
  /** `osd` / `state` reports received (coalesced in memory, see server/fleet/state.ts). */
  'telemetry_messages',
  /** Device snapshots written (at most one per device per flush interval). */
  'state_writes',
  /** Presence changes this instance computed (online / offline, every reason). */
  'presence_changes',
  /** HMS reports applied; alarms raised and cleared by them. */
  'hms_reports',
  'alarms_raised',
  'alarms_cleared',
  /** Fleet store writes that failed (store down); the data is retried on the next flush. */
  'fleet_errors',
  /** Flight-task records changed by progress events (server/missions/). */
  'flight_task_updates',
  /** Mission store writes that failed (logged; the next event writes the newer state). */
  'mission_errors',
  /** Media files recorded from `file_upload_callback`. */
  'media_recorded',
] as const;

export type StatName = (typeof STAT_NAMES)[number];

/** A counter set starting at 0. */
export class Stats {
  private readonly c = new Map<StatName, number>(STAT_NAMES.map((n) => [n, 0]));
  inc(name: StatName, by = 1): void {
    this.c.set(name, (this.c.get(name) ?? 0) + by);
  }
  get(name: StatName): number {
    return this.c.get(name) ?? 0;
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.c);
  }
}
