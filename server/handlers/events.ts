/**
 * Handlers of the event operations (listEvents): the event log, filtered to what the credential
 * may see (its own commands' events and its allowed devices' events).
 */
import type { Handlers } from '../../generated/server/routes.js';
import { ApiError } from '../http/errors.js';
import type { HandlerDeps } from './deps.js';

/** The event handlers, bound to the gateway's store. */
export function eventHandlers(_deps: HandlerDeps): Pick<Handlers, 'listEvents'> {
  return {
    async listEvents() {
      throw new ApiError('SERVICE_UNAVAILABLE', 'The event log is not wired yet.');
    },
  };
}
