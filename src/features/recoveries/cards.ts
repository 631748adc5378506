// Case cards in Slack, through the outbox: the card DMed to a person or posted to a channel,
// and keeping every card current after a change. Used by the recoveries jobs (openings, case
// actions, reminders); every write is keyed, so a job that runs again sends nothing twice.
import type { Logger } from "@slack/bolt";
import type { Clock } from "../../clock.ts";
import type { Db } from "../../db/database.ts";
import { SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";
import type { SlackUsers } from "../../slack/roles.ts";
import { caseLabel, renderCaseCard } from "./blocks.ts";
import type { RecoveryCaseWithTimeline } from "./model.ts";
import { addCardMessage, getCase, parseCardMessageRef } from "./service.ts";

export interface CaseDeps {
  prisma: Db;
  clock: Clock;
  logger: Logger;
  users: Pick<SlackUsers, "profile">;
}

/** The person's IANA timezone from Slack, or UTC when Slack can't tell us. */
export async function timezoneOf(users: CaseDeps["users"], userId: string): Promise<string> {
  try {
    return (await users.profile(userId)).timezone ?? "UTC";
  } catch {
    return "UTC";
  }
}

/**
 * DMs the case card to a person and remembers the message so later actions update it.
 * Throws SlackWriteRefused when Slack will never deliver it (deactivated person…).
 */
export async function sendCaseCardByDm(
  deps: CaseDeps,
  outbox: Outbox,
  key: string,
  recoveryCase: RecoveryCaseWithTimeline,
  userId: string,
  lead?: string,
): Promise<void> {
  const timezone = await timezoneOf(deps.users, userId);
  const message = renderCaseCard(recoveryCase, { now: deps.clock.now(), timezone, lead });
  const { channel, ts } = await outbox.directMessage(key, userId, message);
  await addCardMessage(deps.prisma, recoveryCase.id, { channel, ts, timezone });
}

export async function postCaseCardToChannel(
  deps: CaseDeps,
  outbox: Outbox,
  key: string,
  recoveryCase: RecoveryCaseWithTimeline,
  channel: string,
  lead: string,
): Promise<void> {
  const message = renderCaseCard(recoveryCase, { now: deps.clock.now(), lead });
  const posted = await outbox.postMessage(key, { channel, text: message.text, blocks: message.blocks });
  await addCardMessage(deps.prisma, recoveryCase.id, { channel: posted.channel, ts: posted.ts });
}

/**
 * What a card shows that can change: each action adds to the timeline, and a card turns
 * "Overdue" when the deadline passes. One update per card and version: a job that runs
 * again updates nothing twice, and the next change gets new keys.
 */
function cardVersion(recoveryCase: RecoveryCaseWithTimeline, now: Date): string {
  const overdue = recoveryCase.status === "open" && recoveryCase.dueAt.getTime() <= now.getTime();
  return `${recoveryCase.status}-${recoveryCase.timeline.length}${overdue ? "-overdue" : ""}`;
}

/**
 * Updates every message showing the case so it shows its current state (and loses its
 * buttons once fixed). A message Slack won't update (deleted, say) is logged and skipped; a
 * write Slack asks us to retry later (RetryLater) is thrown, so the job runs again.
 */
export async function refreshCaseMessages(deps: CaseDeps, outbox: Outbox, caseId: string): Promise<void> {
  const recoveryCase = await getCase(deps.prisma, caseId);
  if (!recoveryCase) return;
  const now = deps.clock.now();
  const version = cardVersion(recoveryCase, now);
  for (const stored of recoveryCase.cardMessages) {
    const ref = parseCardMessageRef(stored);
    if (!ref) continue;
    const message = renderCaseCard(recoveryCase, { now, timezone: ref.timezone });
    try {
      await outbox.update(`case:${caseId}:card:${ref.channel}:${ref.ts}:${version}`, {
        channel: ref.channel,
        ts: ref.ts,
        text: message.text,
        blocks: message.blocks,
      });
    } catch (error) {
      if (!(error instanceof SlackWriteRefused)) throw error;
      deps.logger.warn(`Could not update a card of ${caseLabel(recoveryCase)}`, ref.channel, error.slackError);
    }
  }
}
