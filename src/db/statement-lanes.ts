// Who runs next on embedded PGlite. PGlite is one connection that runs one statement (or one
// transaction) at a time, and its own lock hands it out first come, first served: in a burst a
// request's statement queued behind everything issued before it — the workers' claims and
// follow-up statements, the metrics reads, maintenance — and a request with several statements
// (an admin command: about ten) went to the back of that queue for each of them, so hundreds of
// requests finished together, late (README, "Bursts on the embedded database").
//
// Here every statement waits for its turn in two lanes instead:
//  - the ack lane: statements issued while a Slack request is being answered (`onAckPath`,
//    which the app wraps around each request) and the group-committed job insert, served by
//    the age of their request, oldest first, so the first requests of a burst finish first;
//  - the background lane (workers, outbox, metrics, maintenance), served only when no ack
//    statement waits. A background transaction, which holds PGlite across several awaits, does
//    not start while requests are being answered (up to `maxBackgroundDeferMs`, so background
//    work is never starved for long under steady traffic).
// A statement that already runs is never interrupted: PGlite cannot, so long work must be cut in
// short statements (maintenance deletes in bounded batches, the job insert carries a bounded batch).
import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";

interface Waiter {
  /** Lower goes first: an ack-path request's start time; background is +Infinity. */
  rank: number;
  seq: number;
  transaction: boolean;
  queuedAt: number;
  start: () => void;
}

export interface StatementLanesOptions {
  /** The longest a background transaction waits for the requests in flight to finish. */
  maxBackgroundDeferMs?: number;
  now?: () => number;
}

/** Default for maxBackgroundDeferMs: well under Slack's 3 s, long enough for a burst's acks. */
export const MAX_BACKGROUND_DEFER_MS = 1_000;

export class StatementLanes {
  private readonly context = new AsyncLocalStorage<{ since: number }>();
  private running = false;
  private readonly waiting: Waiter[] = [];
  private seq = 0;
  /** Ack-path work started and not finished yet. */
  private ackPathActive = 0;
  private deferTimer: NodeJS.Timeout | undefined;
  private readonly maxBackgroundDeferMs: number;
  private readonly now: () => number;

  constructor(options: StatementLanesOptions = {}) {
    this.maxBackgroundDeferMs = options.maxBackgroundDeferMs ?? MAX_BACKGROUND_DEFER_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Runs `work` (the answering of one request) with its statements in the ack lane, ranked by
   * `since` (when the request arrived; default now).
   */
  onAckPath<T>(work: () => Promise<T>, since = this.now()): Promise<T> {
    this.ackPathActive += 1;
    const done = () => {
      this.ackPathActive -= 1;
      this.dispatch();
    };
    // Awaited inside the context: a Prisma query is a lazy thenable that starts when awaited.
    const result = this.context.run({ since }, async () => await work());
    result.then(done, done);
    return result;
  }

  /** True inside onAckPath. */
  get inAckPath(): boolean {
    return this.context.getStore() !== undefined;
  }

  /**
   * Runs one statement (or one whole transaction) when its turn comes. `ack` forces the ack
   * lane outside onAckPath (the group-committed job insert, which carries the acks' rows).
   */
  async run<T>(work: () => Promise<T>, options: { ack?: boolean; transaction?: boolean } = {}): Promise<T> {
    const since = options.ack ? 0 : this.context.getStore()?.since;
    await this.turn(since ?? Number.POSITIVE_INFINITY, options.transaction === true);
    try {
      return await work();
    } finally {
      this.running = false;
      this.dispatch();
    }
  }

  /** Statements waiting for their turn, for tests. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  private turn(rank: number, transaction: boolean): Promise<void> {
    return new Promise<void>((start) => {
      this.waiting.push({ rank, seq: this.seq++, transaction, queuedAt: this.now(), start });
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.running || this.waiting.length === 0) return;
    let best = -1;
    for (let i = 0; i < this.waiting.length; i++) {
      const w = this.waiting[i]!;
      if (w.rank === Number.POSITIVE_INFINITY && w.transaction && this.ackPathActive > 0) {
        // A background transaction waits for the requests in flight, within its bound.
        if (this.now() - w.queuedAt < this.maxBackgroundDeferMs) continue;
      }
      const b = best < 0 ? undefined : this.waiting[best]!;
      if (!b || w.rank < b.rank || (w.rank === b.rank && w.seq < b.seq)) best = i;
    }
    if (best < 0) {
      // Only deferred background transactions wait: look again when the oldest one's bound ends.
      if (!this.deferTimer) {
        const oldest = Math.min(...this.waiting.map((w) => w.queuedAt));
        const delay = Math.max(1, oldest + this.maxBackgroundDeferMs - this.now());
        this.deferTimer = setTimeout(() => {
          this.deferTimer = undefined;
          this.dispatch();
        }, delay);
        this.deferTimer.unref();
      }
      return;
    }
    const [next] = this.waiting.splice(best, 1);
    this.running = true;
    next!.start();
  }
}
