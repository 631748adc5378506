// Who may use Settings, asked of Slack on every click and submission (a forged request from
// someone else changes nothing), within the time Slack leaves before the answer is due.
import type { AppDeps } from "../../deps.ts";
import { withinTime } from "../../slack/within-time.ts";
import { PRE_ACK_LOOKUP_MS } from "../admin/channel-setup.ts";
import { isValidTimezone } from "../admin/validate.ts";

/** Field errors are plain text: the admin message of the commands, without its emoji. */
export const ONLY_ADMINS_PLAIN =
  "Only Slack workspace admins and owners (or people listed in DELIGHT_ADMINS) can change Delight's settings. Nothing was changed.";
export const COULD_NOT_CHECK_PLAIN =
  "Slack took too long to tell me whether you are a workspace admin, so nothing was changed. Please press Save again in a moment.";

export type AdminCheck = "admin" | "not-admin" | "unknown";

export async function checkAdmin(deps: Pick<AppDeps, "roles">, teamId: string, userId: string): Promise<AdminCheck> {
  const isAdmin = await withinTime(
    deps.roles.isAdmin(teamId, userId).catch(() => false),
    PRE_ACK_LOOKUP_MS,
  );
  return isAdmin === true ? "admin" : isAdmin === false ? "not-admin" : "unknown";
}

export async function timezoneOf(deps: Pick<AppDeps, "users">, userId: string): Promise<string | undefined> {
  const profile = await withinTime(
    deps.users.profile(userId).catch(() => undefined),
    PRE_ACK_LOOKUP_MS,
  );
  const timezone = typeof profile === "object" ? profile?.timezone : undefined;
  return timezone && isValidTimezone(timezone) ? timezone : undefined;
}
