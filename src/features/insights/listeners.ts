// `/delight insights` (the /delight listener calls enqueueInsights) and the jobs that make and
// show insights. Managers only, checked on the server before the job is recorded and again
// when it runs.
import type { SlashCommand } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { Transaction } from "../../jobs/queue.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { registerInsightsJobs } from "./jobs.ts";
import { NOT_A_MANAGER } from "./blocks.ts";
import { INSIGHTS_COMMAND_JOB, INSIGHTS_DIGEST_JOB, type InsightsCommandPayload } from "./model.ts";

export function registerInsightsFeature(router: SlackRouter, deps: AppDeps): void {
  registerInsightsJobs(router, deps);
}

/** Records the job for a manager; for anyone else, returns the refusal to put in the ack. */
export async function enqueueInsights(
  deps: Pick<AppDeps, "jobs" | "roles">,
  command: Pick<SlashCommand, "team_id" | "user_id" | "response_url" | "trigger_id">,
): Promise<string | null> {
  if (!(await deps.roles.isManager(command.team_id, command.user_id))) return NOT_A_MANAGER;
  const payload: InsightsCommandPayload = {
    teamId: command.team_id,
    userId: command.user_id,
    responseUrl: command.response_url,
  };
  await deps.jobs.enqueue(INSIGHTS_COMMAND_JOB, payload, {
    key: `insights:${command.trigger_id}`,
    teamId: command.team_id,
  });
  return null;
}

/**
 * After a digest is posted: its charts follow in its thread (once per digest run), recorded
 * in the transaction that marks the digest posted.
 */
export async function enqueueDigestInsights(
  deps: Pick<AppDeps, "jobs">,
  digest: { teamId: string; channelId: string; ts: string; runId: string },
  tx: Transaction,
): Promise<void> {
  await deps.jobs.enqueueInTransaction(
    tx,
    INSIGHTS_DIGEST_JOB,
    { teamId: digest.teamId, channelId: digest.channelId, threadTs: digest.ts, runId: digest.runId },
    { key: `insights-digest:${digest.runId}`, teamId: digest.teamId },
  );
}
