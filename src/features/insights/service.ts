// Gathering the insights' figures: counts in the database; the stories channel's members and
// everyone's names from the workspace directory (src/slack/directory.ts), which is read from
// Slack at most once a day rather than for each manager's insights.
import type { webApi } from "@slack/bolt";
import type { Db } from "../../db/database.ts";
import { RetryLater } from "../../jobs/queue.ts";
import { channelMembersOf, directoryOf, ensureDirectory, nameIn, type DirectoryDeps } from "../../slack/directory.ts";
import { DELIGHT_VALUES, isDelightValue, type DelightValue } from "../nominations/parse.ts";
import { hiddenFromRankings } from "../prefs/service.ts";
import { recognitionSpread } from "./spread.ts";
import { RECOGNITION_DAYS, RECOVERY_WEEKS, type InsightsData, type WeekRecovery } from "./model.ts";

const DAY_MS = 24 * 60 * 60_000;
export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

/** Monday 00:00 UTC of the week `date` is in. */
export function weekStartUtc(date: Date): Date {
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const weekday = (new Date(midnight).getUTCDay() + 6) % 7; // Monday = 0
  return new Date(midnight - weekday * DAY_MS);
}

/** The recovery figures of the last 12 weeks, oldest first (weeks without fixed cases included). */
export async function recoveryWeeks(prisma: Db, teamId: string, now: Date): Promise<WeekRecovery[]> {
  const thisWeek = weekStartUtc(now);
  const first = new Date(thisWeek.getTime() - (RECOVERY_WEEKS - 1) * 7 * DAY_MS);
  const rows = await prisma.$queryRaw<Array<{ week: string; fixed: number; on_time: number }>>`
    SELECT to_char(date_trunc('week', "resolvedAt"), 'YYYY-MM-DD') AS week, count(*)::int AS fixed,
           (count(*) FILTER (WHERE "resolvedAt" <= "dueAt"))::int AS on_time
    FROM "RecoveryCase"
    WHERE "teamId" = ${teamId} AND status = 'resolved' AND "resolvedAt" >= ${first} AND "resolvedAt" <= ${now}
    GROUP BY 1`;
  const byWeek = new Map(rows.map((r) => [r.week, r]));
  return Array.from({ length: RECOVERY_WEEKS }, (_, i) => {
    const weekStart = utcDay(new Date(first.getTime() + i * 7 * DAY_MS));
    const row = byWeek.get(weekStart);
    return { weekStart, fixed: Number(row?.fixed ?? 0), onTime: Number(row?.on_time ?? 0) };
  });
}

export async function gatherInsights(
  deps: DirectoryDeps,
  client: webApi.WebClient,
  input: { teamId: string; now: Date },
): Promise<InsightsData> {
  const { prisma } = deps;
  const { teamId, now } = input;
  const since = new Date(now.getTime() - RECOGNITION_DAYS * DAY_MS);
  const [recognisedRows, valueRows, weeks, workspace, giverRows, hidden] = await Promise.all([
    prisma.$queryRaw<Array<{ user_id: string; count: number }>>`
      SELECT u AS user_id, count(*)::int AS count
      FROM "Nomination", unnest("nomineeIds") AS u
      WHERE "teamId" = ${teamId} AND status = 'approved' AND "decidedAt" > ${since} AND "decidedAt" <= ${now}
      GROUP BY u`,
    prisma.$queryRaw<Array<{ value: string; count: number }>>`
      SELECT v AS value, count(*)::int AS count
      FROM "Nomination", unnest("values") AS v
      WHERE "teamId" = ${teamId} AND status = 'approved' AND "decidedAt" > ${since} AND "decidedAt" <= ${now}
      GROUP BY v`,
    recoveryWeeks(prisma, teamId, now),
    prisma.workspace.findUnique({ where: { teamId }, select: { storiesChannelId: true } }),
    prisma.$queryRaw<Array<{ user_id: string }>>`
      SELECT DISTINCT "nominatorId" AS user_id FROM "Nomination"
      WHERE "teamId" = ${teamId} AND "createdAt" > ${since} AND "createdAt" <= ${now}`,
    hiddenFromRankings(prisma, teamId),
  ]);
  const storiesChannelId = workspace?.storiesChannelId ?? null;
  await ensureDirectory(deps, client, teamId, { channelId: storiesChannelId }).catch((error: unknown) => {
    if (error instanceof RetryLater) throw error;
    // Charts with what the directory already has: ids for names, no never-recognised list.
    deps.logger.warn("Insights: could not read the workspace directory", String(error));
  });
  const [members, directory] = await Promise.all([
    storiesChannelId ? channelMembersOf(prisma, teamId, storiesChannelId) : Promise.resolve(null),
    directoryOf(prisma, teamId),
  ]);

  // People only: the directory says who is an active person (unknown ids are kept); people who
  // left leaderboards are in no ranking (src/features/prefs).
  const ranked = (id: string) => !hidden.has(id) && directory.get(id)?.active !== false;
  const counts = new Map<string, number>(
    recognisedRows.filter((r) => ranked(r.user_id)).map((r) => [r.user_id, Number(r.count)]),
  );
  for (const id of members ?? []) {
    if (!ranked(id)) continue;
    if (!counts.has(id)) counts.set(id, 0);
  }
  const people = [...counts.entries()]
    .map(([userId, count]) => ({ userId, name: nameIn(directory, userId), count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));

  const values = Object.fromEntries(DELIGHT_VALUES.map((v) => [v, 0])) as Record<DelightValue, number>;
  for (const row of valueRows) if (isDelightValue(row.value)) values[row.value] = Number(row.count);
  const spread = recognitionSpread(people, new Set(giverRows.map((r) => r.user_id)));
  return { day: utcDay(now), people, storiesChannelId, membersRead: members !== null, weeks, values, spread };
}
