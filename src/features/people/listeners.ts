// People come and go: the jobs that follow a departure or a return (departures.ts, jobs.ts),
// and a person's data on request (export.ts, erase-flow.ts). The user_change and team_join
// events themselves are the directory's (src/features/directory).
import type { SlashCommand } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import { ErasureWatch } from "../../slack/erased-people.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { registerEraseFlow } from "./erase-flow.ts";
import { PERSON_EXPORT_JOB, registerPersonExportJob, type PersonExportPayload } from "./export.ts";
import { registerPeopleJobs } from "./jobs.ts";
import { registerPrefsFeature } from "../prefs/listeners.ts";
import { registerRecapJobs } from "../recap/jobs.ts";

export function registerPeopleFeature(router: SlackRouter, deps: AppDeps): void {
  registerPeopleJobs(deps);
  registerPersonExportJob(router, deps);
  // Someone erased by mistake who uses Delight again comes back (src/slack/erased-people.ts).
  const watch = new ErasureWatch(deps.prisma, deps.config.secrets, deps.logger);
  router.observePeople((teamId, userId) => watch.noteOwnUse(teamId, userId));
  registerEraseFlow(router, deps, watch);
  registerPrefsFeature(router, deps);
  registerRecapJobs(router, deps);
}

/** Records the export job of `/delight-admin person @u export` (the admin listener checked the caller). */
export async function enqueuePersonExport(
  deps: Pick<AppDeps, "jobs" | "clock">,
  command: Pick<SlashCommand, "team_id" | "user_id" | "response_url" | "trigger_id">,
  userId: string,
): Promise<string> {
  const payload: PersonExportPayload = {
    teamId: command.team_id,
    adminId: command.user_id,
    userId,
    responseUrl: command.response_url,
    at: deps.clock.now().toISOString(),
  };
  await deps.jobs.enqueue(PERSON_EXPORT_JOB, payload, {
    key: `person-export:${command.trigger_id}`,
    teamId: command.team_id,
  });
  return `:hourglass_flowing_sand: Collecting everything Delight stores about <@${userId}>… I'll send it to our DM: one JSON file, and one CSV per kind.`;
}
