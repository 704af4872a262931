/**
 * The loop shape shared by the readers that follow the event log (the stream hub, the webhook
 * fan-out): one pass at a time; a wake during a pass runs another right after it; otherwise the
 * next pass is `pollMs` later (for events other instances commit, which raise no local wake).
 *
 * A wake by a local append whose pass found nothing new is retried soon (2, 4, 8… ms) rather than
 * after `pollMs`: on PostgreSQL a committed event stays unreadable while an older transaction is
 * still open (positions must not be overtaken, server/store/postgres/events.ts), and that
 * transaction's commit may raise no wake. On SQLite and in memory the wake comes after the commit,
 * so the first pass finds the event.
 */
export interface FollowerOptions {
  /** One pass; resolves true when it found something new (then a pending local wake is served). */
  pass: () => Promise<boolean>;
  pollMs: number;
  onError: (err: unknown) => void;
}

export class LogFollower {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private busy: Promise<void> | null = null;
  private again = false;
  /** A local append woke us and no pass has found anything new since: the next delay, in ms. */
  private localRetryMs = 0;

  constructor(private readonly o: FollowerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    // A pass may still be running from before a stop(): let it finish, then go on.
    if (this.busy) this.again = true;
    else this.run();
  }

  /** Stops the timer; resolves when the current pass has ended. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.busy;
  }

  /** Something was appended locally: pass now (or right after the current pass). */
  wake(): void {
    if (!this.running) return;
    if (this.localRetryMs === 0) this.localRetryMs = 2;
    if (this.busy) this.again = true;
    else this.run();
  }

  private run(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.again = false;
    this.busy = this.o
      .pass()
      .catch((err: unknown) => {
        this.o.onError(err);
        return false;
      })
      .then((found) => {
        this.busy = null;
        if (!this.running) return;
        if (found) this.localRetryMs = 0;
        if (this.again) return this.run();
        let delay = this.o.pollMs;
        if (this.localRetryMs > 0 && this.localRetryMs < this.o.pollMs) {
          delay = this.localRetryMs;
          this.localRetryMs *= 2;
        } else this.localRetryMs = 0;
        this.timer = setTimeout(() => this.run(), delay);
        this.timer.unref?.();
      });
  }
}
