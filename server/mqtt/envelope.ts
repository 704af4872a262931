/**
 * Parse and validate inbound DJI messages (docs/dji/envelope.md). Never throws: every
 * problem comes back as `{ ok: false, reason }` naming what is wrong, so the core can count and log
 * it (issue 3 §8).
 */

/**
 * Default size limit of one inbound message, bytes: 64 KiB (issue 11 §8). A dock's largest routine
 * messages (OSD, hms lists) are a few KiB; anything larger is dropped and counted.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Longest `tid`/`bid`/`method`/`gateway` accepted, characters. */
const MAX_ID_LENGTH = 256;

/** A validated message with `tid`/`bid` (services_reply, events, requests, status). */
export interface DjiEnvelope {
  tid: string;
  bid: string;
  /** Epoch ms as sent by the device. */
  timestamp: number;
  method: string;
  /** `data`; `{}` when a `requests` message carries `data: null` (DJI `flight_areas_get`). */
  data: Record<string, unknown>;
  /** SN the device claims to be (informative; the topic SN is authoritative). */
  gateway: string | null;
  /** 1 when the cloud must answer on `…_reply`. */
  need_reply: number;
  /** The whole message as received. */
  raw: Record<string, unknown>;
}

/** A validated `drc/up` message (no tid/bid on the DRC link, docs/dji/drc.md). */
export interface DrcUpMessage {
  method: string;
  /** Top-level `seq`, null when absent. */
  seq: number | null;
  data: Record<string, unknown>;
  tid: string | null;
  bid: string | null;
  timestamp: number | null;
  raw: Record<string, unknown>;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decode bytes as strict UTF-8 JSON and require a top-level object. */
export function decodeJsonObject(payload: Uint8Array | string, maxBytes = MAX_MESSAGE_BYTES): ParseResult<Record<string, unknown>> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size === 0) return { ok: false, reason: 'empty message' };
  if (size > maxBytes) return { ok: false, reason: `message is ${size} bytes, over the ${maxBytes}-byte limit` };
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : utf8.decode(payload);
  } catch {
    return { ok: false, reason: 'message is not valid UTF-8' };
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `message is not JSON (${(e as Error).message})` };
  }
  if (!isPlainObject(v)) return { ok: false, reason: `message must be a JSON object, got ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v}` };
  return { ok: true, value: v };
}

function idField(o: Record<string, unknown>, key: string): string | { reason: string } {
  const v = o[key];
  if (v === undefined) return { reason: `missing \`${key}\`` };
  if (typeof v !== 'string') return { reason: `\`${key}\` must be a string, got ${v === null ? 'null' : typeof v}` };
  if (v.length === 0) return { reason: `\`${key}\` must not be empty` };
  if (v.length > MAX_ID_LENGTH) return { reason: `\`${key}\` is longer than ${MAX_ID_LENGTH} characters` };
  return v;
}

function timestampField(o: Record<string, unknown>): number | { reason: string } {
  const v = o.timestamp;
  if (v === undefined) return { reason: 'missing `timestamp`' };
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return { reason: '`timestamp` must be a non-negative number (epoch ms)' };
  return v;
}

/**
 * Validate a message with the DJI envelope: JSON object with string `tid`, `bid`, `method`, numeric
 * `timestamp` and object `data` (`allowNullData`: `null`/absent `data` becomes `{}`, for requests).
 */
export function parseEnvelope(
  payload: Uint8Array | string,
  o: { maxBytes?: number; allowNullData?: boolean } = {},
): ParseResult<DjiEnvelope> {
  const dec = decodeJsonObject(payload, o.maxBytes);
  if (!dec.ok) return dec;
  const m = dec.value;
  const tid = idField(m, 'tid');
  if (typeof tid !== 'string') return { ok: false, reason: tid.reason };
  const bid = idField(m, 'bid');
  if (typeof bid !== 'string') return { ok: false, reason: bid.reason };
  const method = idField(m, 'method');
  if (typeof method !== 'string') return { ok: false, reason: method.reason };
  const ts = timestampField(m);
  if (typeof ts !== 'number') return { ok: false, reason: ts.reason };
  let data: Record<string, unknown>;
  if (isPlainObject(m.data)) data = m.data;
  else if (o.allowNullData && (m.data === null || m.data === undefined)) data = {};
  else return { ok: false, reason: m.data === undefined ? 'missing `data`' : '`data` must be a JSON object' };
  let gateway: string | null = null;
  if (m.gateway !== undefined && m.gateway !== null) {
    if (typeof m.gateway !== 'string' || m.gateway.length > MAX_ID_LENGTH) return { ok: false, reason: '`gateway` must be a string' };
    gateway = m.gateway;
  }
  // need_reply is an int flag (0/1); anything but the number 1 means "no reply wanted".
  const need_reply = m.need_reply === 1 ? 1 : 0;
  return { ok: true, value: { tid, bid, timestamp: ts, method, data, gateway, need_reply, raw: m } };
}

/**
 * Validate a `drc/up` message: `method` string, `data` object, optional integer top-level `seq`,
 * optional `tid`/`bid` strings and numeric `timestamp` (Dock 3 pushes carry one).
 */
export function parseDrcUp(payload: Uint8Array | string, o: { maxBytes?: number } = {}): ParseResult<DrcUpMessage> {
  const dec = decodeJsonObject(payload, o.maxBytes);
  if (!dec.ok) return dec;
  const m = dec.value;
  const method = idField(m, 'method');
  if (typeof method !== 'string') return { ok: false, reason: method.reason };
  if (!isPlainObject(m.data)) return { ok: false, reason: m.data === undefined ? 'missing `data`' : '`data` must be a JSON object' };
  let seq: number | null = null;
  if (m.seq !== undefined && m.seq !== null) {
    if (typeof m.seq !== 'number' || !Number.isSafeInteger(m.seq)) return { ok: false, reason: '`seq` must be an integer' };
    seq = m.seq;
  }
  const opt = (k: 'tid' | 'bid'): string | null | { reason: string } => {
    if (m[k] === undefined || m[k] === null) return null;
    return idField(m, k);
  };
  const tid = opt('tid');
  if (tid !== null && typeof tid !== 'string') return { ok: false, reason: tid.reason };
  const bid = opt('bid');
  if (bid !== null && typeof bid !== 'string') return { ok: false, reason: bid.reason };
  let timestamp: number | null = null;
  if (m.timestamp !== undefined && m.timestamp !== null) {
    const ts = timestampField(m);
    if (typeof ts !== 'number') return { ok: false, reason: ts.reason };
    timestamp = ts;
  }
  return { ok: true, value: { method, seq, data: m.data, tid, bid, timestamp, raw: m } };
}
