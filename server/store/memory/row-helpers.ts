/** Row helpers of the in-memory store (./store.ts): SQL-like ordering, cursors and composite keys over rows. */
import type { CommandStatus } from '../../../spec/api.js';
import { OPEN_STATUSES } from '../../commands/transitions.js';
import { decodeCursor } from '../cursor.js';
import { MAX_COMMAND_MESSAGES, type Row } from '../rows.js';

/** A row of `columns` from values in the same order (the SQL stores' INSERT column lists). */
export function rowOf(columns: readonly string[], values: readonly unknown[]): Row {
  const r: Row = {};
  columns.forEach((c, i) => (r[c] = values[i]));
  return r;
}

/** An unambiguous composite key of string parts (a unique index over several columns). */
export const key = (...parts: string[]) => JSON.stringify(parts);

/** Ascending order by (`at`, `id`), as `ORDER BY at, id`. */
export function oldestFirst(at: string, id: string): (a: Row, b: Row) => number {
  return (a, b) => {
    const x = a[at] as string;
    const y = b[at] as string;
    if (x !== y) return x < y ? -1 : 1;
    const i = a[id] as string;
    const j = b[id] as string;
    return i < j ? -1 : i > j ? 1 : 0;
  };
}

/** Order of list pages: newest first, `ORDER BY at DESC, id DESC`. */
export function newestFirst(at: string, id: string): (a: Row, b: Row) => number {
  const asc = oldestFirst(at, id);
  return (a, b) => asc(b, a);
}

/** Rows strictly before the cursor position in `newestFirst` order: `(at, id) < (cursor.at, cursor.id)`. */
export function beforeCursor(cursor: string | undefined, at: string, id: string): (r: Row) => boolean {
  if (cursor == null) return () => true;
  const c = decodeCursor(cursor);
  return (r) => (r[at] as string) < c.at || ((r[at] as string) === c.at && (r[id] as string) < c.id);
}

/** `messages` JSON text with `m` (already `recordedMessageJson`) appended, the oldest dropped beyond MAX_COMMAND_MESSAGES. */
export function appendMessage(messages: unknown, m: string): string {
  const list = JSON.parse((messages as string | null) ?? '[]') as unknown[];
  list.push(JSON.parse(m));
  return JSON.stringify(list.slice(-MAX_COMMAND_MESSAGES));
}

export const isOpen = (r: Row) => OPEN_STATUSES.includes(r.status as CommandStatus);
