/**
 * The event log (issue 13 item 2): `store.events`. Each event is written by the store in the same
 * transaction as the change that causes it (docs/events.md); this interface reads the log, appends
 * events whose change lives elsewhere (device events of the fleet store call `append` through
 * their own transaction hook, `webhook.test`), and prunes it.
 */
import type { EventType } from '../../../spec/api.js';

/** An event to write: the store adds `sequence` (per device) and the log position. */
export interface NewEvent {
  /** UUIDv7. */
  id: string;
  type: EventType;
  /** ISO-8601 UTC with ms. */
  timestamp: string;
  device_id: string | null;
  /**
   * The credential that may see it (the command's creator); null = every credential whose
   * `allowed_devices` admits `device_id` (device and device-request events).
   */
  api_id: string | null;
  data: unknown;
}

/** A stored event. */
export interface EventRecord extends NewEvent {
  /** 1, 2, 3… per `device_id` in commit order; null without a device. */
  sequence: number | null;
  /** Opaque, commit-ordered log position (resume point of streams and cursors). */
  position: string;
}

/** Who reads and which events. */
export interface EventFilter {
  /** The reading credential. */
  api_id: string;
  /** Its allowed devices; null = all. */
  allowed_devices: string[] | null;
  /** A type, or a prefix ending in `.*`. */
  type?: string;
  device_id?: string;
  /** ISO time: only events at or after it. */
  since?: string;
}

/** The store's event log. */
export interface EventLog {
  /** Append events in one transaction of their own (sequence assigned). */
  append(events: NewEvent[]): Promise<EventRecord[]>;
  /**
   * Up to `limit` visible events after `position` (null = from the start), oldest first, and the
   * position to continue from (the last scanned, even when filtered out). Only events whose
   * position can no longer be overtaken by a concurrent commit are returned, so a reader
   * following positions misses nothing.
   */
  read(after: string | null, f: EventFilter, limit: number): Promise<{ events: EventRecord[]; position: string | null }>;
  /** The latest position a reader can see now (null: empty log). Read before `read` to skip filtered-out rows. */
  tail(): Promise<string | null>;
  /** The position of event `id`, or null when unknown (pruned or never stored). */
  positionOf(id: string): Promise<string | null>;
  /** Delete up to `limit` events older than `before` (ISO); returns how many. */
  prune(before: string, limit: number): Promise<number>;
  /** Called after any local append commits (wakes local stream followers early). */
  onAppend(listener: () => void): () => void;
}
