/**
 * Handlers of the downlink-command operations (spec/api.ts: createCommand, listCommands,
 * getCommand): adapters from the generated routes' validated input to the command core
 * (server/commands/) and back to HTTP results and error codes. The credential is on the context
 * (auth.ts). A credential sees only the commands it created: others are 404.
 */
import type { Handlers } from '../../generated/server/routes.js';
import { LIMITS, TERMINAL_STATUSES } from '../../spec/api.js';
import { PayloadTranslationError } from '../../spec/types.js';
import { acceptCommand, type AcceptOutcome } from '../commands/accept.js';
import { InvalidCursorError } from '../store/cursor.js';
import type { CommandRecord, Credential, Store } from '../store/types.js';
import { ApiError } from '../http/errors.js';
import '../http/context.js';
import type { HandlerDeps } from './deps.js';
import { acceptedView, commandView } from './views.js';

/** Invalid cursors are a client error on field `cursor`. */
export async function withCursor<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof InvalidCursorError) throw new ApiError('VALIDATION_FAILED', undefined, [{ field: 'cursor', rule: 'cursor', message: `cursor ${e.message}` }]);
    throw e;
  }
}

async function visibleCommand(store: Store, cred: Credential, command_id: string): Promise<CommandRecord> {
  const rec = await store.getCommand(command_id);
  if (rec === null || rec.api_id !== cred.api_id) throw new ApiError('COMMAND_NOT_FOUND', `No command ${command_id} is visible to this credential.`);
  return rec;
}

/** The three command handlers, bound to the gateway's store and MQTT core. */
export function commandHandlers({ store, mqtt }: HandlerDeps): Pick<Handlers, 'createCommand' | 'listCommands' | 'getCommand'> {
  return {
    async createCommand(c, input) {
      let out: AcceptOutcome;
      try {
        out = await acceptCommand({ store, dispatch: mqtt }, c.get('credential'), input.body);
      } catch (e) {
        if (e instanceof PayloadTranslationError) throw new ApiError('VALIDATION_FAILED', undefined, [{ field: e.field, rule: e.rule, message: e.message }]);
        throw e;
      }
      switch (out.kind) {
        case 'forbidden':
          throw new ApiError('FORBIDDEN', `device_id ${out.record.device_id} is outside the credential's allowed devices.`);
        case 'conflict':
          throw new ApiError('IDEMPOTENCY_CONFLICT', `idempotency_key ${JSON.stringify(input.body.idempotency_key)} was already used with a different body (command ${out.command.command_id}).`);
        case 'replayed':
          return { status: 202, body: acceptedView(out.command), headers: { 'Idempotent-Replayed': 'true' } };
        case 'created':
          return { status: 202, body: acceptedView(out.command) };
      }
    },

    async listCommands(c, input) {
      const q = input.query;
      const page = await withCursor(
        store.listCommands({
          api_id: c.get('credential').api_id,
          device_id: q.device_id,
          command_type: q.command_type,
          status: q.status,
          limit: q.limit ?? LIMITS.listLimit.default,
          cursor: q.cursor,
        }),
      );
      return { status: 200, body: { items: page.items.map(commandView), next_cursor: page.next_cursor } };
    },

    async getCommand(c, input) {
      const cred = c.get('credential');
      let rec = await visibleCommand(store, cred, input.params.command_id);
      const wait = Math.min(input.query.wait_seconds ?? 0, LIMITS.waitSeconds.max);
      if (wait > 0 && !TERMINAL_STATUSES.includes(rec.status)) {
        // The terminal record when the wait saw one (no second read), else read it again.
        rec = (await mqtt.waitForTerminal(rec.command_id, wait * 1000, rec)) ?? (await visibleCommand(store, cred, rec.command_id));
      }
      return { status: 200, body: commandView(rec) };
    },
  };
}
