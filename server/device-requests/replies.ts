/**
 * The one place `requests_reply` data is shaped (docs/device-requests.md): the platform's automatic
 * replies (catalog `auto_reply`, at least `config`) and partners' manual replies through the API,
 * the copy of a reply that is stored and shown, and the MQTT message that carries it (same `tid`,
 * `bid` and `method` as the request).
 *
 * Two reply forms (the catalog's `reply_form`, spec/requests.ts): `flat` — the reply `data` is the
 * payload itself, as DJI requires for `config` — and the default `{result, output}`
 * (docs/dji/requests.md).
 */
import type { components } from '../../generated/types.js';
import { deviceRequestsByType } from '../../spec/requests.js';
import type { DeviceRequestDef } from '../../spec/types.js';
import type { DeviceRequestRecord, DeviceRequestReply } from '../store/types.js';

/**
 * Defaults of the flat `config` reply (DOC `D3/config`): NTP host/port the dock syncs its clock with
 * and the DJI developer app credentials (empty until configured — a real dock needs the values of
 * your DJI developer account).
 */
export const CONFIG_REPLY_DEFAULTS: Readonly<Record<string, unknown>> = {
  ntp_server_host: 'pool.ntp.org',
  ntp_server_port: 123,
  app_id: '',
  app_key: '',
  app_license: '',
};

/** Platform configuration used for automatic replies. */
export interface AutoReplyConfig {
  /** Flat `config` reply data, merged over `CONFIG_REPLY_DEFAULTS`. */
  config?: Record<string, unknown>;
  /** `storage_config_get` reply for a dock (server/missions/storage.ts); unset: partners answer it. */
  storage?: (gateway_sn: string) => Promise<Record<string, unknown>>;
}

function isFlat(def: DeviceRequestDef | undefined): boolean {
  return def?.reply_form === 'flat';
}

/**
 * Whether the `requests_reply` data of `request_type` is flat (no `{result, output}`), as DJI
 * requires for `config`: the catalog's `reply_form`; unknown request types are wrapped.
 */
export function isFlatReply(request_type: string): boolean {
  return isFlat(deviceRequestsByType.get(request_type));
}

/** `reply_code`s meaning success (case-insensitive) → `result: 0`. */
export const SUCCESS_REPLY_CODES: ReadonlySet<string> = new Set(['APPROVED', 'OK', 'SUCCESS', 'SUCCEEDED', 'ACCEPTED', 'ALLOWED']);

/** `result` for any other non-numeric `reply_code` (DJI only distinguishes 0 from non-zero). */
export const GENERIC_FAILURE_RESULT = 1;

/**
 * DJI `result` for a `reply_code`: a success word → 0; a decimal integer string (`"0"`,
 * `"314001"`, `"-1"`) → that integer; anything else → {@link GENERIC_FAILURE_RESULT}.
 */
export function resultOf(reply_code: string): number {
  const code = reply_code.trim();
  if (SUCCESS_REPLY_CODES.has(code.toUpperCase())) return 0;
  if (/^-?\d{1,15}$/.test(code)) return Number(code);
  return GENERIC_FAILURE_RESULT;
}

/** The `data` of a manual reply: the flat payload for `config`, else `{result, output: payload ?? {}}`. */
export function replyData(request_type: string, reply_code: string, payload: Record<string, unknown> | undefined): Record<string, unknown> {
  if (isFlatReply(request_type)) return { ...(payload ?? {}) };
  return { result: resultOf(reply_code), output: payload ?? {} };
}

/**
 * The `requests_reply` data the platform sends by itself for `def`'s request type, or null when it
 * does not answer that type automatically. `config` → `CONFIG_REPLY_DEFAULTS` with `cfg.config`
 * over them; other auto types → their configured output, flat or as `{result: 0, output}`.
 */
export function autoReplyData(def: DeviceRequestDef | undefined, cfg: AutoReplyConfig | undefined): Record<string, unknown> | null {
  if (!def?.auto_reply) return null;
  if (def.request_type === 'config') return { ...CONFIG_REPLY_DEFAULTS, ...(cfg?.config ?? {}) };
  const output = (cfg as Record<string, Record<string, unknown> | undefined> | undefined)?.[def.request_type] ?? {};
  return isFlat(def) ? { ...output } : { result: 0, output };
}

/** Keys of the `config` reply that are secrets of the DJI developer account. */
const SECRET_REPLY_KEYS = ['app_key', 'app_license'] as const;

/**
 * The copy of an automatic reply that is stored and shown through the device-request API: the
 * dock gets the real values, partners reading device requests see `***` for the secrets.
 */
export function redactReply(data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data };
  for (const k of SECRET_REPLY_KEYS) if (typeof out[k] === 'string' && out[k] !== '') out[k] = '***';
  // storage_config_get: the upload secret and session token (the key id stays, to tell keys apart).
  const output = out.output as Record<string, unknown> | undefined;
  const creds = output?.credentials as Record<string, unknown> | undefined;
  if (creds && typeof creds === 'object') {
    const c = { ...creds };
    for (const k of STORAGE_SECRET_KEYS) if (typeof c[k] === 'string' && c[k] !== '') c[k] = '***';
    out.output = { ...output, credentials: c };
  }
  return out;
}

/** Keys of the `storage_config_get` reply's `credentials` that are secrets. */
const STORAGE_SECRET_KEYS = ['access_key_secret', 'security_token'] as const;

/**
 * The automatic reply to a request from `gateway_sn`: `autoReplyData`, or for `storage_config_get`
 * the configured storage's (async: it may call STS); null when the platform does not answer it.
 */
export async function autoReplyFor(def: DeviceRequestDef | undefined, cfg: AutoReplyConfig | undefined, gateway_sn: string): Promise<Record<string, unknown> | null> {
  if (def?.request_type === 'storage_config_get' && cfg?.storage) return cfg.storage(gateway_sn);
  return autoReplyData(def, cfg);
}

/** The stored reply of an automatic answer with `data` (secrets redacted), replied at `now` (ISO). */
export function autoReplyRecord(data: Record<string, unknown>, now: string): DeviceRequestReply {
  return {
    reply_code: '0',
    reply_message: 'answered automatically from the platform configuration',
    reply_payload: redactReply(data),
    reply_source: 'auto',
    standardized_reply: redactReply(data),
    replied_at: now,
  };
}

/** The stored reply of a partner's answer; `data` is its `replyData`, replied at `now` (ISO). */
export function manualReplyRecord(body: components['schemas']['DeviceRequestReplyRequest'], data: Record<string, unknown>, now: string): DeviceRequestReply {
  return {
    reply_code: body.reply_code,
    reply_message: body.reply_message ?? null,
    reply_payload: body.payload ?? null,
    reply_source: 'manual',
    standardized_reply: data,
    replied_at: now,
  };
}

/** The `requests_reply` message for a stored request (its `tid`, `bid` and `method`; `timestamp` in ms). */
export function requestReplyMessage(req: DeviceRequestRecord, data: Record<string, unknown>): Record<string, unknown> {
  return { tid: req.tid, bid: req.bid, timestamp: Date.now(), method: req.request_type, data };
}
