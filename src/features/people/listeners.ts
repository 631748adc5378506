// People come and go (departures.ts, jobs.ts): the jobs that follow a departure or a return.
// The user_change and team_join events themselves are the directory's (src/features/directory).
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { registerPeopleJobs } from "./jobs.ts";

export function registerPeopleFeature(_router: SlackRouter, deps: AppDeps): void {
  registerPeopleJobs(deps);
}
