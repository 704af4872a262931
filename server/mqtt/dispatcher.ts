/**
 * The dispatcher: claims pending commands from the store and publishes them in the DJI envelope
 * (docs/dji/envelope.md), then records delivery on the broker's PUBACK (issue 3 §4).
 *
 * - `services` transport → `thing/product/{gateway_sn}/services`
 *   `{tid, bid, timestamp, method, data}`.
 * - `drc/down` transport → `thing/product/{gateway_sn}/drc/down`, same envelope plus a top-level
 *   `seq` from `store.nextDrcSeq` (strictly increasing per gateway, shared by all instances),
 *   stored on the command before publishing so `drc/up` replies can be matched by it. Publishes of
 *   one gateway's DRC commands are issued in `seq` order.
 * - On PUBACK: ACCEPTED → DELIVERED, or SUCCEEDED when there is nothing to wait for
 *   (`deliveryPatch` in server/commands/transitions.ts).
 *
 * The correlation state (tid, bid, gateway) is in the store since acceptance, so a reply can never
 * arrive before its command is known. While the broker is unreachable nothing is claimed: commands
 * stay pending and are published after reconnecting; their timeout still runs from acceptance.
 * Wake-ups come from `wake()` (after an accept) and from polling every `intervalMs` (commands
 * accepted by other instances, missed wake-ups, expired leases).
 */
import type { Logger } from 'pino';
import type { CommandDef } from '../../spec/types.js';
import { deliveryPatch, seqPatch, unroutablePatch, withPatch } from '../commands/transitions.js';
import type { CommandRecord, DispatchClaim, Store } from '../store/types.js';
import type { TransitionBus } from './lifecycle.js';
import type { MqttLink } from './link.js';
import type { Stats } from './stats.js';
import { drcDownTopic, isValidSn, servicesTopic } from '../../spec/topics.js';

export interface DispatcherOptions {
  store: Store;
  link: MqttLink;
  logger: Logger;
  /** Claim owner (the instance id). */
  owner: string;
  catalog: ReadonlyMap<string, CommandDef>;
  stats: Stats;
  bus: TransitionBus;
  /** Poll period when idle, ms. Default 500. */
  intervalMs?: number;
  /** Commands claimed per store call. Default 200. */
  batchSize?: number;
  /** Claim lease, ms: after it another instance (or a restarted one) may publish the command again. Default 5 000. */
  leaseMs?: number;
  /** Publishes awaiting PUBACK above which no more commands are claimed. Default 2 000. */
  maxInflight?: number;
}

/** The DJI message published for a command (`seq` only on drc/down). */
export function commandEnvelope(cmd: CommandRecord, seq: number | null, now = Date.now()): Record<string, unknown> {
  const msg: Record<string, unknown> = { tid: cmd.tid, bid: cmd.bid, timestamp: now, method: cmd.command_type };
  if (seq !== null) msg.seq = seq;
  msg.data = cmd.wire_data ?? {};
  return msg;
}

export class Dispatcher {
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly maxInflight: number;
  private readonly inflight = new Map<string, Promise<void>>();
  /** Tail of the publish chain of each gateway's DRC commands (keeps seq order on the wire). */
  private readonly drcChains = new Map<string, Promise<void>>();
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeRequested = false;
  private wakeSleeper: (() => void) | null = null;

  constructor(private readonly o: DispatcherOptions) {
    this.intervalMs = o.intervalMs ?? 500;
    this.batchSize = o.batchSize ?? 200;
    this.leaseMs = o.leaseMs ?? 5_000;
    this.maxInflight = o.maxInflight ?? 2_000;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /**
   * A publish lease for a command about to be accepted (`store.createCommand(rec, claim)`), when
   * this instance can publish it at once: started, connected, under its in-flight cap. Null →
   * insert it unclaimed and `wake()`. Why: taking the lease in the accepting INSERT saves the claim
   * query (an UPDATE and an index scan per command) on the hot path.
   */
  claimForAccept(): DispatchClaim | null {
    if (this.stopped || !this.o.link.connected() || this.inflight.size >= this.maxInflight) return null;
    return { owner: this.o.owner, lease_until: new Date(Date.now() + this.leaseMs).toISOString() };
  }

  /**
   * Publish a command created with `claimForAccept()`'s lease. When stopped meanwhile, nothing is
   * published: the lease runs out and any instance's poll publishes it.
   */
  dispatchClaimed(cmd: CommandRecord): void {
    if (this.stopped || this.inflight.has(cmd.command_id)) return;
    this.dispatch(cmd);
  }

  /** Claim now instead of at the next poll (after an accept, on reconnect). */
  wake(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
  }

  /** Stop claiming; wait up to `graceMs` for publishes awaiting PUBACK. */
  async stop(graceMs = 2_000): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    if (this.inflight.size > 0 && graceMs > 0) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inflight.values()]), new Promise((r) => (t = setTimeout(r, graceMs)))]);
      clearTimeout(t);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(t);
        self.wakeSleeper = null;
        self.wakeRequested = false;
        resolve();
      }
      this.wakeSleeper = done;
    });
  }

  private async run(): Promise<void> {
    const { store, link, logger, owner } = this.o;
    while (!this.stopped) {
      if (!link.connected() || this.inflight.size >= this.maxInflight) {
        await this.sleep(this.intervalMs);
        continue;
      }
      // Let accepts that arrive in the same event-loop turn share one claim (no fixed delay).
      await new Promise<void>((r) => setImmediate(r));
      let claimed: CommandRecord[];
      try {
        claimed = await store.claimPendingDispatch(owner, Math.min(this.batchSize, this.maxInflight - this.inflight.size), this.leaseMs);
      } catch (err) {
        logger.warn({ err }, 'dispatcher: claiming pending commands failed; retrying');
        await this.sleep(this.intervalMs);
        continue;
      }
      // A claim can return a command this instance is still waiting a PUBACK for (its lease ran out
      // while disconnected); mqtt.js resends those itself, so they are not published twice here.
      const fresh = claimed.filter((c) => !this.inflight.has(c.command_id));
      for (const cmd of fresh) this.dispatch(cmd);
      if (fresh.length > 0 && claimed.length >= this.batchSize) continue;
      await this.sleep(this.intervalMs);
    }
  }

  private dispatch(cmd: CommandRecord): void {
    const id = cmd.command_id;
    let p: Promise<void>;
    if (!isValidSn(cmd.gateway_sn)) {
      p = this.failUnroutable(cmd);
    } else if (cmd.transport === 'drc/down') {
      // Chain per gateway so seq allocation and publish order agree.
      const prev = this.drcChains.get(cmd.gateway_sn) ?? Promise.resolve();
      let published!: () => void;
      const issued = new Promise<void>((r) => (published = r));
      p = prev.then(() => this.publishDrc(cmd, published));
      const tail = issued.then(() => undefined);
      this.drcChains.set(cmd.gateway_sn, tail);
      void tail.then(() => {
        if (this.drcChains.get(cmd.gateway_sn) === tail) this.drcChains.delete(cmd.gateway_sn);
      });
      // Whatever happens, release the chain.
      p = p.finally(() => published());
    } else {
      p = this.publish(cmd, null);
    }
    const tracked = p
      .catch((err) => this.o.logger.error({ err, command_id: id }, 'dispatcher: unexpected error'))
      .finally(() => this.inflight.delete(id));
    this.inflight.set(id, tracked);
  }

  private async publishDrc(cmd: CommandRecord, issued: () => void): Promise<void> {
    const { store } = this.o;
    const seq = await store.nextDrcSeq(cmd.gateway_sn);
    const withSeq = await store.transitionCommand(cmd.command_id, ['ACCEPTED'], seqPatch(seq, new Date().toISOString()));
    if (!withSeq) return; // timed out meanwhile
    await this.publish(withSeq, seq, issued);
  }

  /** Publish and, on PUBACK, record delivery. `issued` fires once the packet is handed to the client. */
  private async publish(cmd: CommandRecord, seq: number | null, issued?: () => void): Promise<void> {
    const { link, logger, stats } = this.o;
    const topic = cmd.transport === 'drc/down' ? drcDownTopic(cmd.gateway_sn) : servicesTopic(cmd.gateway_sn);
    const acked = link.publish(topic, commandEnvelope(cmd, seq), 1);
    issued?.();
    try {
      await acked;
    } catch (err) {
      stats.inc('publish_errors');
      logger.warn({ err, command_id: cmd.command_id, topic }, 'dispatcher: publish not acknowledged; the command stays pending');
      return;
    }
    stats.inc('published');
    await this.onPuback(cmd);
  }

  private async onPuback(cmd: CommandRecord): Promise<void> {
    const { store, catalog, stats, bus, logger } = this.o;
    const now = new Date().toISOString();
    const patch = deliveryPatch(cmd, catalog.get(cmd.command_type), now);
    // From ACCEPTED only: a fast reply may already have moved it on (and set delivered_at), or the
    // sweeper may have timed it out; both win.
    if (!(await store.applyTransition(cmd.command_id, ['ACCEPTED'], patch))) return;
    const rec = withPatch(cmd, patch);
    stats.inc('delivered');
    logger.debug({ command_id: rec.command_id, status: rec.status }, 'command delivered');
    bus.notify(rec);
  }

  /** A gateway SN that cannot be a topic level: never publishable, so fail now rather than time out. */
  private async failUnroutable(cmd: CommandRecord): Promise<void> {
    const now = new Date().toISOString();
    const rec = await this.o.store.transitionCommand(cmd.command_id, ['ACCEPTED'], unroutablePatch(cmd, now));
    this.o.logger.warn({ command_id: cmd.command_id, gateway_sn: cmd.gateway_sn }, 'dispatcher: unroutable gateway SN');
    if (rec) this.o.bus.notify(rec);
  }
}
