// A manager's decision and everything that follows it: the story shared, the card and its
// buttons updated, a note in the thread, the nominees and the nominator told. The first
// decision wins (a conditional update); each follow-up is one outbox write with its own key,
// so running the follow-ups again (a retried job, a card that appeared later) repeats none.
import type { AppDeps } from "../../deps.ts";
import type { Outbox } from "../../slack/outbox.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { getSettings } from "../admin/settings.ts";
import { recordAudit } from "../audit/service.ts";
import { nominationPatterns } from "./pattern.ts";
import { isPrivateStory } from "../prefs/service.ts";
import {
  approvalCard,
  approvalControls,
  decisionThreadNote,
  nominatorRejectedMessage,
  nominatorThanksMessage,
  nomineeDirectMessage,
  storyPost,
} from "./blocks.ts";
import type { Decision, DecisionOutcome, Nomination, StoryOutcome } from "./model.ts";

export function findByApprovalMessage(
  deps: Pick<AppDeps, "prisma">,
  teamId: string,
  channelId: string,
  messageTs: string,
): Promise<Nomination | null> {
  return deps.prisma.nomination.findFirst({
    where: {
      teamId,
      approvalChannelId: channelId,
      OR: [{ approvalMessageTs: messageTs }, { controlsMessageTs: messageTs }],
    },
  });
}

/**
 * Records a manager's decision. Only the first decision counts: the conditional update
 * (status = pending) succeeds for exactly one caller, even across app instances, so a double
 * click, two managers at once or a retried event produce one decision.
 */
export async function decideNomination(
  deps: Pick<AppDeps, "prisma" | "clock" | "roles">,
  input: { teamId: string; nominationId: string; deciderId: string; decision: Decision },
): Promise<DecisionOutcome> {
  const nomination = await deps.prisma.nomination.findFirst({
    where: { id: input.nominationId, teamId: input.teamId },
  });
  if (!nomination) return { kind: "not-found" };
  if (!(await deps.roles.isManager(input.teamId, input.deciderId))) return { kind: "not-manager" };
  if (nomination.status !== "pending") return { kind: "already-decided", nomination };
  if (nomination.nomineeIds.includes(input.deciderId)) return { kind: "own-nomination" };

  const approved = input.decision.kind === "approve";
  const now = deps.clock.now();
  // The decision and its audit entry in one transaction: only the decision that won is logged.
  const count = await deps.prisma.$transaction(async (tx) => {
    const { count } = await tx.nomination.updateMany({
      where: { id: nomination.id, status: "pending" },
      data: {
        status: approved ? "approved" : "rejected",
        decidedBy: input.deciderId,
        decidedAt: now,
        rejectionReason: input.decision.kind === "reject" ? input.decision.reason : null,
      },
    });
    if (count === 1) {
      await recordAudit(tx, {
        teamId: input.teamId,
        actorId: input.deciderId,
        action: approved ? "nomination.approve" : "nomination.reject",
        target: nomination.id,
        subjectIds: [...nomination.nomineeIds, nomination.nominatorId],
        before: { status: "pending" },
        after: { status: approved ? "approved" : "rejected" },
        at: now,
      });
    }
    return count;
  });
  const current = await deps.prisma.nomination.findUniqueOrThrow({ where: { id: nomination.id } });
  return count === 1 ? { kind: "decided", nomination: current } : { kind: "already-decided", nomination: current };
}

type FollowUpDeps = Pick<AppDeps, "prisma" | "clock" | "logger">;

/**
 * Does what follows a decision; every step is idempotent (see the file comment). A step
 * Slack refuses for good (a nominee who left, a channel the app is not in) is logged and
 * skipped; a step Slack asks to retry throws RetryLater, and the job runs again later.
 */
export async function runFollowUps(
  deps: FollowUpDeps,
  outbox: Outbox,
  nominationId: string,
): Promise<{ story: StoryOutcome }> {
  let nomination = await deps.prisma.nomination.findUniqueOrThrow({ where: { id: nominationId } });
  if (nomination.status === "pending") return { story: { kind: "not-approved" } };
  const refusedOk = async (what: string, write: () => Promise<unknown>): Promise<boolean> => {
    try {
      await write();
      return true;
    } catch (error) {
      if (!(error instanceof SlackWriteRefused)) throw error;
      deps.logger.warn(`After a decision, Slack refused to ${what}`, { nominationId }, error.slackError);
      return false;
    }
  };

  let story: StoryOutcome = { kind: "not-approved" };
  if (nomination.status === "approved") {
    if (nomination.storyChannelId && nomination.storyMessageTs) {
      story = { kind: "posted", channelId: nomination.storyChannelId };
    } else if (await isPrivateStory(deps.prisma, nomination.teamId, nomination.nomineeIds)) {
      // Only the nominees (their DM below) and the managers (the card) see it.
      story = { kind: "private" };
    } else {
      const { storiesChannelId } = await getSettings(deps.prisma, { teamId: nomination.teamId });
      if (!storiesChannelId) story = { kind: "no-channel" };
      else {
        const channel = storiesChannelId;
        story = { kind: "failed", channelId: channel };
        await refusedOk("share the story", async () => {
          const posted = await outbox.postMessage(`nomination:${nominationId}:story:${channel}`, {
            channel,
            ...storyPost(nomination),
            unfurl_links: false,
          });
          nomination = await deps.prisma.nomination.update({
            where: { id: nominationId },
            data: { storyChannelId: channel, storyMessageTs: posted.ts },
          });
          story = { kind: "posted", channelId: channel };
        });
      }
    }
  }

  const { approvalChannelId: channel, approvalMessageTs: cardTs, controlsMessageTs } = nomination;
  if (channel && cardTs) {
    const decided = nomination;
    const patterns = await nominationPatterns(deps.prisma, decided);
    await refusedOk("update the card", () =>
      outbox.update(`nomination:${nominationId}:card-decided`, {
        channel,
        ts: cardTs,
        ...approvalCard(decided, patterns),
      }),
    );
    if (controlsMessageTs) {
      await refusedOk("update the buttons", () =>
        outbox.update(`nomination:${nominationId}:controls-decided`, {
          channel,
          ts: controlsMessageTs,
          ...approvalControls(decided),
        }),
      );
    }
    await refusedOk("note the decision in the thread", () =>
      outbox.postMessage(`nomination:${nominationId}:thread-note`, {
        channel,
        thread_ts: cardTs,
        ...decisionThreadNote(decided, story),
      }),
    );
  }

  const storyChannelId = story.kind === "posted" ? story.channelId : null;
  if (nomination.status === "approved") {
    for (const nomineeId of nomination.nomineeIds) {
      const decided = nomination;
      await refusedOk("tell a nominee", () =>
        outbox.directMessage(
          `nomination:${nominationId}:nominee:${nomineeId}`,
          nomineeId,
          nomineeDirectMessage(decided, storyChannelId),
        ),
      );
    }
  }
  const decided = nomination;
  // A customer's nomination (a signal) has no colleague to thank.
  if (decided.nominatedBy) return { story };
  await refusedOk("tell the nominator", () =>
    outbox.directMessage(
      `nomination:${nominationId}:nominator`,
      decided.nominatorId,
      decided.status === "approved"
        ? nominatorThanksMessage(decided, storyChannelId)
        : nominatorRejectedMessage(decided),
    ),
  );
  return { story };
}
