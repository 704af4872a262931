/**
 * Command lifecycle outside the MQTT messages themselves: the timeout sweeper (TIMED_OUT at
 * `deadline_at`: the reply limit counted from acceptance, or for an accepted progress-tracked job
 * the silence / maximum-duration limit the last transition set) and `waitForTerminal` for
 * long-poll GETs.
 *
 * Waiters are woken by the in-process `TransitionBus` (every transition this instance makes) and by
 * polling the store, so a command finished by another instance also wakes them.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { isTerminal } from '../commands/transitions.js';
import type { CommandRecord, Store } from '../store/types.js';

/** In-process notifications of command transitions made by this instance. */
export class TransitionBus {
  private readonly em = new EventEmitter();
  constructor() {
    this.em.setMaxListeners(0);
  }
  /** Announce a record just written by a transition. */
  notify(rec: CommandRecord): void {
    this.em.emit('transition', rec);
    if (isTerminal(rec.status)) this.em.emit(`terminal:${rec.command_id}`, rec);
  }
  /** Listen to every transition; returns an unsubscribe function. */
  onTransition(fn: (rec: CommandRecord) => void): () => void {
    this.em.on('transition', fn);
    return () => this.em.off('transition', fn);
  }
  onTerminal(command_id: string, fn: (rec: CommandRecord) => void): () => void {
    const ev = `terminal:${command_id}`;
    this.em.on(ev, fn);
    return () => this.em.off(ev, fn);
  }
}

/** Longest wait accepted by `Waiters.wait`, ms (the API allows 30 s; this is a safety bound). */
export const MAX_WAIT_MS = 5 * 60_000;

/** Terminal records this instance wrote recently, kept for `Waiters.wait(…, known)` (see there). */
const RECENT_TERMINAL = 1024;

/**
 * Long-poll waiters. `wait(id, ms)` resolves when the command is terminal, `ms` pass, or `close()`
 * is called — never rejects (store errors just leave the poller trying again). It resolves with
 * the terminal record when it has one (this instance's transition, or a store read that found it),
 * else null, so a caller answering with the record need not read it again.
 */
export class Waiters {
  private readonly waiting = new Map<string, Set<(rec: CommandRecord | null) => void>>();
  /** command_id → terminal record, the last RECENT_TERMINAL written here (insertion order). */
  private readonly recent = new Map<string, CommandRecord>();
  private readonly offBus: () => void;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly bus: TransitionBus,
    private readonly pollMs = 200,
    private readonly logger?: Logger,
  ) {
    this.offBus = bus.onTransition((rec) => {
      if (!isTerminal(rec.status)) return;
      this.recent.set(rec.command_id, rec);
      if (this.recent.size > RECENT_TERMINAL) this.recent.delete(this.recent.keys().next().value as string);
    });
  }

  /**
   * Wait for `command_id` to be terminal, at most `timeoutMs`. `known`: the record the caller has
   * just read (not terminal), which replaces the first store read: a transition this instance made
   * since then is in the recent-terminal map or arrives as an event; one made by another instance
   * is found by the store poll (every `pollMs`).
   */
  wait(command_id: string, timeoutMs: number, known?: CommandRecord): Promise<CommandRecord | null> {
    if (this.closed) return Promise.resolve(null);
    const ms = Math.max(0, Math.min(MAX_WAIT_MS, Number.isFinite(timeoutMs) ? timeoutMs : 0));
    if (known !== undefined) {
      if (isTerminal(known.status)) return Promise.resolve(known);
      const seen = this.recent.get(command_id);
      if (seen) return Promise.resolve(seen);
    }
    return new Promise<CommandRecord | null>((resolve) => {
      let done = false;
      const finish = (rec: CommandRecord | null) => {
        if (done) return;
        done = true;
        clearTimeout(t);
        off();
        const set = this.waiting.get(command_id);
        set?.delete(finish);
        if (set && set.size === 0) this.waiting.delete(command_id);
        if (this.waiting.size === 0) this.stopPolling();
        resolve(rec);
      };
      // Register before the first read so a transition between the read and the registration is not lost.
      const off = this.bus.onTerminal(command_id, finish);
      const t = setTimeout(() => finish(null), ms);
      let set = this.waiting.get(command_id);
      if (!set) this.waiting.set(command_id, (set = new Set()));
      set.add(finish);
      this.startPolling();
      if (known !== undefined) return;
      this.store.getCommand(command_id).then(
        (rec) => {
          if (!rec) finish(null);
          else if (isTerminal(rec.status)) finish(rec);
        },
        (err) => this.logger?.warn({ err, command_id }, 'waitForTerminal: store read failed; polling'),
      );
    });
  }

  private startPolling(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref?.();
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const id of [...this.waiting.keys()]) {
        const rec = await this.store.getCommand(id);
        if (!rec || isTerminal(rec.status)) for (const f of [...(this.waiting.get(id) ?? [])]) f(rec);
      }
    } catch (err) {
      this.logger?.warn({ err }, 'waitForTerminal: store poll failed');
    } finally {
      this.polling = false;
    }
  }

  /** Resolve every waiter now (shutdown). */
  close(): void {
    this.closed = true;
    this.offBus();
    for (const set of [...this.waiting.values()]) for (const f of [...set]) f(null);
    this.stopPolling();
  }
}

/**
 * Every `intervalMs`, move commands past their `deadline_at` to TIMED_OUT (`store.expireCommands`,
 * exactly once across instances) and report each through `onExpired`.
 */
export function startSweeper(o: {
  store: Store;
  intervalMs: number;
  logger: Logger;
  onExpired: (rec: CommandRecord) => void;
  /** The clock (default the system's). */
  now?: () => Date;
}): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      const expired = await o.store.expireCommands((o.now?.() ?? new Date()).toISOString());
      for (const rec of expired) {
        o.logger.info({ command_id: rec.command_id, command_type: rec.command_type, gateway_sn: rec.gateway_sn, failure_code: rec.failure_code }, 'command timed out');
        o.onExpired(rec);
      }
    } catch (err) {
      o.logger.warn({ err }, 'timeout sweep failed; retrying');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, o.intervalMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
