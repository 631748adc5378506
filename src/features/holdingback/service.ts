// Answers to "What's holding you back?" in the database.
//
// An anonymous answer is stored with no author, no view id (not even hashed) and no time but
// its release: the next daily RELEASE_HOUR of the workspace after it was sent. Nothing else
// happens with it (no job, no outbox row, no log line). Counts and anonymous texts are read
// by release, so they change at most once a day, at that hour, and whoever watches them
// cannot tell when an answer came in; an answer sent after a digest's slot belongs to a later
// release, so it counts in the next period, never in none. And whatever reads them gets a
// category's count only when MIN_SHOWN answers or more make it up.
import { createHash } from "node:crypto";
import type { Db } from "../../db/database.ts";
import { ensureWorkspace, type WorkspaceRef } from "../admin/settings.ts";
import { addDays, instantOfLocal, localParts } from "../digest/schedule.ts";
import {
  CATEGORIES,
  isCategory,
  MIN_SHOWN,
  RELEASE_HOUR,
  type AnswerView,
  type CategoryCounts,
  type ShownCounts,
  type Themes,
} from "./model.ts";
import type { AnswerInput } from "./parse.ts";

const DAY_MS = 24 * 3_600_000;
export const THEMES_DAYS = 30;

/** The next release (RELEASE_HOUR in `timeZone`) strictly after `now`. */
export function nextReleaseAfter(now: Date, timeZone: string): Date {
  const today = localParts(now, timeZone);
  const release = instantOfLocal(today, RELEASE_HOUR, 0, timeZone);
  return release.getTime() > now.getTime() ? release : instantOfLocal(addDays(today, 1), RELEASE_HOUR, 0, timeZone);
}

/** The workspace's time: that of its first digest schedule (where its counts are read), else UTC. */
async function workspaceTimeZone(prisma: Db, teamId: string): Promise<string> {
  const schedule = await prisma.digestSchedule.findFirst({
    where: { teamId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { timezone: true },
  });
  return schedule?.timezone ?? "UTC";
}

/**
 * What makes a submission the same one again (a second press of Send after a timeout, a
 * retry). A named answer: its modal's view id. An anonymous one: nothing of the person or
 * the modal, only what is stored anyway (workspace, release, category, text).
 */
export function sourceHashOf(
  input:
    | { anonymous: true; teamId: string; visibleAt: Date; category: string; text: string }
    | { anonymous: false; viewId: string },
): string {
  const source = input.anonymous
    ? ["holdingback-anonymous", input.teamId, input.visibleAt.toISOString(), input.category, input.text].join("\n")
    : `holdingback:${input.viewId}`;
  return createHash("sha256").update(source).digest("hex");
}

/**
 * Records an answer once per submission and returns its id. `authorId` and `viewId` are used
 * only for a named answer: an anonymous one keeps neither, nor a time finer than its release.
 */
export async function recordAnswer(
  prisma: Db,
  input: { workspace: WorkspaceRef; viewId: string; answer: AnswerInput; authorId: string; now: Date },
): Promise<string> {
  const teamId = input.workspace.teamId;
  const [, timeZone] = await Promise.all([ensureWorkspace(prisma, input.workspace), workspaceTimeZone(prisma, teamId)]);
  const visibleAt = nextReleaseAfter(input.now, timeZone);
  const { anonymous, text, category } = input.answer;
  const sourceHash = anonymous
    ? sourceHashOf({ anonymous, teamId, visibleAt, category, text })
    : sourceHashOf({ anonymous, viewId: input.viewId });
  await prisma.holdingBack.createMany({
    data: [
      {
        teamId,
        authorId: anonymous ? null : input.authorId,
        category,
        text,
        sourceHash,
        createdAt: anonymous ? visibleAt : input.now,
        visibleAt,
      },
    ],
    skipDuplicates: true,
  });
  const row = await prisma.holdingBack.findUniqueOrThrow({ where: { sourceHash }, select: { id: true } });
  return row.id;
}

export async function getAnswer(prisma: Db, answerId: string) {
  return prisma.holdingBack.findUnique({ where: { id: answerId } });
}

export async function setAnswerMessage(prisma: Db, answerId: string, channelId: string, ts: string): Promise<void> {
  await prisma.holdingBack.updateMany({ where: { id: answerId, messageTs: null }, data: { channelId, messageTs: ts } });
}

/** Records a manager's reply once per modal submission; returns its id. */
export async function recordReply(
  prisma: Db,
  input: { answerId: string; managerId: string; text: string; viewId: string; now: Date },
): Promise<string> {
  await prisma.holdingBackReply.createMany({
    data: [
      {
        answerId: input.answerId,
        managerId: input.managerId,
        text: input.text,
        sourceViewId: input.viewId,
        createdAt: input.now,
      },
    ],
    skipDuplicates: true,
  });
  const row = await prisma.holdingBackReply.findUniqueOrThrow({
    where: { sourceViewId: input.viewId },
    select: { id: true },
  });
  return row.id;
}

export async function getReply(prisma: Db, replyId: string) {
  return prisma.holdingBackReply.findUnique({ where: { id: replyId }, include: { answer: true } });
}

/** Counts as they may be shown: MIN_SHOWN or more, or only "fewer than 3". */
export function shownCounts(counts: CategoryCounts): ShownCounts {
  const shown: ShownCounts = { counts: {}, few: [] };
  for (const c of CATEGORIES) {
    if (counts[c] >= MIN_SHOWN) shown.counts[c] = counts[c];
    else if (counts[c] > 0) shown.few.push(c);
  }
  return shown;
}

async function releasedCounts(
  prisma: Db,
  where: { teamId: string; visibleAt: { gt: Date; lte: Date }; authorId?: null },
): Promise<CategoryCounts> {
  const rows = await prisma.holdingBack.groupBy({ by: ["category"], where, _count: { _all: true } });
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as CategoryCounts;
  for (const row of rows) if (isCategory(row.category)) counts[row.category] = row._count._all;
  return counts;
}

/**
 * Answers per category released in a period (after start, up to and including end, which is
 * never later than now: the slot of a digest, or now for a preview), as they may be shown.
 */
export async function countByCategory(
  prisma: Db,
  teamId: string,
  period: { start: Date; end: Date },
): Promise<ShownCounts> {
  return shownCounts(await releasedCounts(prisma, { teamId, visibleAt: { gt: period.start, lte: period.end } }));
}

/**
 * What managers see in App Home: the last 30 days' released answers by category, and the
 * latest answers: named ones as soon as they are sent (they went to managers with a name
 * anyway), anonymous ones once released and only in a category with MIN_SHOWN or more.
 */
export async function themesFor(prisma: Db, teamId: string, now: Date, recentLimit: number): Promise<Themes> {
  const since = new Date(now.getTime() - THEMES_DAYS * DAY_MS);
  const released = { teamId, visibleAt: { gt: since, lte: now } };
  const [all, anonymous] = await Promise.all([
    releasedCounts(prisma, released),
    releasedCounts(prisma, { ...released, authorId: null }),
  ]);
  const listable = CATEGORIES.filter((c) => anonymous[c] >= MIN_SHOWN);
  const rows = await prisma.holdingBack.findMany({
    where: {
      teamId,
      OR: [
        { authorId: { not: null }, createdAt: { gt: since, lte: now } },
        { authorId: null, visibleAt: { gt: since, lte: now }, category: { in: listable } },
      ],
    },
    // Within one release, anonymous answers come in id order: random, not the order they came in.
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: recentLimit,
    select: { id: true, category: true, text: true, authorId: true, createdAt: true },
  });
  const recent: AnswerView[] = rows.flatMap((r) => (isCategory(r.category) ? [{ ...r, category: r.category }] : []));
  return { since, counts: shownCounts(all), recent };
}
