/**
 * Which events a stored change emits (issue 13 item 2), shared by the three stores so they write
 * the same events: command acceptance and transitions, device requests received and replied.
 */
import { TERMINAL_STATUSES, type EventType } from '../../spec/api.js';
import { uuidv7 } from '../commands/accept.js';
import { commandView, deviceRequestView } from '../handlers/views.js';
import type { CommandPatch, CommandRecord, DeviceRequestRecord } from '../store/types.js';
import type { NewEvent } from '../store/types/events.js';

function commandEvent(type: EventType, rec: CommandRecord): NewEvent {
  return { id: uuidv7(), type, timestamp: rec.updated_at, device_id: rec.device_id, api_id: rec.api_id, data: commandView(rec) };
}

/** `command.accepted` of a created command. */
export function acceptedEvents(rec: CommandRecord): NewEvent[] {
  return [{ ...commandEvent('command.accepted', rec), timestamp: rec.accepted_at }];
}

/**
 * The events of an applied transition: `command.delivered` when it set `delivered_at` to its own
 * time (server/commands/transitions.ts keeps an earlier `delivered_at`, so only the first delivery
 * does; read from the patch, the SQL needs no read of the old row), `command.progress` when it set a non-terminal `progress`,
 * `command.completed` when the status became terminal. A patch touching none (e.g. the DRC `seq`)
 * emits nothing.
 */
export function transitionEvents(patch: CommandPatch, rec: CommandRecord): NewEvent[] {
  const out: NewEvent[] = [];
  const terminal = (TERMINAL_STATUSES as readonly string[]).includes(rec.status);
  if (patch.delivered_at && patch.delivered_at === patch.updated_at) out.push(commandEvent('command.delivered', rec));
  if (patch.progress != null && !terminal) out.push(commandEvent('command.progress', rec));
  if (patch.status !== undefined && terminal) out.push(commandEvent('command.completed', rec));
  return out;
}

/** `device_request.received` of a newly stored request. */
export function requestReceivedEvents(r: DeviceRequestRecord): NewEvent[] {
  return [{ id: uuidv7(), type: 'device_request.received', timestamp: r.received_at, device_id: r.device_id, api_id: null, data: deviceRequestView(r) }];
}

/** `device_request.replied` of a request whose reply was stored. */
export function requestRepliedEvents(r: DeviceRequestRecord): NewEvent[] {
  return [{ id: uuidv7(), type: 'device_request.replied', timestamp: r.replied_at ?? r.received_at, device_id: r.device_id, api_id: null, data: deviceRequestView(r) }];
}

/** Whether event type `type` matches filter `f` (a type, or a prefix ending in `.*`). */
export function typeMatches(f: string | undefined, type: string): boolean {
  if (!f) return true;
  return f.endsWith('.*') ? type.startsWith(f.slice(0, -1)) : type === f;
}
