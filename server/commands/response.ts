/**
 * Mapping of a DJI reply `data` to the command's response fields (seeds 001–003 "DJI Services
 * Reply Mapping"; https://docs.utmos.dev/en/vendors/dji/services-reply):
 * - `response_code` = `data.code`, else `data.result` (as a string);
 * - `response_message` = `data.message`, `data.msg` or `data.description`;
 * - `vendor_response` keeps `result`, `code`, `message`, `output` and every other (vendor
 *   extension) field of `data`;
 * - `data.result` 0 = success, non-zero = failure.
 */
import { isPlainObject } from '../mqtt/envelope.js';

export interface MappedReply {
  response_code: string | null;
  response_message: string | null;
  vendor_response: Record<string, unknown>;
  /** Numeric `data.result` (or `data.code` when `result` is absent); null when neither is numeric. */
  result: number | null;
}

function scalarString(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function numeric(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim())) return Number(v);
  return null;
}

/** Map a reply `data` object. Never throws. */
export function mapReplyData(data: Record<string, unknown>): MappedReply {
  const response_code = scalarString(data.code ?? data.result);
  let response_message: string | null = null;
  for (const k of ['message', 'msg', 'description'] as const) {
    const s = scalarString(data[k]);
    if (s !== null) {
      response_message = s;
      break;
    }
  }
  // Known keys first (stable, readable order), then the vendor extension fields as sent.
  const vendor_response: Record<string, unknown> = {};
  for (const k of ['result', 'code', 'message', 'output']) if (data[k] !== undefined) vendor_response[k] = data[k];
  for (const [k, v] of Object.entries(data)) if (!(k in vendor_response) && v !== undefined) vendor_response[k] = v;
  return { response_code, response_message, vendor_response, result: numeric(data.result) ?? numeric(data.code) };
}

/** `data.output.status` of a reply (DJI long jobs: sent, in_progress, ok, failed, …), or null. */
export function replyOutputStatus(data: Record<string, unknown>): string | null {
  return isPlainObject(data.output) && typeof data.output.status === 'string' ? data.output.status : null;
}

/** Short human reason for a failed reply, e.g. `dock answered result 314000: task distribution failed`. */
export function failureReason(m: MappedReply, what = 'dock answered'): string {
  const code = m.response_code ?? (m.result === null ? 'no numeric result' : String(m.result));
  return m.response_message ? `${what} ${code}: ${m.response_message}` : `${what} ${code}`;
}

/** Structural equality of JSON values (duplicate detection). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual(ao[k], bo[k]));
}
