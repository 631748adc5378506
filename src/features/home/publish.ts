// Publishes one person's App Home through the outbox; features call it from their jobs
// after an action taken there. `key` names this publish (for example the job's key).
import type { AppDeps } from "../../deps.ts";
import type { Outbox } from "../../slack/outbox.ts";
import { utcDay } from "../insights/service.ts";
import { homeView } from "./blocks.ts";
import { homeSummary } from "./service.ts";

/** The job that makes a manager's charts for the day, then publishes their Home again. */
export const HOME_INSIGHTS_JOB = "home.insights";

/**
 * Publishes Home at once with what is ready. A manager whose charts for today are not made
 * yet sees "charts are being drawn", and a job draws them and publishes Home again: drawing,
 * uploading and Slack's processing of the files take seconds, and Home must not wait for them.
 */
export async function publishHome(
  deps: Pick<AppDeps, "prisma" | "roles" | "users" | "clock" | "jobs">,
  outbox: Outbox,
  key: string,
  teamId: string,
  userId: string,
  notice?: string,
  options: { insightsAsText?: boolean } = {},
): Promise<void> {
  const [summary, profile] = await Promise.all([
    homeSummary(deps, teamId, userId),
    deps.users.profile(userId).catch(() => undefined),
  ]);
  if (summary.isManager && !summary.insights) {
    // One per manager and day, however often Home is opened meanwhile.
    await deps.jobs.enqueue(
      HOME_INSIGHTS_JOB,
      { teamId, userId, notice },
      { key: `home-insights:${teamId}:${userId}:${utcDay(deps.clock.now())}`, teamId },
    );
  }
  const view = homeView(summary, {
    notice,
    now: deps.clock.now(),
    timezone: profile?.timezone,
    insightsAsText: options.insightsAsText,
  });
  await outbox.publishView(key, { user_id: userId, view });
}

/** The job that publishes one person's App Home (registered by the home feature). */
export const HOME_PUBLISH_JOB = "home.publish";

/** For listeners: records a publish of someone's App Home, done by a job. */
export async function enqueueHomePublish(
  deps: Pick<AppDeps, "jobs">,
  teamId: string,
  userId: string,
  notice?: string,
  key?: string,
): Promise<void> {
  await deps.jobs.enqueue(HOME_PUBLISH_JOB, { teamId, userId, notice }, { key, teamId });
}
