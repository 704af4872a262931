/**
 * The mission ingest (issue 12 items 2–3; docs/missions.md), fed by the MQTT core: flight-task
 * commands the dock accepted and `flighttask_progress` events build the flight-task record
 * (./flight-task.ts); `file_upload_callback` events become media records (./media.ts). The `events_reply` a progress event asks for (`need_reply: 1`) is sent by the
 * correlator, as for every event. Nothing here throws into the core: store failures are counted
 * (`mission_errors`) and logged.
 */
import type { Logger } from 'pino';
import type { DjiEnvelope } from '../mqtt/envelope.js';
import type { Stats } from '../mqtt/stats.js';
import type { CommandRecord, Store } from '../store/types.js';
import { mediaUploadedEvent, readUploadCallback } from './media.js';
import { applyCommand, applyProgress, FLIGHT_TASK_COMMANDS, readFlightProgress, type AcceptedFlightCommand } from './flight-task.js';

export interface MissionIngestOptions {
  store: Store;
  logger: Logger;
  stats: Stats;
  /** Clock (default the system's). */
  now?: () => Date;
}

/** The flight ids a command names in its payload (`flight_id`, or `flight_ids` of flighttask_undo). */
export function commandFlightIds(rec: CommandRecord): string[] {
  const p = rec.payload;
  const ids = typeof p.flight_id === 'string' ? [p.flight_id] : Array.isArray(p.flight_ids) ? p.flight_ids.filter((x): x is string => typeof x === 'string') : [];
  return ids.filter((x) => x.length > 0 && x.length <= 256);
}

export class MissionIngest {
  constructor(private readonly o: MissionIngestOptions) {}

  private now(): string {
    return (this.o.now?.() ?? new Date()).toISOString();
  }

  /** A command's transition after its `services_reply`: an accepted flight-task command joins its task. */
  async onReply(rec: CommandRecord): Promise<void> {
    if (!FLIGHT_TASK_COMMANDS.includes(rec.command_type) || rec.status === 'FAILED' || rec.status === 'UNMATCHED_RESPONSE') return;
    try {
      let ids = commandFlightIds(rec);
      if (ids.length === 0) {
        const open = await this.o.store.flightTasks.latestOpen(rec.gateway_sn);
        if (!open) return;
        ids = [open.flight_id];
      }
      const c: AcceptedFlightCommand = { command_id: rec.command_id, command_type: rec.command_type, api_id: rec.api_id, gateway_sn: rec.gateway_sn, at: rec.response_received_at ?? this.now() };
      for (const id of ids) await this.o.store.flightTasks.update(id, (prev) => applyCommand(prev, id, c));
    } catch (err) {
      this.o.stats.inc('mission_errors');
      this.o.logger.warn({ err, command_id: rec.command_id }, 'flight task: command not recorded');
    }
  }

  /** An `events` message: `flighttask_progress` updates its task. Returns a reason when malformed. */
  async onEvent(gateway_sn: string, env: DjiEnvelope): Promise<string | null> {
    if (env.method === 'file_upload_callback') return this.onUpload(gateway_sn, env);
    if (env.method !== 'flighttask_progress') return null;
    const p = readFlightProgress(env.data);
    if (!p) return '`data.output.ext.flight_id` missing';
    try {
      const at = this.now();
      const rec = await this.o.store.flightTasks.update(p.flight_id, (prev) => (prev && prev.gateway_sn !== gateway_sn ? null : applyProgress(prev, gateway_sn, p, at)));
      if (rec) this.o.stats.inc('flight_task_updates');
    } catch (err) {
      this.o.stats.inc('mission_errors');
      this.o.logger.warn({ err, gateway_sn, flight_id: p.flight_id }, 'flight task: progress not recorded');
    }
    return null;
  }

  /** `file_upload_callback`: one media record (a resent callback is recognised by its object key). */
  private async onUpload(gateway_sn: string, env: DjiEnvelope): Promise<string | null> {
    const m = readUploadCallback(gateway_sn, env.data, this.now());
    if (typeof m === 'string') return m;
    try {
      if (await this.o.store.media.add(m, [mediaUploadedEvent(m)])) this.o.stats.inc('media_recorded');
    } catch (err) {
      this.o.stats.inc('mission_errors');
      this.o.logger.warn({ err, gateway_sn, object_key: m.object_key }, 'media: upload callback not recorded');
    }
    return null;
  }
}
