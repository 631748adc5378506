// Publishes one person's App Home; features call it after an action taken there.
import type { webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import { homeView } from "./blocks.ts";
import { homeSummary } from "./service.ts";

export async function publishHome(
  deps: Pick<AppDeps, "prisma" | "roles">,
  client: webApi.WebClient,
  teamId: string,
  userId: string,
  notice?: string,
): Promise<void> {
  const summary = await homeSummary(deps, teamId, userId);
  await client.views.publish({ user_id: userId, view: homeView(summary, notice) });
}
