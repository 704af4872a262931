/**
 * The correlator: applies what docks send back to the stored commands (issue 3 §5;
 * docs/dji/services-and-replies.md, events-and-progress.md, drc.md, status-and-topology.md).
 *
 * - `services_reply`: found by `tid`; `bid`, `method` and the topic gateway must match the command,
 *   else UNMATCHED_RESPONSE. Mapped per seeds 001–003 (server/commands/response.ts).
 * - `events`: progress events, tied by `bid` or by a flat id (`fly_to_id` ↔ `progress_key`).
 *   Any event with `need_reply: 1` gets an `events_reply` (same tid/bid/method, `{result: 0}`),
 *   tracked or not.
 * - `drc/up`: replies matched by (gateway, method, seq).
 *
 * Which command a message belongs to is decided here; what it changes (status, response fields,
 * progress) is the status machine's rule (server/commands/transitions.ts). Topology (`status`
 * `update_topo`) is server/mqtt/topology.ts.
 *
 * Every change is a compare-and-set on the status (`store.transitionCommand`), so two instances
 * handling the same message cannot both apply it. `messages` on the command keeps what did not
 * simply apply: replies after a terminal status (`applied: false`), the foreign reply of an
 * UNMATCHED_RESPONSE and terminal progress events (`applied: true`); a matched reply lives in
 * `vendor_response`. Exact duplicates (or the same reply applied by another instance) change
 * nothing; unknown tids are counted and logged.
 *
 * Limits: late *events* for an already terminal command are counted as `untracked_events` (the
 * store only finds open commands by bid/progress key). drc/up replies without `seq` match the
 * oldest open DRC command of that method, so several instances must use a shared subscription.
 */
import type { Logger } from 'pino';
import type { CommandDef } from '../../spec/types.js';
import {
  OPEN_STATUSES,
  drcReplyPatch,
  isTerminal,
  lateResponsePatch,
  progressPatch,
  replyMismatch,
  servicesReplyPatch,
  withPatch,
} from '../commands/transitions.js';
import type { CommandRecord, RecordedMessage, Store } from '../store/types.js';
import type { DjiEnvelope, DrcUpMessage } from './envelope.js';
import type { TransitionBus } from './lifecycle.js';
import type { MqttLink } from './link.js';
import { flatKey, readProgress, type ProgressIndex } from './progress.js';
import { jsonEqual, mapReplyData, type MappedReply } from '../commands/response.js';
import type { Stats } from './stats.js';
import { eventsReplyTopic } from '../../spec/topics.js';

/** drc/up methods that are pushes, not replies (docs/dji/drc.md). */
const DRC_PUSHES = new Set([
  'osd_info_push',
  'hsi_info_push',
  'delay_info_push',
  'drc_drone_state_push',
  'drc_camera_osd_info_push',
  'drc_camera_state_push',
  'drc_speaker_play_progress',
  'drc_ai_info_push',
]);

export interface CorrelatorOptions {
  store: Store;
  link: MqttLink;
  logger: Logger;
  catalog: ReadonlyMap<string, CommandDef>;
  progressIndex: ProgressIndex;
  stats: Stats;
  bus: TransitionBus;
  /** Called with the record a `services_reply` produced (flight tasks: server/missions/ingest.ts). */
  onReplied?: (rec: CommandRecord) => Promise<void>;
  /** The clock (default the system's): tests run a long job's limits on a simulated one. */
  now?: () => Date;
}

export class Correlator {
  constructor(private readonly o: CorrelatorOptions) {}

  private now(): string {
    return (this.o.now?.() ?? new Date()).toISOString();
  }

  // ── services_reply ────────────────────────────────────────────────────────────────────────

  /** Apply a `services_reply` received on `topic` from `gateway_sn`. */
  async onServicesReply(gateway_sn: string, topic: string, env: DjiEnvelope): Promise<void> {
    const { store, stats, logger } = this.o;
    const cmd = await store.findCommandByTid(env.tid);
    if (!cmd) {
      stats.inc('unknown_tid');
      logger.warn({ tid: env.tid, bid: env.bid, method: env.method, gateway_sn }, 'services_reply with unknown tid');
      return;
    }
    await this.applyServicesReply(cmd, gateway_sn, topic, env, true);
  }

  private async applyServicesReply(cmd: CommandRecord, gateway_sn: string, topic: string, env: DjiEnvelope, firstTry: boolean): Promise<void> {
    const { store, stats, logger, catalog } = this.o;
    const now = this.now();
    const mapped = mapReplyData(env.data);
    if (this.isDuplicate(cmd, topic, env.raw) || sameReplyApplied(cmd, gateway_sn, env, mapped)) {
      stats.inc('duplicate_replies');
      logger.debug({ command_id: cmd.command_id, tid: env.tid }, 'duplicate services_reply ignored');
      return;
    }
    const mismatch = replyMismatch(cmd, gateway_sn, env);
    const spec = catalog.get(cmd.command_type)?.progress;

    if (isTerminal(cmd.status)) {
      // A progress event may have ended the command before its services_reply arrived (race):
      // the reply still supplies the response fields, without changing the status.
      if (spec && mismatch.length === 0 && cmd.response_received_at === null && (cmd.status === 'SUCCEEDED' || cmd.status === 'FAILED')) {
        const rec = await store.transitionCommand(cmd.command_id, [cmd.status], lateResponsePatch(mapped, now));
        if (rec) {
          stats.inc('replies');
          this.o.bus.notify(rec);
          return;
        }
      }
      return this.late(cmd, topic, now, env.raw, 'services_reply');
    }

    // A progress-tracked command already accepted by its own reply is not undone by a foreign one.
    if (mismatch.length > 0 && cmd.response_received_at !== null) return this.late(cmd, topic, now, env.raw, 'services_reply');

    const patch = servicesReplyPatch(cmd, env, mapped, mismatch, spec, now);

    // An UNMATCHED_RESPONSE keeps the whole foreign message (topic, tid, bid, method), not just its
    // data, written with the transition. A command without progress tracking changes only with its
    // status while open, so when a compare-and-set on the status we read succeeds, the row is
    // `cmd` + `patch`: no read-back. Otherwise (the status moved on meanwhile, e.g. PUBACK →
    // DELIVERED; or progress may have changed) the transition from any open status reads it back.
    const keep = patch.status === 'UNMATCHED_RESPONSE' ? { topic, received_at: now, applied: true, message: env.raw } : undefined;
    const rec =
      !spec && keep === undefined && (await store.applyTransition(cmd.command_id, [cmd.status], patch))
        ? withPatch(cmd, patch)
        : await store.transitionCommand(cmd.command_id, OPEN_STATUSES, patch, keep);
    if (!rec) {
      // Another instance (or the sweeper) moved it first; judge the reply against the new state.
      const fresh = firstTry ? await store.getCommand(cmd.command_id) : null;
      if (fresh) return this.applyServicesReply(fresh, gateway_sn, topic, env, false);
      return this.late(cmd, topic, now, env.raw, 'services_reply');
    }
    if (rec.status === 'UNMATCHED_RESPONSE') {
      stats.inc('unmatched_replies');
      logger.warn({ command_id: rec.command_id, reason: rec.failure_reason }, 'unmatched services_reply');
    } else {
      // A matched reply is fully kept in vendor_response; not recording it too saves a write per
      // command on the hot path. Duplicates are recognised by `sameReplyApplied`.
      stats.inc('replies');
    }
    this.o.bus.notify(rec);
    await this.o.onReplied?.(rec);
  }

  // ── events ───────────────────────────────────────────────────────────────────────────────

  /** Handle an `events` message: events_reply when asked, then progress correlation. */
  async onEvent(gateway_sn: string, topic: string, env: DjiEnvelope): Promise<void> {
    const replied = env.need_reply === 1 ? this.replyEvent(gateway_sn, env) : Promise.resolve();
    try {
      await this.applyProgressEvent(gateway_sn, topic, env);
    } finally {
      await replied;
    }
  }

  private async replyEvent(gateway_sn: string, env: DjiEnvelope): Promise<void> {
    try {
      await this.o.link.publish(eventsReplyTopic(gateway_sn), { tid: env.tid, bid: env.bid, timestamp: Date.now(), method: env.method, data: { result: 0 } }, 1);
      this.o.stats.inc('events_replied');
    } catch (err) {
      this.o.logger.warn({ err, gateway_sn, method: env.method, tid: env.tid }, 'events_reply not acknowledged');
    }
  }

  private async applyProgressEvent(gateway_sn: string, topic: string, env: DjiEnvelope): Promise<void> {
    const { store, stats, logger, catalog, progressIndex } = this.o;
    const routes = progressIndex.get(env.method);
    if (!routes) {
      stats.inc('ignored_messages');
      return;
    }
    let cmd: CommandRecord | null = null;
    for (const r of routes) {
      const key = r.by === 'bid' ? env.bid : flatKey(env.data, r.by.event_field);
      if (key === null) continue;
      cmd = await store.findProgressCommand(gateway_sn, r.command_types, r.by === 'bid' ? 'bid' : 'progress_key', key);
      if (cmd) break;
    }
    if (!cmd) {
      stats.inc('untracked_events');
      logger.debug({ gateway_sn, method: env.method, bid: env.bid }, 'progress event for no open command');
      return;
    }
    const spec = catalog.get(cmd.command_type)?.progress;
    if (!spec) return;
    stats.inc('progress_events');
    const now = this.now();
    const rp = readProgress(spec, env.data, now);
    const patch = progressPatch(cmd, env.method, rp, now, spec.limits);
    // A terminal event is kept on the command, written with the transition, and its record read
    // back (waiters answer with it). A progress step only needs the compare-and-set: nobody
    // answers with a non-terminal record, so `cmd` + `patch` is enough to announce it.
    const terminal = patch.status !== undefined && isTerminal(patch.status);
    const rec = terminal
      ? await store.transitionCommand(cmd.command_id, OPEN_STATUSES, patch, { topic, received_at: now, applied: true, message: env.raw })
      : (await store.applyTransition(cmd.command_id, [cmd.status], patch))
        ? withPatch(cmd, patch)
        : await store.transitionCommand(cmd.command_id, OPEN_STATUSES, patch);
    if (!rec)
      return this.late(cmd, topic, now, env.raw, 'event', (f) => f.progress?.dji_status === rp.progress.dji_status && f.progress?.percent === rp.progress.percent);
    this.o.bus.notify(rec);
  }

  // ── drc/up ───────────────────────────────────────────────────────────────────────────────

  /** Apply a `drc/up` reply to the open DRC command of that gateway, method (and seq). */
  async onDrcUp(gateway_sn: string, topic: string, msg: DrcUpMessage): Promise<void> {
    const { store, stats, logger } = this.o;
    const cmd = await store.findDrcCommand(gateway_sn, msg.method, msg.seq);
    if (!cmd) {
      if (DRC_PUSHES.has(msg.method) || msg.method.endsWith('_push')) stats.inc('ignored_messages');
      else {
        stats.inc('unknown_drc_replies');
        logger.debug({ gateway_sn, method: msg.method, seq: msg.seq }, 'drc/up reply for no open DRC command');
      }
      return;
    }
    const now = this.now();
    const mapped = mapReplyData(msg.data);
    const patch = drcReplyPatch(cmd, msg.data, mapped, now);
    const rec = await store.transitionCommand(cmd.command_id, OPEN_STATUSES, patch);
    if (!rec) return this.late(cmd, topic, now, msg.raw, 'drc/up reply', (f) => f.response_received_at !== null && jsonEqual(f.vendor_response, mapped.vendor_response));
    stats.inc('replies');
    this.o.bus.notify(rec);
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────

  /** The exact message is already on the command (QoS 1 redelivery, dock resend). */
  private isDuplicate(cmd: CommandRecord, topic: string, raw: Record<string, unknown>): boolean {
    return (cmd.messages ?? []).some((m) => m.topic === topic && jsonEqual(m.message, raw));
  }

  /**
   * Record a message that arrived after the command moved on. `alreadyApplied` recognises the same
   * content applied by another instance (or resent by the dock), which counts as a duplicate.
   */
  private async late(
    cmd: CommandRecord,
    topic: string,
    now: string,
    raw: Record<string, unknown>,
    what: string,
    alreadyApplied?: (fresh: CommandRecord) => boolean,
  ): Promise<void> {
    const fresh = (await this.o.store.getCommand(cmd.command_id)) ?? cmd;
    if (this.isDuplicate(fresh, topic, raw) || alreadyApplied?.(fresh)) {
      this.o.stats.inc('duplicate_replies');
      return;
    }
    this.o.stats.inc('late_replies');
    this.o.logger.info({ command_id: cmd.command_id, status: fresh.status, topic }, `late ${what} recorded, not applied`);
    await this.record(cmd.command_id, topic, now, false, raw);
  }

  private async record(command_id: string, topic: string, received_at: string, applied: boolean, message: unknown): Promise<void> {
    const m: RecordedMessage = { topic, received_at, applied, message };
    await this.o.store.recordCommandMessage(command_id, m);
  }
}

/**
 * The command already carries exactly this reply's result (another instance applied the same
 * message, or the dock resent it with a new timestamp).
 */
function sameReplyApplied(cmd: CommandRecord, gateway_sn: string, env: DjiEnvelope, m: MappedReply): boolean {
  return (
    cmd.response_received_at !== null &&
    cmd.status !== 'UNMATCHED_RESPONSE' &&
    env.tid === cmd.tid &&
    env.bid === cmd.bid &&
    env.method === cmd.command_type &&
    gateway_sn === cmd.gateway_sn &&
    jsonEqual(cmd.vendor_response, m.vendor_response)
  );
}
