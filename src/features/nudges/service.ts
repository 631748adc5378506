// Nudges as records: scheduled when something happens (a recovery fixed without a surprise),
// picked up by the scheduler's tick when due, and the person's settings (off, "Not now",
// muted customers). Every write is keyed or conditional, so nothing is nudged twice.
import type { Db } from "../../db/database.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { JobQueue } from "../../jobs/queue.ts";

export const DELIVER_NUDGE_JOB = "nudges.deliver";

/** A fix's nudge waits this long: a surprise recorded right after the fix needs no nudge. */
export const FIX_NUDGE_DELAY_MS = 2 * 60_000;
/** A recovery only works within 24 hours of the OOPS: no nudge after that. */
export const RECOVERY_WINDOW_MS = 24 * 3_600_000;

/** A customer's praise is worth thanking back within a week. */
export const PRAISE_WINDOW_MS = 7 * 24 * 3_600_000;

/**
 * Schedules the praised person's nudge (once per nomination by a customer): the customer's
 * words and two ideas to thank them back. Due at once; the fatigue guards decide when it goes.
 */
export async function schedulePraiseNudge(
  prisma: Db,
  input: { teamId: string; nominationId: string; userId: string; customerId: string | null; now: Date },
): Promise<void> {
  await prisma.nudge.createMany({
    data: [
      {
        teamId: input.teamId,
        userId: input.userId,
        kind: "praise",
        subjectKey: `praise:${input.nominationId}`,
        customerId: input.customerId,
        status: "pending",
        dueAt: input.now,
      },
    ],
    skipDuplicates: true,
  });
}

/** "renewal:<customer id>:<YYYY-MM-DD>" or "anniversary:<customer id>:<YYYY-MM-DD>": one occurrence. */
export function milestoneKey(kind: "renewal" | "anniversary", customerId: string, date: string): string {
  return `${kind}:${customerId}:${date}`;
}

export function milestoneOf(subjectKey: string): { kind: "renewal" | "anniversary"; date: string } | null {
  const match = /^(renewal|anniversary):[^:]+:(\d{4}-\d{2}-\d{2})$/.exec(subjectKey);
  if (!match) return null;
  return { kind: match[1] === "renewal" ? "renewal" : "anniversary", date: match[2] ?? "" };
}

/** Schedules the "turn the OOPS into a WOW" nudge of a fixed case (once per case). */
export async function scheduleFixNudge(
  prisma: Db,
  input: { teamId: string; caseId: string; ownerId: string; surpriseGiven: string | null; now: Date },
): Promise<void> {
  if (input.surpriseGiven?.trim()) return;
  await prisma.nudge.createMany({
    data: [
      {
        teamId: input.teamId,
        userId: input.ownerId,
        kind: "fix",
        subjectKey: `fix:${input.caseId}`,
        caseId: input.caseId,
        status: "pending",
        dueAt: new Date(input.now.getTime() + FIX_NUDGE_DELAY_MS),
      },
    ],
    skipDuplicates: true,
  });
}

/**
 * The scheduler's tick: a job for every pending nudge that is due. The job key names the
 * due time, so two instances ticking at once record one job, and a deferred nudge gets a new
 * one when its new time comes.
 */
export async function runDueNudges(deps: { prisma: Db; jobs: Pick<JobQueue, "enqueue"> }, now: Date): Promise<number> {
  const due = await deps.prisma.nudge.findMany({
    where: { status: "pending", dueAt: { lte: now } },
    orderBy: { dueAt: "asc" },
    take: 200,
    select: { id: true, teamId: true, dueAt: true },
  });
  await Promise.all(
    due.map((n) =>
      deps.jobs.enqueue(
        DELIVER_NUDGE_JOB,
        { nudgeId: n.id },
        { key: `nudge:${n.id}:${n.dueAt.toISOString()}`, teamId: n.teamId },
      ),
    ),
  );
  return due.length;
}

export async function nudgePreference(prisma: Db, teamId: string, userId: string) {
  return prisma.nudgePreference.findUnique({ where: { teamId_userId: { teamId, userId } } });
}

export async function setNudgesOff(prisma: Db, teamId: string, userId: string, off: boolean): Promise<void> {
  await prisma.nudgePreference.upsert({
    where: { teamId_userId: { teamId, userId } },
    create: { teamId, userId, off },
    update: { off },
  });
}

export async function snoozeNudges(prisma: Db, teamId: string, userId: string, until: Date): Promise<void> {
  await prisma.nudgePreference.upsert({
    where: { teamId_userId: { teamId, userId } },
    create: { teamId, userId, snoozedUntil: until },
    update: { snoozedUntil: until },
  });
}

export async function muteCustomer(prisma: Db, teamId: string, userId: string, customerId: string): Promise<void> {
  await prisma.nudgeMute.createMany({ data: [{ teamId, userId, customerId }], skipDuplicates: true });
}

export async function isMuted(prisma: Db, teamId: string, userId: string, customerId: string): Promise<boolean> {
  const row = await prisma.nudgeMute.findUnique({
    where: { teamId_userId_customerId: { teamId, userId, customerId } },
  });
  return row !== null;
}

/** Nudges sent (or being sent) to a person since `since`. */
export async function sentSince(
  prisma: Db | Prisma.TransactionClient,
  teamId: string,
  userId: string,
  since: Date,
): Promise<number> {
  return prisma.nudge.count({ where: { teamId, userId, status: { in: ["sending", "sent"] }, sentAt: { gte: since } } });
}
