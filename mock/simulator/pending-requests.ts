/**
 * The device requests a simulated dock has sent and still awaits a `requests_reply` for (matched
 * by tid), with their timeouts, and the schedule that sends requests by itself.
 */
import type { DjiMessage, RequestHandle, RequestSchedule, SentRequest, SimLogger } from './types.js';

interface Pending {
  record: SentRequest;
  resolve(reply: DjiMessage): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class PendingRequests {
  private readonly byTid = new Map<string, Pending>();
  private scheduleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sn: string,
    private readonly log: SimLogger,
  ) {}

  /**
   * Await the `requests_reply` to `record` (its message's tid) for `timeoutMs`: the promise rejects
   * on timeout or {@link closeAll}, and is marked handled so that a caller who only wanted the ids
   * sees no unhandled rejection. A request sent again with the same tid takes the tid over.
   */
  track(record: SentRequest, timeoutMs: number): Promise<DjiMessage> {
    const tid = record.message.tid as string;
    const reply = new Promise<DjiMessage>((resolve, reject) => {
      const pending: Pending = {
        record,
        resolve,
        reject,
        timer: setTimeout(() => {
          if (this.byTid.get(tid) === pending) this.byTid.delete(tid);
          record.error = `no requests_reply within ${timeoutMs} ms`;
          reject(new Error(`simulated dock ${this.sn}: no requests_reply to ${record.method} (tid ${tid}) within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.byTid.set(tid, pending);
    });
    reply.catch(() => {});
    return reply;
  }

  /** Stop waiting for `tid` (its request could not be published). */
  forget(tid: string, error: string): void {
    const p = this.byTid.get(tid);
    if (!p) return;
    clearTimeout(p.timer);
    this.byTid.delete(tid);
    p.record.error = error;
  }

  /** File a `requests_reply`: resolves the request with its tid, if one is pending. */
  onReply(msg: DjiMessage): void {
    const p = typeof msg.tid === 'string' ? this.byTid.get(msg.tid) : undefined;
    if (!p) return;
    this.byTid.delete(msg.tid as string);
    clearTimeout(p.timer);
    p.record.reply = msg;
    p.resolve(msg);
  }

  /** Send `schedule.methods` with `send` on start (unless `onStart: false`) and every `intervalMs`. */
  startSchedule(schedule: RequestSchedule | undefined, send: (method: string) => Promise<RequestHandle>): void {
    if (!schedule || schedule.methods.length === 0) return;
    const sendAll = () => {
      for (const m of schedule.methods) {
        send(m)
          .then((sent) => sent.reply)
          .then(
            (reply) => this.log.info({ event: 'request_replied', dock: this.sn, method: m, reply }, 'requests_reply received'),
            (err: Error) => this.log.warn({ event: 'request_failed', dock: this.sn, method: m, err: err.message }, 'device request got no reply'),
          );
      }
    };
    if (schedule.onStart !== false) sendAll();
    if (schedule.intervalMs && schedule.intervalMs > 0) {
      this.scheduleTimer = setInterval(sendAll, schedule.intervalMs);
      this.scheduleTimer.unref?.();
    }
  }

  /** Stop the schedule and reject every pending request (the dock is closing). */
  closeAll(): void {
    if (this.scheduleTimer) clearInterval(this.scheduleTimer);
    this.scheduleTimer = null;
    for (const [tid, p] of this.byTid) {
      clearTimeout(p.timer);
      p.record.error = 'dock closed';
      p.reject(new Error(`simulated dock ${this.sn} closed before the requests_reply to ${p.record.method} (tid ${tid})`));
    }
    this.byTid.clear();
  }
}
