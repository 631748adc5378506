// What admins see of Slack delivery in their workspace: writes still waiting in the outbox,
// the ones that failed for good (dead letters, with Slack's error), and requeueing them.
import { z } from "zod";
import type { Db } from "../../db/database.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { RESENDABLE_METHODS, SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";

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

export async function deliverySummary(prisma: Db, teamId: string): Promise<DeliverySummary> {
  const waitingWhere = { teamId, status: { in: ["pending" as const, "sending" as const] } };
  const [waiting, oldest, failedWrites, failedJobs] = await Promise.all([
    prisma.slackWrite.count({ where: waitingWhere }),
    prisma.slackWrite.findFirst({ where: waitingWhere, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
    prisma.slackWrite.count({ where: { teamId, status: "dead" } }),
    prisma.job.count({ where: { teamId, status: "dead" } }),
  ]);
  return { waiting, oldestWaitingSince: oldest?.createdAt ?? null, failedWrites, failedJobs };
}

export interface DeadWrite {
  method: string;
  /** When it was first recorded. */
  at: Date;
  error: string;
  /** For a message: where it was to go. */
  channel: string | null;
}

export interface DeadJob {
  kind: string;
  at: Date;
  error: string;
}

export async function listDeadLetters(
  prisma: Db,
  teamId: string,
  limit: number,
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
      const channel = (w.args as { channel?: unknown } | null)?.channel;
      return {
        method: w.method,
        at: w.createdAt,
        error: w.lastError ?? "unknown error",
        channel: typeof channel === "string" ? channel : null,
      };
    }),
    jobs: jobs.map((j) => ({ kind: j.kind, at: j.createdAt, error: firstLine(j.lastError ?? "unknown error") })),
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
 * nobody has by then.
 */
export async function requeueDeadLetters(
  prisma: Db,
  jobs: JobQueue,
  teamId: string,
  now: Date,
): Promise<{ writes: number; jobs: number }> {
  const requeued = await prisma.$transaction(async (tx) => {
    const deadWrites = await tx.slackWrite.findMany({ where: { teamId, status: "dead" }, select: { key: true } });
    const keys = deadWrites.map((w) => w.key);
    const writes = await tx.slackWrite.updateMany({
      where: { key: { in: keys }, status: "dead" },
      data: { status: "pending", attempts: 0, nextAttemptAt: now, leaseUntil: null },
    });
    const jobCount = await tx.job.updateMany({
      where: { teamId, status: "dead" },
      data: { status: "queued", attempts: 0, runAt: now, leaseUntil: null, finishedAt: null },
    });
    return { keys, writes: writes.count, jobs: jobCount.count };
  });
  const runAt = new Date(now.getTime() + RESEND_AFTER_MS);
  for (const writeKey of requeued.keys) {
    await jobs.enqueue(
      RESEND_WRITE_JOB,
      { writeKey, requeuedAt: now.toISOString() },
      { key: `resend:${writeKey}:${now.getTime()}`, teamId, runAt },
    );
  }
  return { writes: requeued.writes, jobs: requeued.jobs };
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
