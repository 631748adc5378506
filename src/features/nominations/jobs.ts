// The nominations feature's work after the ack, one handler per kind of job. Listeners only
// record these jobs; every write to Slack below goes through the job's outbox.
import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { Outbox } from "../../slack/outbox.ts";
import { quoteInput } from "../../slack/text.ts";
import { publishHome } from "../home/publish.ts";
import { alreadyDecidedMessage, NOMINATION_GONE, nominationSaved, ONLY_MANAGERS, OWN_NOMINATION } from "./blocks.ts";
import {
  FOLLOW_UPS_JOB,
  POST_CARD_JOB,
  POST_WAITING_CARDS_JOB,
  publishApprovalCard,
  queueWaitingCards,
} from "./cards.ts";
import { usersKnowingDepartures } from "../people/directory-users.ts";
import { decideNomination, findByApprovalMessage, runFollowUps } from "./decisions.ts";
import { nomineeProblem, saveNomination } from "./intake.ts";
import type { DecisionOutcome } from "./model.ts";
import { DELIGHT_VALUES } from "./parse.ts";
import { renderStats } from "./stats.ts";

export { FOLLOW_UPS_JOB, POST_CARD_JOB, POST_WAITING_CARDS_JOB };
export const SUBMIT_JOB = "nomination.submit";
export const DECIDE_JOB = "nomination.decide";
export const STATS_JOB = "nomination.stats";
export const TELL_JOB = "nomination.tell";

const deciderPlace = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("thread"), responseUrl: z.string() }),
  z.object({ kind: z.literal("home") }),
  z.object({ kind: z.literal("channel"), channelId: z.string(), threadTs: z.string().nullable() }),
  z.object({ kind: z.literal("form") }),
]);

export const submitPayload = z.object({
  teamId: z.string(),
  enterpriseId: z.string().nullable(),
  nominatorId: z.string(),
  nomineeIds: z.array(z.string()).min(1),
  story: z.string(),
  values: z.array(z.enum(DELIGHT_VALUES)),
  customer: z.string().nullable(),
  link: z.string().nullable(),
  /** Form submissions were checked before the ack and carry their view id. */
  sourceViewId: z.string().nullable(),
  /** Where the nominator hears back: the command's response_url, or a DM for the form. */
  reply: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("respond"), responseUrl: z.string(), commandText: z.string() }),
    z.object({ kind: z.literal("dm") }),
  ]),
});
export type SubmitPayload = z.infer<typeof submitPayload>;

export const decidePayload = z.object({
  teamId: z.string(),
  /** The nomination, or the approvals-channel message a ✅ or a reply was on. */
  target: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("nomination"), nominationId: z.string() }),
    z.object({ kind: z.literal("message"), channelId: z.string(), messageTs: z.string() }),
  ]),
  deciderId: z.string(),
  decision: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("approve") }),
    z.object({ kind: z.literal("reject"), reason: z.string() }),
  ]),
  place: deciderPlace,
});
export type DecidePayload = z.infer<typeof decidePayload>;

const tellPayload = z.object({ teamId: z.string(), userId: z.string(), place: deciderPlace, text: z.string() });
export type TellPayload = z.infer<typeof tellPayload>;

/** What the person who tried to decide is told, or null when the thread already shows it. */
function outcomeNotice(outcome: DecisionOutcome, deciderId: string): string | null {
  switch (outcome.kind) {
    case "decided":
      return null;
    case "not-manager":
      return ONLY_MANAGERS;
    case "own-nomination":
      return OWN_NOMINATION;
    case "not-found":
      return NOMINATION_GONE;
    case "already-decided":
      // The same manager again (double click, ✅ after the button): the card already shows
      // their decision; saying "already decided by you" is just noise.
      return outcome.nomination.decidedBy === deciderId ? null : alreadyDecidedMessage(outcome.nomination);
  }
}

/** `client`: the Web API client, or each workspace's (distribution mode). */
export function registerNominationJobs(
  deps: AppDeps,
  client: webApi.WebClient | ((teamId: string) => webApi.WebClient),
): void {
  const clientFor = (teamId: string) => (typeof client === "function" ? client(teamId) : client);
  const tell = async (outbox: Outbox, key: string, input: TellPayload): Promise<void> => {
    const { place } = input;
    switch (place.kind) {
      case "thread":
        await outbox.respond(key, place.responseUrl, { text: input.text, replace_original: false });
        return;
      case "home":
        await publishHome(deps, outbox, key, input.teamId, input.userId, input.text);
        return;
      case "channel":
        await outbox.postEphemeral(key, {
          channel: place.channelId,
          user: input.userId,
          text: input.text,
          ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
        });
        return;
      case "form":
        // The form is closed by now: a direct message instead.
        await outbox.directMessage(key, input.userId, { text: input.text });
        return;
    }
  };

  deps.jobs.register(SUBMIT_JOB, submitPayload, async (job, context) => {
    const replyKey = `${context.key}:reply`;
    if (job.reply.kind === "respond") {
      // /delight was only parsed before the ack; the form checked its people already.
      const users = usersKnowingDepartures(deps.users, deps.prisma, job.teamId);
      const problem = await nomineeProblem(users, job.nominatorId, job.nomineeIds);
      if (problem) {
        await context.outbox.respond(replyKey, job.reply.responseUrl, {
          text: `${problem.mrkdwn}\nYou typed:\n${quoteInput(`/delight ${job.reply.commandText}`)}`,
        });
        return;
      }
    }
    const { nomination } = await saveNomination(deps, {
      workspace: { teamId: job.teamId, enterpriseId: job.enterpriseId },
      nominatorId: job.nominatorId,
      nomineeIds: job.nomineeIds,
      story: job.story,
      values: job.values,
      customer: job.customer,
      link: job.link,
      sourceViewId: job.sourceViewId,
      intakeKey: context.key,
    });
    const card = await publishApprovalCard(deps, context.outbox, nomination.id);
    const saved = nominationSaved(nomination, card);
    if (job.reply.kind === "respond") await context.outbox.respond(replyKey, job.reply.responseUrl, { text: saved });
    else await context.outbox.directMessage(replyKey, job.nominatorId, { text: saved });
  });

  deps.jobs.register(POST_CARD_JOB, z.object({ nominationId: z.string() }), async (job, context) => {
    await publishApprovalCard(deps, context.outbox, job.nominationId);
  });

  deps.jobs.register(POST_WAITING_CARDS_JOB, z.object({ teamId: z.string() }), async (job, context) => {
    const queued = await queueWaitingCards(deps, job.teamId, context.jobId);
    if (queued > 0) deps.logger.info(`Queued ${queued} waiting approval cards`, { teamId: job.teamId });
  });

  const followUpsPayload = z.object({
    nominationId: z.string(),
    /** Refresh the decider's App Home with this notice once done. */
    home: z.object({ userId: z.string(), notice: z.string() }).optional(),
  });
  deps.jobs.register(FOLLOW_UPS_JOB, followUpsPayload, async (job, context) => {
    const { story } = await runFollowUps(deps, context.outbox, job.nominationId);
    if (job.home) {
      const row = await deps.prisma.nomination.findUnique({
        where: { id: job.nominationId },
        select: { teamId: true },
      });
      const notice = `${job.home.notice}${story.kind === "posted" ? ` The story is shared in <#${story.channelId}>.` : ""}`;
      if (row) await publishHome(deps, context.outbox, `${context.key}:home`, row.teamId, job.home.userId, notice);
    }
  });

  deps.jobs.register(DECIDE_JOB, decidePayload, async (job, context) => {
    const nominationId =
      job.target.kind === "nomination"
        ? job.target.nominationId
        : (await findByApprovalMessage(deps, job.teamId, job.target.channelId, job.target.messageTs))?.id;
    if (!nominationId) return; // a ✅ on some other message
    const outcome = await decideNomination(deps, {
      teamId: job.teamId,
      nominationId,
      deciderId: job.deciderId,
      decision: job.decision,
    });
    const place = job.place;
    if (outcome.kind === "decided") {
      const { story } = await runFollowUps(deps, context.outbox, nominationId);
      if (place.kind === "home") {
        const verb =
          job.decision.kind === "approve"
            ? ":white_check_mark: Approved."
            : "Rejected. The nominator has been told why.";
        const where = story.kind === "posted" ? ` The story is shared in <#${story.channelId}>.` : "";
        await publishHome(deps, context.outbox, `${context.key}:home`, job.teamId, job.deciderId, `${verb}${where}`);
      }
      return;
    }
    const notice = outcomeNotice(outcome, job.deciderId);
    if (notice)
      await tell(context.outbox, `${context.key}:tell`, {
        teamId: job.teamId,
        userId: job.deciderId,
        place,
        text: notice,
      });
    else if (place.kind === "home")
      await publishHome(deps, context.outbox, `${context.key}:home`, job.teamId, job.deciderId);
    // Decided by this person already: maybe by this very job, before it failed part-way. The
    // follow-ups are idempotent, so finishing them again leaves nothing half done.
    if (outcome.kind === "already-decided" && outcome.nomination.decidedBy === job.deciderId) {
      await runFollowUps(deps, context.outbox, nominationId);
    }
  });

  deps.jobs.register(TELL_JOB, tellPayload, (job, context) => tell(context.outbox, `${context.key}:tell`, job));

  const statsPayload = z.object({
    teamId: z.string(),
    enterpriseId: z.string().nullable(),
    userId: z.string(),
    responseUrl: z.string(),
  });
  deps.jobs.register(STATS_JOB, statsPayload, async (job, context) => {
    const stats = await renderStats(
      deps,
      clientFor(job.teamId),
      { teamId: job.teamId, enterpriseId: job.enterpriseId },
      job.userId,
    );
    await context.outbox.respond(`${context.key}:reply`, job.responseUrl, stats);
  });
}
