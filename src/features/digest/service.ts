// Gathering a digest from the database and building its message. The same `buildDigest`
// serves the schedule, `digest send` and the preview. Aggregates are computed in the database
// (a big week is thousands of stories; the message shows the newest few dozen).
import type { webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import { countSurprisesDelivered as countGesturesDelivered } from "../surprises/service.ts";
import type { Db } from "../../db/database.ts";
import { gatherDumbRulesDigest } from "../dumbrules/service.ts";
import { countByCategory } from "../holdingback/service.ts";
import { DELIGHT_VALUES, isDelightValue, type DelightValue } from "../nominations/parse.ts";
import { DIGEST_RULES_SHOWN } from "../dumbrules/model.ts";
import { sharedStoriesFilter, sharingPrivately } from "../prefs/service.ts";
import { customerSignalFigures } from "../nudges/figures.ts";
import { MAX_STORIES_SHOWN, renderDigest, type DigestMessage } from "./blocks.ts";
import { firstNameOf, modelIntro } from "./intro.ts";
import type { DigestData, DigestStory, RecoveryFigures } from "./model.ts";

type WebClient = webApi.WebClient;
export interface Period {
  start: Date;
  end: Date;
}

/** Builds Slack's own permalink format from the workspace URL (auth.test), without a call per story. */
export function permalinkOf(workspaceUrl: string | null, channelId: string | null, ts: string | null): string | null {
  if (!workspaceUrl || !channelId || !ts) return null;
  const base = workspaceUrl.endsWith("/") ? workspaceUrl : `${workspaceUrl}/`;
  return `${base}archives/${channelId}/p${ts.replace(".", "")}`;
}

/** An approved nomination as the digest and `/delight stories` show it. */
export function storyFromRow(
  row: Pick<DigestStory, "id" | "nomineeIds" | "nominatorId" | "decidedBy" | "story" | "values" | "customer"> & {
    storyChannelId: string | null;
    storyMessageTs: string | null;
  },
  workspaceUrl: string | null,
): DigestStory {
  return {
    id: row.id,
    nomineeIds: row.nomineeIds,
    nominatorId: row.nominatorId,
    decidedBy: row.decidedBy,
    story: row.story,
    values: row.values,
    customer: row.customer,
    permalink: permalinkOf(workspaceUrl, row.storyChannelId, row.storyMessageTs),
  };
}

// auth.test per workspace, once per process: the URL of a workspace does not change often,
// and a stale one still redirects.
const workspaceUrls = new Map<string, string | null>();
export async function workspaceUrlOf(client: WebClient, teamId: string): Promise<string | null> {
  if (workspaceUrls.has(teamId)) return workspaceUrls.get(teamId) ?? null;
  const url = await client.auth
    .test()
    .then((r) => (typeof r.url === "string" && /^https:\/\//.test(r.url) ? r.url : null))
    .catch(() => null);
  if (url) workspaceUrls.set(teamId, url);
  return url;
}

/** Surprises delivered in the period: gestures recorded with "Use this", and cases fixed with a surprise written in. */
export function countSurprisesDelivered(prisma: Db, teamId: string, period: Period): Promise<number> {
  return countGesturesDelivered(prisma, teamId, period.start, period.end);
}

async function recoveryFigures(prisma: Db, teamId: string, period: Period): Promise<RecoveryFigures> {
  const [opened, fixedRows, surprisesDelivered] = await Promise.all([
    prisma.recoveryCase.count({ where: { teamId, reportedAt: { gt: period.start, lte: period.end } } }),
    prisma.$queryRaw<Array<{ fixed: number; on_time: number }>>`
      SELECT count(*)::int AS fixed, (count(*) FILTER (WHERE "resolvedAt" <= "dueAt"))::int AS on_time
      FROM "RecoveryCase"
      WHERE "teamId" = ${teamId} AND status = 'resolved'
        AND "resolvedAt" > ${period.start} AND "resolvedAt" <= ${period.end}`,
    countSurprisesDelivered(prisma, teamId, period),
  ]);
  return {
    opened,
    fixed: Number(fixedRows[0]?.fixed ?? 0),
    fixedOnTime: Number(fixedRows[0]?.on_time ?? 0),
    surprisesDelivered,
  };
}

/**
 * Everything the digest of one period shows, except the intro. A story belongs to the period
 * it was approved in: after the start, up to and including the end (the slot).
 */
export async function gatherDigest(
  prisma: Db,
  input: { teamId: string; period: Period; timezone: string; workspaceUrl: string | null },
): Promise<DigestData> {
  const { teamId, period } = input;
  // Stories about someone who keeps them private are not a channel's (src/features/prefs).
  const privateIds = await sharingPrivately(prisma, teamId);
  const where = {
    teamId,
    status: "approved" as const,
    decidedAt: { gt: period.start, lte: period.end },
    ...sharedStoriesFilter(privateIds),
  };
  const [rows, storyCount, valueRows, approverRows, recoveries, dumbRules, holdingBack] = await Promise.all([
    prisma.nomination.findMany({
      where,
      orderBy: [{ decidedAt: "desc" }, { id: "asc" }],
      take: MAX_STORIES_SHOWN,
      select: {
        id: true,
        nomineeIds: true,
        nominatorId: true,
        decidedBy: true,
        story: true,
        values: true,
        customer: true,
        storyChannelId: true,
        storyMessageTs: true,
      },
    }),
    prisma.nomination.count({ where }),
    prisma.$queryRaw<Array<{ value: string; count: number }>>`
      SELECT v AS value, count(*)::int AS count
      FROM "Nomination", unnest("values") AS v
      WHERE "teamId" = ${teamId} AND status = 'approved'
        AND "decidedAt" > ${period.start} AND "decidedAt" <= ${period.end}
        AND NOT ("nomineeIds" && ${privateIds}::text[])
      GROUP BY v`,
    prisma.$queryRaw<Array<{ user_id: string; count: number }>>`
      SELECT "decidedBy" AS user_id, count(*)::int AS count
      FROM "Nomination"
      WHERE "teamId" = ${teamId} AND status = 'approved' AND "decidedBy" IS NOT NULL
        AND "decidedAt" > ${period.start} AND "decidedAt" <= ${period.end}
        AND NOT ("nomineeIds" && ${privateIds}::text[])
      GROUP BY "decidedBy"`,
    recoveryFigures(prisma, teamId, period),
    gatherDumbRulesDigest(prisma, teamId, period, DIGEST_RULES_SHOWN),
    countByCategory(prisma, teamId, period),
  ]);
  const customerSignals = await customerSignalFigures(prisma, teamId, period.start, period.end);
  const valueCounts = Object.fromEntries(DELIGHT_VALUES.map((v) => [v, 0])) as Record<DelightValue, number>;
  for (const row of valueRows) if (isDelightValue(row.value)) valueCounts[row.value] = Number(row.count);
  const stories: DigestStory[] = rows.map((r) => storyFromRow(r, input.workspaceUrl));
  return {
    period,
    timezone: input.timezone,
    stories,
    storyCount,
    valueCounts,
    approvers: approverRows
      .map((r) => ({ userId: r.user_id, count: Number(r.count) }))
      .sort((a, b) => b.count - a.count || a.userId.localeCompare(b.userId)),
    recoveries,
    intro: null,
    dumbRules,
    holdingBack,
    customerSignals,
  };
}

export type BuildDeps = Pick<AppDeps, "prisma" | "config" | "logger" | "users">;

/** First names of the people in these stories, for the model (a name Slack can't give is left out). */
async function firstNames(deps: Pick<AppDeps, "users">, stories: DigestStory[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const s of stories.slice(0, 25)) {
    for (const id of s.nomineeIds) ids.add(id);
    for (const m of s.story.matchAll(/<@([UW][A-Z0-9]+)/g)) ids.add(m[1] as string);
  }
  const names = new Map<string, string>();
  await Promise.all(
    [...ids].map(async (id) => {
      const name = firstNameOf(
        await deps.users
          .profile(id)
          .then((p) => p.name)
          .catch(() => undefined),
      );
      if (name) names.set(id, name);
    }),
  );
  return names;
}

/** Asks the model for an intro (null: the template intro). */
export type AskForIntro = () => Promise<string | null>;

/**
 * The digest message of one period: data, the model's intro when there is one, Block Kit.
 * `options.intro` decides whether the model is asked (the preview's hourly cache).
 */
export async function buildDigest(
  deps: BuildDeps,
  client: WebClient,
  input: { teamId: string; period: Period; timezone: string },
  options: { intro?: (ask: AskForIntro) => Promise<string | null> } = {},
): Promise<{ message: DigestMessage; data: DigestData }> {
  const workspaceUrl = await workspaceUrlOf(client, input.teamId);
  const data = await gatherDigest(deps.prisma, { ...input, workspaceUrl });
  if (deps.config.openai.apiKey && data.stories.length > 0) {
    const ask: AskForIntro = async () => modelIntro(deps, data.stories, await firstNames(deps, data.stories));
    data.intro = options.intro ? await options.intro(ask) : await ask();
  }
  return { message: renderDigest(data), data };
}

/** How long a preview's intro is reused: the model is asked at most once an hour per workspace. */
export const PREVIEW_INTRO_TTL_MS = 60 * 60_000;

/**
 * The preview's intro from a cache kept in the database (so several instances share it): a
 * fresh one is reused; a stale or missing one is claimed by one caller (a conditional
 * upsert), which asks the model and stores the answer. Anyone else meanwhile gets the last
 * intro (or the template's).
 */
export async function cachedPreviewIntro(
  prisma: Db,
  teamId: string,
  now: Date,
  ask: AskForIntro,
): Promise<string | null> {
  const cached = await prisma.digestIntroCache.findUnique({ where: { teamId } });
  if (cached && now.getTime() - cached.madeAt.getTime() < PREVIEW_INTRO_TTL_MS) return cached.intro;
  const staleBefore = new Date(now.getTime() - PREVIEW_INTRO_TTL_MS);
  const claimed = await prisma.$executeRaw`
    INSERT INTO "DigestIntroCache" ("teamId", "intro", "madeAt") VALUES (${teamId}, NULL, ${now})
    ON CONFLICT ("teamId") DO UPDATE SET "madeAt" = EXCLUDED."madeAt"
    WHERE "DigestIntroCache"."madeAt" <= ${staleBefore}`;
  if (claimed === 0) return cached?.intro ?? null;
  const intro = await ask();
  await prisma.digestIntroCache.updateMany({ where: { teamId, madeAt: now }, data: { intro } });
  return intro;
}
