/**
 * Handlers of the device-request operations (listDeviceRequests, getDeviceRequest,
 * replyDeviceRequest). A credential sees the requests of its allowed devices (null = all); others
 * are 404. The reply mapping is documented in docs/device-requests.md.
 */
import type { Context } from 'hono';
import { LIMITS } from '../../spec/api.js';
import { deviceRequestsByType } from '../../spec/requests.js';
import type { Credential, DeviceRequestRecord } from '../store/types.js';
import { ApiError } from '../http/errors.js';
import '../http/context.js';
import { withCursor, type HandlerResult } from './commands.js';
import type { HandlerDeps } from './deps.js';
import { deviceRequestView } from './views.js';

/**
 * Whether the `requests_reply` data of `request_type` is flat (no `{result, output}`), as DJI
 * requires for `config` (dji-cloud-api-protocol.md §5): the catalog's `reply_form`; unknown
 * request types are wrapped.
 */
export function isFlatReply(request_type: string): boolean {
  return deviceRequestsByType.get(request_type)?.reply_form === 'flat';
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

/** The `data` published on `requests_reply`: flat payload for `config`, else `{result, output: payload ?? {}}`. */
export function replyData(request_type: string, reply_code: string, payload: Record<string, unknown> | undefined): Record<string, unknown> {
  if (isFlatReply(request_type)) return { ...(payload ?? {}) };
  return { result: resultOf(reply_code), output: payload ?? {} };
}

function visible(cred: Credential, r: DeviceRequestRecord | null): r is DeviceRequestRecord {
  return r !== null && (cred.allowed_devices === null || cred.allowed_devices.includes(r.device_id));
}

/** How long a reply waits for the broker's ack before answering 202 anyway (the MQTT client keeps it queued). */
const PUBLISH_WAIT_MS = 5000;

/** The three device-request handlers, bound to the gateway's store and MQTT core. */
export function deviceRequestHandlers({ store, mqtt, logger }: HandlerDeps) {
  async function visibleRequest(cred: Credential, request_id: string): Promise<DeviceRequestRecord> {
    const r = await store.getDeviceRequest(request_id);
    if (!visible(cred, r)) throw new ApiError('DEVICE_REQUEST_NOT_FOUND', `No device request ${request_id} is visible to this credential.`);
    return r;
  }

  return {
    async listDeviceRequests(c: Context, input: { query: { vendor?: string; device_id?: string; request_type?: string; limit?: number; cursor?: string } }): Promise<HandlerResult> {
      const q = input.query;
      const page = await withCursor(
        store.listDeviceRequests({
          allowed_devices: c.get('credential').allowed_devices,
          vendor: q.vendor,
          device_id: q.device_id,
          request_type: q.request_type,
          limit: q.limit ?? LIMITS.listLimit.default,
          cursor: q.cursor,
        }),
      );
      return { status: 200, body: { items: page.items.map(deviceRequestView), next_cursor: page.next_cursor } };
    },

    async getDeviceRequest(c: Context, input: { params: { request_id: string } }): Promise<HandlerResult> {
      return { status: 200, body: deviceRequestView(await visibleRequest(c.get('credential'), input.params.request_id)) };
    },

    async replyDeviceRequest(c: Context, input: { params: { request_id: string }; body: { reply_code: string; reply_message?: string; payload?: Record<string, unknown> } }): Promise<HandlerResult> {
      const req = await visibleRequest(c.get('credential'), input.params.request_id);
      if (req.replied_at !== null) throw new ApiError('DEVICE_REQUEST_ALREADY_REPLIED', `Device request ${req.request_id} was already answered (${req.reply_source}) at ${req.replied_at}.`);
      const b = input.body;
      const data = replyData(req.request_type, b.reply_code, b.payload);
      const replied = await store.replyDeviceRequest(req.request_id, {
        reply_code: b.reply_code,
        reply_message: b.reply_message ?? null,
        reply_payload: b.payload ?? null,
        reply_source: 'manual',
        standardized_reply: data,
        replied_at: new Date().toISOString(),
      });
      if (replied === null) throw new ApiError('DEVICE_REQUEST_ALREADY_REPLIED', `Device request ${req.request_id} was already answered.`);
      // Stored first (exactly one reply wins), then published. A broker outage must not hold the
      // HTTP request open: after PUBLISH_WAIT_MS the reply stays queued in the MQTT client.
      const published = mqtt.publishRequestReply(replied, data);
      const settled = await Promise.race([
        published.then(() => 'acked' as const),
        new Promise<'pending'>((r) => setTimeout(r, PUBLISH_WAIT_MS, 'pending').unref()),
      ]).catch((err: unknown) => {
        logger.error({ request_id: c.get('requestId'), device_request_id: req.request_id, err: (err as Error).message }, 'requests_reply publish failed');
        throw new ApiError('SERVICE_UNAVAILABLE', 'The reply was stored but could not be published to the broker.');
      });
      if (settled === 'pending') {
        published.catch((err: unknown) => logger.error({ device_request_id: req.request_id, err: (err as Error).message }, 'requests_reply publish failed'));
        logger.warn({ device_request_id: req.request_id }, 'requests_reply not yet acknowledged by the broker; left queued');
      }
      return {
        status: 202,
        body: { request_id: replied.request_id, reply_code: replied.reply_code, reply_message: replied.reply_message, reply_source: 'manual', replied_at: replied.replied_at },
      };
    },
  };
}
