// What admins see of Slack delivery in their workspace: writes still waiting in the outbox,
// the ones that failed for good (dead letters, with Slack's error), and requeueing them.
import { z } from "zod";
import type { Db } from "../../db/database.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { DEAD_JOB_RETRYABLE_MS } from "../../jobs/maintenance.ts";
import { RESENDABLE_METHODS, SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";
import { PERMANENT_SLACK_ERRORS, permanentSlackErrorIn, refusalAdvice } from "../../slack/refusals.ts";

/** Sends a requeued write whose own job may be over (see requeueDeadLetters). */
export const RESEND_WRITE_JOB = "admin.resend-write";
export const resendWritePayload = z.object({ writeKey: z.string(), requeuedAt: z.iso.datetime() });
/** A requeued job gets this long to send its write itself before the resend job does. */
export const RESEND_AFTER_MS = 60_000;

export interface DeliverySummary {
  /** Outbox writes not sent yet (waiting for their channel's pace, Slack's Retry-After or a retry). */
  waiting: number;
  oldestWaitingSince: Date | null;
  /** Writes Slack refused for good, or that failed too often. */
  failedWrites: number;
  /** Follow-up jobs that failed for good. */
  failedJobs: number;
}

/**
 * One statement, not four: it is part of every `/delight-admin` answer, before the ack, and on
 * embedded PGlite each statement costs about a millisecond plus Prisma's own work (bench `ack`:
 * 100 admin commands at once on a fresh PGlite had up to 24 answers past Slack's 3 s).
 */
export async function deliverySummary(prisma: Db, teamId: string): Promise<DeliverySummary> {
  const [row] = await prisma.$queryRaw<
    Array<{ waiting: number; oldest: Date | null; failedWrites: number; failedJobs: number }>
  >`SELECT
      (SELECT COUNT(*)::int FROM "SlackWrite" WHERE "teamId" = ${teamId} AND "status" IN ('pending', 'sending')) AS "waiting",
      (SELECT MIN("createdAt") FROM "SlackWrite" WHERE "teamId" = ${teamId} AND "status" IN ('pending', 'sending')) AS "oldest",
      (SELECT COUNT(*)::int FROM "SlackWrite" WHERE "teamId" = ${teamId} AND "status" = 'dead') AS "failedWrites",
      (SELECT COUNT(*)::int FROM "Job" WHERE "teamId" = ${teamId} AND "status" = 'dead') AS "failedJobs"`;
  return {
    waiting: Number(row?.waiting ?? 0),
    oldestWaitingSince: row?.oldest ? new Date(row.oldest) : null,
    failedWrites: Number(row?.failedWrites ?? 0),
    failedJobs: Number(row?.failedJobs ?? 0),
  };
}

export interface DeadWrite {
  method: string;
  /** When it was first recorded. */
  at: Date;
  error: string;
  /** For a message: where it was to go. */
  channel: string | null;
  /** What to fix, for a refusal no retry can change (refusals.ts). */
  advice: string | null;
}

export interface DeadJob {
  kind: string;
  at: Date;
  error: string;
  advice: string | null;
  /** False once it is too old to retry without risking a repeat (DEAD_JOB_RETRYABLE_MS). */
  retryable: boolean;
}

/** Dead jobs created after this may be retried (see DEAD_JOB_RETRYABLE_MS). */
export function retryableSince(now: Date): Date {
  return new Date(now.getTime() - DEAD_JOB_RETRYABLE_MS);
}

export async function listDeadLetters(
  prisma: Db,
  teamId: string,
  limit: number,
  now: Date = new Date(),
): Promise<{ writes: DeadWrite[]; jobs: DeadJob[]; totalWrites: number; totalJobs: number }> {
  const [writes, jobs, totalWrites, totalJobs] = await Promise.all([
    prisma.slackWrite.findMany({
      where: { teamId, status: "dead" },
      orderBy: { createdAt: "desc" },
      take: limit,
      select: { method: true, createdAt: true, lastError: true, args: true },
    }),
    prisma.job.findMany({
      where: { teamId, status: "dead" },
      orderBy: { createdAt: "desc" },
      take: limit,
      select: { kind: true, createdAt: true, lastError: true },
    }),
    prisma.slackWrite.count({ where: { teamId, status: "dead" } }),
    prisma.job.count({ where: { teamId, status: "dead" } }),
  ]);
  return {
    writes: writes.map((w) => {
      const args = (w.args ?? {}) as { channel?: unknown; user?: unknown };
      const channel = typeof args.channel === "string" ? args.channel : null;
      const person = typeof args.user === "string" ? args.user : null;
      const error = w.lastError ?? "unknown error";
      return {
        method: w.method,
        at: w.createdAt,
        error,
        channel,
        advice: PERMANENT_SLACK_ERRORS.has(error) ? refusalAdvice(error, channel ?? person) : null,
      };
    }),
    jobs: jobs.map((j) => {
      const code = permanentSlackErrorIn(j.lastError ?? "");
      return {
        kind: j.kind,
        at: j.createdAt,
        error: firstLine(j.lastError ?? "unknown error"),
        advice: code ? refusalAdvice(code, null) : null,
        retryable: j.createdAt >= retryableSince(now),
      };
    }),
    totalWrites,
    totalJobs,
  };
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? text).slice(0, 300);
}

/**
 * Puts this workspace's dead letters back in line: failed jobs are queued again, now, with
 * fresh attempts, and failed writes become pending again. A write is usually sent by its job
 * when that runs again; many jobs finish even when a write fails (a DM to someone who left), so
 * each write also gets a resend job a minute later that sends it from its stored arguments if
 * nobody has by then. All in one transaction: a write is never made pending without its resend.
 *
 * A dead job older than DEAD_JOB_RETRYABLE_MS stays dead (`tooOld`): the outbox no longer
 * remembers which of its writes were sent, so running it again could send them twice.
 */
export async function requeueDeadLetters(
  prisma: Db,
  jobs: JobQueue,
  teamId: string,
  now: Date,
): Promise<{ writes: number; jobs: number; tooOld: number }> {
  const runAt = new Date(now.getTime() + RESEND_AFTER_MS);
  return prisma.$transaction(
    async (tx) => {
      const deadWrites = await tx.slackWrite.findMany({ where: { teamId, status: "dead" }, select: { key: true } });
      const keys = deadWrites.map((w) => w.key);
      const writes = await tx.slackWrite.updateMany({
        where: { key: { in: keys }, status: "dead" },
        data: { status: "pending", attempts: 0, nextAttemptAt: now, leaseUntil: null },
      });
      for (const writeKey of keys) {
        await jobs.enqueueInTransaction(
          tx,
          RESEND_WRITE_JOB,
          { writeKey, requeuedAt: now.toISOString() },
          { key: `resend:${writeKey}:${now.getTime()}`, teamId, runAt },
        );
      }
      const recent = { teamId, status: "dead" as const, createdAt: { gte: retryableSince(now) } };
      const jobCount = await tx.job.updateMany({
        where: recent,
        data: { status: "queued", attempts: 0, deferrals: 0, runAt: now, leaseUntil: null, finishedAt: null },
      });
      const tooOld = await tx.job.count({ where: { teamId, status: "dead" } });
      return { writes: writes.count, jobs: jobCount.count, tooOld };
    },
    // A resend job per dead write: hundreds after a long outage, longer than Prisma's 5 s default.
    { timeout: 60_000 },
  );
}

/**
 * The resend job: if the write is still pending and untried since the requeue, sends it from
 * its stored arguments; one that cannot be (a response_url reply, a file upload) goes back to
 * the dead letters saying why, instead of waiting forever.
 */
export async function resendRequeuedWrite(
  prisma: Db,
  outbox: Outbox,
  payload: z.infer<typeof resendWritePayload>,
): Promise<void> {
  const row = await prisma.slackWrite.findUnique({
    where: { key: payload.writeKey },
    select: { method: true, status: true, attempts: true },
  });
  // Sent, being sent, or already tried again by its own job: nothing to do here.
  if (!row || row.status !== "pending" || row.attempts > 0) return;
  if (RESENDABLE_METHODS.has(row.method)) {
    try {
      await outbox.resend(payload.writeKey);
    } catch (error) {
      // Dead again: the outbox recorded why, and admins see it in /delight-admin outbox.
      if (!(error instanceof SlackWriteRefused)) throw error;
    }
    return;
  }
  await prisma.slackWrite.updateMany({
    where: { key: payload.writeKey, status: "pending", attempts: 0 },
    data: {
      status: "dead",
      lastError: "not sent again: its contents are not kept (run the command again)",
    },
  });
}
