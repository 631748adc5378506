// Agents named by email in a signal, mapped to Slack people with users.lookupByEmail
// (docs.slack.dev/reference/methods/users.lookupByEmail: bot scope users:read.email; Tier 3;
// answers `users_not_found` when no one in the workspace has that email).
import type { webApi } from "@slack/bolt";

/** The Slack user id of the active person with this email, or null when there is none (or a bot). */
export async function slackUserByEmail(client: webApi.WebClient, email: string): Promise<string | null> {
  try {
    const { user } = await client.users.lookupByEmail({ email });
    if (!user?.id || user.deleted || user.is_bot) return null;
    return user.id;
  } catch (error) {
    const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
    // Nobody with that email: the signals owner takes it. Anything else (a rate limit, Slack
    // down) fails the job, which runs again later.
    if (code === "users_not_found" || code === "user_not_found") return null;
    throw error;
  }
}
