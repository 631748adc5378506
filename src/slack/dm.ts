// Opening a person's DM for a job's upload or message: with their workspace's own token (the
// router resolves it: slack/clients.ts), and a Slack failure is retried later, not lost.
import { RetryLater } from "../jobs/queue.ts";
import type { SlackRouter } from "./router.ts";

/** The DM channel with a person (conversations.open); RetryLater when Slack fails. */
export async function dmChannelOf(router: SlackRouter, teamId: string, userId: string): Promise<string> {
  const dm = await router
    .clientFor(teamId)
    .conversations.open({ users: userId })
    .catch((error: unknown) => {
      throw new RetryLater(new Date(Date.now() + 5_000), `conversations.open failed: ${String(error)}`);
    });
  const channelId = dm.channel?.id;
  if (!channelId) throw new RetryLater(new Date(Date.now() + 5_000), "conversations.open returned no channel");
  return channelId;
}
