// What follows an admin pointing Delight at a channel, by command or in App Home → Settings:
// the app must be able to post there (it joins a public channel from a job; a private one needs
// an invite, said at once), and nominations waiting for an approvals channel are posted.
import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { channelMembership, inviteHint, needsInvite } from "../../slack/channels.ts";
import { withinTime } from "../../slack/within-time.ts";
import { countWaitingCards, POST_WAITING_CARDS_JOB } from "../nominations/cards.ts";

/** The job that joins a channel an admin named (conversations.join is a write). */
export const JOIN_CHANNEL_JOB = "admin.join-channel";

/** Where a failed join is told: the command's response_url, or (from Settings) the admin's DM. */
export const joinChannelPayload = z.object({
  teamId: z.string(),
  channelId: z.string(),
  responseUrl: z.string().optional(),
  userId: z.string().optional(),
});

/** Slack look-ups before the ack get this long (Slack gives 3 s for the whole answer). */
export const PRE_ACK_LOOKUP_MS = 1_000;

/**
 * Whether the app can post in a channel, asked before the ack: the invite hint when it can't
 * (a private channel it is not in, or one Slack won't show it), or null. A public channel the
 * app is not in yet is joined by a job (`tell` hears if that fails); one Slack could not
 * describe in time is treated the same way.
 */
export async function prepareChannel(
  deps: Pick<AppDeps, "jobs">,
  client: webApi.WebClient,
  teamId: string,
  channelId: string,
  tell: { responseUrl?: string; userId?: string },
): Promise<string | null> {
  const membership = await withinTime(channelMembership(client, channelId), PRE_ACK_LOOKUP_MS);
  if (membership === "member") return null;
  if (needsInvite(membership)) return inviteHint(channelId);
  await deps.jobs.enqueue(JOIN_CHANNEL_JOB, { teamId, channelId, ...tell }, { teamId });
  return null;
}

/** Nominations made while no approvals channel was set wait, pending: posts them now. Returns a notice or null. */
export async function postWaitingNominations(
  deps: Pick<AppDeps, "prisma" | "jobs">,
  teamId: string,
): Promise<string | null> {
  const waiting = await countWaitingCards(deps, teamId);
  if (waiting === 0) return null;
  await deps.jobs.enqueue(POST_WAITING_CARDS_JOB, { teamId }, { key: `waiting-cards:${teamId}:${Date.now()}`, teamId });
  return `:inbox_tray: Posting ${waiting} waiting ${waiting === 1 ? "nomination" : "nominations"} there for approval now.`;
}
