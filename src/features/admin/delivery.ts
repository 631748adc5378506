// What admins see of Slack delivery in their workspace: writes still waiting in the outbox,
// the ones that failed for good (dead letters, with Slack's error), and requeueing them.
import type { Db } from "../../db/database.ts";

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
 * Puts this workspace's dead letters back in line: failed writes become pending again (sent
 * when their job runs them), and failed jobs are queued again, now, with fresh attempts.
 */
export async function requeueDeadLetters(
  prisma: Db,
  teamId: string,
  now: Date,
): Promise<{ writes: number; jobs: number }> {
  return prisma.$transaction(async (tx) => {
    const writes = await tx.slackWrite.updateMany({
      where: { teamId, status: "dead" },
      data: { status: "pending", attempts: 0, nextAttemptAt: now, leaseUntil: null },
    });
    const jobs = await tx.job.updateMany({
      where: { teamId, status: "dead" },
      data: { status: "queued", attempts: 0, runAt: now, leaseUntil: null, finishedAt: null },
    });
    return { writes: writes.count, jobs: jobs.count };
  });
}
