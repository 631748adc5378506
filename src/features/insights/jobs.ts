// Insights jobs: `/delight insights` (answered at its response_url) and the digest's charts
// (uploaded into the digest's thread after it is posted).
import type { webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";
import { insightsMessage, NOT_A_MANAGER } from "./blocks.ts";
import { chartTexts, renderCharts } from "./charts.ts";
import { chartFiles, drawOrNull, insightsForManager, uploadOrNull } from "./delivery.ts";
import {
  INSIGHTS_COMMAND_JOB,
  INSIGHTS_DIGEST_JOB,
  insightsCommandPayload,
  insightsDigestPayload,
  type InsightsDigestPayload,
} from "./model.ts";
import { gatherInsights, utcDay } from "./service.ts";

export function registerInsightsJobs(router: SlackRouter, deps: AppDeps): void {
  deps.jobs.register(INSIGHTS_COMMAND_JOB, insightsCommandPayload, async (payload, { key, outbox }) => {
    if (!(await deps.roles.isManager(payload.teamId, payload.userId))) {
      await outbox.respond(`${key}:refused`, payload.responseUrl, { text: NOT_A_MANAGER });
      return;
    }
    const view = await insightsForManager(deps, router.clientFor(payload.teamId), outbox, payload);
    try {
      await outbox.respond(`${key}:reply`, payload.responseUrl, insightsMessage(view));
    } catch (error) {
      // Slack would not show the images (say, a file still being processed): the tables instead.
      if (!(error instanceof SlackWriteRefused) || view.mode !== "images") throw error;
      await outbox.respond(`${key}:tables`, payload.responseUrl, insightsMessage({ ...view, mode: "text" }));
    }
  });

  deps.jobs.register(INSIGHTS_DIGEST_JOB, insightsDigestPayload, async (payload, context) => {
    await postDigestInsights(deps, router.clientFor(payload.teamId), context.outbox, payload);
  });
}

/**
 * The digest's charts, in its thread: the team's figures only (recoveries on time and the
 * values mix). Recognition per person names who was never recognised, which is for managers
 * (App Home, /delight insights), not for a team channel.
 */
async function postDigestInsights(
  deps: AppDeps,
  client: webApi.WebClient,
  outbox: Outbox,
  payload: InsightsDigestPayload,
): Promise<void> {
  const now = deps.clock.now();
  const data = await gatherInsights(deps, client, { teamId: payload.teamId, now });
  // A team channel sees no names: not who is recognised, nor who nominated nobody.
  const texts = chartTexts(data).filter((c) => c.kind !== "recognition" && c.kind !== "spread");
  const charts = await drawOrNull(deps, () => renderCharts(data, texts));
  const uploaded = charts
    ? await uploadOrNull(
        deps,
        () =>
          outbox.uploadFiles(`digest:${payload.runId}:insights`, {
            channelId: payload.channelId,
            threadTs: payload.threadTs,
            initialComment: "This week in pictures: recoveries fixed on time, and the values in our stories.",
            files: chartFiles(charts, utcDay(now)),
          }),
        charts.length,
      )
    : null;
  if (uploaded) return;
  await outbox.postMessage(`digest:${payload.runId}:insights-tables`, {
    channel: payload.channelId,
    thread_ts: payload.threadTs,
    ...insightsMessage({ mode: "text", fileIds: [], charts: texts }),
  });
}
