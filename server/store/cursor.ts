/**
 * Opaque list cursors: base64url of `[sort_timestamp, id]` of the last item of a page. Lists are
 * ordered newest first (timestamp desc, id desc), so the next page holds rows strictly before the
 * cursor position: no duplicates or gaps even when rows share a timestamp.
 */

/**
 * A `cursor` query value that is not one this server produced (the HTTP layer answers 400
 * VALIDATION_FAILED on field `cursor`). The message is a predicate: "cursor " + message reads as a sentence.
 */
export class InvalidCursorError extends Error {
  constructor(message = 'is not a next_cursor value returned by a previous page') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

export interface CursorPosition {
  /** ISO-8601 timestamp with ms of the last item. */
  at: string;
  id: string;
}

export function encodeCursor(p: CursorPosition): string {
  return Buffer.from(JSON.stringify([p.at, p.id]), 'utf8').toString('base64url');
}

/** Decode a cursor; throws `InvalidCursorError` for anything else. */
export function decodeCursor(cursor: string): CursorPosition {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string') throw new InvalidCursorError();
  const t = Date.parse(v[0]);
  if (Number.isNaN(t)) throw new InvalidCursorError();
  return { at: new Date(t).toISOString(), id: v[1] };
}
