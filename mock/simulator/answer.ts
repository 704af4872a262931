/**
 * How a simulated dock answers a command on `services` or `drc/down`, in order:
 * 1. a repeated `tid` (with `dedupByTid`) gets the first reply again, nothing is executed;
 * 2. a message that is not a JSON object with a string method is `malformed` (325001 when it has a tid);
 * 3. the script (script.ts) answers what it covers, verbatim;
 * 4. otherwise the scenario rule (`resolveRule`, then the rule book) and the catalog decide: unknown
 *    methods, methods on the wrong topic and `data` that does not match the catalog get DJI 325001
 *    (command parameters invalid; DJI documents no separate "not supported" code and 325xxx is the
 *    "command format" module); a valid command gets `{result: 0}` (or the rule's failure) and, for
 *    progress-tracked commands, the catalog's series of events (progress.ts).
 */
import { randomUUID } from 'node:crypto';
import { commandsByType } from '../../spec/catalog.js';
import { topicOf } from '../../spec/topics.js';
import type { CommandDef, Field, Transport } from '../../spec/types.js';
import { validatePayload } from '../../generated/server/validators.js';
import { commandReply, eventMessage } from './envelopes.js';
import { planProgress } from './progress.js';
import { DEFAULT_FAIL_CODE, type RuleBook, type ScenarioRule } from './rules.js';
import { playBehaviour, scriptedBehaviour, type ReceivedCommand, type Script } from './script.js';
import { isObject, now, type CommandResult, type DockHost, type HandledCommand, type MessageRecord, type SimulatedDockOptions } from './types.js';
import { checkData, type DataIssue } from './validate.js';
import type { MissionRunner } from './mission.js';

/** DJI "command parameters invalid" (docs/dji/error-codes.md). */
export const INVALID_PARAMETERS = 325001;

/** Where a responder files what it handled (the dock's history arrays, bounded). */
export interface CommandLog {
  command(cmd: HandledCommand): void;
  duplicate(rec: MessageRecord): void;
  finished(cmd: HandledCommand): void;
}

/** Answers the commands of one dock. */
export class CommandResponder {
  /** The wire-level script, if any (script.ts). */
  script: Script | null;
  /** Flies `flighttask_execute` missions (mission.ts); without it the catalog's generic progress series. */
  mission: MissionRunner | null = null;
  /** `flight_id` of the last flight task / take-off command (device requests echo it). */
  lastFlightId: string | undefined;
  private readonly handledTids = new Map<string, HandledCommand>();

  constructor(
    private readonly host: DockHost,
    private readonly records: CommandLog,
    private readonly catalog: ReadonlyMap<string, CommandDef>,
    private readonly ruleBook: RuleBook,
    private readonly opts: Pick<SimulatedDockOptions, 'dedupByTid' | 'resolveRule' | 'progressIntervalMs'> & { limit: number },
  ) {
    this.script = null;
  }

  /** Handle one received command message (`message` null: not a JSON object). */
  async handle(transport: Transport, topic: string, msg: Record<string, unknown> | null): Promise<void> {
    const { host } = this;
    const o = msg ?? {};
    const method = typeof o.method === 'string' ? o.method : '';
    const first = this.opts.dedupByTid && typeof o.tid === 'string' ? this.handledTids.get(o.tid) : undefined;
    if (first) {
      this.records.duplicate({ topic, kind: transport, at: now(), message: msg });
      host.log.info({ event: 'duplicate_command', dock: host.sn, method, tid: o.tid }, 'command with an already handled tid: not executed again');
      // The first reply may have been lost on the way: answer again, identically but for the timestamp.
      if (first.reply) await host.send(topicOf(host.sn, first.transport === 'services' ? 'services_reply' : 'drc/up'), { ...first.reply, timestamp: Date.now() });
      return;
    }
    const cmd: HandledCommand = {
      topic,
      transport,
      method,
      tid: o.tid,
      bid: o.bid,
      seq: o.seq,
      data: o.data,
      rule: null,
      result: 'pending',
      issues: [],
      reply: null,
      events: [],
      received_at: now(),
      finished_at: null,
    };
    this.records.command(cmd);
    if (this.opts.dedupByTid && typeof o.tid === 'string') {
      this.handledTids.set(o.tid, cmd);
      if (this.handledTids.size > this.opts.limit * 10) this.handledTids.delete(this.handledTids.keys().next().value as string);
    }
    const finish = (result: CommandResult) => {
      cmd.result = result;
      cmd.finished_at = now();
      host.log.info({ event: 'command_handled', dock: host.sn, method, tid: cmd.tid, bid: cmd.bid, result, issues: cmd.issues }, 'command handled');
      this.records.finished(cmd);
    };

    if (msg === null || method === '') {
      cmd.issues.push({ field: 'method', rule: 'required', message: 'message is not a JSON object with a string method' });
      // A services message that still carries a tid gets an answer, so the cloud is not left waiting.
      if (transport === 'services' && typeof o.tid === 'string') await this.reply(cmd, method, { result: INVALID_PARAMETERS });
      return finish('malformed');
    }
    if (method === 'flighttask_prepare' || method === 'flighttask_execute' || method === 'takeoff_to_point') {
      if (isObject(o.data) && typeof o.data.flight_id === 'string') this.lastFlightId = o.data.flight_id;
    }

    const received: ReceivedCommand = {
      topic,
      transport,
      tid: o.tid as string,
      bid: o.bid as string,
      method,
      seq: o.seq as number | undefined,
      data: isObject(o.data) ? o.data : {},
      message: msg,
    };
    const behaviour = scriptedBehaviour(this.script, received);
    if (behaviour) return finish(await playBehaviour(host, cmd, received, behaviour));
    return finish(await this.byRuleAndCatalog(cmd, o));
  }

  private async byRuleAndCatalog(cmd: HandledCommand, o: Record<string, unknown>): Promise<CommandResult> {
    const { method, transport } = cmd;
    const external = this.opts.resolveRule ? await this.externalRule(o.tid, o.bid, method) : undefined;
    const rule = external ?? this.ruleBook.take({ tid: o.tid, bid: o.bid, method }) ?? null;
    cmd.rule = rule;
    if (rule?.delayMs) await this.host.sleep(rule.delayMs);
    if (this.host.closed()) return 'silent';
    const mission = this.mission && method === 'flighttask_execute' && rule?.atWaypoint !== undefined;
    if (rule?.outcome === 'silent' && !mission) return 'silent';

    const def = this.catalog.get(method);
    if (!def || def.transport !== transport) {
      cmd.issues.push({
        field: 'method',
        rule: 'enum',
        message: def ? `${method} belongs on ${def.transport}, not ${transport}` : `${method} is not a catalog command`,
      });
      await this.reply(cmd, method, { result: INVALID_PARAMETERS });
      return 'unsupported';
    }
    cmd.issues = check(def, o.data);
    if (def.reply === 'none') return 'no_reply';
    if (cmd.issues.length > 0) {
      await this.reply(cmd, method, { result: INVALID_PARAMETERS });
      return 'invalid';
    }
    if (rule?.outcome === 'wrong_method') {
      await this.reply(cmd, rule.method ?? this.otherMethod(method), { result: 0 });
      return 'wrong_method';
    }
    const failCode = rule?.outcome === 'fail' ? (rule.code ?? DEFAULT_FAIL_CODE) : undefined;
    const failInEvent = failCode !== undefined && def.progress !== undefined && (rule?.failAt === 'event' || mission);
    if (failCode !== undefined && !failInEvent) {
      await this.reply(cmd, method, { result: failCode });
      return 'failed';
    }
    const ok: Record<string, unknown> = { result: 0 };
    if (def.progress?.status_path === 'output.status') ok.output = { status: 'in_progress' };
    await this.reply(cmd, method, ok);
    if (this.mission && method === 'flighttask_execute' && isObject(cmd.data) && typeof cmd.data.flight_id === 'string') {
      await this.mission.run(cmd.data.flight_id, cmd.bid as string, rule, cmd.events, def.progress?.need_reply ?? true);
      return failCode !== undefined ? 'failed' : 'succeeded';
    }
    if (method === 'flighttask_pause') this.mission?.pause();
    if (method === 'flighttask_recovery') this.mission?.resume();
    if (def.progress) await this.sendProgress(def, cmd, failInEvent ? failCode : undefined);
    return failCode !== undefined ? 'failed' : 'succeeded';
  }

  private async externalRule(tid: unknown, bid: unknown, method: string): Promise<ScenarioRule | undefined> {
    try {
      return (await this.opts.resolveRule!({ dockSn: this.host.sn, tid, bid, method })) ?? undefined;
    } catch (err) {
      this.host.log.warn({ event: 'resolve_rule_failed', dock: this.host.sn, method, tid, err: (err as Error).message }, 'resolveRule failed; using the dock rules');
      return undefined;
    }
  }

  private otherMethod(method: string): string {
    for (const k of this.catalog.keys()) if (k !== method) return k;
    return `${method}_unexpected`;
  }

  /** The reply on `services_reply` / `drc/up`; DRC echoes heart_beat's timestamp and legacy drone_control's data.seq (in output). */
  private async reply(cmd: HandledCommand, method: string, data: Record<string, unknown>): Promise<void> {
    if (cmd.transport === 'drc/down' && method === cmd.method) {
      const inData = isObject(cmd.data) ? cmd.data : {};
      if (typeof inData.timestamp === 'number') data = { ...data, timestamp: inData.timestamp };
      if (typeof inData.seq === 'number') data = { ...data, output: { seq: inData.seq } };
    }
    cmd.reply = commandReply(cmd, this.host.sn, method, data);
    await this.host.send(topicOf(this.host.sn, cmd.transport === 'services' ? 'services_reply' : 'drc/up'), cmd.reply);
  }

  private async sendProgress(def: CommandDef, cmd: HandledCommand, failCode: number | undefined): Promise<void> {
    const spec = def.progress!;
    const flat = typeof spec.correlate_by === 'object';
    const jobId = flat && isObject(cmd.data) ? cmd.data[(spec.correlate_by as { payload_field: string }).payload_field] : undefined;
    const interval = this.opts.progressIntervalMs ?? 0;
    for (const planned of planProgress(spec, { jobId, failCode })) {
      if (interval > 0) await this.host.sleep(interval);
      if (this.host.closed()) return;
      // Flat events are matched by the job id in data, so they get their own bid, as docks do for fly-to.
      const message = eventMessage(this.host.sn, spec.event_method, planned.data, { bid: flat ? randomUUID() : (cmd.bid as string), needReply: spec.need_reply });
      await this.host.sendEventMessage(message, cmd.events);
    }
  }
}

/**
 * Issues of a command's `data`. The gateway publishes `wire.translate(payload)` when there is a
 * translation (checked against `wire.data` here), else the payload as is: then the generated Ajv
 * validator of that payload is used, provided the command is the catalog entry it was generated
 * from (tests pass synthetic catalogs). DJI's empty `data` forms (null, "") pass for commands
 * without fields.
 */
function check(def: CommandDef, data: unknown): DataIssue[] {
  const fields: Record<string, Field> = def.wire?.translate ? def.wire.data : def.payload;
  const emptyForm = Object.keys(fields).length === 0 && (data === undefined || data === null || data === '');
  if (!def.wire?.translate && !emptyForm && commandsByType.get(def.command_type) === def) {
    const r = validatePayload(def.command_type, data, 'data');
    return r.ok ? [] : r.issues;
  }
  return checkData(fields, data);
}
