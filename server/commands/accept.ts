/**
 * Accepting a command (docs/internals/contracts.md "Accepting a command"): `acceptCommand` turns a
 * validated create-command body into the `CommandRecord` the store inserts (`buildCommandRecord`,
 * pure apart from `store.gatewayOf` and fresh ids), checks the credential may address the device,
 * inserts it under its idempotency key with a publish lease when this instance can publish at
 * once, and hands it to the dispatcher. The HTTP handler only maps the outcome to a response.
 *
 * `request_hash` (idempotency): SHA-256 of the canonical JSON of the body *as sent* — object keys
 * sorted, no whitespace — before `timeout_seconds`' default is applied. So a retry may re-serialise
 * the JSON freely (key order, spacing), but omitting `timeout_seconds` and sending `30` explicitly
 * are different bodies (409 IDEMPOTENCY_CONFLICT), exactly as a client reading its own bodies expects.
 *
 * Ids (`command_id`, `tid`, a generated `bid`) are UUIDv7 (RFC 9562): still UUIDs, as DJI's tid/bid
 * are, but time-ordered, so each accepted command appends to the end of the id indices instead of
 * dirtying a random page of each.
 */
import { createHash, randomUUID } from 'node:crypto';
import { LIMITS } from '../../spec/api.js';
import { commandsByType } from '../../spec/catalog.js';
import type { components } from '../../generated/types.js';
import type { MqttCore } from '../mqtt/core.js';
import type { CommandRecord, Credential, Store } from '../store/types.js';

/**
 * The create-command body after validation: any variant of the generated `CreateCommandRequest`,
 * seen through what all variants share (`command_type` as a string, `payload` as an object; the
 * catalog entry of `command_type` gives the rest).
 */
export type CreateCommandBody = Omit<components['schemas']['CreateCommandRequest'], 'command_type' | 'payload'> & {
  command_type: string;
  payload: Record<string, unknown>;
};

/** JSON with object keys sorted at every level (arrays keep their order). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  const keys = Object.keys(v).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const val = (v as Record<string, unknown>)[keys[i]];
    if (val === undefined) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(keys[i]) + ':' + canonicalJson(val);
  }
  return out + '}';
}

/** SHA-256 hex of `canonicalJson(body)`. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/**
 * A UUIDv7 (RFC 9562 §5.7): 48-bit Unix time in ms, version 7, then the 74 random bits and the
 * variant of a `randomUUID()`. Ids of one millisecond are not ordered among themselves, which the
 * indices do not need.
 */
// Not the `uuid` package's v7: it draws fresh random bytes per id, while randomUUID() draws from a
// pool; the difference showed on the accept path (bench/README.md).
export function uuidv7(now: number = Date.now()): string {
  const t = now.toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${randomUUID().slice(15)}`;
}

/**
 * The envelope `bid`: the payload value named by the catalog's `bid_from` (DJI's reference server
 * sends `flighttask_prepare`/`flighttask_execute` with `bid = flight_id`, and the dock's
 * `flighttask_progress` events echo it), else a fresh UUID.
 */
function bidOf(bid_from: string | undefined, payload: Record<string, unknown>): string {
  const v = bid_from === undefined ? undefined : payload[bid_from];
  return typeof v === 'string' && v !== '' ? v : uuidv7();
}

/**
 * Build the record for `body` created by `api_id` at `now`. Throws the catalog's
 * `PayloadTranslationError` when the payload cannot be put on the wire (→ 400 VALIDATION_FAILED),
 * or an Error for a `command_type` missing from the catalog (the validators reject those first).
 */
export async function buildCommandRecord(store: Pick<Store, 'gatewayOf'>, api_id: string, body: CreateCommandBody, now: Date = new Date()): Promise<CommandRecord> {
  const def = commandsByType.get(body.command_type);
  if (!def) throw new Error(`command_type ${body.command_type} is not in the catalog`);
  const payload = body.payload;
  const wire_data = def.wire?.translate ? def.wire.translate(payload) : payload;
  const timeout_seconds = body.timeout_seconds ?? LIMITS.timeoutSeconds.default;
  const corr = def.progress?.correlate_by;
  const keyValue = corr !== undefined && corr !== 'bid' ? payload[corr.payload_field] : undefined;
  const accepted_at = now.toISOString();
  return {
    command_id: uuidv7(),
    api_id,
    vendor: 'dji',
    device_id: body.device_id,
    gateway_sn: (await store.gatewayOf(body.device_id)) ?? body.device_id,
    command_type: body.command_type,
    payload,
    wire_data,
    transport: def.transport,
    idempotency_key: body.idempotency_key,
    request_hash: requestHash(body),
    timeout_seconds,
    tid: uuidv7(),
    bid: bidOf(def.bid_from, payload),
    progress_key: keyValue === undefined || keyValue === null ? null : String(keyValue),
    seq: null,
    status: 'ACCEPTED',
    dispatch_state: 'pending',
    response_code: null,
    response_message: null,
    vendor_response: null,
    failure_code: null,
    failure_reason: null,
    progress: null,
    messages: [],
    accepted_at,
    delivered_at: null,
    response_received_at: null,
    completed_at: null,
    updated_at: accepted_at,
    // The reply limit: only the dock's acceptance is bounded by timeout_seconds (a progress-tracked
    // job then gets its catalog limits: jobDeadline in ./transitions.ts).
    deadline_at: timeout_seconds === 0 ? null : new Date(now.getTime() + timeout_seconds * 1000).toISOString(),
    deadline_code: null,
    deadline_reason: null,
  };
}

/** Whether `cred` may address `device_id` (directly, or through the dock `gateway_sn` it belongs to). */
export function mayAddress(cred: Credential, device_id: string, gateway_sn: string): boolean {
  return cred.allowed_devices === null || cred.allowed_devices.includes(device_id) || cred.allowed_devices.includes(gateway_sn);
}

/** What accepting needs: the store, and the MQTT core's dispatcher entry points. */
export interface AcceptDeps {
  store: Pick<Store, 'gatewayOf' | 'createCommand'>;
  dispatch: Pick<MqttCore, 'dispatchClaim' | 'dispatchAccepted' | 'notifyAccepted'>;
}

/**
 * Outcome of `acceptCommand`: `created` (new command, handed to the dispatcher), `replayed` (the
 * same key and body were accepted before: that command, nothing dispatched), `conflict` (the key
 * was used with another body: the existing command), `forbidden` (the device, or the dock it sits
 * behind, is outside the credential's allowed devices: nothing stored).
 */
export type AcceptOutcome =
  | { kind: 'created' | 'replayed' | 'conflict'; command: CommandRecord }
  | { kind: 'forbidden'; record: CommandRecord };

/**
 * Accept `body` for `credential`: build the record, check the credential may address it, insert it
 * (taking a publish lease in the same INSERT when the dispatcher can publish at once — that saves
 * the claim query — else unclaimed, waking the dispatcher), then publish the leased command.
 * Throws the catalog's `PayloadTranslationError` when the payload cannot be put on the wire;
 * store errors (`StoreUnavailableError`) propagate.
 */
export async function acceptCommand(deps: AcceptDeps, credential: Credential, body: CreateCommandBody, now: Date = new Date()): Promise<AcceptOutcome> {
  const { store, dispatch } = deps;
  const record = await buildCommandRecord(store, credential.api_id, body, now);
  if (!mayAddress(credential, record.device_id, record.gateway_sn)) return { kind: 'forbidden', record };
  const claim = dispatch.dispatchClaim();
  const outcome = await store.createCommand(record, claim ?? undefined);
  if (outcome.kind === 'created') {
    if (claim) dispatch.dispatchAccepted(outcome.command);
    else dispatch.notifyAccepted(outcome.command.command_id);
  }
  return outcome;
}
