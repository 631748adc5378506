// Making insights available to a manager: figures gathered, charts drawn and uploaded into
// the manager's DM with the app once per workspace and day (a file must be shared where its
// viewer can see it before an image block can show it), and the result kept in the database
// (InsightsCharts) so App Home does not draw and upload again on every open.
import { createHash } from "node:crypto";
import type { webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { Db } from "../../db/database.ts";
import { RetryLater } from "../../jobs/queue.ts";
import type { Outbox } from "../../slack/outbox.ts";
import { chartTexts, renderCharts } from "./charts.ts";
import { customerSignalFigures, customerSignalsLine } from "../nudges/figures.ts";
import {
  chartTextSchema,
  RECOGNITION_DAYS,
  type ChartText,
  type InsightsData,
  type InsightsView,
  type RenderedChart,
} from "./model.ts";
import { gatherInsights, utcDay } from "./service.ts";

/** Rows older than this are deleted when a new day's charts are made. */
const KEEP_DAYS = 7;

const audienceOf = (userId: string) => `user:${userId}`;

function viewOf(row: { mode: string; fileIds: string[]; charts: unknown }): InsightsView | null {
  const charts = chartTextSchema.array().safeParse(row.charts);
  if (!charts.success) return null;
  return { mode: row.mode === "images" ? "images" : "text", fileIds: row.fileIds, charts: charts.data };
}

/** Today's insights for this manager, if they were made already (App Home reads only this). */
export async function cachedInsights(
  prisma: Db,
  teamId: string,
  userId: string,
  now: Date,
): Promise<InsightsView | null> {
  const row = await prisma.insightsCharts.findUnique({
    where: { teamId_day_audience: { teamId, day: utcDay(now), audience: audienceOf(userId) } },
  });
  const view = row ? viewOf(row) : null;
  if (!view) return null;
  const since = new Date(now.getTime() - RECOGNITION_DAYS * 24 * 60 * 60_000);
  return { ...view, customerSignals: customerSignalsLine(await customerSignalFigures(prisma, teamId, since, now)) };
}

export type InsightsDeps = Pick<AppDeps, "prisma" | "logger" | "clock" | "jobs" | "config">;

// Charts drawn lately, by what they show: the figures are the same for every manager of a
// workspace on a day, so ten managers asking at once share one drawing (three PNGs take a
// second or more of CPU) and only their uploads differ. A few sets at most; pure output.
const recentlyDrawn = new Map<string, Promise<RenderedChart[]>>();
const DRAWINGS_KEPT = 6;

/** The charts for these figures, drawn once however many managers ask for them together. */
export function drawShared(data: InsightsData, texts: ChartText[]): Promise<RenderedChart[]> {
  const key = createHash("sha256")
    .update(JSON.stringify([data, texts]))
    .digest("hex");
  const known = recentlyDrawn.get(key);
  if (known) return known;
  const drawing = renderCharts(data, texts);
  recentlyDrawn.set(key, drawing);
  drawing.catch(() => recentlyDrawn.delete(key));
  for (const oldest of recentlyDrawn.keys()) {
    if (recentlyDrawn.size <= DRAWINGS_KEPT) break;
    recentlyDrawn.delete(oldest);
  }
  return drawing;
}

/** Draws the charts; null (logged) when drawing fails, so the caller shows the tables. */
export async function drawOrNull(deps: Pick<AppDeps, "logger">, draw: () => Promise<RenderedChart[]>) {
  try {
    return await draw();
  } catch (error) {
    deps.logger.warn("Insights: could not draw the charts; showing tables", String(error));
    return null;
  }
}

/** Uploads the charts; null when Slack refused them for good (the tables are shown instead). */
export async function uploadOrNull(
  deps: Pick<AppDeps, "logger">,
  upload: () => Promise<{ fileIds: string[] }>,
  expected: number,
): Promise<string[] | null> {
  try {
    const { fileIds } = await upload();
    return fileIds.length === expected ? fileIds : null;
  } catch (error) {
    // Paced, rate-limited or Slack unavailable: the job runs again later.
    if (error instanceof RetryLater) throw error;
    deps.logger.warn("Insights: Slack did not take the charts; showing tables", String(error));
    return null;
  }
}

export function chartFiles(charts: RenderedChart[], day: string) {
  return charts.map((chart) => ({
    filename: `delight-${chart.kind}-${day}.png`,
    title: chart.title,
    altText: chart.altText,
    content: chart.png,
  }));
}

/**
 * Today's insights for a manager: from the database when made already, else gathered, drawn,
 * uploaded into their DM and recorded (one row per workspace, day and manager; a second
 * instance doing the same finds the upload's outbox key taken and its row there).
 */
export async function insightsForManager(
  deps: InsightsDeps,
  client: webApi.WebClient,
  outbox: Outbox,
  input: { teamId: string; userId: string },
): Promise<InsightsView> {
  const now = deps.clock.now();
  const cached = await cachedInsights(deps.prisma, input.teamId, input.userId, now);
  if (cached) return cached;

  const day = utcDay(now);
  const data = await gatherInsights(deps, client, { teamId: input.teamId, now });
  const texts: ChartText[] = chartTexts(data);
  let fileIds: string[] | null = null;
  const charts = await drawOrNull(deps, () => drawShared(data, texts));
  if (charts) {
    const opened = await client.conversations.open({ users: input.userId }).catch(() => null);
    const channelId = opened?.channel?.id;
    // Slack may be busy: try again soon rather than settle for tables all day.
    if (!channelId) throw new RetryLater(new Date(Date.now() + 5_000), "conversations.open failed for insights");
    {
      fileIds = await uploadOrNull(
        deps,
        () =>
          outbox.uploadFiles(`insights:${input.teamId}:${day}:${audienceOf(input.userId)}`, {
            channelId,
            initialComment:
              "Today's Delight insights: recognition per person, recoveries on time, and the values mix. They also show in your App Home and with `/delight insights`.",
            files: chartFiles(charts, day),
            // The files are shown in image blocks: only once Slack has processed them.
            forBlocks: true,
          }),
        charts.length,
      );
    }
  }
  const view: InsightsView = fileIds
    ? { mode: "images", fileIds, charts: texts }
    : { mode: "text", fileIds: [], charts: texts };
  await deps.prisma.insightsCharts.createMany({
    data: [
      {
        teamId: input.teamId,
        day,
        audience: audienceOf(input.userId),
        mode: view.mode,
        fileIds: view.fileIds,
        charts: texts as never,
      },
    ],
    skipDuplicates: true,
  });
  await deps.prisma.insightsCharts.deleteMany({
    where: { teamId: input.teamId, day: { lt: utcDay(new Date(now.getTime() - KEEP_DAYS * 24 * 60 * 60_000)) } },
  });
  return (await cachedInsights(deps.prisma, input.teamId, input.userId, now)) ?? view;
}
