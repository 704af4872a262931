/**
 * The simulator's scripting API: wire-level answers for tests of the gateway's correlation. A
 * script says, per command, what the dock sends back — a result code or whole `data`, after a
 * delay, nothing at all, with another method / bid / tid or on another gateway's topic, several
 * times, followed by late replies, with progress events before or after the reply. It is consulted
 * before the scenario rules (rules.ts) and the catalog checks, and is answered verbatim (no `data`
 * validation): a command the script does not cover gets the catalog behaviour.
 *
 * Example:
 *   dock.setScript({ cover_open: { progress: { percents: [20, 60], terminal: 'ok' } } });
 *   dock.setScript((cmd) => (cmd.data.action === 0 ? { silent: true } : { result: 0 }));
 */
import { randomUUID } from 'node:crypto';
import type { Transport } from '../../spec/types.js';
import { topicOf } from '../../spec/topics.js';
import { commandReply, eventMessage } from './envelopes.js';
import type { CommandResult, DockHost, HandledCommand } from './types.js';

/** Progress events sent after (or before) the reply. */
export interface ProgressScript {
  /** Event method; default the command's method (remote-debug style, e.g. `cover_open`). */
  method?: string;
  /** `wrapped`: `{result, output: {status, progress: {percent, step_key}}}`; `flat`: `{<keyField>, status, result, …}`. */
  shape?: 'wrapped' | 'flat';
  /** Flat events: the command `data` field echoed in each event (e.g. `fly_to_id`). */
  keyField?: string;
  /** Percent of each non-terminal event, in order. Default [50]. */
  percents?: number[];
  /** Status of the non-terminal events. Default `in_progress` (wrapped) / `wayline_progress` (flat). */
  runningStatus?: string;
  /** Status of the last event; null = no terminal event. Default `ok`. */
  terminal?: string | null;
  /** `data.result` of the terminal event. Default 0. */
  terminalResult?: number;
  /** Delay between events, ms. Default 5. */
  intervalMs?: number;
  /** `need_reply` flag on each event. Default true. */
  needReply?: boolean;
  /** Send the events before the reply (race). */
  beforeReply?: boolean;
  /** Use this bid instead of the command's. */
  bid?: string;
}

/** How the dock answers one command. `{}` = reply `{result: 0}` at once. */
export interface Behaviour {
  /** Never answer. */
  silent?: boolean;
  /** Wait before answering, ms. */
  delayMs?: number;
  /** `data.result` of the reply (default 0); ignored when `data` is given. */
  result?: number;
  /** Whole reply `data` (e.g. `{result: 0, code: 'E1', msg: 'x'}`). */
  data?: Record<string, unknown>;
  /** Reply with another method / bid / tid, or on another gateway's topic. */
  method?: string;
  bid?: string;
  tid?: string;
  topicSn?: string;
  /** Send the identical reply this many times (duplicates). Default 1. */
  repeat?: number;
  /** Further replies with other data after the first (late replies), each 5 ms after the previous. */
  extraReplies?: Record<string, unknown>[];
  progress?: ProgressScript;
}

/** A received command as a script sees it. */
export interface ReceivedCommand {
  topic: string;
  transport: Transport;
  tid: string;
  bid: string;
  method: string;
  seq: number | undefined;
  /** The command's `data`; `{}` when it is not an object. */
  data: Record<string, unknown>;
  message: Record<string, unknown>;
}

/** Behaviours by method, or a function of the command (`null`/`undefined` = not scripted). */
export type Script = Record<string, Behaviour> | ((cmd: ReceivedCommand) => Behaviour | null | undefined);

/** The behaviour `script` gives `cmd`, or undefined when the script does not cover it. */
export function scriptedBehaviour(script: Script | null, cmd: ReceivedCommand): Behaviour | undefined {
  if (!script) return undefined;
  const b = typeof script === 'function' ? script(cmd) : Object.hasOwn(script, cmd.method) ? script[cmd.method] : undefined;
  return b ?? undefined;
}

/** Play `b` for `cmd`: the reply (repeated, then late ones) and the progress events. */
export async function playBehaviour(host: DockHost, cmd: HandledCommand, received: ReceivedCommand, b: Behaviour): Promise<CommandResult> {
  if (b.silent) return 'silent';
  await host.sleep(b.delayMs ?? 0);
  if (host.closed()) return 'silent';
  if (b.progress?.beforeReply) await sendProgress(host, cmd, received, b.progress);
  const gateway = b.topicSn ?? host.sn;
  const topic = topicOf(gateway, cmd.transport === 'drc/down' ? 'drc/up' : 'services_reply');
  const reply = (data: Record<string, unknown>) => commandReply(cmd, gateway, b.method ?? cmd.method, data, { tid: b.tid, bid: b.bid });
  const first = reply(b.data ?? { result: b.result ?? 0 });
  cmd.reply = first;
  for (let i = 0; i < (b.repeat ?? 1); i++) await host.send(topic, first);
  for (const extra of b.extraReplies ?? []) {
    await host.sleep(5);
    await host.send(topic, reply(extra));
  }
  if (b.progress && !b.progress.beforeReply) await sendProgress(host, cmd, received, b.progress);
  return 'scripted';
}

async function sendProgress(host: DockHost, cmd: HandledCommand, received: ReceivedCommand, p: ProgressScript): Promise<void> {
  const method = p.method ?? received.method;
  const flat = p.shape === 'flat';
  const running = p.runningStatus ?? (flat ? 'wayline_progress' : 'in_progress');
  const key = p.keyField ? { [p.keyField]: received.data[p.keyField] } : {};
  const event = (status: string, percent: number, result: number, i: number) => {
    const data = flat
      ? { ...key, status, result, way_point_index: i, remaining_distance: Math.max(0, 100 - percent), remaining_time: 1 }
      : { result, output: { status, progress: { percent, step_key: `step_${i}` } } };
    return eventMessage(host.sn, method, data, { tid: randomUUID(), bid: p.bid ?? received.bid, needReply: p.needReply !== false });
  };
  let i = 0;
  for (const percent of p.percents ?? [50]) {
    await host.sendEventMessage(event(running, percent, 0, i++), cmd.events);
    await host.sleep(p.intervalMs ?? 5);
  }
  const terminal = p.terminal === undefined ? 'ok' : p.terminal;
  if (terminal !== null) await host.sendEventMessage(event(terminal, 100, p.terminalResult ?? 0, i), cmd.events);
}
