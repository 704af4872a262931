/**
 * Which events a stored change emits (issue 13 item 2), shared by the three stores so they write
 * the same events: command acceptance and transitions, device requests received and replied, device
 * presence changes and HMS alarms raised / cleared.
 */
import { TERMINAL_STATUSES, type EventType } from '../../spec/api.js';
import { uuidv7 } from '../commands/accept.js';
import { commandView, deviceRequestView } from '../handlers/views.js';
import type { CommandPatch, CommandProgress, CommandRecord, DeviceRequestRecord } from '../store/types.js';
import type { NewEvent } from '../store/types/events.js';
import type { AlarmRecord, PresenceChange } from '../store/types/fleet.js';
import type { components } from '../../generated/types.js';

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
 * does; read from the patch, the SQL needs no read of the old row), `command.progress` when it set
 * a non-terminal `progress` that differs from `before` (the stored one; a repeat emits nothing),
 * `command.completed` when the status became terminal. A patch touching none (e.g. the DRC `seq`)
 * emits nothing.
 */
export function transitionEvents(patch: CommandPatch, rec: CommandRecord, before?: CommandProgress | null): NewEvent[] {
  const out: NewEvent[] = [];
  const terminal = (TERMINAL_STATUSES as readonly string[]).includes(rec.status);
  if (patch.delivered_at && patch.delivered_at === patch.updated_at) out.push(commandEvent('command.delivered', rec));
  if (patch.progress != null && !terminal && !sameProgress(before, patch.progress)) out.push(commandEvent('command.progress', rec));
  if (patch.status !== undefined && terminal) out.push(commandEvent('command.completed', rec));
  return out;
}

/** Whether a progress event repeats the stored progress (percent, step, DJI status; not its time). */
function sameProgress(a: CommandProgress | null | undefined, b: CommandProgress): boolean {
  return a != null && a.percent === b.percent && a.step === b.step && a.dji_status === b.dji_status;
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

type EventData<C extends keyof components['schemas']> = components['schemas'][C] extends { data: infer D } ? D : never;

function deviceEvent(type: EventType, sn: string, at: string, data: unknown): NewEvent {
  return { id: uuidv7(), type, timestamp: at, device_id: sn, api_id: null, data };
}

/**
 * Device events for the fleet store (issue 11): build them and write them in the transaction of the
 * presence / HMS change, with the store kind's writer (`SqliteEventLog.writeEvents(evs)` inside the
 * write's savepoint, `PostgresEventLog.writeEvents(client, evs)` then `committed()`,
 * `MemoryEventLog.writeEvents(evs)`). Visible to credentials allowed the device.
 */
export const deviceEvents = {
  online: (d: EventData<'DeviceOnlineEvent'>): NewEvent => deviceEvent('device.online', d.sn, d.online_at, d),
  offline: (d: EventData<'DeviceOfflineEvent'>): NewEvent => deviceEvent('device.offline', d.sn, d.offline_at, d),
  hmsRaised: (d: EventData<'DeviceHmsRaisedEvent'>): NewEvent => deviceEvent('device.hms_raised', d.sn, d.raised_at, d),
  hmsCleared: (d: EventData<'DeviceHmsClearedEvent'>): NewEvent => deviceEvent('device.hms_cleared', d.sn, d.cleared_at, d),
};

/** Where a device sits, for the presence events: its kind and (aircraft) dock. */
export interface DevicePlace {
  kind: 'dock' | 'aircraft';
  gateway_sn: string | null;
}

/** `device.online` / `device.offline` of a stored presence change (the fleet stores call it in the change's transaction). */
export function presenceEvents(c: PresenceChange, d: DevicePlace): NewEvent[] {
  const dock_sn = d.kind === 'aircraft' ? d.gateway_sn : null;
  if (c.online) return [deviceEvents.online({ sn: c.sn, kind: d.kind, dock_sn, online_at: c.at, reason: c.reason })];
  if (c.reason === 'message') throw new Error('an offline change has no reason "message"');
  return [deviceEvents.offline({ sn: c.sn, kind: d.kind, dock_sn, offline_at: c.at, reason: c.reason })];
}

/** The `hms` of an alarm event (null fields as the dock left them; `in_the_sky` as a boolean). */
function hmsView(a: AlarmRecord): EventData<'DeviceHmsRaisedEvent'>['hms'] {
  return {
    alarm_id: a.alarm_id, key: a.code, level: a.level, module: a.module,
    in_the_sky: a.in_the_sky === null ? null : a.in_the_sky !== 0, device_type: a.device_type, args: a.args,
  };
}

/** One `device.hms_raised` per raised alarm, one `device.hms_cleared` per cleared alarm of an applied HMS report. */
export function hmsEvents(diff: { raised: AlarmRecord[]; cleared: AlarmRecord[] }): NewEvent[] {
  return [
    ...diff.raised.map((a) => deviceEvents.hmsRaised({ sn: a.sn, hms: hmsView(a), raised_at: a.raised_at })),
    ...diff.cleared.map((a) => deviceEvents.hmsCleared({ sn: a.sn, hms: hmsView(a), raised_at: a.raised_at, cleared_at: a.cleared_at ?? a.raised_at })),
  ];
}
