// `/delight-admin export stories [from] [to]`: the admin listener checks the caller is an
// admin and calls this; it records the export job and returns the ack's text.
import type { SlashCommand } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { registerExportJobs } from "./jobs.ts";
import { EXPORT_STORIES_JOB, type ExportStoriesPayload } from "./model.ts";
import type { CalendarDate } from "./model.ts";

export function registerExportFeature(router: SlackRouter, deps: AppDeps): void {
  registerExportJobs(router, deps);
}

export const PREPARING_EXPORT =
  ":hourglass_flowing_sand: Preparing your export… I'll send a CSV and a Markdown story book to our DM in a moment.";

export async function enqueueStoryExport(
  deps: Pick<AppDeps, "jobs" | "clock">,
  command: Pick<SlashCommand, "team_id" | "user_id" | "response_url" | "trigger_id">,
  range: { from: CalendarDate | null; to: CalendarDate | null },
): Promise<string> {
  const payload: ExportStoriesPayload = {
    teamId: command.team_id,
    userId: command.user_id,
    responseUrl: command.response_url,
    from: range.from,
    to: range.to,
    at: deps.clock.now().toISOString(),
  };
  // One export per command (Slack may deliver a command twice; the trigger id is the same).
  await deps.jobs.enqueue(EXPORT_STORIES_JOB, payload, {
    key: `export:${command.trigger_id}`,
    teamId: command.team_id,
  });
  return PREPARING_EXPORT;
}
