/**
 * Public views of stored records (the OpenAPI `Command` and `DeviceRequest` shapes): internal
 * fields (api_id, tid, bid, wire_data, messages, dispatch state, reply payload) stay inside.
 */
import type { components } from '../../generated/types.js';
import type { CommandRecord, DeviceRequestRecord } from '../store/types.js';

type Schemas = components['schemas'];

/** `Command` as returned by GET and list. */
export function commandView(r: CommandRecord): Schemas['Command'] {
  return {
    command_id: r.command_id,
    status: r.status,
    vendor: r.vendor,
    device_id: r.device_id,
    gateway_sn: r.gateway_sn,
    command_type: r.command_type,
    payload: r.payload,
    idempotency_key: r.idempotency_key,
    timeout_seconds: r.timeout_seconds,
    response_code: r.response_code,
    response_message: r.response_message,
    vendor_response: r.vendor_response,
    failure_code: r.failure_code,
    failure_reason: r.failure_reason,
    progress: r.progress,
    accepted_at: r.accepted_at,
    delivered_at: r.delivered_at,
    response_received_at: r.response_received_at,
    completed_at: r.completed_at,
    updated_at: r.updated_at,
  };
}

/** `CommandAccepted`: what 202 said when the command was accepted (also on idempotent replay). */
export function acceptedView(r: CommandRecord): Schemas['CommandAccepted'] {
  return { command_id: r.command_id, status: 'ACCEPTED', accepted_at: r.accepted_at };
}

/** `DeviceRequest` as returned by GET and list. */
export function deviceRequestView(r: DeviceRequestRecord): Schemas['DeviceRequest'] {
  return {
    request_id: r.request_id,
    vendor: r.vendor,
    device_id: r.device_id,
    request_type: r.request_type,
    inbound_payload: r.inbound_payload,
    received_at: r.received_at,
    reply_code: r.reply_code,
    reply_message: r.reply_message,
    reply_source: r.reply_source,
    standardized_reply: r.standardized_reply,
    replied_at: r.replied_at,
  };
}

/** `DeviceRequestReplyResponse`: a manual reply just stored (`reply_code` and `replied_at` are set). */
export function replyView(r: DeviceRequestRecord): Schemas['DeviceRequestReplyResponse'] {
  return { request_id: r.request_id, reply_code: r.reply_code as string, reply_message: r.reply_message, reply_source: 'manual', replied_at: r.replied_at as string };
}
