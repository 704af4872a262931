/**
 * What the handlers need from the rest of the gateway. The MQTT side is the subset of `MqttCore`
 * (server/mqtt/core.ts) the HTTP layer calls, so tests can pass the real core.
 */
import type { Logger } from 'pino';
import type { MqttCore } from '../mqtt/core.js';
import type { Store } from '../store/types.js';

/** The MQTT core's methods the HTTP layer calls (server/mqtt/core.ts documents each). */
export type MqttForHttp = Pick<MqttCore, 'notifyAccepted' | 'dispatchClaim' | 'dispatchAccepted' | 'publishRequestReply' | 'waitForTerminal' | 'connected'>;

export interface HandlerDeps {
  store: Store;
  mqtt: MqttForHttp;
  logger: Logger;
}
