// Answers to "What's holding you back?" in the database. An anonymous answer is stored with
// no author and a time rounded down to the day, so nothing in the database (or anywhere
// else: it makes no job, no outbox row, no log line) can tell who sent it or when exactly.
import { createHash } from "node:crypto";
import type { Db } from "../../db/database.ts";
import { ensureWorkspace, type WorkspaceRef } from "../admin/settings.ts";
import { CATEGORIES, isCategory, type AnswerView, type CategoryCounts, type Themes } from "./model.ts";
import type { AnswerInput } from "./parse.ts";

const DAY_MS = 24 * 3_600_000;
export const THEMES_DAYS = 30;

/** A resubmitted modal (same view id) records one answer; only a hash of the id is kept. */
export function sourceHashOf(viewId: string): string {
  return createHash("sha256").update(`holdingback:${viewId}`).digest("hex");
}

const startOfUtcDay = (date: Date) => new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);

/**
 * Records an answer once per modal submission and returns its id. `authorId` is taken
 * only for a named answer: an anonymous one has no author column value at all.
 */
export async function recordAnswer(
  prisma: Db,
  input: { workspace: WorkspaceRef; viewId: string; answer: AnswerInput; authorId: string; now: Date },
): Promise<string> {
  await ensureWorkspace(prisma, input.workspace);
  const sourceHash = sourceHashOf(input.viewId);
  const { anonymous, text, category } = input.answer;
  await prisma.holdingBack.createMany({
    data: [
      {
        teamId: input.workspace.teamId,
        authorId: anonymous ? null : input.authorId,
        category,
        text,
        sourceHash,
        createdAt: anonymous ? startOfUtcDay(input.now) : input.now,
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

/** Answers per category in a period (after start, up to and including end). */
export async function countByCategory(
  prisma: Db,
  teamId: string,
  period: { start: Date; end: Date },
): Promise<CategoryCounts> {
  const rows = await prisma.holdingBack.groupBy({
    by: ["category"],
    where: { teamId, createdAt: { gt: period.start, lte: period.end } },
    _count: { _all: true },
  });
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as CategoryCounts;
  for (const row of rows) if (isCategory(row.category)) counts[row.category] = row._count._all;
  return counts;
}

/** What managers see in App Home: the last 30 days by category, and the latest answers. */
export async function themesFor(prisma: Db, teamId: string, now: Date, recentLimit: number): Promise<Themes> {
  const since = new Date(now.getTime() - THEMES_DAYS * DAY_MS);
  const [counts, rows] = await Promise.all([
    countByCategory(prisma, teamId, { start: since, end: now }),
    prisma.holdingBack.findMany({
      where: { teamId, createdAt: { gt: since } },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      take: recentLimit,
      select: { id: true, category: true, text: true, authorId: true, createdAt: true },
    }),
  ]);
  const recent: AnswerView[] = rows.flatMap((r) => (isCategory(r.category) ? [{ ...r, category: r.category }] : []));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { since, total, counts, recent };
}
