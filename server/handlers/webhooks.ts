/**
 * Handlers of the webhook operations (issue 13 items 3–4): adapters from the generated routes'
 * validated input to server/webhooks/ and `store.webhooks`. A credential sees and changes only its
 * own endpoints (others are 404).
 */
import type { Handlers } from '../../generated/server/routes.js';
import { LIMITS } from '../../spec/api.js';
import { ApiError } from '../http/errors.js';
import '../http/context.js';
import { attemptView, createEndpoint, endpointView, ownEndpoint, sendTest, subscribe, subscriptionView, updateEndpoint, type WebhookDeps } from '../webhooks/endpoints.js';
import { withCursor } from './commands.js';
import type { HandlerDeps } from './deps.js';

type WebhookHandlers = Pick<
  Handlers,
  | 'createWebhookEndpoint' | 'listWebhookEndpoints' | 'getWebhookEndpoint' | 'updateWebhookEndpoint' | 'createWebhookSubscription' | 'listWebhookSubscriptions'
  | 'deleteWebhookSubscription' | 'listWebhookAttempts' | 'redeliverWebhookEvent' | 'recoverWebhookDeliveries' | 'sendWebhookTest'
>;

/** The webhook handlers, bound to the store and the delivery worker's `kick`. */
export function webhookHandlers({ store }: Pick<HandlerDeps, 'store'>, d: WebhookDeps): WebhookHandlers {
  const w = store.webhooks;
  const api = (c: { get(k: 'credential'): { api_id: string } }) => c.get('credential').api_id;
  const now = () => new Date((d.now ?? Date.now)()).toISOString();
  return {
    async createWebhookEndpoint(c, input) {
      return { status: 201, body: await createEndpoint(w, d, api(c), input.body) };
    },
    async listWebhookEndpoints(c, input) {
      const page = await withCursor(w.listEndpoints(api(c), input.query.limit ?? LIMITS.listLimit.default, input.query.cursor));
      return { status: 200, body: { items: page.items.map(endpointView), next_cursor: page.next_cursor } };
    },
    async getWebhookEndpoint(c, input) {
      return { status: 200, body: endpointView(await ownEndpoint(w, api(c), input.params.endpoint_id)) };
    },
    async updateWebhookEndpoint(c, input) {
      const out = await updateEndpoint(w, d, api(c), input.params.endpoint_id, input.body);
      if (input.body.status === 'ACTIVE') d.kick();
      return { status: 200, body: out };
    },
    async createWebhookSubscription(c, input) {
      return { status: 201, body: subscriptionView(await subscribe(w, d, api(c), input.params.endpoint_id, input.body.event_type)) };
    },
    async listWebhookSubscriptions(c, input) {
      await ownEndpoint(w, api(c), input.params.endpoint_id);
      return { status: 200, body: { items: (await w.listSubscriptions(input.params.endpoint_id)).map(subscriptionView) } };
    },
    async deleteWebhookSubscription(c, input) {
      await ownEndpoint(w, api(c), input.params.endpoint_id);
      if (!(await w.deleteSubscription(input.params.endpoint_id, input.params.subscription_id))) {
        throw new ApiError('WEBHOOK_SUBSCRIPTION_NOT_FOUND', `Endpoint ${input.params.endpoint_id} has no subscription ${input.params.subscription_id}.`);
      }
      return { status: 204, body: undefined };
    },
    async listWebhookAttempts(c, input) {
      const q = input.query;
      const page = await withCursor(w.listAttempts({ api_id: api(c), endpoint_id: q.endpoint_id, event_id: q.event_id, limit: q.limit ?? LIMITS.listLimit.default, cursor: q.cursor }));
      return { status: 200, body: { items: page.items.map(attemptView), next_cursor: page.next_cursor } };
    },
    async redeliverWebhookEvent(c, input) {
      await ownEndpoint(w, api(c), input.params.endpoint_id);
      if (!(await w.redeliver(input.params.endpoint_id, input.params.event_id, now()))) {
        throw new ApiError('WEBHOOK_DELIVERY_NOT_FOUND', `Endpoint ${input.params.endpoint_id} has no delivery of event ${input.params.event_id}.`);
      }
      d.kick();
      return { status: 202, body: { count: 1 } };
    },
    async recoverWebhookDeliveries(c, input) {
      await ownEndpoint(w, api(c), input.params.endpoint_id);
      const count = await w.recoverFailed(input.params.endpoint_id, new Date(input.body.since).toISOString(), now());
      if (count > 0) d.kick();
      return { status: 202, body: { count } };
    },
    async sendWebhookTest(c, input) {
      return { status: 202, body: await sendTest(w, store.events, d, api(c), input.params.endpoint_id) };
    },
  };
}
