/**
 * Device requests (`thing/product/{gateway_sn}/requests`, docs/dji/requests.md; issue 3 §6):
 * each message is stored as a device request for partners to list and answer; the ones the
 * platform can answer from its own configuration (catalog `auto_reply`, at least `config`) are
 * answered at once with `reply_source: auto`.
 *
 * Replies go to `…/requests_reply` with the request's `tid`, `bid` and `method`; their data is
 * shaped in server/device-requests/replies.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DeviceRequestDef } from '../../spec/types.js';
import { autoReplyFor, autoReplyRecord, requestReplyMessage, type AutoReplyConfig } from '../device-requests/replies.js';
import type { DeviceRequestRecord, Store } from '../store/types.js';
import type { DjiEnvelope } from './envelope.js';
import type { MqttLink } from './link.js';
import type { Stats } from './stats.js';
import { requestsReplyTopic } from '../../spec/topics.js';

export interface RequestHandlerOptions {
  store: Store;
  link: MqttLink;
  logger: Logger;
  stats: Stats;
  requestDefs: ReadonlyMap<string, DeviceRequestDef>;
  autoReply?: AutoReplyConfig;
}

export class RequestHandler {
  constructor(private readonly o: RequestHandlerOptions) {}

  /** Publish `requests_reply` for `req`; resolves on PUBACK. */
  async publishReply(req: DeviceRequestRecord, data: Record<string, unknown>): Promise<void> {
    await this.o.link.publish(requestsReplyTopic(req.device_id), requestReplyMessage(req, data), 1);
  }

  /** Store a `requests` message from `gateway_sn` and auto-answer it when the platform can. */
  async onRequest(gateway_sn: string, env: DjiEnvelope): Promise<void> {
    const { store, stats, logger, requestDefs, autoReply } = this.o;
    const now = new Date().toISOString();
    const rec: DeviceRequestRecord = {
      request_id: randomUUID(),
      vendor: 'dji',
      device_id: gateway_sn,
      request_type: env.method,
      inbound_payload: env.raw,
      tid: env.tid,
      bid: env.bid,
      received_at: now,
      reply_code: null,
      reply_message: null,
      reply_payload: null,
      reply_source: null,
      standardized_reply: null,
      replied_at: null,
    };
    const stored = await store.insertDeviceRequest(rec);
    const resent = stored.request_id !== rec.request_id;
    if (!resent) {
      stats.inc('requests_received');
      logger.info({ request_id: stored.request_id, gateway_sn, request_type: env.method, tid: env.tid }, 'device request received');
    }
    let data: Record<string, unknown> | null;
    try {
      data = await autoReplyFor(requestDefs.get(env.method), autoReply, gateway_sn);
    } catch (err) {
      // STS down or refusing: the request stays open for a partner to answer (message only: no secrets).
      logger.warn({ request_id: stored.request_id, gateway_sn, request_type: env.method, err: (err as Error).message }, 'automatic reply failed');
      data = null;
    }
    if (resent && stored.replied_at !== null && stored.standardized_reply) {
      // The dock asked again (same tid): our reply was probably lost, so send it again. An
      // automatic reply is rebuilt because the stored copy has its secrets redacted.
      await this.publishReply(stored, stored.reply_source === 'auto' && data ? data : stored.standardized_reply);
      return;
    }
    if (!data || stored.replied_at !== null) return;
    const replied = await store.replyDeviceRequest(stored.request_id, autoReplyRecord(data, new Date().toISOString()));
    if (!replied) return; // answered meanwhile (manual reply or another instance)
    await this.publishReply(replied, data);
    stats.inc('auto_replies');
    logger.info({ request_id: replied.request_id, gateway_sn, request_type: env.method }, 'device request answered automatically');
  }
}
