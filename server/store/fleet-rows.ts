/**
 * Helpers shared by the three FleetStore implementations: the alarm identity key, cursor of the
 * device list (by SN), and validation of the values a store accepts.
 */
import { InvalidCursorError } from './cursor.js';
import type { HmsItem } from './types/fleet.js';

/** JSON with sorted keys, so `{a,b}` and `{b,a}` give the same key. */
function sortedJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${sortedJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * Identity of an HMS item within a dock's reports: the same code about the same device type, in
 * the sky or not, with the same args is the same alarm (level may be re-reported).
 */
export function alarmKey(i: HmsItem): string {
  return `${i.code}|${i.device_type ?? ''}|${i.in_the_sky ?? ''}|${sortedJson(i.args ?? {})}`;
}

/** Device-list cursor: base64url of the last SN. */
export function encodeSnCursor(sn: string): string {
  return Buffer.from(JSON.stringify(['sn', sn]), 'utf8').toString('base64url');
}

/** Decode a device-list cursor; throws `InvalidCursorError`. */
export function decodeSnCursor(cursor: string): string {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && v[0] === 'sn' && typeof v[1] === 'string') return v[1];
  } catch {
    /* fall through */
  }
  throw new InvalidCursorError();
}

/** The later of two ISO timestamps (null-safe). */
export function later(a: string | null | undefined, b: string): string {
  return a && a > b ? a : b;
}

/** Merge group times, each only moving forward. */
export function mergeGroups(prev: Record<string, string>, next: Record<string, string>): Record<string, string> {
  const out = { ...prev };
  for (const [g, t] of Object.entries(next)) out[g] = later(out[g], t);
  return out;
}
