// Surprise gestures: builds a request's context from the customer's record and history,
// asks the model within a deadline (falling back to the built-in suggester on any problem),
// and records what was used and what people thought of it. Every query is scoped by workspace.
import type { Db } from "../../db/database.ts";
import type { Customer, Gesture, Prisma, SurpriseRequest } from "../../generated/prisma/client.ts";
import { escapeMrkdwn, plainFromSlack } from "../../slack/text.ts";
import { getSettings, type WorkspaceRef } from "../admin/settings.ts";
import type { CustomerProfile } from "../customers/model.ts";
import { addInterests, customerProfile, findOrCreateCustomer, linkCaseToCustomer } from "../customers/service.ts";
import { isParticipant } from "../recoveries/service.ts";
import { interestsNamedIn } from "./interests.ts";
import {
  type GestureBudget,
  type GestureSuggestion,
  type GivenGesture,
  type Occasion,
  type SuggestionContext,
} from "./model.ts";
import { loadLexicon, suggestGestures, type SuggestDeps } from "./suggest.ts";
import { detectOccasion } from "./suggester.ts";

// Where the suggestion itself moved; listeners and jobs import these from here.
export {
  checkModelIdeas,
  DEFAULT_MODEL_DEADLINE_MS,
  suggestGestures,
  type SuggestDeps,
  type SurpriseResult,
} from "./suggest.ts";

// ——— requests ———

export interface SuggestInput {
  /** The job's key: the same job run twice answers with the same suggestions. */
  jobKey: string;
  workspace: WorkspaceRef;
  userId: string;
  /**
   * Managers see every case's text; others only their own cases' (owner or reporter). The
   * model is told no more than the asker may read, since its ideas can echo what it is given.
   */
  seesAllCases: boolean;
  /** Plain text. */
  customerName: string;
  caseId?: string | null;
  /** Plain text: what happened, the occasion. */
  context: string;
  occasion?: Occasion | null;
  interests?: string[];
  /** A lower cap for this request, in minor units of the workspace budget's currency. */
  budgetCents?: number | null;
}

export interface AnsweredRequest {
  request: SurpriseRequest;
  customer: Customer;
  suggestions: GestureSuggestion[];
  source: "model" | "builtin";
  budget: GestureBudget | null;
}

/** The per-gesture cap: the workspace budget, or the request's own when it is lower. */
function budgetFor(workspace: { cents: number; currency: string } | null, requestCents?: number | null) {
  if (!workspace && !requestCents) return null;
  const cents =
    workspace && requestCents ? Math.min(workspace.cents, requestCents) : (workspace?.cents ?? requestCents);
  return { amount: (cents ?? 0) / 100, currency: workspace?.currency ?? "USD" };
}

/** What the suggesters know about this customer (all plain text). */
export function contextFrom(
  profile: CustomerProfile,
  input: Pick<SuggestInput, "context" | "interests" | "userId" | "seesAllCases"> & { occasion: Occasion },
  budget: GestureBudget | null,
  scores: Record<string, number>,
): SuggestionContext {
  const { customer } = profile;
  return {
    customerName: customer.name,
    occasion: input.occasion,
    text: input.context,
    interests: [...new Set([...customer.interests, ...(input.interests ?? [])])],
    named: input.interests ?? [],
    tier: customer.tier,
    notes: profile.notes.map((n) => n.text),
    budget,
    given: [
      ...profile.gestures.map((g) => ({ key: g.gestureKey, title: g.title })),
      ...profile.recoveryCases
        .filter((c) => c.surpriseGiven)
        .map((c) => ({ key: null, title: plainFromSlack(c.surpriseGiven ?? "") })),
    ],
    pastRecoveries: profile.recoveryCases.map((c) =>
      input.seesAllCases || isParticipant(c, input.userId)
        ? `OOPS-${c.number}: ${plainFromSlack(c.description)}`
        : `OOPS-${c.number}`,
    ),
    worked: [
      ...profile.gestures.map((g) => g.title),
      ...profile.feedback.filter((f) => f.vote > 0).map((f) => f.title),
    ],
    disliked: profile.feedback.filter((f) => f.vote < 0).map((f) => f.title),
    scores,
  };
}

/**
 * How well each gesture did for this occasion in this workspace: the sum of 👍 (+1) and
 * 👎 (−1), plus one per time it was used (up to 3), for the built-in suggester's ranking.
 */
export async function feedbackScores(prisma: Db, teamId: string, occasion: Occasion): Promise<Record<string, number>> {
  const [votes, uses] = await Promise.all([
    prisma.gestureFeedback.groupBy({ by: ["gestureKey"], where: { teamId, occasion }, _sum: { vote: true } }),
    prisma.gesture.groupBy({ by: ["gestureKey"], where: { teamId }, _count: { _all: true } }),
  ]);
  const scores: Record<string, number> = {};
  for (const v of votes) scores[v.gestureKey] = v._sum.vote ?? 0;
  for (const u of uses) scores[u.gestureKey] = (scores[u.gestureKey] ?? 0) + Math.min(u._count._all, 3);
  return scores;
}

/** The cap a request was answered with. */
export function storedBudget(request: Pick<SurpriseRequest, "budgetCents" | "currency">): GestureBudget | null {
  return request.budgetCents !== null && request.currency
    ? { amount: request.budgetCents / 100, currency: request.currency }
    : null;
}

/** Parses stored suggestions (JSON written by this module). */
export function storedSuggestions(request: Pick<SurpriseRequest, "suggestions">): GestureSuggestion[] {
  return Array.isArray(request.suggestions) ? (request.suggestions as unknown as GestureSuggestion[]) : [];
}

/**
 * Answers one request: finds (or creates) the customer, builds the context, asks for
 * suggestions and stores them under the job's key. A job that runs again gets the stored
 * answer, so people never see two different sets for one ask.
 */
export async function answerRequest(deps: SuggestDeps & { prisma: Db }, input: SuggestInput): Promise<AnsweredRequest> {
  const { prisma } = deps;
  const settings = await getSettings(prisma, input.workspace);
  const budget = budgetFor(settings.budget, input.budgetCents);
  const existing = await prisma.surpriseRequest.findUnique({
    where: { jobKey: input.jobKey },
    include: { customer: true },
  });
  if (existing?.suggestions) {
    const { customer, ...request } = existing;
    return {
      request,
      customer,
      suggestions: storedSuggestions(existing),
      source: existing.source === "model" ? "model" : "builtin",
      budget: storedBudget(existing),
    };
  }

  const lexicon = await loadLexicon(deps);
  let customer = await findOrCreateCustomer(prisma, input.workspace, input.customerName);
  customer = await addInterests(prisma, customer, [
    ...(input.interests ?? []),
    ...interestsNamedIn(input.context, lexicon),
  ]);
  if (input.caseId) await linkCaseToCustomer(prisma, input.caseId, customer.id);
  const profile = await customerProfile(prisma, customer.id);
  if (!profile) throw new Error(`Customer ${customer.id} disappeared`);
  const occasion = input.occasion ?? (input.caseId ? "recovery" : detectOccasion(input.context));
  const scores = await feedbackScores(prisma, input.workspace.teamId, occasion);
  const context = contextFrom(profile, { ...input, occasion }, budget, scores);
  const result = await suggestGestures(deps, context, lexicon);

  // Two runs of one job at once: the first stored answer wins, and both show it.
  const request = await prisma.surpriseRequest.upsert({
    where: { jobKey: input.jobKey },
    create: {
      jobKey: input.jobKey,
      teamId: input.workspace.teamId,
      userId: input.userId,
      customerId: customer.id,
      caseId: input.caseId ?? null,
      occasion,
      context: input.context,
      interests: input.interests ?? [],
      budgetCents: budget ? Math.round(budget.amount * 100) : null,
      currency: budget?.currency ?? null,
      source: result.source,
      suggestions: JSON.parse(JSON.stringify(result.suggestions)) as Prisma.InputJsonValue,
      answeredAt: new Date(),
    },
    update: {},
  });
  return {
    request,
    customer,
    suggestions: storedSuggestions(request),
    source: request.source === "model" ? "model" : "builtin",
    budget,
  };
}

export async function getRequest(
  prisma: Db,
  teamId: string,
  requestId: string,
): Promise<(SurpriseRequest & { customer: Customer }) | null> {
  const request = await prisma.surpriseRequest.findUnique({ where: { id: requestId }, include: { customer: true } });
  return request && request.teamId === teamId ? request : null;
}

// ——— feedback and use ———

/** 👍 (+1) or 👎 (−1) on one suggestion; a second vote by the same person replaces the first. */
export async function recordFeedback(
  prisma: Db,
  input: { request: SurpriseRequest; index: number; userId: string; vote: 1 | -1 },
): Promise<void> {
  const suggestion = storedSuggestions(input.request)[input.index];
  if (!suggestion) return;
  const key = { requestId: input.request.id, suggestionIndex: input.index, userId: input.userId };
  await prisma.gestureFeedback.upsert({
    where: { requestId_suggestionIndex_userId: key },
    create: {
      ...key,
      teamId: input.request.teamId,
      gestureKey: suggestion.key,
      occasion: input.request.occasion,
      vote: input.vote,
    },
    update: { vote: input.vote },
  });
}

export type UseResult =
  | { ok: true; gesture: Gesture; customer: Customer; caseId: string | null }
  | { ok: false; reason: "not_found" | "already_recorded"; gesture?: Gesture };

/**
 * "Use this": records the gesture against the customer and, for a case, on the case (its
 * timeline, and its "surprise given" when it has none yet, which the digest counts).
 * Recording one suggestion twice (a resubmitted form, two people) records it once.
 */
export async function recordGestureUse(
  prisma: Db,
  now: Date,
  input: {
    teamId: string;
    requestId: string;
    index: number;
    userId: string;
    costCents: number | null;
    /** Plain text; defaults to the suggestion's title. */
    title?: string | null;
    sourceViewId: string;
  },
): Promise<UseResult> {
  const request = await getRequest(prisma, input.teamId, input.requestId);
  const suggestion = request ? storedSuggestions(request)[input.index] : undefined;
  if (!request || !suggestion) return { ok: false, reason: "not_found" };
  const already = await prisma.gesture.findFirst({
    where: { OR: [{ sourceViewId: input.sourceViewId }, { requestId: request.id, suggestionIndex: input.index }] },
  });
  if (already) return { ok: false, reason: "already_recorded", gesture: already };
  const title = input.title?.trim() || suggestion.title;
  try {
    const gesture = await prisma.$transaction(async (tx) => {
      const created = await tx.gesture.create({
        data: {
          teamId: request.teamId,
          customerId: request.customerId,
          caseId: request.caseId,
          requestId: request.id,
          suggestionIndex: input.index,
          gestureKey: suggestion.key,
          title,
          costCents: input.costCents,
          currency: request.currency,
          givenBy: input.userId,
          givenAt: now,
          sourceViewId: input.sourceViewId,
        },
      });
      if (request.caseId) {
        const stored = escapeMrkdwn(title);
        await tx.recoveryCase.updateMany({
          where: { id: request.caseId, surpriseGiven: null },
          data: { surpriseGiven: stored },
        });
        await tx.recoveryEvent.create({
          data: { caseId: request.caseId, actorId: input.userId, kind: "surprise", text: stored, createdAt: now },
        });
      }
      return created;
    });
    return { ok: true, gesture, customer: request.customer, caseId: request.caseId };
  } catch (error) {
    const existing = await prisma.gesture.findFirst({
      where: { OR: [{ sourceViewId: input.sourceViewId }, { requestId: request.id, suggestionIndex: input.index }] },
    });
    if (existing) return { ok: false, reason: "already_recorded", gesture: existing };
    throw error;
  }
}

// ——— counts and lists for the digest and App Home ———

/**
 * Surprises delivered in [from, to): gestures recorded with "Use this", plus recovery cases
 * fixed in that time with a surprise written in (the Fixed form) and no recorded gesture, so
 * a surprise is never counted twice.
 */
export async function countSurprisesDelivered(prisma: Db, teamId: string, from: Date, to: Date): Promise<number> {
  // After `from`, up to and including `to`: the digest's period ends at its slot, and a
  // surprise given at the slot itself belongs to that digest, not the next one.
  const [gestures, cases] = await Promise.all([
    prisma.gesture.count({ where: { teamId, givenAt: { gt: from, lte: to } } }),
    prisma.recoveryCase.count({
      where: {
        teamId,
        status: "resolved",
        resolvedAt: { gt: from, lte: to },
        AND: [{ surpriseGiven: { not: null } }, { surpriseGiven: { not: "" } }],
        gestures: { none: {} },
      },
    }),
  ]);
  return gestures + cases;
}

/** The gestures one person gave, newest first, for App Home. */
export async function surprisesGivenBy(
  prisma: Db,
  teamId: string,
  userId: string,
  limit: number,
): Promise<{ total: number; recent: GivenGesture[] }> {
  const where = { teamId, givenBy: userId };
  const [total, rows] = await Promise.all([
    prisma.gesture.count({ where }),
    prisma.gesture.findMany({
      where,
      orderBy: { givenAt: "desc" },
      take: limit,
      include: { customer: { select: { name: true } }, recoveryCase: { select: { number: true } } },
    }),
  ]);
  return {
    total,
    recent: rows.map((g) => ({
      title: g.title,
      customerName: g.customer.name,
      givenAt: g.givenAt,
      costCents: g.costCents,
      currency: g.currency,
      caseNumber: g.recoveryCase?.number ?? null,
    })),
  };
}
