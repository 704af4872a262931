/**
 * Handlers of the device-request operations (listDeviceRequests, getDeviceRequest,
 * replyDeviceRequest): adapters from the generated routes' validated input to the store and the
 * device-request core (server/device-requests/). A credential sees the requests of its allowed
 * devices (null = all); others are 404. The reply mapping is documented in docs/device-requests.md.
 */
import type { Handlers } from '../../generated/server/routes.js';
import { LIMITS } from '../../spec/api.js';
import { answerDeviceRequest, ReplyNotPublishedError, type AnswerOutcome } from '../device-requests/answer.js';
import type { Credential, DeviceRequestRecord } from '../store/types.js';
import { ApiError } from '../http/errors.js';
import '../http/context.js';
import { withCursor } from './commands.js';
import type { HandlerDeps } from './deps.js';
import { deviceRequestView, replyView } from './views.js';

function visible(cred: Credential, r: DeviceRequestRecord | null): r is DeviceRequestRecord {
  return r !== null && (cred.allowed_devices === null || cred.allowed_devices.includes(r.device_id));
}

/** The three device-request handlers, bound to the gateway's store and MQTT core. */
export function deviceRequestHandlers({ store, mqtt, logger }: HandlerDeps): Pick<Handlers, 'listDeviceRequests' | 'getDeviceRequest' | 'replyDeviceRequest'> {
  async function visibleRequest(cred: Credential, request_id: string): Promise<DeviceRequestRecord> {
    const r = await store.getDeviceRequest(request_id);
    if (!visible(cred, r)) throw new ApiError('DEVICE_REQUEST_NOT_FOUND', `No device request ${request_id} is visible to this credential.`);
    return r;
  }

  return {
    async listDeviceRequests(c, input) {
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

    async getDeviceRequest(c, input) {
      return { status: 200, body: deviceRequestView(await visibleRequest(c.get('credential'), input.params.request_id)) };
    },

    async replyDeviceRequest(c, input) {
      const req = await visibleRequest(c.get('credential'), input.params.request_id);
      let out: AnswerOutcome;
      try {
        out = await answerDeviceRequest({ store, mqtt, logger: logger.child({ request_id: c.get('requestId') }) }, req, input.body);
      } catch (e) {
        if (e instanceof ReplyNotPublishedError) throw new ApiError('SERVICE_UNAVAILABLE', e.message);
        throw e;
      }
      if (out.kind === 'already_replied') {
        const r = out.request;
        throw new ApiError('DEVICE_REQUEST_ALREADY_REPLIED', r ? `Device request ${r.request_id} was already answered (${r.reply_source}) at ${r.replied_at}.` : `Device request ${req.request_id} was already answered.`);
      }
      return { status: 202, body: replyView(out.request) };
    },
  };
}
