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
import { noteCustomerMention } from "../customers/service.ts";
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
  /** The modal view that was submitted: the same view submitted again creates nothing new. */
  sourceViewId?: string | null;
}

export interface NomineeProblem {
  /** For messages (mentions render as names). */
  mrkdwn: string;
  /** For modal field errors, which are plain text. */
  plain: string;
}

/** Slack says this account does not exist (as opposed to a rate limit or a network error). */
function isUnknownUser(error: unknown): boolean {
  const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
  return code === "user_not_found" || code === "user_not_visible" || code === "account_inactive";
}

// The modal asks before ack(), which must come within 3 seconds: the profile lookups get
// this long, then the bot/deleted check is skipped rather than the submission failing.
export const NOMINEE_CHECK_TIMEOUT_MS = 2_000;

/**
 * Says why these people can't be nominated by this person, or returns null when they can.
 * Bots, deleted accounts and people Slack doesn't know are refused, and so is oneself.
 * When Slack can't answer (rate limit, network, too slow) nobody is refused for it: a real
 * colleague must not be turned away, and a manager still sees the card before anything is
 * shared.
 */
export async function nomineeProblem(
  users: Pick<SlackUsers, "profile">,
  nominatorId: string,
  nomineeIds: string[],
  options: { timeoutMs?: number } = {},
): Promise<NomineeProblem | null> {
  if (nomineeIds.includes(nominatorId)) {
    const text =
      "You can't nominate yourself — recognition means most when a colleague notices. Ask a teammate who saw it to nominate you, or nominate someone who helped you.";
    return { mrkdwn: text, plain: text };
  }
  type Looked = { id: string; isBot: boolean; deleted: boolean; name?: string | undefined };
  const lookups = Promise.all(
    nomineeIds.map((id): Promise<Looked | null> =>
      users.profile(id).catch((error: unknown) => (isUnknownUser(error) ? { id, isBot: false, deleted: true } : null)),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), options.timeoutMs ?? NOMINEE_CHECK_TIMEOUT_MS);
  });
  const answered = await Promise.race([lookups, timedOut]).finally(() => clearTimeout(timer));
  if (!answered) return null;
  const profiles = answered.filter((p): p is Looked => p !== null);
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

/** Same for unique keys: P2002, or SQLSTATE 23505 through PGlite. */
function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  return (error as { cause?: { code?: unknown } } | null)?.cause?.code === "23505";
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
        sourceViewId: input.sourceViewId ?? null,
        createdAt: now,
        cardClaimedAt: options.claimCard ? now : null,
      },
    });
  let nomination: Nomination;
  try {
    nomination = await create();
  } catch (error) {
    // The workspace row is made on first use only: a busy workspace saves a query per nomination.
    if (!isForeignKeyViolation(error)) throw error;
    await ensureWorkspace(deps.prisma, input.workspace);
    nomination = await create();
  }
  // Customers are records: the first mention creates one (src/features/customers).
  if (input.customer) await noteCustomerMention(deps.prisma, input.workspace, input.customer);
  return nomination;
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
 * else can post its card and the busy path costs four queries. Otherwise it goes through
 * `postApprovalCard`, which re-reads the channel in case an admin just set it.
 */
export async function submitNomination(
  deps: ServiceDeps,
  client: WebClient,
  input: NewNomination,
): Promise<{ nomination: Nomination; card: CardOutcome }> {
  const channelId = await approvalsChannelOf(deps, input.workspace.teamId);
  let nomination: Nomination;
  try {
    nomination = await createNomination(deps, input, { claimCard: channelId !== null });
  } catch (error) {
    // The same modal submitted twice (Slack showed an error and the person clicked again):
    // the first submission's nomination stands, and its card is its poster's business.
    if (!input.sourceViewId || !isUniqueViolation(error)) throw error;
    const first = await deps.prisma.nomination.findUniqueOrThrow({ where: { sourceViewId: input.sourceViewId } });
    return { nomination: first, card: { kind: "already-claimed", channelId: first.approvalChannelId ?? channelId } };
  }
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
  const id = typeof nominationOrId === "string" ? nominationOrId : nominationOrId.id;
  // Always a fresh read: the claim we take over is fenced on the exact value seen here.
  const nomination = await deps.prisma.nomination.findUniqueOrThrow({ where: { id } });
  const channelId = await approvalsChannelOf(deps, nomination.teamId);
  if (!channelId) return { kind: "no-channel" };

  const now = deps.clock.now();
  const previousClaim = nomination.cardClaimedAt;
  const claimed = await deps.prisma.nomination.updateMany({
    where: { id, ...claimableCard(now), cardClaimedAt: previousClaim },
    data: { cardClaimedAt: now },
  });
  if (claimed.count !== 1) return { kind: "already-claimed", channelId: nomination.approvalChannelId };
  const mine = { ...nomination, cardClaimedAt: now };
  if (!previousClaim) return publishClaimedCard(deps, client, mine, channelId);

  // A stale claim: its holder may have posted the card and died (or failed to save) before
  // recording it. Look for that card before posting another one.
  let existingTs: string | null;
  try {
    existingTs = await findPostedCard(client, channelId, id, previousClaim);
  } catch (error) {
    // Can't tell whether it is up: hand the old claim back (so the next look starts from
    // the same time) rather than risk a second card.
    await deps.prisma.nomination.updateMany({
      where: { id, cardClaimedAt: now },
      data: { cardClaimedAt: previousClaim },
    });
    deps.logger.warn("Could not look for an earlier approval card", { nominationId: id, channelId }, String(error));
    return { kind: "failed", channelId };
  }
  return publishClaimedCard(deps, client, mine, channelId, existingTs);
}

/** The metadata every approval card carries, so a card can be found again from Slack alone. */
export const CARD_EVENT_TYPE = "delight_nomination";

// How far before a claim a card may carry its timestamp (clock skew between Slack and us).
const CARD_SEARCH_MARGIN_MS = 5 * 60_000;
const CARD_SEARCH_PAGES = 5;

/** The metadata of the thread reply that holds a card's buttons. */
const CONTROLS_EVENT_TYPE = "delight_nomination_controls";

/** The ts of the buttons already posted under an adopted card, or null (also when Slack can't say). */
async function findPostedControls(
  deps: ServiceDeps,
  client: WebClient,
  channelId: string,
  cardTs: string,
  nominationId: string,
): Promise<string | null> {
  try {
    const replies = await client.conversations.replies({
      channel: channelId,
      ts: cardTs,
      include_all_metadata: true,
      limit: 200,
    });
    const controls = replies.messages?.find((m) => {
      if (m.metadata?.event_type !== CONTROLS_EVENT_TYPE) return false;
      const payload: { nomination_id?: unknown } = m.metadata.event_payload ?? {};
      return payload.nomination_id === nominationId;
    });
    return controls?.ts ?? null;
  } catch (error) {
    // Worst case a second set of buttons: both work, and the database keeps one decision.
    deps.logger.warn("Could not look for the buttons of an adopted card", { nominationId, channelId }, String(error));
    return null;
  }
}

/** The ts of the approval card already posted for this nomination since its claim, if any. */
async function findPostedCard(
  client: WebClient,
  channelId: string,
  nominationId: string,
  claimedAt: Date,
): Promise<string | null> {
  const oldest = ((claimedAt.getTime() - CARD_SEARCH_MARGIN_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < CARD_SEARCH_PAGES; page++) {
    const history = await client.conversations.history({
      channel: channelId,
      oldest,
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    const card = history.messages?.find((m) => {
      if (m.metadata?.event_type !== CARD_EVENT_TYPE) return false;
      const payload: { nomination_id?: unknown } = m.metadata.event_payload ?? {};
      return payload.nomination_id === nominationId;
    });
    if (card?.ts) return card.ts;
    cursor = history.response_metadata?.next_cursor || undefined;
    if (!history.has_more || !cursor) return null;
  }
  return null;
}

/**
 * Posts the card (or adopts `existingTs`, a card found already up) and its controls; only
 * for a caller that holds the nomination's claim (`nomination.cardClaimedAt` is its value).
 */
async function publishClaimedCard(
  deps: ServiceDeps,
  client: WebClient,
  nomination: Nomination,
  channelId: string,
  existingTs: string | null = null,
): Promise<CardOutcome> {
  const nominationId = nomination.id;
  const myClaim = nomination.cardClaimedAt;
  let cardTs: string;
  if (existingTs) cardTs = existingTs;
  else {
    try {
      const posted = await client.chat.postMessage({
        channel: channelId,
        ...approvalCard(nomination),
        unfurl_links: false,
        metadata: { event_type: CARD_EVENT_TYPE, event_payload: { nomination_id: nominationId } },
      });
      if (!posted.ts) throw new Error("chat.postMessage returned no ts");
      cardTs = posted.ts;
    } catch (error) {
      // Nothing was posted: give the claim back so the next attempt (the periodic sweep, or
      // an admin setting the approvals channel again) can post it. Only if it is still ours:
      // a slow post may have been taken over meanwhile.
      await deps.prisma.nomination.updateMany({
        where: { id: nominationId, approvalMessageTs: null, cardClaimedAt: myClaim },
        data: { cardClaimedAt: null },
      });
      deps.logger.warn("Could not post the approval card", { nominationId, channelId }, String(error));
      return { kind: "failed", channelId };
    }
  }

  // First card saved wins. A slow poster whose claim was taken over, and the one that took
  // it over, can both get here; the loser removes its own card, so one stays up. (Fencing
  // on the claim alone would leave the slow poster's card behind, or could delete a card
  // the other adopted.) Saving also reopens the follow-ups: if a manager decided while the
  // card was going up, the card still needs the decision (see finishFollowUps).
  const [current] = await deps.prisma.nomination.updateManyAndReturn({
    where: { id: nominationId, approvalMessageTs: null },
    data: { approvalChannelId: channelId, approvalMessageTs: cardTs, followUpsDoneAt: null },
  });
  if (!current) {
    const winner = await deps.prisma.nomination.findUnique({ where: { id: nominationId } });
    if (winner?.approvalMessageTs !== cardTs) {
      await client.chat.delete({ channel: channelId, ts: cardTs }).catch((error: unknown) => {
        deps.logger.warn("Could not remove a duplicate approval card", { nominationId, channelId }, String(error));
      });
    }
    return { kind: "already-claimed", channelId: winner?.approvalChannelId ?? channelId };
  }

  if (current.status !== "pending") {
    // Decided while the card was going up: the decision's follow-ups found no card to
    // update. Finish them now (the card shows the decision; no live buttons are posted).
    const finished = await finishFollowUps(deps, client, nominationId);
    if (!finished) {
      // The decider still holds the follow-ups (the sweeper completes them once it lets go);
      // the card shows the decision right away anyway: an update is harmless to repeat.
      await client.chat.update({ channel: channelId, ts: cardTs, ...approvalCard(current) }).catch((error: unknown) => {
        deps.logger.warn("Could not show the decision on a new card", { nominationId, channelId }, String(error));
      });
    }
    return { kind: "posted", channelId };
  }

  try {
    // An adopted card may already have its buttons: reuse them rather than post a second set.
    const existingControls = existingTs
      ? await findPostedControls(deps, client, channelId, cardTs, nominationId)
      : null;
    const reply = existingControls
      ? { ts: existingControls }
      : await client.chat.postMessage({
          channel: channelId,
          thread_ts: cardTs,
          ...approvalControls(current),
          metadata: { event_type: CONTROLS_EVENT_TYPE, event_payload: { nomination_id: nominationId } },
        });
    if (reply.ts) {
      const after = await deps.prisma.nomination.update({
        where: { id: nominationId },
        data: { controlsMessageTs: reply.ts },
      });
      // A decision that landed while the buttons went up updated the card, not these buttons.
      if (after.status !== "pending") {
        await client.chat.update({ channel: channelId, ts: reply.ts, ...approvalControls(after) });
      }
    }
  } catch (error) {
    // The card is up; managers can still decide with ✅ or an "approve" reply.
    deps.logger.warn("Could not post the approval buttons", { nominationId, channelId }, String(error));
  }
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
      // The winner holds the follow-up lease from the start, so the sweeper leaves it alone.
      followUpClaimedUntil: new Date(deps.clock.now().getTime() + FOLLOW_UP_LEASE_MS),
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

// How long whoever does a decision's follow-ups may take before another instance may take
// over; longer than a few Slack calls waiting on rate limits.
const FOLLOW_UP_LEASE_MS = 10 * 60_000;
// Follow-ups still failing a day after the decision are given up (logged), not retried forever.
const FOLLOW_UP_RETRY_WINDOW_MS = 24 * 60 * 60_000;

/**
 * Everything that follows a decision, done by the request that won it: the story shared,
 * the card and its buttons updated, a note in the thread, the nominees and the nominator
 * told. Never throws: a failed step is logged and left for the sweeper (see
 * finishFollowUps), so the manager is not told to retry a decision that was recorded.
 */
export async function announceDecision(
  deps: ServiceDeps,
  client: WebClient,
  decided: Nomination,
): Promise<{ story: StoryOutcome }> {
  try {
    return await runFollowUps(deps, client, decided);
  } catch (error) {
    deps.logger.warn(
      "After a decision, the follow-ups failed; the sweeper retries them",
      { nominationId: decided.id },
      String(error),
    );
    return { story: storyOutcomeOf(decided, null) };
  }
}

/**
 * Claims and finishes the follow-ups of a decided nomination whose follow-ups are incomplete
 * and not leased by anyone else (a crashed or failed earlier attempt). Returns whether it ran.
 */
export async function finishFollowUps(deps: ServiceDeps, client: WebClient, nominationId: string): Promise<boolean> {
  const now = deps.clock.now();
  const lease = new Date(now.getTime() + FOLLOW_UP_LEASE_MS);
  const { count } = await deps.prisma.nomination.updateMany({
    where: {
      id: nominationId,
      status: { not: "pending" },
      followUpsDoneAt: null,
      OR: [{ followUpClaimedUntil: null }, { followUpClaimedUntil: { lt: now } }],
    },
    data: { followUpClaimedUntil: lease },
  });
  if (count !== 1) return false;
  const nomination = await deps.prisma.nomination.findUniqueOrThrow({ where: { id: nominationId } });
  await announceDecision(deps, client, nomination);
  return true;
}

/** The sweeper's part: finishes every decision whose follow-ups were interrupted. */
export async function sweepUnfinishedFollowUps(deps: ServiceDeps, client: WebClient): Promise<number> {
  const now = deps.clock.now();
  const rows = await deps.prisma.nomination.findMany({
    where: {
      status: { not: "pending" },
      followUpsDoneAt: null,
      decidedAt: { gt: new Date(now.getTime() - FOLLOW_UP_RETRY_WINDOW_MS) },
      OR: [{ followUpClaimedUntil: null }, { followUpClaimedUntil: { lt: now } }],
    },
    orderBy: { decidedAt: "asc" },
    take: 100,
    select: { id: true },
  });
  let finished = 0;
  for (const { id } of rows) if (await finishFollowUps(deps, client, id)) finished += 1;
  return finished;
}

function storyOutcomeOf(n: Nomination, noChannel: boolean | null): StoryOutcome {
  if (n.status !== "approved") return { kind: "not-approved" };
  if (n.storyChannelId && n.storyMessageTs) return { kind: "posted", channelId: n.storyChannelId };
  if (noChannel) return { kind: "no-channel" };
  return n.storyChannelId ? { kind: "failed", channelId: n.storyChannelId } : { kind: "no-channel" };
}

/**
 * The follow-ups, each skipped when its marker says it is done and marked right after it
 * succeeds; the caller holds the lease (`followUpClaimedUntil`).
 */
async function runFollowUps(
  deps: ServiceDeps,
  client: WebClient,
  decided: Nomination,
): Promise<{ story: StoryOutcome }> {
  const nominationId = decided.id;
  const lease = decided.followUpClaimedUntil;
  let complete = true;
  /** Runs one follow-up; returns false (and logs) when it failed. */
  const step = async (what: string, action: () => Promise<unknown>): Promise<boolean> => {
    try {
      await action();
      return true;
    } catch (error) {
      complete = false;
      deps.logger.warn(`After a decision, could not ${what}`, { nominationId }, String(error));
      return false;
    }
  };
  const mark = (data: Prisma.NominationUpdateInput) =>
    deps.prisma.nomination.update({ where: { id: nominationId }, data });

  // Re-read: the markers are what counts, not what the caller saw.
  let nomination = await deps.prisma.nomination.findUniqueOrThrow({ where: { id: nominationId } });
  let story: StoryOutcome = storyOutcomeOf(nomination, null);
  if (nomination.status === "approved" && !nomination.storyMessageTs) {
    await step("share the story", async () => {
      // Inside the step: a database hiccup here must not skip the rest.
      const settings = await getSettings(deps.prisma, { teamId: nomination.teamId });
      const channel = settings.storiesChannelId;
      if (!channel) {
        story = { kind: "no-channel" };
        return;
      }
      story = { kind: "failed", channelId: channel };
      const posted = await client.chat.postMessage({ channel, ...storyPost(nomination), unfurl_links: false });
      nomination = await mark({ storyChannelId: channel, storyMessageTs: posted.ts ?? null });
      story = { kind: "posted", channelId: channel };
    });
  }
  const storyChannelId = story.kind === "posted" ? story.channelId : null;

  const { approvalChannelId: channel, approvalMessageTs: cardTs, controlsMessageTs } = nomination;
  if (channel && cardTs) {
    if (!nomination.cardUpdatedAt) {
      await step("update the card", async () => {
        await client.chat.update({ channel, ts: cardTs, ...approvalCard(nomination) });
        if (controlsMessageTs)
          await client.chat.update({ channel, ts: controlsMessageTs, ...approvalControls(nomination) });
        nomination = await mark({ cardUpdatedAt: deps.clock.now() });
      });
    }
    if (!nomination.threadNotedAt) {
      await step("record the decision in the thread", async () => {
        await client.chat.postMessage({ channel, thread_ts: cardTs, ...decisionThreadNote(nomination, story) });
        nomination = await mark({ threadNotedAt: deps.clock.now() });
      });
    }
  }

  if (nomination.status === "approved") {
    for (const nomineeId of nomination.nomineeIds) {
      if (nomination.notifiedNomineeIds.includes(nomineeId)) continue;
      await step("tell a nominee", async () => {
        await sendDirectMessage(client, nomineeId, nomineeDirectMessage(nomination, storyChannelId));
        nomination = await mark({ notifiedNomineeIds: { push: nomineeId } });
      });
    }
  }
  if (!nomination.nominatorNotifiedAt) {
    await step(nomination.status === "approved" ? "thank the nominator" : "tell the nominator the reason", async () => {
      const message =
        nomination.status === "approved"
          ? nominatorThanksMessage(nomination, storyChannelId)
          : nominatorRejectedMessage(nomination);
      await sendDirectMessage(client, nomination.nominatorId, message);
      nomination = await mark({ nominatorNotifiedAt: deps.clock.now() });
    });
  }

  // Done only if nothing failed and no card appeared meanwhile (a card saved while we ran
  // reopens the follow-ups, and its poster or the sweeper updates it). Then give the lease
  // back, if it is still ours.
  if (complete) {
    await deps.prisma.nomination.updateMany({
      where: { id: nominationId, approvalMessageTs: cardTs },
      data: { followUpsDoneAt: deps.clock.now() },
    });
  }
  await deps.prisma.nomination.updateMany({
    where: { id: nominationId, followUpClaimedUntil: lease },
    data: { followUpClaimedUntil: null },
  });
  return { story };
}
