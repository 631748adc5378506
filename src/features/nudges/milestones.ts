// Milestone nudges: the customer's owner (owner_email, mapped to a Slack user with
// users.lookupByEmail as signals do) is nudged 14 days before the customer's renewal and on the
// anniversary of when they became a customer. The daily schedule only enqueues one job per
// workspace and day (scheduler.ts → runDailyMilestones); this job plans the day's nudges. Each
// occurrence is one Nudge row (unique per workspace and subject key), so a job run twice, two
// instances, or the next days' runs inside the same window plan it once.
import type { webApi } from "@slack/bolt";
import type { Db } from "../../db/database.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { slackUserByEmail } from "../signals/people.ts";
import { milestoneKey } from "./service.ts";

export const MILESTONES_JOB = "nudges.milestones";
/** A renewal is nudged this many days ahead (or later, up to the day, when it became known late). */
export const RENEWAL_LEAD_DAYS = 14;
/** An anniversary missed by a day or two (the app was down) is still nudged. */
const ANNIVERSARY_CATCH_UP_DAYS = 2;
const DAY_MS = 24 * 3_600_000;

export const utcDate = (date: Date): string => date.toISOString().slice(0, 10);
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * The scheduler's daily step: one planning job per workspace that has customers with an owner
 * and a date, keyed by the UTC day, so ticking every minute (and on every instance) records one.
 */
export async function runDailyMilestones(
  deps: { prisma: Db; jobs: Pick<JobQueue, "enqueue"> },
  now: Date,
): Promise<number> {
  const teams = await deps.prisma.customer.findMany({
    where: { ownerEmail: { not: null }, OR: [{ renewalAt: { not: null } }, { customerSince: { not: null } }] },
    distinct: ["teamId"],
    select: { teamId: true },
  });
  const day = utcDate(now);
  await Promise.all(
    teams.map(({ teamId }) =>
      deps.jobs.enqueue(MILESTONES_JOB, { teamId, day }, { key: `milestones:${teamId}:${day}`, teamId }),
    ),
  );
  return teams.length;
}

interface Occurrence {
  kind: "renewal" | "anniversary";
  customerId: string;
  ownerEmail: string;
  /** The milestone's own day (YYYY-MM-DD): the renewal, or this year's anniversary. */
  date: string;
}

/** The anniversaries and renewals a workspace has to nudge about on `day` (UTC, YYYY-MM-DD). */
export async function occurrencesOn(prisma: Db, teamId: string, day: string): Promise<Occurrence[]> {
  const today = new Date(`${day}T00:00:00Z`);
  const renewals = await prisma.customer.findMany({
    where: {
      teamId,
      ownerEmail: { not: null },
      renewalAt: { gte: today, lt: new Date(today.getTime() + (RENEWAL_LEAD_DAYS + 1) * DAY_MS) },
    },
    select: { id: true, ownerEmail: true, renewalAt: true },
  });
  // This year's anniversary days that fall on today or the days just before (29 February is
  // celebrated on the 28th in other years).
  const year = today.getUTCFullYear();
  const wanted = new Map<string, string>();
  for (let back = 0; back <= ANNIVERSARY_CATCH_UP_DAYS; back += 1) {
    const date = utcDate(new Date(today.getTime() - back * DAY_MS));
    if (Number(date.slice(0, 4)) !== year) continue;
    wanted.set(date.slice(5), date);
    if (date.slice(5) === "02-28" && !isLeap(year)) wanted.set("02-29", date);
  }
  const anniversaries =
    wanted.size === 0
      ? []
      : await prisma.$queryRaw<Array<{ id: string; owner_email: string; month_day: string }>>`
          SELECT id, "ownerEmail" AS owner_email, to_char("customerSince", 'MM-DD') AS month_day
          FROM "Customer"
          WHERE "teamId" = ${teamId} AND "ownerEmail" IS NOT NULL AND "customerSince" IS NOT NULL
            AND "customerSince" < ${new Date(Date.UTC(year, 0, 1))}
            AND to_char("customerSince", 'MM-DD') = ANY(${[...wanted.keys()]})`;
  return [
    ...renewals.map((c) => ({
      kind: "renewal" as const,
      customerId: c.id,
      ownerEmail: c.ownerEmail ?? "",
      date: utcDate(c.renewalAt ?? today),
    })),
    ...anniversaries.map((c) => ({
      kind: "anniversary" as const,
      customerId: c.id,
      ownerEmail: c.owner_email,
      date: wanted.get(c.month_day) ?? day,
    })),
  ];
}

/**
 * Plans the day's milestone nudges of one workspace. An owner nobody in Slack has (by email)
 * is counted (a dropped nudge, "owner-not-in-slack") and messaged no one.
 */
export async function planMilestones(
  deps: { prisma: Db; client: webApi.WebClient; now: Date },
  teamId: string,
  day: string,
): Promise<{ planned: number; unmapped: number }> {
  const occurrences = await occurrencesOn(deps.prisma, teamId, day);
  if (occurrences.length === 0) return { planned: 0, unmapped: 0 };
  const keyed = occurrences.map((o) => ({ ...o, key: milestoneKey(o.kind, o.customerId, o.date) }));
  const known = new Set(
    (
      await deps.prisma.nudge.findMany({
        where: { teamId, subjectKey: { in: keyed.map((o) => o.key) } },
        select: { subjectKey: true },
      })
    ).map((n) => n.subjectKey),
  );
  const owners = new Map<string, string | null>();
  let planned = 0;
  let unmapped = 0;
  for (const occurrence of keyed) {
    if (known.has(occurrence.key)) continue;
    if (!owners.has(occurrence.ownerEmail)) {
      owners.set(occurrence.ownerEmail, await slackUserByEmail(deps.client, occurrence.ownerEmail));
    }
    const userId = owners.get(occurrence.ownerEmail) ?? null;
    const { count } = await deps.prisma.nudge.createMany({
      data: [
        {
          teamId,
          userId: userId ?? "",
          kind: occurrence.kind,
          subjectKey: occurrence.key,
          customerId: occurrence.customerId,
          status: userId ? "pending" : "dropped",
          reason: userId ? null : "owner-not-in-slack",
          dueAt: deps.now,
        },
      ],
      skipDuplicates: true,
    });
    if (userId) planned += count;
    else unmapped += count;
  }
  return { planned, unmapped };
}
