/**
 * Example values the documentation shows. Where a value depends on a command or a device request
 * type, the template holds the value used without one, and the generator fills in the catalog's
 * (`command_type`, `payload`, `idempotency_key`, `progress`; `request_type`, `method`, `data`).
 */
import { LIMITS } from './limits.js';

export const EXAMPLE_DEVICE = 'dock-sn-001';
export const EXAMPLE_COMMAND_ID = '3c9a9be3-c710-41a1-96c8-41bf4d684dff';
export const EXAMPLE_REQUEST_ID = '7d1f0c2e-5b7a-4c3e-9a61-2f0e8d4b9c10';
export const EXAMPLE_TIME = '2026-04-22T12:00:00.000Z';
/** An `X-Request-Id` (also `request_id` in error bodies). */
export const EXAMPLE_REQUEST_ID_HEADER = 'req_01HZX3K4Q9N6V2B8C7D5E4F3G2';

/** Templates of the documented example bodies. */
export const EXAMPLES = {
  /** A create-command body. */
  createCommand: {
    vendor: 'dji',
    device_id: EXAMPLE_DEVICE,
    command_type: 'cover_open',
    payload: {},
    idempotency_key: 'req-cover_open-001',
    timeout_seconds: LIMITS.timeoutSeconds.default,
  },
  /** A `Command` (a finished one). */
  command: {
    command_id: EXAMPLE_COMMAND_ID,
    status: 'SUCCEEDED',
    vendor: 'dji',
    device_id: EXAMPLE_DEVICE,
    gateway_sn: EXAMPLE_DEVICE,
    command_type: 'cover_open',
    payload: {},
    idempotency_key: 'req-cover_open-001',
    timeout_seconds: LIMITS.timeoutSeconds.default,
    response_code: '0',
    response_message: null,
    vendor_response: { result: 0, output: { status: 'ok' } },
    failure_code: null,
    failure_reason: null,
    progress: null,
    accepted_at: EXAMPLE_TIME,
    delivered_at: '2026-04-22T12:00:00.050Z',
    response_received_at: '2026-04-22T12:00:00.400Z',
    completed_at: '2026-04-22T12:00:20.000Z',
    updated_at: '2026-04-22T12:00:20.000Z',
  },
  /** `Command.progress` of a command that reports progress. */
  progress: { percent: 100, step: null, dji_status: 'ok', updated_at: '2026-04-22T12:00:20.000Z' },
  /** A `DeviceRequest` (not replied yet). */
  deviceRequest: {
    request_id: EXAMPLE_REQUEST_ID,
    vendor: 'dji',
    device_id: EXAMPLE_DEVICE,
    request_type: 'config',
    inbound_payload: {
      tid: '6a7bfe89-c386-4043-b600-b518e10096cc',
      bid: '42a19f36-5117-4520-bd13-fd61d818d52e',
      timestamp: 1776859200000,
      gateway: EXAMPLE_DEVICE,
      method: 'config',
      data: {},
    },
    received_at: EXAMPLE_TIME,
    reply_code: null,
    reply_message: null,
    reply_source: null,
    standardized_reply: null,
    replied_at: null,
  },
};
