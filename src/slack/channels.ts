// Making sure the app can post where an admin points it.
import type { webApi } from "@slack/bolt";

export type ChannelMembership = "member" | "private" | "public" | "unknown";

/** Whether the app is in a channel (a read: conversations.info); "unknown" when Slack can't say. */
export async function channelMembership(client: webApi.WebClient, channelId: string): Promise<ChannelMembership> {
  try {
    const info = await client.conversations.info({ channel: channelId });
    if (info.channel?.is_member) return "member";
    return info.channel?.is_private ? "private" : "public";
  } catch {
    return "unknown";
  }
}

/**
 * Joins a public channel so the app can post there (a write: run it from a job). Private
 * channels cannot be joined by the app: the answer says how to invite it instead. Returns a
 * warning for the admin, or null.
 */
export async function ensureAppInChannel(client: webApi.WebClient, channelId: string): Promise<string | null> {
  try {
    const membership = await channelMembership(client, channelId);
    if (membership === "member") return null;
    if (membership === "private") return inviteHint(channelId);
    await client.conversations.join({ channel: channelId });
    return null;
  } catch {
    return inviteHint(channelId);
  }
}

export function inviteHint(channelId: string): string {
  return `:information_source: I'm not in <#${channelId}> yet. Type \`/invite @Delight\` there so I can post.`;
}
