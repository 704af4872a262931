/**
 * The public event envelope (`DockgateEvent`) of a stored event, and the list cursor over log
 * positions. One place, shared by the list handler, the stream and webhook delivery.
 */
import type { components } from '../../generated/types.js';
import { InvalidCursorError } from '../store/cursor.js';
import type { EventRecord } from '../store/types/events.js';

/** An event as listed, streamed and delivered: `{id, type, timestamp, device_id, sequence, data}`. */
export function eventView(e: EventRecord): components['schemas']['DockgateEvent'] {
  return { id: e.id, type: e.type, timestamp: e.timestamp, device_id: e.device_id, sequence: e.sequence, data: e.data } as components['schemas']['DockgateEvent'];
}

/** The `next_cursor` of a log position. */
export function encodeEventCursor(position: string): string {
  return Buffer.from(JSON.stringify(['ev', position]), 'utf8').toString('base64url');
}

/** The log position of a cursor; throws `InvalidCursorError` for anything this server did not produce. */
export function decodeEventCursor(cursor: string): string {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(v) || v.length !== 2 || v[0] !== 'ev' || typeof v[1] !== 'string') throw new InvalidCursorError();
  return v[1];
}
