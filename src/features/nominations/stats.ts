// `/delight stats`: your and the team's recognition this month per value and, for managers,
// who has not been recognised lately (recognition must reach everyone, not the usual few).
import type { webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import { RetryLater } from "../../jobs/queue.ts";
import { activePeople, ensureDirectory } from "../../slack/directory.ts";
import type { EphemeralMessage } from "../../slack/replies.ts";
import { context, section } from "../../slack/replies.ts";
import { mentionUser } from "../../slack/text.ts";
import { isValidTimezone } from "../admin/parse.ts";
import type { WorkspaceRef } from "../admin/settings.ts";
import { hiddenFromRankings } from "../prefs/service.ts";
import { DELIGHT_VALUES, isDelightValue, VALUE_EMOJI, VALUE_LABELS, type DelightValue } from "./parse.ts";

type WebClient = webApi.WebClient;

export const UNRECOGNISED_DAYS = 30;
const MAX_NAMES_SHOWN = 60;

export type ValueCounts = Record<DelightValue, number>;

export function countValues(rows: Array<{ values: string[] }>): ValueCounts {
  const counts = Object.fromEntries(DELIGHT_VALUES.map((v) => [v, 0])) as ValueCounts;
  for (const row of rows) for (const v of row.values) if (isDelightValue(v)) counts[v] += 1;
  return counts;
}

export function formatValueCounts(counts: ValueCounts): string {
  return DELIGHT_VALUES.map((v) => `${VALUE_EMOJI[v]} ${VALUE_LABELS[v]} ${counts[v]}`).join("  ·  ");
}

/** Midnight on the first day of `now`'s month in `timeZone`, as an instant. */
export function startOfMonth(now: Date, timeZone: string): Date {
  const parts = (date: Date) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      })
        .formatToParts(date)
        .map((x) => [x.type, Number(x.value)]),
    ) as Record<string, number>;
    return p;
  };
  const local = parts(now);
  const wallClock = Date.UTC(local.year ?? 1970, (local.month ?? 1) - 1, 1);
  // The zone's offset at that wall-clock time (twice, to settle across a DST change).
  let instant = wallClock;
  for (let i = 0; i < 2; i++) {
    const p = parts(new Date(instant));
    const shown = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
    instant = wallClock - (shown - instant);
  }
  return new Date(instant);
}

export async function renderStats(
  deps: Pick<AppDeps, "prisma" | "clock" | "roles" | "users" | "logger" | "jobs" | "config">,
  client: WebClient,
  workspace: WorkspaceRef,
  userId: string,
): Promise<EphemeralMessage> {
  const now = deps.clock.now();
  const profileTimezone = (await deps.users.profile(userId).catch(() => null))?.timezone;
  const timezone = profileTimezone && isValidTimezone(profileTimezone) ? profileTimezone : "UTC";
  const monthStart = startOfMonth(now, timezone);
  const monthName = new Intl.DateTimeFormat("en-US", { timeZone: timezone, month: "long", year: "numeric" }).format(
    now,
  );

  const approvedThisMonth = await deps.prisma.nomination.findMany({
    where: { teamId: workspace.teamId, status: "approved", decidedAt: { gte: monthStart, lte: now } },
    select: { nomineeIds: true, nominatorId: true, values: true },
  });
  const received = approvedThisMonth.filter((n) => n.nomineeIds.includes(userId));
  const given = approvedThisMonth.filter((n) => n.nominatorId === userId);
  const pendingMine = await deps.prisma.nomination.count({
    where: { teamId: workspace.teamId, status: "pending", nominatorId: userId },
  });

  const blocks = [
    { type: "header" as const, text: { type: "plain_text" as const, text: `Delight stats — ${monthName}` } },
    section(
      `*You* were recognised in *${received.length}* ${received.length === 1 ? "story" : "stories"} and nominated colleagues in *${given.length}* approved ${given.length === 1 ? "story" : "stories"}${pendingMine > 0 ? ` (${pendingMine} more waiting for approval)` : ""}.\n${formatValueCounts(countValues(received))}`,
    ),
    section(
      `*The team*: *${approvedThisMonth.length}* approved ${approvedThisMonth.length === 1 ? "story" : "stories"}, recognising ${new Set(approvedThisMonth.flatMap((n) => n.nomineeIds)).size} people.\n${formatValueCounts(countValues(approvedThisMonth))}`,
    ),
  ];

  if (await deps.roles.isManager(workspace.teamId, userId)) {
    const since = new Date(now.getTime() - UNRECOGNISED_DAYS * 24 * 60 * 60_000);
    const recent = await deps.prisma.nomination.findMany({
      where: { teamId: workspace.teamId, status: "approved", decidedAt: { gte: since, lte: now } },
      select: { nomineeIds: true },
    });
    const recognised = new Set(recent.flatMap((n) => n.nomineeIds));
    // From the directory (read from Slack at most once a day), not a users.list sweep per request.
    const members = await ensureDirectory(deps, client, workspace.teamId).then(
      () => activePeople(deps.prisma, workspace.teamId),
      (error: unknown) => {
        if (error instanceof RetryLater) throw error;
        deps.logger.warn("Could not read the workspace's people for /delight stats", String(error));
        return null;
      },
    );
    // People who left leaderboards and stats are in no list (src/features/prefs).
    const hidden = await hiddenFromRankings(deps.prisma, workspace.teamId);
    const listed = (members ?? []).filter((id) => !hidden.has(id));
    const missing = listed.filter((id) => !recognised.has(id));
    const shown = missing.slice(0, MAX_NAMES_SHOWN).map(mentionUser).join(", ");
    const more = missing.length > MAX_NAMES_SHOWN ? ` and ${missing.length - MAX_NAMES_SHOWN} more` : "";
    blocks.push(
      section(
        members === null
          ? `*Not recognised in the last ${UNRECOGNISED_DAYS} days:* I couldn't read the member list just now. Try again in a minute; if it keeps failing, ask an admin to check that Delight has the \`users:read\` scope.`
          : missing.length === 0
            ? `*Not recognised in the last ${UNRECOGNISED_DAYS} days:* nobody — everyone has been recognised. :tada:`
            : `*Not recognised in the last ${UNRECOGNISED_DAYS} days* (${missing.length} of ${listed.length} people):\n${shown}${more}`,
      ),
    );
  }
  blocks.push(context(`Counts use approved stories, by approval date, in your timezone (${timezone}).`));
  return { text: `Delight stats — ${monthName}`, blocks };
}
