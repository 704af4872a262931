/**
 * Handlers of the downlink-command operations (spec/api.ts: createCommand, listCommands,
 * getCommand). Input is already validated by the generated routes; the credential is on the
 * context (auth.ts). A credential sees only the commands it created: others are 404.
 */
import type { Context } from 'hono';
import { LIMITS, TERMINAL_STATUSES, type CommandStatus } from '../../spec/api.js';
import { PayloadTranslationError } from '../../spec/types.js';
import { buildCommandRecord, type CreateCommandBody } from '../commands/accept.js';
import { InvalidCursorError } from '../store/cursor.js';
import type { CommandRecord, Credential, Store } from '../store/types.js';
import { ApiError } from '../http/errors.js';
import '../http/context.js';
import type { HandlerDeps } from './deps.js';
import { acceptedView, commandView } from './views.js';

import type { HandlerResult } from '../http/route.js';
export type { HandlerResult };

/** Whether `cred` may address `device_id` (directly, or through the dock it belongs to). */
export function mayAddress(cred: Credential, device_id: string, gateway_sn: string): boolean {
  return cred.allowed_devices === null || cred.allowed_devices.includes(device_id) || cred.allowed_devices.includes(gateway_sn);
}

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
export function commandHandlers({ store, mqtt }: HandlerDeps) {
  return {
    async createCommand(c: Context, input: { body: CreateCommandBody }): Promise<HandlerResult> {
      const cred = c.get('credential');
      let record: CommandRecord;
      try {
        record = await buildCommandRecord(store, cred.api_id, input.body);
      } catch (e) {
        if (e instanceof PayloadTranslationError) throw new ApiError('VALIDATION_FAILED', undefined, [{ field: e.field, rule: e.rule, message: e.message }]);
        throw e;
      }
      if (!mayAddress(cred, record.device_id, record.gateway_sn)) {
        throw new ApiError('FORBIDDEN', `device_id ${record.device_id} is outside the credential's allowed devices.`);
      }
      const claim = mqtt.dispatchClaim();
      const outcome = await store.createCommand(record, claim ?? undefined);
      if (outcome.kind === 'conflict') {
        throw new ApiError('IDEMPOTENCY_CONFLICT', `idempotency_key ${JSON.stringify(record.idempotency_key)} was already used with a different body (command ${outcome.command.command_id}).`);
      }
      if (outcome.kind === 'replayed') return { status: 202, body: acceptedView(outcome.command), headers: { 'Idempotent-Replayed': 'true' } };
      if (claim) mqtt.dispatchAccepted(outcome.command);
      else mqtt.notifyAccepted(outcome.command.command_id);
      return { status: 202, body: acceptedView(outcome.command) };
    },

    async listCommands(c: Context, input: { query: { device_id?: string; command_type?: string; status?: string; limit?: number; cursor?: string } }): Promise<HandlerResult> {
      const q = input.query;
      const page = await withCursor(
        store.listCommands({
          api_id: c.get('credential').api_id,
          device_id: q.device_id,
          command_type: q.command_type,
          status: q.status as CommandStatus | undefined,
          limit: q.limit ?? LIMITS.listLimit.default,
          cursor: q.cursor,
        }),
      );
      return { status: 200, body: { items: page.items.map(commandView), next_cursor: page.next_cursor } };
    },

    async getCommand(c: Context, input: { params: { command_id: string }; query: { wait_seconds?: number } }): Promise<HandlerResult> {
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
