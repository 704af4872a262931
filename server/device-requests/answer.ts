/**
 * A partner's answer to a device request (`POST /device-requests/{request_id}/reply`): stored first
 * — a compare-and-set, so exactly one reply wins across instances and against the automatic reply —
 * then published on `requests_reply` (server/mqtt/requests.ts). Data shaping: ./replies.ts.
 */
import type { Logger } from 'pino';
import type { components } from '../../generated/types.js';
import type { MqttCore } from '../mqtt/core.js';
import type { DeviceRequestRecord, Store } from '../store/types.js';
import { manualReplyRecord, replyData } from './replies.js';

/** How long a reply waits for the broker's ack before `answerDeviceRequest` resolves anyway (the MQTT client keeps it queued). */
export const PUBLISH_WAIT_MS = 5000;

/** The reply was stored but the broker refused it (or the client failed): the dock did not get it. */
export class ReplyNotPublishedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The reply was stored but could not be published to the broker.', options);
    this.name = 'ReplyNotPublishedError';
  }
}

export interface AnswerDeps {
  store: Pick<Store, 'replyDeviceRequest'>;
  mqtt: Pick<MqttCore, 'publishRequestReply'>;
  logger: Logger;
}

/**
 * `replied`: stored and published (or still queued after `PUBLISH_WAIT_MS`; a later failure is
 * only logged). `already_replied`: another reply was stored first (`request` is the one the caller
 * read when that reply was already on it, else null: it won a race since).
 */
export type AnswerOutcome = { kind: 'replied'; request: DeviceRequestRecord } | { kind: 'already_replied'; request: DeviceRequestRecord | null };

/**
 * Answer `req` with `body`. Rejects with `ReplyNotPublishedError` when the publish fails within
 * `PUBLISH_WAIT_MS` (the reply stays stored), store errors propagate. A broker outage does not hold
 * the caller: after the wait it resolves and the reply stays queued in the MQTT client.
 */
export async function answerDeviceRequest(
  deps: AnswerDeps,
  req: DeviceRequestRecord,
  body: components['schemas']['DeviceRequestReplyRequest'],
  publishWaitMs = PUBLISH_WAIT_MS,
): Promise<AnswerOutcome> {
  const { store, mqtt, logger } = deps;
  if (req.replied_at !== null) return { kind: 'already_replied', request: req };
  const data = replyData(req.request_type, body.reply_code, body.payload);
  const replied = await store.replyDeviceRequest(req.request_id, manualReplyRecord(body, data, new Date().toISOString()));
  if (replied === null) return { kind: 'already_replied', request: null };
  const published = mqtt.publishRequestReply(replied, data);
  const settled = await Promise.race([
    published.then(() => 'acked' as const),
    new Promise<'pending'>((r) => setTimeout(r, publishWaitMs, 'pending').unref()),
  ]).catch((err: unknown) => {
    logger.error({ device_request_id: req.request_id, err: (err as Error).message }, 'requests_reply publish failed');
    throw new ReplyNotPublishedError({ cause: err });
  });
  if (settled === 'pending') {
    published.catch((err: unknown) => logger.error({ device_request_id: req.request_id, err: (err as Error).message }, 'requests_reply publish failed'));
    logger.warn({ device_request_id: req.request_id }, 'requests_reply not yet acknowledged by the broker; left queued');
  }
  return { kind: 'replied', request: replied };
}
