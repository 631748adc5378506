// Nominations: creating them, posting each approval card exactly once, and deciding them.
// Exactly-once comes from the database: the card is posted by whoever claims
// `cardClaimedAt`, and a nomination is decided by whoever flips status pending → decided.
import type { webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import { Prisma, type Nomination } from "../../generated/prisma/client.ts";
import { sendDirectMessage } from "../../slack/replies.ts";
import type { SlackUsers } from "../../slack/roles.ts";
import { mentionUser } from "../../slack/text.ts";
import { ensureWorkspace, getSettings, type WorkspaceRef } from "../admin/settings.ts";
import {
  approvalCard,
  approvalControls,
  decisionThreadNote,
  nomineeDirectMessage,
  nominatorRejectedMessage,
  nominatorThanksMessage,
  storyPost,
} from "./blocks.ts";
import type { DelightValue } from "./parse.ts";

type WebClient = webApi.WebClient;
type ServiceDeps = Pick<AppDeps, "prisma" | "clock" | "logger">;

export type { Nomination };

export interface NewNomination {
  workspace: WorkspaceRef;
  nominatorId: string;
  nomineeIds: string[];
  /** Slack-escaped (see parse.ts for the convention). */
  story: string;
  values: DelightValue[];
  customer?: string | null;
  link?: string | null;
}

export interface NomineeProblem {
  /** For messages (mentions render as names). */
  mrkdwn: string;
  /** For modal field errors, which are plain text. */
  plain: string;
}

/**
 * Says why these people can't be nominated by this person, or returns null when they can.
 * Bots, deleted accounts and people Slack doesn't know are refused, and so is oneself.
 */
export async function nomineeProblem(
  users: SlackUsers,
  nominatorId: string,
  nomineeIds: string[],
): Promise<NomineeProblem | null> {
  if (nomineeIds.includes(nominatorId)) {
    const text =
      "You can't nominate yourself — recognition means most when a colleague notices. Ask a teammate who saw it to nominate you, or nominate someone who helped you.";
    return { mrkdwn: text, plain: text };
  }
  const profiles = await Promise.all(
    nomineeIds.map((id) =>
      users.profile(id).catch(() => ({ id, isBot: false, deleted: true, name: undefined as string | undefined })),
    ),
  );
  const describe = (people: typeof profiles) => ({
    mrkdwn: people.map((p) => mentionUser(p.id)).join(", "),
    plain: people.map((p) => `@${p.name ?? p.id}`).join(", "),
  });
  const bots = profiles.filter((p) => p.isBot);
  if (bots.length > 0) {
    const who = describe(bots);
    const rest = `${bots.length === 1 ? "is an app" : "are apps"}, and apps can't be recognised. Nominate the people behind the work instead.`;
    return { mrkdwn: `${who.mrkdwn} ${rest}`, plain: `${who.plain} ${rest}` };
  }
  const gone = profiles.filter((p) => p.deleted);
  if (gone.length > 0) {
    const who = describe(gone);
    const rest = "Nominate people who are still in this workspace.";
    return {
      mrkdwn: `I can't find an active account for ${who.mrkdwn}. ${rest}`,
      plain: `I can't find an active account for ${who.plain}. ${rest}`,
    };
  }
  return null;
}

/** The PostgreSQL adapter reports P2003; the PGlite adapter passes on SQLSTATE 23503. */
function isForeignKeyViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2003";
  return (error as { cause?: { code?: unknown } } | null)?.cause?.code === "23503";
}

export async function createNomination(
  deps: ServiceDeps,
  input: NewNomination,
  options: { claimCard?: boolean } = {},
): Promise<Nomination> {
  const now = deps.clock.now();
  const create = () =>
    deps.prisma.nomination.create({
      data: {
        teamId: input.workspace.teamId,
        enterpriseId: input.workspace.enterpriseId ?? null,
        nominatorId: input.nominatorId,
        nomineeIds: input.nomineeIds,
        story: input.story,
        values: input.values,
        customer: input.customer ?? null,
        link: input.link ?? null,
        createdAt: now,
        cardClaimedAt: options.claimCard ? now : null,
      },
    });
  try {
    return await create();
  } catch (error) {
    // The workspace row is made on first use only: a busy workspace saves a query per nomination.
    if (!isForeignKeyViolation(error)) throw error;
    await ensureWorkspace(deps.prisma, input.workspace);
    return create();
  }
}

export type CardOutcome =
  | { kind: "posted"; channelId: string }
  /** No approvals channel yet: the nomination waits, pending, until an admin sets one. */
  | { kind: "no-channel" }
  /** Another request or instance already claimed (and posts or posted) this card. */
  | { kind: "already-claimed"; channelId: string | null }
  | { kind: "failed"; channelId: string };

// An instance that claimed a card and died before posting it leaves the claim behind;
// after this long without a posted card, the claim can be taken over.
const STALE_CARD_CLAIM_MS = 10 * 60_000;

function claimableCard(now: Date) {
  return {
    status: "pending" as const,
    approvalMessageTs: null,
    OR: [{ cardClaimedAt: null }, { cardClaimedAt: { lt: new Date(now.getTime() - STALE_CARD_CLAIM_MS) } }],
  };
}

export async function approvalsChannelOf(deps: Pick<AppDeps, "prisma">, teamId: string): Promise<string | null> {
  const workspace = await deps.prisma.workspace.findUnique({ where: { teamId }, select: { approvalsChannelId: true } });
  return workspace?.approvalsChannelId ?? null;
}

/**
 * Saves a new nomination and posts its approval card. When the approvals channel is known,
 * the row is created already claimed (`cardClaimedAt` set in the same insert), so nobody
 * else can post its card and the busy path costs three queries. Otherwise it goes through
 * `postApprovalCard`, which re-reads the channel in case an admin just set it.
 */
export async function submitNomination(
  deps: ServiceDeps,
  client: WebClient,
  input: NewNomination,
): Promise<{ nomination: Nomination; card: CardOutcome }> {
  const channelId = await approvalsChannelOf(deps, input.workspace.teamId);
  const nomination = await createNomination(deps, input, { claimCard: channelId !== null });
  const card = channelId
    ? await publishClaimedCard(deps, client, nomination, channelId)
    : await postApprovalCard(deps, client, nomination);
  return { nomination, card };
}

/**
 * Posts the approval card of a pending nomination to the approvals channel, then the
 * Approve / Reject controls in its thread. Exactly once per nomination, whatever the
 * number of callers: the caller that claims `cardClaimedAt` in the database posts.
 */
export async function postApprovalCard(
  deps: ServiceDeps,
  client: WebClient,
  nominationOrId: Nomination | string,
): Promise<CardOutcome> {
  const nomination =
    typeof nominationOrId === "string"
      ? await deps.prisma.nomination.findUniqueOrThrow({ where: { id: nominationOrId } })
      : nominationOrId;
  const channelId = await approvalsChannelOf(deps, nomination.teamId);
  if (!channelId) return { kind: "no-channel" };

  const now = deps.clock.now();
  const claimed = await deps.prisma.nomination.updateMany({
    where: { id: nomination.id, ...claimableCard(now) },
    data: { cardClaimedAt: now },
  });
  if (claimed.count !== 1) return { kind: "already-claimed", channelId: nomination.approvalChannelId };
  return publishClaimedCard(deps, client, nomination, channelId);
}

/** Posts the card and its controls; only for a caller that holds the nomination's claim. */
async function publishClaimedCard(
  deps: ServiceDeps,
  client: WebClient,
  nomination: Nomination,
  channelId: string,
): Promise<CardOutcome> {
  const nominationId = nomination.id;
  let cardTs: string;
  try {
    const posted = await client.chat.postMessage({
      channel: channelId,
      ...approvalCard(nomination),
      unfurl_links: false,
    });
    if (!posted.ts) throw new Error("chat.postMessage returned no ts");
    cardTs = posted.ts;
  } catch (error) {
    // Nothing was posted: give the claim back so the next attempt (the periodic sweep, or
    // an admin setting the approvals channel again) can post it.
    await deps.prisma.nomination.updateMany({
      where: { id: nominationId, approvalMessageTs: null },
      data: { cardClaimedAt: null },
    });
    deps.logger.warn("Could not post the approval card", { nominationId, channelId }, String(error));
    return { kind: "failed", channelId };
  }

  let controlsTs: string | null = null;
  try {
    const reply = await client.chat.postMessage({
      channel: channelId,
      thread_ts: cardTs,
      ...approvalControls(nomination),
    });
    controlsTs = reply.ts ?? null;
  } catch (error) {
    // The card is up; managers can still decide with ✅ or an "approve" reply.
    deps.logger.warn("Could not post the approval buttons", { nominationId, channelId }, String(error));
  }
  await deps.prisma.nomination.update({
    where: { id: nominationId },
    data: { approvalChannelId: channelId, approvalMessageTs: cardTs, controlsMessageTs: controlsTs },
  });
  return { kind: "posted", channelId };
}

/**
 * Posts the cards of the workspace's nominations that are still waiting for one (made while
 * no approvals channel was set, or whose post failed). Returns how many this call posted.
 */
export async function postWaitingCards(deps: ServiceDeps, client: WebClient, workspace: WorkspaceRef): Promise<number> {
  const waiting = await deps.prisma.nomination.findMany({
    where: { teamId: workspace.teamId, ...claimableCard(deps.clock.now()) },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  let posted = 0;
  for (const { id } of waiting) {
    const outcome = await postApprovalCard(deps, client, id);
    if (outcome.kind === "posted") posted += 1;
    if (outcome.kind === "no-channel") break;
  }
  return posted;
}

/**
 * Posts the waiting cards of every workspace that has an approvals channel: the safety net
 * for a card whose post failed or whose poster died. Runs on every instance; the claims make
 * each card go out once.
 */
export async function sweepWaitingCards(deps: ServiceDeps, client: WebClient): Promise<number> {
  const teams = await deps.prisma.nomination.findMany({
    where: { ...claimableCard(deps.clock.now()), workspace: { approvalsChannelId: { not: null } } },
    distinct: ["teamId"],
    select: { teamId: true },
  });
  let posted = 0;
  for (const { teamId } of teams) posted += await postWaitingCards(deps, client, { teamId });
  return posted;
}

export async function countWaitingCards(deps: ServiceDeps, workspace: WorkspaceRef): Promise<number> {
  return deps.prisma.nomination.count({ where: { teamId: workspace.teamId, ...claimableCard(deps.clock.now()) } });
}

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

export type Decision = { kind: "approve" } | { kind: "reject"; reason: string };

export type DecisionOutcome =
  | { kind: "decided"; nomination: Nomination }
  | { kind: "not-manager" }
  | { kind: "own-nomination" }
  | { kind: "not-found" }
  | { kind: "already-decided"; nomination: Nomination };

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
  const { count } = await deps.prisma.nomination.updateMany({
    where: { id: nomination.id, status: "pending" },
    data: {
      status: approved ? "approved" : "rejected",
      decidedBy: input.deciderId,
      decidedAt: deps.clock.now(),
      rejectionReason: input.decision.kind === "reject" ? input.decision.reason : null,
    },
  });
  const current = await deps.prisma.nomination.findUniqueOrThrow({ where: { id: nomination.id } });
  return count === 1 ? { kind: "decided", nomination: current } : { kind: "already-decided", nomination: current };
}

/** Where the approved story went. */
export type StoryOutcome =
  | { kind: "posted"; channelId: string }
  | { kind: "no-channel" }
  | { kind: "failed"; channelId: string }
  | { kind: "not-approved" };

/**
 * Everything that follows a decision, done once by the request that won it. Each step is
 * independent: a failed DM does not keep the story from being shared.
 */
export async function announceDecision(
  deps: ServiceDeps,
  client: WebClient,
  decided: Nomination,
): Promise<{ story: StoryOutcome }> {
  /** Runs one follow-up; returns false (and logs) when it failed. */
  const step = async (what: string, action: () => Promise<unknown>): Promise<boolean> => {
    try {
      await action();
      return true;
    } catch (error) {
      deps.logger.warn(`After a decision, could not ${what}`, { nominationId: decided.id }, String(error));
      return false;
    }
  };

  let nomination = decided;
  let story: StoryOutcome = { kind: "not-approved" };
  if (nomination.status === "approved") {
    const settings = await getSettings(deps.prisma, { teamId: nomination.teamId });
    const channel = settings.storiesChannelId;
    if (!channel) story = { kind: "no-channel" };
    else {
      const shared = await step("share the story", async () => {
        const posted = await client.chat.postMessage({ channel, ...storyPost(nomination), unfurl_links: false });
        nomination = await deps.prisma.nomination.update({
          where: { id: nomination.id },
          data: { storyChannelId: channel, storyMessageTs: posted.ts ?? null },
        });
      });
      story = { kind: shared ? "posted" : "failed", channelId: channel };
    }
  }
  const storyChannelId = story.kind === "posted" ? story.channelId : null;

  const { approvalChannelId: channel, approvalMessageTs: cardTs, controlsMessageTs } = nomination;
  if (channel && cardTs) {
    await step("update the card", () => client.chat.update({ channel, ts: cardTs, ...approvalCard(nomination) }));
    if (controlsMessageTs) {
      await step("update the buttons", () =>
        client.chat.update({ channel, ts: controlsMessageTs, ...approvalControls(nomination) }),
      );
    }
    await step("record the decision in the thread", () =>
      client.chat.postMessage({ channel, thread_ts: cardTs, ...decisionThreadNote(nomination, story) }),
    );
  }

  if (nomination.status === "approved") {
    for (const nomineeId of nomination.nomineeIds) {
      await step("tell a nominee", () =>
        sendDirectMessage(client, nomineeId, nomineeDirectMessage(nomination, storyChannelId)),
      );
    }
    await step("thank the nominator", () =>
      sendDirectMessage(client, nomination.nominatorId, nominatorThanksMessage(nomination, storyChannelId)),
    );
  } else {
    await step("tell the nominator the reason", () =>
      sendDirectMessage(client, nomination.nominatorId, nominatorRejectedMessage(nomination)),
    );
  }
  return { story };
}
