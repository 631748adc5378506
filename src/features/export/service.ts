// Reading approved stories for the export, page by page (keyset on approval time and id), so
// 10,000 stories never sit in memory as one list of rows.
import type { Db } from "../../db/database.ts";
import { nameIn, type DirectoryEntry } from "../../slack/directory.ts";
import { plainFromSlack } from "../../slack/text.ts";
import { instantOfLocal } from "../digest/schedule.ts";
import { permalinkOf } from "../digest/service.ts";
import { EXPORT_PAGE_SIZE, type CalendarDate, type ExportStory } from "./model.ts";

export interface ExportRange {
  teamId: string;
  /** Inclusive; null: from the first story. */
  start: Date | null;
  /** Inclusive. */
  end: Date;
}

function nextDay(date: CalendarDate): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The instants of `from` 00:00 to the end of `to` in the admin's timezone, never past `at`. */
export function exportRange(
  input: { teamId: string; from: CalendarDate | null; to: CalendarDate | null; at: Date },
  timezone: string,
): ExportRange {
  const start = input.from ? instantOfLocal(input.from, 0, 0, timezone) : null;
  const endOfTo = input.to ? new Date(instantOfLocal(nextDay(input.to), 0, 0, timezone).getTime() - 1) : input.at;
  return { teamId: input.teamId, start, end: endOfTo.getTime() < input.at.getTime() ? endOfTo : input.at };
}

function whereOf(range: ExportRange) {
  return {
    teamId: range.teamId,
    status: "approved" as const,
    decidedAt: { ...(range.start ? { gte: range.start } : {}), lte: range.end },
  };
}

export function countStories(prisma: Db, range: ExportRange): Promise<number> {
  return prisma.nomination.count({ where: whereOf(range) });
}

type StoryRow = {
  id: string;
  decidedAt: Date | null;
  nomineeIds: string[];
  nominatorId: string;
  decidedBy: string | null;
  customer: string | null;
  values: string[];
  story: string;
  link: string | null;
  storyChannelId: string | null;
  storyMessageTs: string | null;
};

/** Slack-escaped text as plain text, with mentions turned into names. */
export function plainStory(escaped: string, directory: Map<string, DirectoryEntry>): string {
  const named = escaped.replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_all, id: string) => `@${nameIn(directory, id)}`);
  return plainFromSlack(named);
}

function toExportStory(
  row: StoryRow,
  directory: Map<string, DirectoryEntry>,
  workspaceUrl: string | null,
): ExportStory {
  return {
    id: row.id,
    approvedAt: row.decidedAt ?? new Date(0),
    nominees: row.nomineeIds.map((id) => nameIn(directory, id)),
    nominator: nameIn(directory, row.nominatorId),
    customer: row.customer ? plainFromSlack(row.customer) : "",
    values: row.values,
    story: plainStory(row.story, directory),
    approver: nameIn(directory, row.decidedBy),
    link: permalinkOf(workspaceUrl, row.storyChannelId, row.storyMessageTs) ?? row.link ?? "",
  };
}

/** The range's stories, oldest first, one page of rows at a time. */
export async function* readStories(
  prisma: Db,
  range: ExportRange,
  options: {
    directory: Map<string, DirectoryEntry>;
    workspaceUrl: string | null;
    pageSize?: number;
  },
): AsyncGenerator<ExportStory> {
  const base = whereOf(range);
  let after: { decidedAt: Date; id: string } | null = null;
  for (;;) {
    const cursor: object = after
      ? { OR: [{ decidedAt: { gt: after.decidedAt } }, { decidedAt: after.decidedAt, id: { gt: after.id } }] }
      : {};
    const rows: StoryRow[] = await prisma.nomination.findMany({
      where: { AND: [base, cursor] },
      orderBy: [{ decidedAt: "asc" }, { id: "asc" }],
      take: options.pageSize ?? EXPORT_PAGE_SIZE,
      select: {
        id: true,
        decidedAt: true,
        nomineeIds: true,
        nominatorId: true,
        decidedBy: true,
        customer: true,
        values: true,
        story: true,
        link: true,
        storyChannelId: true,
        storyMessageTs: true,
      },
    });
    for (const row of rows) yield toExportStory(row, options.directory, options.workspaceUrl);
    const last = rows.at(-1);
    if (!last || rows.length < (options.pageSize ?? EXPORT_PAGE_SIZE)) return;
    after = { decidedAt: last.decidedAt ?? new Date(0), id: last.id };
  }
}
