// Publishes one person's App Home; features call it after an action taken there.
import type { webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import { homeView } from "./blocks.ts";
import { homeSummary } from "./service.ts";

export async function publishHome(
  deps: Pick<AppDeps, "prisma" | "roles" | "users" | "clock">,
  client: webApi.WebClient,
  teamId: string,
  userId: string,
  notice?: string,
): Promise<void> {
  const [summary, profile] = await Promise.all([
    homeSummary(deps, teamId, userId),
    deps.users.profile(userId).catch(() => undefined),
  ]);
  const view = homeView(summary, { notice, now: deps.clock.now(), timezone: profile?.timezone });
  await client.views.publish({ user_id: userId, view });
}
