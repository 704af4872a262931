/** The history a simulated dock keeps (bounded arrays) and the waits tests do on it. */
import { EventEmitter } from 'node:events';
import type { MessageRecord } from './types.js';

/** Base of `SimulatedDock`: received/sent history, `waitFor`, `waitForCount`. Emits `message` per received message. */
export class DockRecorder extends EventEmitter {
  /** Every message received, in order. */
  readonly received: MessageRecord[] = [];
  /** Every message published, in order. */
  readonly sent: MessageRecord[] = [];

  constructor(
    protected readonly limit: number,
    private readonly who: string,
  ) {
    super();
    this.setMaxListeners(0); // every pending waitFor listens to `message`
  }

  /** Append to a history array, dropping the oldest past the limit. */
  protected push<T>(arr: T[], item: T): void {
    arr.push(item);
    if (arr.length > this.limit) arr.splice(0, arr.length - this.limit);
  }

  /** Received messages of one kind (`services`, `events_reply`, …). */
  ofKind(kind: string): MessageRecord[] {
    return this.received.filter((m) => m.kind === kind);
  }

  /** The first received message (past or future) matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (m: MessageRecord) => boolean, timeoutMs = 5_000): Promise<MessageRecord> {
    return this.waitForCount(pred, 1, timeoutMs).then((hits) => hits[0]!);
  }

  /** The first `n` received messages (past or future) matching `pred`; rejects after `timeoutMs`. */
  waitForCount(pred: (m: MessageRecord) => boolean, n: number, timeoutMs = 5_000): Promise<MessageRecord[]> {
    const hits = () => this.received.filter(pred);
    const already = hits();
    if (already.length >= n) return Promise.resolve(already.slice(0, n));
    return new Promise((resolve, reject) => {
      const check = () => {
        const h = hits();
        if (h.length < n) return;
        clearTimeout(timer);
        this.off('message', check);
        resolve(h.slice(0, n));
      };
      const timer = setTimeout(() => {
        this.off('message', check);
        const seen = this.received.map((m) => `${m.kind}:${m.message?.method ?? '?'}`).join(', ');
        reject(new Error(`simulated dock ${this.who}: ${hits().length}/${n} matching messages within ${timeoutMs} ms (received ${this.received.length}: ${seen})`));
      }, timeoutMs);
      this.on('message', check);
    });
  }

}
