/**
 * The HTTP application: request id → request log → health, spec and docs → for `/api/v1/open/*`
 * raw body (413) → authentication (401/403) → generated routes (validation) → handlers.
 * Pure composition: no listening, so tests can call `app.request()` or serve it on port 0.
 */
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { registerRoutes, routeTable, type Handlers, type RouteHooks } from '../generated/server/routes.js';
import type { Config } from './config.js';
import { authenticate } from './http/auth.js';
import { rawBody, readJsonBody } from './http/body.js';
import { errorResponse, notFound, onError } from './http/errors.js';
import { requestLogger } from './http/logger.js';
import { requestId } from './http/request-id.js';
import { staticFiles } from './http/static.js';
import { commandHandlers } from './handlers/commands.js';
import type { MqttForHttp } from './handlers/deps.js';
import { deviceRequestHandlers } from './handlers/device-requests.js';
import { deviceHandlers } from './handlers/devices.js';
import { missionHandlers } from './handlers/missions.js';
import { HmsMessages } from './fleet/hms.js';
import { webhookHandlers } from './handlers/webhooks.js';
import type { WebhookDeps } from './webhooks/endpoints.js';
import { eventHandlers } from './handlers/events.js';
import type { StreamOptions } from './events/stream.js';
import type { Metrics } from './metrics.js';
import type { Store } from './store/types.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface AppDeps {
  config: Pick<Config, 'bodyLimit'> & Partial<Pick<Config, 'hmsMessagesFile'>>;
  store: Store;
  mqtt: MqttForHttp;
  logger: Logger;
  /**
   * Extension point for the mock server (mock/server.ts): called after authentication is mounted
   * on `/api/v1/open/*` and before the generated routes, so it can add middleware that sees the
   * authenticated credential and extra routes (e.g. `/mock/v1/*`). Gets the app's store, MQTT core
   * and logger. Production passes nothing.
   */
  extend?: (app: Hono, deps: { store: Store; mqtt: MqttForHttp; logger: Logger }) => void;
  /** Timing of `GET /api/v1/open/events/stream` (heartbeat, poll); tests shorten it. */
  eventStream?: StreamOptions;
  /** Prometheus metrics (server/metrics.ts): counts every request and serves `GET /metrics`. */
  metrics?: Pick<Metrics, 'middleware' | 'handler'>;
  /** Webhook settings and the delivery worker's wake-up (server/webhooks/); default: private addresses refused, no worker. */
  webhooks?: WebhookDeps;
}

/** The route hooks: cached JSON body and the error envelope for invalid input. */
export const routeHooks: RouteHooks = {
  readBody: readJsonBody,
  onInvalid(c, code, issues) {
    const first = issues[0]?.message;
    const message = code === 'VALIDATION_FAILED' ? `${issues.length} invalid field${issues.length === 1 ? '' : 's'}${first ? `: ${first}` : ''}${issues.length > 1 ? ' (see details)' : ''}.` : first;
    return errorResponse(c, code, message, issues);
  },
};

/** Build the Hono app of the gateway. */
export function createApp({ config, store, mqtt, logger, extend, metrics, eventStream, webhooks }: AppDeps): Hono {
  const app = new Hono();
  app.onError(onError(logger));
  app.notFound(notFound);
  app.use('*', requestId());
  app.use('*', requestLogger(logger));
  if (metrics) {
    app.use('*', metrics.middleware);
    app.get('/metrics', metrics.handler);
  }

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const storeUp = await store.ping().catch(() => false);
    const mqttUp = mqtt.connected();
    const ok = storeUp && mqttUp;
    return c.json({ status: ok ? 'ready' : 'unavailable', store: storeUp ? 'up' : 'down', mqtt: mqttUp ? 'up' : 'down' }, ok ? 200 : 503);
  });

  const generated = staticFiles([ROOT + 'generated']);
  app.get('/openapi.json', (c) => generated(c, 'openapi.json'));
  app.get('/openapi.yaml', (c) => generated(c, 'openapi.yaml'));
  const docs = staticFiles([ROOT + 'docs/reference', ROOT + 'docs']);
  app.get('/docs', (c) => docs(c, 'index.html'));
  app.get('/docs/', (c) => docs(c, 'index.html'));
  // The guides' home, so /docs/guides works as a link as well as /docs/guides/index.html.
  app.get('/docs/guides', (c) => c.redirect('/docs/guides/index.html'));
  app.get('/docs/guides/', (c) => c.redirect('/docs/guides/index.html'));
  app.get('/docs/*', (c) => docs(c, c.req.path.slice('/docs/'.length)));

  app.use('/api/v1/open/*', rawBody(config.bodyLimit), authenticate({ store, routes: routeTable }));
  const handlers: Handlers = {
    ...commandHandlers({ store, mqtt, logger }),
    ...deviceRequestHandlers({ store, mqtt, logger }),
    ...deviceHandlers({ store, hmsMessages: HmsMessages.load(config.hmsMessagesFile ?? null) }),
    ...eventHandlers({ store, mqtt, logger }, eventStream),
    ...missionHandlers({ store }),
    ...webhookHandlers({ store }, webhooks ?? { allowPrivate: false, kick: () => {} }),
  };
  extend?.(app, { store, mqtt, logger });
  registerRoutes(app, handlers, routeHooks);
  return app;
}
