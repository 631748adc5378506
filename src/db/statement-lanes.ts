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
//    statement waits, and not started at all while requests are being answered or connections
//    are arriving (below), up to `maxBackgroundDeferMs`, so background work is never starved
//    for long under steady traffic.
// A statement that already runs is never interrupted: PGlite cannot, so long work must be cut in
// short statements (maintenance deletes in bounded batches, the job insert carries a bounded batch).
//
// Two more rules keep the event loop free to take new connections, which matters as much as
// the order of statements: libuv accepts ONE connection per event-loop iteration (libuv PR
// #3696, "unix: don't accept() connections in a loop": libuv 1.45+, so Node 20+), and a PGlite
// statement runs synchronously on this thread. Measured in a burst (README, "Bursts on the
// embedded database"): the background statements, each started from the previous one's
// completion, ran back to back in one microtask chain for 0.3–1.5 s at a time, so the loop
// iterated about once a second, and ~400 connections of the burst waited in the kernel's accept
// queue (`ss -ltn`: Recv-Q 380) and were taken at 1–5 a second, many after the client's 30 s.
//  - a background statement starts in a macrotask of its own (setImmediate), so the loop polls
//    (accepts a connection, reads requests) between any two of them;
//  - while connections are arriving (one seen within `arrivalQuietMs`, told by `noteArrival`)
//    or requests are being answered, no background statement starts at all (within the same
//    `maxBackgroundDeferMs` bound), so the loop's iterations stay short and the accept queue
//    drains at once.
import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";

interface Waiter {
  /** Lower goes first: an ack-path request's start time; background is +Infinity. */
  rank: number;
  seq: number;
  queuedAt: number;
  start: () => void;
}

export interface StatementLanesOptions {
  /** The longest a background statement waits for the requests in flight to finish. */
  maxBackgroundDeferMs?: number;
  /** Background waits until no connection has arrived for this long (a burst is still coming in). */
  arrivalQuietMs?: number;
  now?: () => number;
}

/** Default for maxBackgroundDeferMs: well under Slack's 3 s, long enough for a burst's acks. */
export const MAX_BACKGROUND_DEFER_MS = 1_000;
/**
 * Default for arrivalQuietMs: a connection becomes a request (read, parsed, verified, in
 * onAckPath) within a few loop iterations, well under this when background work is held.
 */
export const ARRIVAL_QUIET_MS = 25;

export class StatementLanes {
  private readonly context = new AsyncLocalStorage<{ since: number }>();
  private running = false;
  private readonly waiting: Waiter[] = [];
  private seq = 0;
  /** Ack-path work started and not finished yet. */
  private ackPathActive = 0;
  private deferTimer: NodeJS.Timeout | undefined;
  private deferAt = Number.POSITIVE_INFINITY;
  /** A background statement's start is waiting for its macrotask (setImmediate). */
  private yielding = false;
  private lastArrivalAt = Number.NEGATIVE_INFINITY;
  private readonly maxBackgroundDeferMs: number;
  private readonly arrivalQuietMs: number;
  private readonly now: () => number;

  constructor(options: StatementLanesOptions = {}) {
    this.maxBackgroundDeferMs = options.maxBackgroundDeferMs ?? MAX_BACKGROUND_DEFER_MS;
    this.arrivalQuietMs = options.arrivalQuietMs ?? ARRIVAL_QUIET_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** A connection (or request) arrived: background statements wait until arrivals pause. */
  noteArrival(): void {
    this.lastArrivalAt = this.now();
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
   * Runs one statement (or one whole transaction, which holds PGlite across its awaits) when its
   * turn comes. `ack` forces the ack
   * lane outside onAckPath (the group-committed job insert, which carries the acks' rows).
   */
  async run<T>(work: () => Promise<T>, options: { ack?: boolean } = {}): Promise<T> {
    const since = options.ack ? 0 : this.context.getStore()?.since;
    await this.turn(since ?? Number.POSITIVE_INFINITY);
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

  private turn(rank: number): Promise<void> {
    return new Promise<void>((start) => {
      this.waiting.push({ rank, seq: this.seq++, queuedAt: this.now(), start });
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.running || this.yielding || this.waiting.length === 0) return;
    const next = this.pickNext();
    if (next < 0) return this.lookAgainLater();
    if (this.waiting[next]!.rank !== Number.POSITIVE_INFINITY) return this.start(next);
    // Background: let the loop poll first (accept, read), then choose again, since an ack
    // statement may have come in meanwhile.
    this.yielding = true;
    setImmediate(() => {
      this.yielding = false;
      if (this.running) return;
      const chosen = this.pickNext();
      if (chosen < 0) this.lookAgainLater();
      else this.start(chosen);
    });
  }

  /** The index of the statement to run next, or -1 when only held-back background work waits. */
  private pickNext(): number {
    const now = this.now();
    const requestsComing = this.ackPathActive > 0 || now - this.lastArrivalAt < this.arrivalQuietMs;
    let best = -1;
    for (let i = 0; i < this.waiting.length; i++) {
      const w = this.waiting[i]!;
      if (w.rank === Number.POSITIVE_INFINITY && requestsComing && now - w.queuedAt < this.maxBackgroundDeferMs) {
        continue; // background waits for the requests, within its bound
      }
      const b = best < 0 ? undefined : this.waiting[best]!;
      if (!b || w.rank < b.rank || (w.rank === b.rank && w.seq < b.seq)) best = i;
    }
    return best;
  }

  private start(index: number): void {
    const [next] = this.waiting.splice(index, 1);
    this.running = true;
    next!.start();
  }

  /** Only held-back background work waits: look again when arrivals pause or a bound ends. */
  private lookAgainLater(): void {
    const oldest = Math.min(...this.waiting.map((w) => w.queuedAt));
    const boundEnds = oldest + this.maxBackgroundDeferMs;
    // While requests are answered, their ends dispatch again; otherwise arrivals pausing does.
    const at = this.ackPathActive > 0 ? boundEnds : Math.min(boundEnds, this.lastArrivalAt + this.arrivalQuietMs);
    if (this.deferTimer && this.deferAt <= at) return;
    clearTimeout(this.deferTimer);
    this.deferAt = at;
    this.deferTimer = setTimeout(
      () => {
        this.deferTimer = undefined;
        this.dispatch();
      },
      Math.max(1, at - this.now()),
    );
    this.deferTimer.unref();
  }
}
