/**
 * What the handlers need from the rest of the gateway. The MQTT side is the subset of `MqttCore`
 * (server/mqtt/core.ts) the HTTP layer calls, so tests can pass the real core.
 */
import type { Logger } from 'pino';
import type { CommandRecord, DeviceRequestRecord, DispatchClaim, Store } from '../store/types.js';

export interface MqttForHttp {
  notifyAccepted(command_id: string): void;
  dispatchClaim(): DispatchClaim | null;
  dispatchAccepted(rec: CommandRecord): void;
  publishRequestReply(req: DeviceRequestRecord, data: Record<string, unknown>): Promise<void>;
  waitForTerminal(command_id: string, timeoutMs: number, known?: CommandRecord): Promise<CommandRecord | null>;
  connected(): boolean;
}

export interface HandlerDeps {
  store: Store;
  mqtt: MqttForHttp;
  logger: Logger;
}
