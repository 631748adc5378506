// Work after the ack. A listener records the work as a job (one small insert) before it acks;
// a bounded pool of workers on every instance runs the jobs from the database, with leases,
// so a crash, a restart or a second instance finishes what was acknowledged.
//
// Each feature registers its job handlers in one place (its register function); listeners
// and the scheduler only enqueue. A handler may run more than once (a crash after a step, a
// lease that ran out): every step must be idempotent. Writes to Slack go through
// `context.outbox`, whose keys make each write happen once however often the job runs.
import type { z } from "zod";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Outbox } from "../slack/outbox.ts";

/** A Prisma interactive transaction, as `prisma.$transaction(async (tx) => …)` hands it. */
export type Transaction = Prisma.TransactionClient;

export interface JobContext {
  jobId: string;
  /** The job's idempotency key: a good prefix for the keys of its outbox writes. */
  key: string;
  /** 1 on the first run. */
  attempt: number;
  outbox: Outbox;
}

export type JobHandler<P> = (payload: P, context: JobContext) => Promise<void>;

export interface EnqueueOptions {
  /**
   * Idempotency key. A second enqueue with a key that exists creates nothing (`created`
   * false). Default: a fresh id.
   */
  key?: string;
  /** Not before this time (default: now). */
  runAt?: Date;
  /** The workspace, for admin views of stuck work. */
  teamId?: string;
  /**
   * With `dedupeHash`: no job is created when one with the same hash was created within
   * this window ("the same person sent the same text again after a timeout").
   */
  dedupeHash?: string;
  dedupeWindowMs?: number;
  /**
   * When the work was recorded, by the app's clock (the one its rules run on); the dedupe
   * window counts from it. Default: now.
   */
  recordedAt?: Date;
}

/** What an enqueue inside a transaction takes (no dedupe window: the transaction is the guard). */
export type TransactionEnqueueOptions = Pick<EnqueueOptions, "key" | "runAt" | "teamId" | "recordedAt">;

export interface EnqueueResult {
  id: string;
  /** False when the key (or the dedupe hash within its window) already existed. */
  created: boolean;
}

export interface JobQueue {
  /** Registers the handler of one kind of job; the payload is checked with the schema before each run. */
  register<P>(kind: string, schema: z.ZodType<P>, handler: JobHandler<P>): void;
  /** Records a job durably; resolves once it is in the database. */
  enqueue(kind: string, payload: unknown, options?: EnqueueOptions): Promise<EnqueueResult>;
  /**
   * Records a job inside the caller's transaction, so the state change and the job that
   * follows it up are written together or not at all: a failure can never leave a change
   * saved without its follow-up (whose retry would then be refused as "already done").
   */
  enqueueInTransaction(
    tx: Transaction,
    kind: string,
    payload: unknown,
    options?: TransactionEnqueueOptions,
  ): Promise<EnqueueResult>;
}

/**
 * Thrown by a handler (or by the outbox, for a paced or rate-limited channel) to run the
 * job again at `at` without counting it as a failure.
 */
export class RetryLater extends Error {
  constructor(
    readonly at: Date,
    reason: string,
  ) {
    super(reason);
    this.name = "RetryLater";
  }
}

/** Thrown for a failure that no retry can fix: the job is dead-lettered at once (and logged). */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentFailure";
  }
}
