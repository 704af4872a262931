/**
 * Row ↔ record mapping shared by the SQLite and PostgreSQL stores. Both hand rows over in the same
 * shape: JSON columns as JSON text, timestamps as ISO-8601 strings with ms and `Z` (PostgreSQL via
 * the store's type parsers), booleans as 0/1 or true/false.
 */
import { COMMAND_STATUSES } from '../../spec/api.js';
import { OPEN_STATUSES } from '../commands/transitions.js';
import { encodeCursor } from './cursor.js';
import type { EventRecord } from './types/events.js';
import type { CommandPatch, CommandRecord, Credential, DispatchClaim, RecordedMessage, DeviceRequestRecord, DeviceRequestReply, Page } from './types.js';

export type Row = Record<string, unknown>;

/** The open statuses as `'ACCEPTED','DELIVERED'`: inlined in SQL so the planner matches the partial indices. */
export const OPEN_STATUSES_SQL = OPEN_STATUSES.map((s) => `'${s}'`).join(',');

/** Oldest messages are dropped beyond this many per command, so a chatty dock cannot grow a row without bound. */
export const MAX_COMMAND_MESSAGES = 100;

/** Normalize a timestamp to `YYYY-MM-DDTHH:mm:ss.sssZ` (so stored strings sort correctly); TypeError names the field when invalid. */
export function iso(v: string, field: string): string {
  const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(t)) throw new TypeError(`${field} must be an ISO-8601 timestamp, got ${JSON.stringify(v)}`);
  return new Date(t).toISOString();
}

export function isoOrNull(v: string | null | undefined, field: string): string | null {
  return v == null ? null : iso(v, field);
}

function jsonText(v: unknown): string | null {
  return v == null ? null : JSON.stringify(v);
}

function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function parseJsonOrNull<T>(v: unknown): T | null {
  return v == null ? null : parseJson<T>(v);
}

function str(v: unknown): string {
  return v as string;
}

function strOrNull(v: unknown): string | null {
  return v == null ? null : (v as string);
}

function numOrNull(v: unknown): number | null {
  return v == null ? null : Number(v);
}

// ---------------------------------------------------------------------------------------------
// credentials

export const CREDENTIAL_COLUMNS = ['api_id', 'api_key', 'name', 'scopes', 'allowed_devices', 'disabled', 'created_at', 'updated_at'] as const;

/** Values in `CREDENTIAL_COLUMNS` order; `disabled` as given by `bool` (0/1 for SQLite). */
export function credentialValues(c: Credential, bool: (b: boolean) => unknown): unknown[] {
  return [
    c.api_id,
    c.api_key,
    c.name,
    JSON.stringify(c.scopes),
    jsonText(c.allowed_devices),
    bool(c.disabled),
    iso(c.created_at, 'created_at'),
    iso(c.updated_at, 'updated_at'),
  ];
}

const CREDENTIAL_PATCH: Record<string, (v: any, bool: (b: boolean) => unknown) => unknown> = {
  api_key: (v) => v,
  name: (v) => v,
  scopes: (v) => JSON.stringify(v),
  allowed_devices: (v) => jsonText(v),
  disabled: (v, bool) => bool(Boolean(v)),
  updated_at: (v) => iso(v, 'updated_at'),
};

/** `[column, value]` pairs of a credential patch (keys sorted, so equal key sets give equal SQL); `updated_at` defaults to now. */
export function credentialPatchColumns(patch: Record<string, unknown>, bool: (b: boolean) => unknown): [string, unknown][] {
  const p = { ...patch, updated_at: patch.updated_at ?? new Date().toISOString() };
  return Object.keys(p)
    .filter((k) => (p as Row)[k] !== undefined)
    .sort()
    .map((k) => {
      const enc = CREDENTIAL_PATCH[k];
      if (!enc) throw new TypeError(`credential patch: unknown field ${k}`);
      return [k, enc((p as Row)[k], bool)];
    });
}

export function rowToCredential(r: Row): Credential {
  return {
    api_id: str(r.api_id),
    api_key: str(r.api_key),
    name: str(r.name),
    scopes: parseJson(r.scopes),
    allowed_devices: parseJsonOrNull(r.allowed_devices),
    disabled: Boolean(r.disabled),
    created_at: str(r.created_at),
    updated_at: str(r.updated_at),
  };
}

// ---------------------------------------------------------------------------------------------
// commands

/** Columns written by `createCommand`, in value order. */
export const COMMAND_INSERT_COLUMNS = [
  'command_id', 'api_id', 'vendor', 'device_id', 'gateway_sn', 'command_type', 'payload', 'wire_data', 'transport',
  'idempotency_key', 'request_hash', 'timeout_seconds', 'tid', 'bid', 'progress_key', 'seq', 'status', 'dispatch_state',
  'response_code', 'response_message', 'vendor_response', 'failure_code', 'failure_reason', 'progress', 'messages',
  'accepted_at', 'delivered_at', 'response_received_at', 'completed_at', 'updated_at', 'deadline_at',
  'dispatch_owner', 'dispatch_lease_until', 'deadline_code', 'deadline_reason',
] as const;

/**
 * The record `createCommand` stores: timestamps normalized, status ACCEPTED and dispatch pending
 * (the insert is the dispatch record, whatever the caller set).
 */
export function newCommand(c: CommandRecord): CommandRecord {
  return {
    ...c,
    status: 'ACCEPTED',
    dispatch_state: 'pending',
    progress: c.progress ? { ...c.progress, updated_at: iso(c.progress.updated_at, 'progress.updated_at') } : null,
    messages: c.messages ?? [],
    accepted_at: iso(c.accepted_at, 'accepted_at'),
    delivered_at: isoOrNull(c.delivered_at, 'delivered_at'),
    response_received_at: isoOrNull(c.response_received_at, 'response_received_at'),
    completed_at: isoOrNull(c.completed_at, 'completed_at'),
    updated_at: iso(c.updated_at, 'updated_at'),
    deadline_at: isoOrNull(c.deadline_at, 'deadline_at'),
    deadline_code: c.deadline_code ?? null,
    deadline_reason: c.deadline_reason ?? null,
  };
}

/** Values of a `newCommand` record in `COMMAND_INSERT_COLUMNS` order (the lease from `claim`, if any). */
export function commandValues(c: CommandRecord, claim?: DispatchClaim): unknown[] {
  return [
    c.command_id, c.api_id, c.vendor, c.device_id, c.gateway_sn, c.command_type, JSON.stringify(c.payload),
    JSON.stringify(c.wire_data), c.transport, c.idempotency_key, c.request_hash, c.timeout_seconds, c.tid, c.bid,
    c.progress_key ?? null, c.seq ?? null, c.status, c.dispatch_state, c.response_code ?? null, c.response_message ?? null,
    jsonText(c.vendor_response), c.failure_code ?? null, c.failure_reason ?? null, jsonText(c.progress),
    JSON.stringify(c.messages), c.accepted_at, c.delivered_at, c.response_received_at, c.completed_at, c.updated_at,
    c.deadline_at, claim?.owner ?? null, claim ? iso(claim.lease_until, 'lease_until') : null, c.deadline_code, c.deadline_reason,
  ];
}

const COMMAND_PATCH: Record<keyof CommandPatch, (v: any) => unknown> = {
  status: (v) => v,
  dispatch_state: (v) => v,
  response_code: (v) => v ?? null,
  response_message: (v) => v ?? null,
  vendor_response: (v) => jsonText(v),
  failure_code: (v) => v ?? null,
  failure_reason: (v) => v ?? null,
  progress: (v) => (v == null ? null : JSON.stringify({ ...v, updated_at: iso(v.updated_at, 'progress.updated_at') })),
  delivered_at: (v) => isoOrNull(v, 'delivered_at'),
  response_received_at: (v) => isoOrNull(v, 'response_received_at'),
  completed_at: (v) => isoOrNull(v, 'completed_at'),
  seq: (v) => v ?? null,
  updated_at: (v) => iso(v, 'updated_at'),
  deadline_at: (v) => isoOrNull(v, 'deadline_at'),
  deadline_code: (v) => v ?? null,
  deadline_reason: (v) => v ?? null,
};

/** A `RecordedMessage` as the JSON text appended to `messages` (`received_at` normalized). */
export function recordedMessageJson(m: RecordedMessage): string {
  return JSON.stringify({ ...m, received_at: iso(m.received_at, 'received_at') });
}

/** `[column, value]` pairs of a transition patch, keys sorted (equal key sets give equal SQL). TypeError on an unknown key. */
export function commandPatchColumns(patch: CommandPatch): [string, unknown][] {
  return Object.keys(patch)
    .filter((k) => (patch as Row)[k] !== undefined)
    .sort()
    .map((k) => {
      const enc = COMMAND_PATCH[k as keyof CommandPatch];
      if (!enc) throw new TypeError(`command patch: unknown field ${k}`);
      return [k, enc((patch as Row)[k])];
    });
}

/** The one row → CommandRecord mapping (both stores, every query). */
export function rowToCommand(r: Row): CommandRecord {
  return {
    command_id: str(r.command_id),
    api_id: str(r.api_id),
    vendor: str(r.vendor) as 'dji',
    device_id: str(r.device_id),
    gateway_sn: str(r.gateway_sn),
    command_type: str(r.command_type),
    payload: parseJson(r.payload),
    wire_data: parseJson(r.wire_data),
    transport: str(r.transport) as CommandRecord['transport'],
    idempotency_key: str(r.idempotency_key),
    request_hash: str(r.request_hash),
    timeout_seconds: Number(r.timeout_seconds),
    tid: str(r.tid),
    bid: str(r.bid),
    progress_key: strOrNull(r.progress_key),
    seq: numOrNull(r.seq),
    status: str(r.status) as CommandRecord['status'],
    dispatch_state: str(r.dispatch_state) as CommandRecord['dispatch_state'],
    response_code: strOrNull(r.response_code),
    response_message: strOrNull(r.response_message),
    vendor_response: parseJsonOrNull(r.vendor_response),
    failure_code: strOrNull(r.failure_code) as CommandRecord['failure_code'],
    failure_reason: strOrNull(r.failure_reason),
    progress: parseJsonOrNull(r.progress),
    messages: parseJson(r.messages ?? '[]'),
    accepted_at: str(r.accepted_at),
    delivered_at: strOrNull(r.delivered_at),
    response_received_at: strOrNull(r.response_received_at),
    completed_at: strOrNull(r.completed_at),
    updated_at: str(r.updated_at),
    deadline_at: strOrNull(r.deadline_at),
    deadline_code: strOrNull(r.deadline_code) as CommandRecord['deadline_code'],
    deadline_reason: strOrNull(r.deadline_reason),
  };
}

/**
 * The `failure_code` / `failure_reason` pair `expireCommands` writes, as SQL over the row: the
 * limit the deadline stands for (`deadline_code`, `deadline_reason`), else the reply limit.
 */
export const EXPIRE_FAILURE_SQL = `failure_code = COALESCE(deadline_code, 'TIMED_OUT'),
      failure_reason = COALESCE(deadline_reason, 'No terminal status within ' || timeout_seconds || ' s of acceptance')`;

/** `failure_reason` set by `expireCommands` for the reply limit (`deadline_reason` null); EXPIRE_FAILURE_SQL spells the same text. */
export function timeoutReason(timeout_seconds: number): string {
  return `No terminal status within ${timeout_seconds} s of acceptance`;
}

// ---------------------------------------------------------------------------------------------
// device requests

export const DEVICE_REQUEST_INSERT_COLUMNS = [
  'request_id', 'vendor', 'device_id', 'request_type', 'inbound_payload', 'tid', 'bid', 'received_at', 'reply_code',
  'reply_message', 'reply_payload', 'reply_source', 'standardized_reply', 'replied_at',
] as const;

export function deviceRequestValues(r: DeviceRequestRecord): unknown[] {
  return [
    r.request_id, r.vendor, r.device_id, r.request_type, JSON.stringify(r.inbound_payload), r.tid, r.bid,
    iso(r.received_at, 'received_at'), r.reply_code ?? null, r.reply_message ?? null, jsonText(r.reply_payload),
    r.reply_source ?? null, jsonText(r.standardized_reply), isoOrNull(r.replied_at, 'replied_at'),
  ];
}

/** Columns set by `replyDeviceRequest`, in value order. */
export const DEVICE_REQUEST_REPLY_COLUMNS = ['reply_code', 'reply_message', 'reply_payload', 'reply_source', 'standardized_reply', 'replied_at'] as const;

/** Values in `DEVICE_REQUEST_REPLY_COLUMNS` order; TypeError when `replied_at` is missing (it marks the request as answered). */
export function deviceRequestReplyValues(r: DeviceRequestReply): unknown[] {
  if (r.replied_at == null) throw new TypeError('replied_at is required on a device request reply');
  return [
    r.reply_code ?? null, r.reply_message ?? null, jsonText(r.reply_payload), r.reply_source ?? null,
    jsonText(r.standardized_reply), iso(r.replied_at, 'replied_at'),
  ];
}

export function rowToDeviceRequest(r: Row): DeviceRequestRecord {
  return {
    request_id: str(r.request_id),
    vendor: str(r.vendor) as 'dji',
    device_id: str(r.device_id),
    request_type: str(r.request_type),
    inbound_payload: parseJson(r.inbound_payload),
    tid: str(r.tid),
    bid: str(r.bid),
    received_at: str(r.received_at),
    reply_code: strOrNull(r.reply_code),
    reply_message: strOrNull(r.reply_message),
    reply_payload: parseJsonOrNull(r.reply_payload),
    reply_source: strOrNull(r.reply_source) as DeviceRequestRecord['reply_source'],
    standardized_reply: parseJsonOrNull(r.standardized_reply),
    replied_at: strOrNull(r.replied_at),
  };
}

/** Every status with its count (0 for none), for metrics. */
/**
 * An `events` row (the same columns in both dialects; `data` as JSON text) as an EventRecord at
 * `position`, the dialect's encoding of the row's place in the log.
 */
export function rowToEvent(r: Row, position: string): EventRecord {
  return {
    id: r.id as string,
    type: r.type as EventRecord['type'],
    timestamp: r.timestamp as string,
    device_id: (r.device_id as string | null) ?? null,
    sequence: (r.sequence as number | null) ?? null,
    api_id: (r.api_id as string | null) ?? null,
    data: JSON.parse(r.data as string),
    position,
  };
}

export function statusCounts(rows: Row[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(COMMAND_STATUSES.map((s) => [s, 0]));
  for (const r of rows) out[str(r.status)] = Number(r.n);
  return out;
}

/** Order of claimed/expired batches: oldest accepted first, then command_id. */
export function byAcceptance(a: CommandRecord, b: CommandRecord): number {
  if (a.accepted_at !== b.accepted_at) return a.accepted_at < b.accepted_at ? -1 : 1;
  return a.command_id < b.command_id ? -1 : a.command_id > b.command_id ? 1 : 0;
}

/** A list `limit`; TypeError unless a positive integer (the HTTP layer validates first). */
export function positiveLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`limit must be a positive integer, got ${limit}`);
  return limit;
}

/** A page from up to limit+1 rows ordered newest first; `next_cursor` points at the last item when more exist. */
export function page<T>(rows: Row[], limit: number, map: (r: Row) => T, at: (r: Row) => string, id: (r: Row) => string): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(map), next_cursor: more && last ? encodeCursor({ at: at(last), id: id(last) }) : null };
}

/**
 * Nonce purge, the same in every store: every `NONCE_PURGE_EVERY`-th `rememberNonce` also deletes
 * up to `NONCE_PURGE_BATCH` expired nonces (bounded work, well above the insert rate).
 */
export const NONCE_PURGE_EVERY = 1000;
export const NONCE_PURGE_BATCH = 5000;
