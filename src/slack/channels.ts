// Making sure the app can post where an admin points it.
import type { webApi } from "@slack/bolt";

/**
 * Joins a public channel so the app can post there. Private channels cannot be joined by
 * the app: the answer says how to invite it instead. Returns a warning for the admin, or null.
 */
export async function ensureAppInChannel(client: webApi.WebClient, channelId: string): Promise<string | null> {
  try {
    const info = await client.conversations.info({ channel: channelId });
    if (info.channel?.is_member) return null;
    if (info.channel?.is_private) return inviteHint(channelId);
    await client.conversations.join({ channel: channelId });
    return null;
  } catch {
    return inviteHint(channelId);
  }
}

function inviteHint(channelId: string): string {
  return `:information_source: I'm not in <#${channelId}> yet. Type \`/invite @Delight\` there so I can post.`;
}
