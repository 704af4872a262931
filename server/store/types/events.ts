/**
 * The event log (issue 13 item 2): `store.events`. Each event is written by the store in the same
 * transaction as the change that causes it (docs/events.md): command and device-request changes
 * by the store, presence changes and HMS diffs by its fleet part (`store.fleet`), each through its
 * store kind's `writeEvents`. This interface reads the log, appends events that have no stored
 * change (`webhook.test`), and prunes it.
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
   * The credential that may see it (the command's creator); null = every credential that may see
   * `device_id` (device and device-request events; resolved at read time, server/fleet/visibility.ts).
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
  /** The devices it may see (server/fleet/visibility.ts: allow-list, registry grants, their aircraft); null = all. */
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
  /**
   * Up to `limit` events after `position` (null = from the start) whoever may see them, oldest
   * first, with the same commit-order guarantee as `read`: for one in-process reader that fans
   * events out to many subscribers, each applying its own filter (`eventMatches`,
   * server/events/filter.ts).
   */
  scan(after: string | null, limit: number): Promise<{ events: EventRecord[]; position: string | null }>;
  /**
   * Orders two positions of this log (negative: `a` is earlier; null = before every event). Pure,
   * no I/O; throws `InvalidCursorError` for a position this log did not produce.
   */
  comparePositions(a: string | null, b: string | null): number;
  /** The latest position a reader can see now (null: empty log). Read before `read` to skip filtered-out rows. */
  tail(): Promise<string | null>;
  /** The position of event `id`, or null when unknown (pruned or never stored). */
  positionOf(id: string): Promise<string | null>;
  /** Delete up to `limit` events older than `before` (ISO); returns how many. */
  prune(before: string, limit: number): Promise<number>;
  /** Called after any local append commits (wakes local stream followers early). */
  onAppend(listener: () => void): () => void;
}
