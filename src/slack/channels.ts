// Making sure the app can post where an admin points it.
import type { webApi } from "@slack/bolt";

/**
 * "unreadable": Slack refused to describe the channel. For a private channel the app is not
 * in, conversations.info answers channel_not_found (the app cannot see it at all), not
 * is_private: the app must be invited before it can post there.
 */
export type ChannelMembership = "member" | "private" | "public" | "unreadable" | "unknown";

/** Whether the app is in a channel (a read: conversations.info); "unknown" when Slack can't say now. */
export async function channelMembership(client: webApi.WebClient, channelId: string): Promise<ChannelMembership> {
  try {
    const info = await client.conversations.info({ channel: channelId });
    if (info.channel?.is_member) return "member";
    return info.channel?.is_private ? "private" : "public";
  } catch (error) {
    // Slack answered, and said no (channel_not_found, missing_scope…); not a network hiccup.
    return (error as { code?: unknown } | null)?.code === "slack_webapi_platform_error" ? "unreadable" : "unknown";
  }
}

/** The app can't post there until someone invites it. */
export const needsInvite = (membership: unknown): boolean => membership === "private" || membership === "unreadable";

/**
 * Joins a public channel so the app can post there (a write: run it from a job). Private
 * channels cannot be joined by the app: the answer says how to invite it instead. Returns a
 * warning for the admin, or null.
 */
export async function ensureAppInChannel(client: webApi.WebClient, channelId: string): Promise<string | null> {
  try {
    const membership = await channelMembership(client, channelId);
    if (membership === "member") return null;
    if (needsInvite(membership)) return inviteHint(channelId);
    await client.conversations.join({ channel: channelId });
    return null;
  } catch {
    return inviteHint(channelId);
  }
}

export function inviteHint(channelId: string): string {
  return `:information_source: Invite @Delight to <#${channelId}> first (\`/invite @Delight\` in that channel): I can't see it yet, so I can't post there.`;
}
