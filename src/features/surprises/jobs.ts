// The surprise feature's work after the ack: each job reads what it needs, does its database
// work idempotently (keyed by the job) and answers through the outbox with one key per write,
// so a job that runs twice answers once.
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import type { JobContext } from "../../jobs/queue.ts";
import { SlackWriteRefused, type ResponseUrlMessage } from "../../slack/outbox.ts";
import { responseUrlUsable } from "../../slack/replies.ts";
import { plainFromSlack } from "../../slack/text.ts";
import {
  addCustomerNote,
  customerOfCase,
  customerProfile,
  findCustomer,
  findOrCreateCustomer,
  setCustomerTier,
} from "../customers/service.ts";
import { caseLabel, onlyParticipants, renderCaseCard } from "../recoveries/blocks.ts";
import { getCase, isParticipant, mayAct, parseCardMessageRef } from "../recoveries/service.ts";
import {
  CASE_NOT_FOUND,
  COULD_NOT_SUGGEST,
  noteAdded,
  tierSet,
  recordedText,
  renderCustomer,
  renderSuggestions,
  SUGGESTION_GONE,
  thinkingText,
  unknownCustomer,
} from "./blocks.ts";
import { sharedLexicon } from "./model-client.ts";
import { OCCASIONS, type Occasion } from "./model.ts";
import {
  answerRequest,
  getRequest,
  recordFeedback,
  recordGestureUse,
  storedBudget,
  storedSuggestions,
  type SuggestDeps,
} from "./service.ts";

/** People have their ideas within this long of asking, whatever the model does. */
export const ANSWER_PROMISE_MS = 15_000;
/** Kept for the work after the model (storing the answer, the outbox write to Slack). */
const AFTER_MODEL_MS = 2_500;

export const JOB_KINDS = {
  suggest: "surprise.suggest",
  customer: "surprise.customer",
  note: "surprise.note",
  tier: "surprise.tier",
  feedback: "surprise.feedback",
  use: "surprise.use",
  reply: "surprise.reply",
} as const;

/**
 * Where an answer goes: the command's or button's response_url (issued at `issuedAtMs`, by the
 * app's clock), or a DM (forms opened from App Home, and any response_url too old to use).
 * Answers never replace the message asked from: a slash command's response_url can't.
 */
const replySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("response_url"), url: z.string().url(), issuedAtMs: z.number().optional() }),
  z.object({ kind: z.literal("dm") }),
]);
type Reply = z.infer<typeof replySchema>;

const workspace = {
  teamId: z.string().min(1),
  enterpriseId: z.string().nullable().default(null),
  userId: z.string().min(1),
};

export const suggestJob = z.object({
  ...workspace,
  customer: z.string().nullable(),
  caseId: z.string().nullable(),
  context: z.string(),
  occasion: z.enum(OCCASIONS).nullable(),
  interests: z.array(z.string()),
  budgetCents: z.number().int().nullable(),
  reply: replySchema,
  /** When the person asked (epoch ms, wall clock): the answer is due 15 s later. */
  askedAtMs: z.number(),
});
export type SuggestJob = z.infer<typeof suggestJob>;
const customerJob = z.object({ ...workspace, name: z.string().min(1), responseUrl: z.string().url() });
const noteJob = z.object({
  ...workspace,
  name: z.string().min(1),
  text: z.string().min(1),
  responseUrl: z.string().url(),
});
const tierJob = z.object({
  ...workspace,
  name: z.string().min(1),
  tier: z.string().nullable(),
  responseUrl: z.string().url(),
});
const feedbackJob = z.object({
  ...workspace,
  requestId: z.string(),
  index: z.number().int(),
  vote: z.union([z.literal(1), z.literal(-1)]),
  responseUrl: z.string().url().optional(),
});
const useJob = z.object({
  ...workspace,
  requestId: z.string(),
  index: z.number().int(),
  costCents: z.number().int().nullable(),
  what: z.string().nullable(),
  viewId: z.string(),
  responseUrl: z.string().url().optional(),
  /** When the "Use this" click gave `responseUrl` (the form may have stayed open for long). */
  responseIssuedAtMs: z.number().optional(),
});
const replyJob = z.object({ responseUrl: z.string().url(), text: z.string() });

export function registerSurpriseJobs(deps: AppDeps, model: SuggestDeps["model"], modelDeadlineMs: number): void {
  const { prisma, jobs } = deps;
  const suggestDeps: SuggestDeps & { prisma: AppDeps["prisma"] } = {
    prisma,
    logger: deps.logger,
    model,
    modelDeadlineMs,
    lexicon: sharedLexicon(deps),
  };

  /**
   * Answers at the response_url while it is usable (Slack: 5 posts within 30 minutes), else
   * (or when Slack refuses it) by DM, which does not expire.
   */
  async function send(context: JobContext, key: string, reply: Reply, userId: string, message: ResponseUrlMessage) {
    if (reply.kind === "response_url" && responseUrlUsable(reply.issuedAtMs, deps.clock.now())) {
      try {
        await context.outbox.respond(key, reply.url, {
          response_type: "ephemeral",
          replace_original: false,
          ...message,
        });
        return;
      } catch (error) {
        if (!(error instanceof SlackWriteRefused)) throw error;
        deps.logger.info(`Surprise: the response_url was refused (${error.slackError}); answering by DM`);
      }
    }
    const dmKey = reply.kind === "dm" ? key : `${key}:dm`;
    await context.outbox.directMessage(dmKey, userId, { text: message.text, blocks: message.blocks });
  }

  jobs.register(JOB_KINDS.suggest, suggestJob, async (p, context) => {
    const answerKey = `${context.key}:answer`;
    let customer = p.customer ?? "";
    let what = p.context;
    let label: string | null = null;
    let occasion: Occasion | null = p.occasion;
    if (p.caseId) {
      const recoveryCase = await getCase(prisma, p.caseId);
      if (!recoveryCase || recoveryCase.teamId !== p.teamId) {
        await send(context, answerKey, p.reply, p.userId, { text: CASE_NOT_FOUND });
        return;
      }
      if (!(await mayAct(deps.roles, recoveryCase, p.userId))) {
        await send(context, answerKey, p.reply, p.userId, { text: onlyParticipants(recoveryCase) });
        return;
      }
      customer = (await customerOfCase(prisma, recoveryCase.id))?.name ?? plainFromSlack(recoveryCase.customer);
      what = what || plainFromSlack(recoveryCase.description);
      label = caseLabel(recoveryCase);
      occasion = occasion ?? "recovery";
      // A button can't carry text in its ack: say we're on it before the model is asked.
      await send(context, `${context.key}:thinking`, p.reply, p.userId, { text: thinkingText(customer) });
    }
    // The model gets what is left of the promise when it is asked (a job may start late, or
    // run again); the rest of the work needs AFTER_MODEL_MS.
    const timely = { ...suggestDeps, answerByMs: p.askedAtMs + ANSWER_PROMISE_MS - AFTER_MODEL_MS };
    try {
      const answered = await answerRequest(timely, {
        jobKey: context.key,
        workspace: { teamId: p.teamId, enterpriseId: p.enterpriseId },
        userId: p.userId,
        seesAllCases: await deps.roles.isManager(p.teamId, p.userId),
        customerName: customer,
        caseId: p.caseId,
        context: what,
        occasion,
        interests: p.interests,
        budgetCents: p.budgetCents,
      });
      const view = renderSuggestions({
        requestId: answered.request.id,
        customerName: answered.customer.name,
        occasion: answered.request.occasion as Occasion,
        suggestions: answered.suggestions,
        source: answered.source,
        budget: answered.budget,
        caseLabel: label,
      });
      await send(context, answerKey, p.reply, p.userId, view);
    } catch (error) {
      deps.logger.error("Could not prepare surprise ideas", String(error));
      await send(context, answerKey, p.reply, p.userId, { text: COULD_NOT_SUGGEST });
    }
  });

  jobs.register(JOB_KINDS.customer, customerJob, async (p, context) => {
    const customer = await findCustomer(prisma, p.teamId, p.name);
    const profile = customer ? await customerProfile(prisma, customer.id) : null;
    // Case texts follow the case rule (owner, reporter, managers); the rest is for anyone.
    const manager = profile ? await deps.roles.isManager(p.teamId, p.userId) : false;
    const shown = profile?.recoveryCases.filter((c) => manager || isParticipant(c, p.userId)) ?? [];
    const message = profile
      ? renderCustomer({ ...profile, recoveryCases: shown }, profile.recoveryCases.length - shown.length)
      : { text: unknownCustomer(p.name) };
    await context.outbox.respond(`${context.key}:answer`, p.responseUrl, { response_type: "ephemeral", ...message });
  });

  jobs.register(JOB_KINDS.note, noteJob, async (p, context) => {
    const customer = await findOrCreateCustomer(prisma, { teamId: p.teamId, enterpriseId: p.enterpriseId }, p.name);
    await addCustomerNote(prisma, {
      customer,
      authorId: p.userId,
      text: p.text,
      sourceKey: context.key,
      now: deps.clock.now(),
    });
    await context.outbox.respond(`${context.key}:answer`, p.responseUrl, {
      response_type: "ephemeral",
      text: noteAdded(customer.name),
    });
  });

  jobs.register(JOB_KINDS.tier, tierJob, async (p, context) => {
    const customer = await findOrCreateCustomer(prisma, { teamId: p.teamId, enterpriseId: p.enterpriseId }, p.name);
    await setCustomerTier(prisma, customer.id, p.tier);
    await context.outbox.respond(`${context.key}:answer`, p.responseUrl, {
      response_type: "ephemeral",
      text: tierSet(customer.name, p.tier),
    });
  });

  /** Why this person may not record a gesture of this request (its case's rule), or null. */
  async function caseRefusal(teamId: string, requestId: string, userId: string): Promise<string | null> {
    const request = await getRequest(prisma, teamId, requestId);
    const recoveryCase = request?.caseId ? await getCase(prisma, request.caseId) : null;
    if (!recoveryCase || (await mayAct(deps.roles, recoveryCase, userId))) return null;
    return onlyParticipants(recoveryCase);
  }

  /** The suggestions message again, with this person's votes and what was used. */
  async function rerender(requestId: string, teamId: string, userId: string, notice?: string) {
    const request = await getRequest(prisma, teamId, requestId);
    if (!request) return null;
    const [votes, used] = await Promise.all([
      prisma.gestureFeedback.findMany({ where: { requestId, userId } }),
      prisma.gesture.findMany({ where: { requestId } }),
    ]);
    const caseRow = request.caseId ? await getCase(prisma, request.caseId) : null;
    return renderSuggestions({
      requestId,
      customerName: request.customer.name,
      occasion: request.occasion as Occasion,
      suggestions: storedSuggestions(request),
      source: request.source === "model" ? "model" : "builtin",
      budget: storedBudget(request),
      caseLabel: caseRow ? caseLabel(caseRow) : null,
      votes: Object.fromEntries(votes.map((v) => [v.suggestionIndex, v.vote === 1 ? 1 : -1])),
      used: Object.fromEntries(
        used.filter((g) => g.suggestionIndex !== null).map((g) => [g.suggestionIndex as number, g.givenBy]),
      ),
      notice,
    });
  }

  jobs.register(JOB_KINDS.feedback, feedbackJob, async (p, context) => {
    const request = await getRequest(prisma, p.teamId, p.requestId);
    if (!request) {
      if (p.responseUrl)
        await context.outbox.respond(`${context.key}:gone`, p.responseUrl, {
          text: SUGGESTION_GONE,
          replace_original: false,
        });
      return;
    }
    await recordFeedback(prisma, { request, index: p.index, userId: p.userId, vote: p.vote });
    const message = await rerender(p.requestId, p.teamId, p.userId);
    if (message && p.responseUrl) {
      await context.outbox.respond(`${context.key}:message`, p.responseUrl, { replace_original: true, ...message });
    }
  });

  jobs.register(JOB_KINDS.use, useJob, async (p, context) => {
    const now = deps.clock.now();
    // A gesture suggested for a recovery case goes on that case: only for those who may act on it.
    const reply: Reply = p.responseUrl
      ? { kind: "response_url", url: p.responseUrl, issuedAtMs: p.responseIssuedAtMs }
      : { kind: "dm" };
    const refusal = await caseRefusal(p.teamId, p.requestId, p.userId);
    if (refusal) {
      await send(context, `${context.key}:refused`, reply, p.userId, { text: refusal });
      return;
    }
    const result = await recordGestureUse(prisma, now, {
      teamId: p.teamId,
      requestId: p.requestId,
      index: p.index,
      userId: p.userId,
      costCents: p.costCents,
      title: p.what,
      sourceViewId: p.viewId,
    });
    if (!result.ok && result.reason === "not_found") {
      await send(context, `${context.key}:gone`, reply, p.userId, { text: SUGGESTION_GONE });
      return;
    }
    const gesture = result.gesture;
    const recoveryCase = gesture?.caseId ? await getCase(prisma, gesture.caseId) : null;
    if (result.ok && recoveryCase) {
      // Every copy of the case card shows the surprise (one write per card, once).
      for (const stored of recoveryCase.cardMessages) {
        const ref = parseCardMessageRef(stored);
        if (!ref) continue;
        const card = renderCaseCard(recoveryCase, { now, timezone: ref.timezone });
        await context.outbox
          .update(`${context.key}:card:${ref.channel}:${ref.ts}`, { channel: ref.channel, ts: ref.ts, ...card })
          .catch((error: unknown) =>
            deps.logger.warn(`Could not update a card of ${caseLabel(recoveryCase)}`, String(error)),
          );
      }
    }
    const customer = result.ok
      ? result.customer
      : await prisma.customer.findUnique({ where: { id: gesture?.customerId ?? "" } });
    const notice = gesture
      ? recordedText({
          title: gesture.title,
          customerName: customer?.name ?? "",
          costCents: gesture.costCents,
          currency: gesture.currency,
          caseLabel: recoveryCase ? caseLabel(recoveryCase) : null,
        })
      : "";
    const shownNotice = result.ok ? notice : `:information_source: Already recorded. ${notice}`;
    // The ideas message shows what was recorded, replaced through the click's response_url
    // (a click's may replace its message) while that is usable; else the notice by DM.
    if (reply.kind === "response_url" && responseUrlUsable(reply.issuedAtMs, deps.clock.now())) {
      const message = await rerender(p.requestId, p.teamId, p.userId, shownNotice);
      try {
        await context.outbox.respond(`${context.key}:message`, reply.url, {
          replace_original: true,
          ...(message ?? { text: shownNotice }),
        });
        return;
      } catch (error) {
        if (!(error instanceof SlackWriteRefused)) throw error;
      }
    }
    await context.outbox.directMessage(`${context.key}:dm`, p.userId, { text: shownNotice });
  });

  jobs.register(JOB_KINDS.reply, replyJob, async (p, context) => {
    await context.outbox.respond(`${context.key}:answer`, p.responseUrl, {
      response_type: "ephemeral",
      replace_original: false,
      text: p.text,
    });
  });
}
