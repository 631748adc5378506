// Publishes one person's App Home; features call it from their jobs after an action taken there.
import type { AppDeps } from "../../deps.ts";
import type { Outbox } from "../../slack/outbox.ts";
import { homeView } from "./blocks.ts";
import { homeSummary } from "./service.ts";

export async function publishHome(
  deps: Pick<AppDeps, "prisma" | "roles" | "users" | "clock">,
  outbox: Outbox,
  key: string,
  teamId: string,
  userId: string,
  notice?: string,
): Promise<void> {
  const [summary, profile] = await Promise.all([
    homeSummary(deps, teamId, userId),
    deps.users.profile(userId).catch(() => undefined),
  ]);
  const view = homeView(summary, { notice, now: deps.clock.now(), timezone: profile?.timezone });
  await outbox.publishView(key, { user_id: userId, view });
}
