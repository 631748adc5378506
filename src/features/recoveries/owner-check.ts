// Checks that run before ack() in a modal submission. Slack drops a submission that is not
// acked within 3 seconds (and the person sees an error and submits again), so each Slack
// lookup before the ack gets a short budget; when it runs out the check is skipped rather
// than the submission failed — the owner can still be changed later with Reassign.
import type { SlackUsers } from "../../slack/roles.ts";
import { TIMED_OUT, withinTime } from "../../slack/within-time.ts";

export const PRE_ACK_LOOKUP_MS = 2_000;

/** Why this person can't own a recovery (a bot, a deactivated account), or null — also when Slack is too slow to tell. */
export async function ownerProblem(
  users: Pick<SlackUsers, "profile">,
  userId: string,
  timeoutMs = PRE_ACK_LOOKUP_MS,
): Promise<string | null> {
  const lookup = users.profile(userId).then(
    (profile) => ({ profile }),
    () => ({ profile: null }),
  );
  const answer = await withinTime(lookup, timeoutMs);
  if (answer === TIMED_OUT) return null;
  const { profile } = answer;
  if (!profile) return "I can't find that person in this workspace: pick the owner from the list.";
  if (profile.isBot) return "Apps can't fix customer mistakes: pick a person as the owner.";
  if (profile.deleted) return "That person's account is deactivated: pick someone else as the owner.";
  return null;
}
