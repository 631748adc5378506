// The bounded worker pool of one instance: claims runnable jobs from the database, runs at
// most `concurrency` at once, renews their leases, and retries failures with back-off. While
// the HTTP receiver is answering requests the follow-up work gets a small share of the time
// (one job at a time, then a pause), so acks never wait behind it (with PGlite the database
// is in-process, on the same thread). Every instance runs one; the claim (FOR UPDATE SKIP
// LOCKED) gives each job to one of them.
import type { Logger } from "@slack/bolt";
import type { z } from "zod";
import type { Outbox } from "../slack/outbox.ts";
import { SlackWriteRefused } from "../slack/outbox.ts";
import { permanentSlackError } from "../slack/refusals.ts";
import { inWorkspace } from "../slack/clients.ts";
import { NotInstalled } from "../slack/installations/store.ts";
import type { ClaimedJob, JobStore } from "./durable-queue.ts";
import {
  PermanentFailure,
  RetryLater,
  type EnqueueOptions,
  type EnqueueResult,
  type JobHandler,
  type JobQueue,
  type Transaction,
  type TransactionEnqueueOptions,
} from "./queue.ts";

export interface WorkerOptions {
  store: JobStore;
  logger: Logger;
  /** The outbox for one job (its writes are recorded against the job's workspace). */
  outboxFor(job: ClaimedJob): Outbox;
  instanceId: string;
  concurrency?: number;
  /**
   * While true (requests in flight), the workers step back: one job at a time, and after each a
   * pause long enough that jobs take at most `busyShare` of the time (at least `busyGapMs`, at
   * most `MAX_BUSY_PAUSE_MS`). Acks keep the CPU; the follow-up work still moves, and catches
   * up at full concurrency once the requests stop.
   */
  isBusy?: () => boolean;
  busyShare?: number;
  busyGapMs?: number;
  pollMs?: number;
  leaseMs?: number;
  /** Failures (not deferrals) before a job is dead-lettered. */
  maxAttempts?: number;
  /** Deferrals (RetryLater) before a job is dead-lettered: no job is put off for ever. */
  maxDeferrals?: number;
  /** A job was dead-lettered, with what it threw (admin notices for Slack's refusals). */
  onDead?: (job: ClaimedJob, error: unknown) => Promise<void>;
  /** Observes each run: seconds it waited past its runAt, and how it ended. */
  onRun?: (info: { kind: string; lagSeconds: number; outcome: "done" | "retry" | "deferred" | "dead" }) => void;
}

export const DEFAULT_CONCURRENCY = 8;
const DEFAULT_POLL_MS = 500;
// Measured (bench `ack`, closed loop driven by wrk, PGlite): one job every 100 ms while
// requests were in flight halved the throughput, because a nomination's follow-up takes about
// that long there, so the next job started as soon as the last one ended; pausing for 9× the
// job (a 10 % share) still cost 45 %, since on PGlite the job's queries run on the acks' thread
// and hold its one connection. A 2 % share came within a few per cent of no jobs at all, and
// the follow-up work still moves (at least one job every MAX_BUSY_PAUSE_MS).
const DEFAULT_BUSY_SHARE = 0.02;
const DEFAULT_BUSY_GAP_MS = 100;
/** A job that waited long on Slack must not stall the follow-up work for longer than this. */
export const MAX_BUSY_PAUSE_MS = 5_000;
const DEFAULT_LEASE_MS = 60_000;
/** After an enqueue inside a transaction: long enough for a short transaction to commit. */
const AFTER_COMMIT_NUDGE_MS = 25;
const DEFAULT_MAX_ATTEMPTS = 8;
// A deferral is a wait for Slack's pace, a 429's Retry-After or an outbox write's own retry:
// seconds to minutes each. A job with a dozen writes to a busy channel defers a few dozen
// times; 200 is far beyond that, and bounds a job that would otherwise be put off for ever.
const DEFAULT_MAX_DEFERRALS = 200;

/** Back-off for the n-th failure: 2, 4, 8 … seconds, at most 5 minutes, with jitter. */
export function failureBackoffMs(attempt: number): number {
  const base = Math.min(2 ** attempt * 1000, 300_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export class JobWorkers implements JobQueue {
  private readonly handlers = new Map<string, { schema: z.ZodType<unknown>; handler: JobHandler<unknown> }>();
  private readonly active = new Map<string, { job: ClaimedJob; run: Promise<void> }>();
  /** Claims under way (the polling loop's and drain's): their jobs are not in `active` yet. */
  private claiming = 0;
  /** While requests are in flight, no job starts before this time (see isBusy). */
  private busyResumeAt = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly maxDeferrals: number;

  constructor(private readonly options: WorkerOptions) {
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.maxDeferrals = options.maxDeferrals ?? DEFAULT_MAX_DEFERRALS;
    options.store.onEnqueued = () => this.nudge();
  }

  register<P>(kind: string, schema: z.ZodType<P>, handler: JobHandler<P>): void {
    if (this.handlers.has(kind)) throw new Error(`Job kind ${kind} is registered twice`);
    this.handlers.set(kind, { schema: schema, handler: handler as JobHandler<unknown> });
  }

  enqueue(kind: string, payload: unknown, options?: EnqueueOptions): Promise<EnqueueResult> {
    if (!this.handlers.has(kind)) return Promise.reject(new Error(`No handler registered for job kind ${kind}`));
    return this.options.store.enqueue(kind, payload, options);
  }

  async enqueueInTransaction(
    tx: Transaction,
    kind: string,
    payload: unknown,
    options?: TransactionEnqueueOptions,
  ): Promise<EnqueueResult> {
    if (!this.handlers.has(kind)) throw new Error(`No handler registered for job kind ${kind}`);
    const result = await this.options.store.enqueueInTransaction(tx, kind, payload, options);
    // The row is visible once the caller's transaction commits, a moment from now; the
    // polling loop finds it in any case.
    if (result.created) setTimeout(() => this.nudge(), AFTER_COMMIT_NUDGE_MS).unref();
    return result;
  }

  /** Wakes the claim loop (new work was stored). */
  nudge(): void {
    this.wake?.();
  }

  get activeCount(): number {
    return this.active.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.claimLoop();
    this.renewTimer = setInterval(() => {
      const jobs = [...this.active.values()].map((a) => a.job);
      this.options.store
        .renew(jobs, this.leaseMs)
        .catch((error: unknown) => this.options.logger.warn("Could not renew job leases", String(error)));
    }, this.leaseMs / 3);
    this.renewTimer.unref();
  }

  /**
   * Stops claiming, waits up to `graceMs` for running jobs, then hands the rest back to the
   * queue (another instance, or the next start, runs them; their steps are idempotent).
   */
  async stop(graceMs = 8_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.nudge();
    await this.loop;
    clearInterval(this.renewTimer);
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), graceMs);
    });
    const finished = Promise.all([...this.active.values()].map((a) => a.run)).then(() => "done" as const);
    const outcome = await Promise.race([finished, timeUp]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      const unfinished = [...this.active.values()].map((a) => a.job);
      this.options.logger.warn(`Stopping: handing ${unfinished.length} unfinished jobs back to the queue`);
      await this.options.store.release(unfinished).catch((error: unknown) => {
        this.options.logger.warn("Could not hand jobs back; their leases run out instead", String(error));
      });
      this.active.clear();
    }
  }

  /** For tests: runs until nothing is runnable now and nothing is active. */
  async drain(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.active.size === 0) {
        const claimed = await this.claimAndRun();
        // A claim of the polling loop still in flight may hold a job we could not see.
        if (claimed === 0 && this.active.size === 0 && this.claiming === 0) return;
      }
      if (Date.now() > deadline) throw new Error("Jobs did not drain in time");
      await Promise.race([...[...this.active.values()].map((a) => a.run), sleep(20)]);
    }
  }

  private async claimLoop(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.claimAndRun();
      } catch (error) {
        this.options.logger.warn("Could not claim jobs; trying again shortly", String(error));
      }
      if (!this.running) break;
      // Claimed a full batch: there may be more; otherwise wait for a nudge or the poll.
      if (claimed > 0 && this.freeSlots() > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private freeSlots(): number {
    if (this.options.isBusy?.()) {
      return this.active.size === 0 && Date.now() >= this.busyResumeAt ? 1 : 0;
    }
    return Math.max(0, this.concurrency - this.active.size);
  }

  /** After a job that ran `durationMs`, the pause that keeps jobs to their share while busy. */
  private pauseIfBusy(durationMs: number): void {
    if (!this.options.isBusy?.()) return;
    const share = this.options.busyShare ?? DEFAULT_BUSY_SHARE;
    const pauseMs = Math.min(
      MAX_BUSY_PAUSE_MS,
      Math.max(this.options.busyGapMs ?? DEFAULT_BUSY_GAP_MS, (durationMs * (1 - share)) / share),
    );
    this.busyResumeAt = Math.max(this.busyResumeAt, Date.now() + pauseMs);
  }

  private async claimAndRun(): Promise<number> {
    const free = this.freeSlots();
    if (free === 0) return 0;
    this.claiming++;
    let jobs: ClaimedJob[];
    try {
      jobs = await this.options.store.claim(free, this.options.instanceId, this.leaseMs);
    } finally {
      this.claiming--;
    }
    for (const job of jobs) {
      const startedAt = Date.now();
      const run = this.run(job).finally(() => {
        this.active.delete(job.id);
        this.pauseIfBusy(Date.now() - startedAt);
        // A slot is free: look for more work.
        this.nudge();
      });
      this.active.set(job.id, { job, run });
    }
    return jobs.length;
  }

  private async run(job: ClaimedJob): Promise<void> {
    const { logger, store } = this.options;
    const lagSeconds = Math.max(0, (Date.now() - job.runAt.getTime()) / 1000);
    const report = (outcome: "done" | "retry" | "deferred" | "dead") =>
      this.options.onRun?.({ kind: job.kind, lagSeconds, outcome });
    const entry = this.handlers.get(job.kind);
    try {
      if (!entry) throw new PermanentFailure(`No handler for job kind ${job.kind} (written by another version?)`);
      const payload = entry.schema.safeParse(job.payload);
      if (!payload.success) throw new PermanentFailure(`Invalid payload for ${job.kind}: ${payload.error.message}`);
      // The job's workspace: its Web API reads use that workspace's token (slack/clients.ts).
      await inWorkspace(job.teamId, () =>
        entry.handler(payload.data, {
          jobId: job.id,
          key: job.key,
          attempt: job.attempts,
          outbox: this.options.outboxFor(job),
        }),
      );
      await store.complete(job);
      report("done");
    } catch (error) {
      try {
        if (error instanceof RetryLater && job.deferrals < this.maxDeferrals) {
          await store.reschedule(job, error.at, { countAttempt: false });
          report("deferred");
        } else if (
          error instanceof RetryLater ||
          error instanceof PermanentFailure ||
          error instanceof SlackWriteRefused ||
          // Slack refused a direct call for good (a channel the app left, a revoked token…):
          // no retry changes that answer.
          permanentSlackError(error) !== null ||
          // Its workspace uninstalled Delight: nothing may be sent for it any more.
          error instanceof NotInstalled ||
          job.attempts >= this.maxAttempts
        ) {
          const why =
            error instanceof RetryLater
              ? `put off ${job.deferrals} times (last: ${error.message}); given up`
              : describe(error);
          logger.error(`Job ${job.kind} (${job.key}) failed for good and was dead-lettered`, why);
          await store.bury(job, why);
          report("dead");
          await this.options.onDead?.(job, error);
        } else {
          const at = new Date(Date.now() + failureBackoffMs(job.attempts));
          logger.warn(
            `Job ${job.kind} (${job.key}) failed (attempt ${job.attempts}); retrying at ${at.toISOString()}`,
            describe(error),
          );
          await store.reschedule(job, at, { countAttempt: true, error: describe(error) });
          report("retry");
        }
      } catch (storeError) {
        // The database is unreachable: the lease runs out and the job is claimed again.
        logger.error(`Could not record the outcome of job ${job.kind} (${job.key})`, String(storeError));
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
