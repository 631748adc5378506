// The approval card: posted to the approvals channel once (the outbox key makes it once,
// even if the job runs again after a crash, and finds a card that went out just before),
// with the Approve / Reject buttons in its thread.
import { nominationPatterns } from "./pattern.ts";
import type { AppDeps } from "../../deps.ts";
import type { Outbox } from "../../slack/outbox.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { approvalCard, approvalControls } from "./blocks.ts";
import type { CardOutcome } from "./model.ts";

type CardDeps = Pick<AppDeps, "prisma" | "logger" | "jobs">;

/** The metadata every approval card carries, so a card can be found again from Slack alone. */
export const CARD_EVENT_TYPE = "delight_nomination";
/** The metadata of the thread reply that holds a card's buttons. */
export const CONTROLS_EVENT_TYPE = "delight_nomination_controls";

export const POST_CARD_JOB = "nomination.post-card";
export const POST_WAITING_CARDS_JOB = "nominations.post-waiting-cards";
export const FOLLOW_UPS_JOB = "nomination.follow-ups";

export async function approvalsChannelOf(deps: Pick<AppDeps, "prisma">, teamId: string): Promise<string | null> {
  const workspace = await deps.prisma.workspace.findUnique({ where: { teamId }, select: { approvalsChannelId: true } });
  return workspace?.approvalsChannelId ?? null;
}

/**
 * Posts a nomination's approval card and the buttons in its thread, each once. Waits (returns
 * `no-channel`) while no approvals channel is set. Throws RetryLater when Slack asks to wait.
 */
export async function publishApprovalCard(deps: CardDeps, outbox: Outbox, nominationId: string): Promise<CardOutcome> {
  let nomination = await deps.prisma.nomination.findUniqueOrThrow({ where: { id: nominationId } });
  const channelId = nomination.approvalChannelId ?? (await approvalsChannelOf(deps, nomination.teamId));
  if (!channelId) return { kind: "no-channel" };

  if (!nomination.approvalMessageTs) {
    try {
      // The key names the channel: after an admin moves the approvals channel, a card that
      // could not be posted to the old one goes to the new one.
      const card = await outbox.postMessage(`nomination:${nominationId}:card:${channelId}`, {
        channel: channelId,
        ...approvalCard(nomination, await nominationPatterns(deps.prisma, nomination)),
        unfurl_links: false,
        metadata: { event_type: CARD_EVENT_TYPE, event_payload: { nomination_id: nominationId } },
      });
      nomination = await deps.prisma.nomination.update({
        where: { id: nominationId },
        data: { approvalChannelId: channelId, approvalMessageTs: card.ts },
      });
    } catch (error) {
      if (!(error instanceof SlackWriteRefused)) throw error;
      deps.logger.warn("Could not post an approval card", { nominationId, channelId }, error.slackError);
      return { kind: "failed", channelId };
    }
  }
  const cardTs = nomination.approvalMessageTs ?? "";

  if (nomination.status === "pending" && !nomination.controlsMessageTs) {
    try {
      const controls = await outbox.postMessage(`nomination:${nominationId}:controls`, {
        channel: channelId,
        thread_ts: cardTs,
        ...approvalControls(nomination),
        metadata: { event_type: CONTROLS_EVENT_TYPE, event_payload: { nomination_id: nominationId } },
      });
      await deps.prisma.nomination.update({ where: { id: nominationId }, data: { controlsMessageTs: controls.ts } });
    } catch (error) {
      if (!(error instanceof SlackWriteRefused)) throw error;
      // The card is up: managers can still decide with ✅ or an "approve" reply.
      deps.logger.warn("Could not post the approval buttons", { nominationId, channelId }, error.slackError);
    }
  }

  // Decided while the card went up: the decision's follow-ups may have run before the card
  // was saved. They are idempotent: run them again now that it is (the card and buttons
  // then show the decision).
  const current = await deps.prisma.nomination.findUniqueOrThrow({
    where: { id: nominationId },
    select: { status: true, teamId: true },
  });
  if (current.status !== "pending") {
    await deps.jobs.enqueue(
      FOLLOW_UPS_JOB,
      { nominationId },
      { key: `nomination:${nominationId}:follow-ups:after-card`, teamId: current.teamId },
    );
  }
  return { kind: "posted", channelId };
}

/** Nominations of this workspace still waiting for their card (no approvals channel then, or a refused post). */
export function countWaitingCards(deps: Pick<AppDeps, "prisma">, teamId: string): Promise<number> {
  return deps.prisma.nomination.count({ where: { teamId, status: "pending", approvalMessageTs: null } });
}

/**
 * Queues the card of every nomination still waiting for one (an admin just set the approvals
 * channel). Cards Slack refused before (the app was not in the channel) are tried again.
 */
export async function queueWaitingCards(deps: CardDeps, teamId: string, requestedAt: string): Promise<number> {
  const waiting = await deps.prisma.nomination.findMany({
    where: { teamId, status: "pending", approvalMessageTs: null },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  if (waiting.length === 0) return 0;
  await deps.prisma.slackWrite.updateMany({
    where: {
      teamId,
      status: "dead",
      OR: waiting.map(({ id }) => ({ key: { startsWith: `nomination:${id}:card:` } })),
    },
    data: { status: "pending", attempts: 0, nextAttemptAt: new Date(), lastError: null },
  });
  // Enqueued together: one INSERT for all of them (see JobStore).
  await Promise.all(
    waiting.map(({ id }) =>
      deps.jobs.enqueue(
        POST_CARD_JOB,
        { nominationId: id },
        { key: `nomination:${id}:post-card:${requestedAt}`, teamId },
      ),
    ),
  );
  return waiting.length;
}
