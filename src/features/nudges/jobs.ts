// Delivering a due nudge: what it is about is read again (subjects.ts), the fatigue guards
// decide (send, defer, drop), and a nudge that goes out shows surprise ideas from the
// suggester (the model when one is configured, else or on any model problem the built-in
// catalogue; the same guardrails as /surprise: budget cap, nothing the customer already got)
// with "Use this".
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { timezoneOf } from "../recoveries/cards.ts";
import { renderSuggestions } from "../surprises/blocks.ts";
import { sharedLexicon, surpriseModel } from "../surprises/model-client.ts";
import { answerRequest } from "../surprises/service.ts";
import { nudgeControls } from "./blocks.ts";
import { nudgesPerDay } from "../signals/settings.ts";
import { decideNudge, startOfLocalDay } from "./rules.ts";
import { DELIVER_NUDGE_JOB, isMuted, sentSince } from "./service.ts";
import { nudgeSubject } from "./subjects.ts";

type NudgeDeps = Pick<AppDeps, "prisma" | "clock" | "logger" | "users" | "jobs" | "config">;

export function registerNudgeJobs(deps: NudgeDeps): void {
  const { model, deadlineMs } = surpriseModel(deps);
  const suggestDeps = {
    prisma: deps.prisma,
    logger: deps.logger,
    model,
    modelDeadlineMs: deadlineMs,
    lexicon: sharedLexicon(deps),
  };

  deps.jobs.register(DELIVER_NUDGE_JOB, z.object({ nudgeId: z.string() }), async ({ nudgeId }, { outbox }) => {
    const nudge = await deps.prisma.nudge.findUnique({ where: { id: nudgeId } });
    // "sending": claimed by an earlier run of this job that did not finish; it goes on.
    if (!nudge || (nudge.status !== "pending" && nudge.status !== "sending")) return;
    const drop = (reason: string) =>
      deps.prisma.nudge.updateMany({
        where: { id: nudge.id, status: { in: ["pending", "sending"] } },
        data: { status: "dropped", reason },
      });

    const prepared = await nudgeSubject(deps.prisma, nudge);
    if (!prepared.ok) return void (await drop(prepared.drop));
    const subject = prepared.subject;
    const customer = subject.customer;

    const now = deps.clock.now();
    if (nudge.status === "pending") {
      const timezone = await timezoneOf(deps.users, nudge.userId);
      const muted = customer ? await isMuted(deps.prisma, nudge.teamId, nudge.userId, customer.id) : false;
      // Decided and claimed under a lock on the person's preference row: nudges of one person
      // delivered at once count each other, so the daily limit holds.
      const decision = await deps.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO "NudgePreference" ("teamId", "userId", "updatedAt") VALUES (${nudge.teamId}, ${nudge.userId}, ${now})
          ON CONFLICT ("teamId", "userId") DO UPDATE SET "updatedAt" = EXCLUDED."updatedAt"`;
        const preference = await tx.nudgePreference.findUnique({
          where: { teamId_userId: { teamId: nudge.teamId, userId: nudge.userId } },
        });
        const decided = decideNudge({
          now,
          timezone,
          off: preference?.off ?? false,
          muted,
          snoozedUntil: preference?.snoozedUntil ?? null,
          sentToday: await sentSince(tx, nudge.teamId, nudge.userId, startOfLocalDay(now, timezone)),
          maxPerDay: await nudgesPerDay(tx, nudge.teamId),
          lastUsefulAt: subject.lastUsefulAt,
        });
        const data =
          decided.kind === "send"
            ? { status: "sending", sentAt: now, reason: null }
            : decided.kind === "defer"
              ? { dueAt: decided.until, reason: decided.why }
              : { status: "dropped", reason: decided.why };
        const { count } = await tx.nudge.updateMany({ where: { id: nudge.id, status: "pending" }, data });
        return count === 1 ? decided : null;
      });
      if (decision?.kind !== "send") return;
    }

    // The job's key makes a second run show the stored ideas, never a second set.
    const answered = await answerRequest(suggestDeps, {
      jobKey: `nudge:${nudge.id}`,
      workspace: { teamId: nudge.teamId, enterpriseId: subject.enterpriseId },
      userId: nudge.userId,
      // The owner's own case is told in full; other cases of the customer only by label.
      seesAllCases: false,
      customerName: subject.customerName,
      caseId: subject.caseId,
      context: subject.context,
      occasion: subject.occasion,
    });
    const ideas = renderSuggestions({
      requestId: answered.request.id,
      customerName: answered.customer.name,
      occasion: subject.occasion,
      suggestions: answered.suggestions.slice(0, subject.ideas),
      source: answered.source,
      budget: answered.budget,
      caseLabel: subject.caseLabel,
      notice: subject.lead(answered.customer.name),
    });
    await outbox
      .directMessage(`nudge:${nudge.id}:dm`, nudge.userId, {
        text: `${subject.summary}: ${ideas.text}`,
        blocks: [...ideas.blocks, ...nudgeControls(nudge.id)],
      })
      .catch((error: unknown) => {
        if (!(error instanceof SlackWriteRefused)) throw error;
        deps.logger.warn("Could not send a nudge", error.slackError);
      });
    // The DM's outbox key makes a second run send nothing; the nudge counted from its claim.
    await deps.prisma.nudge.updateMany({
      where: { id: nudge.id, status: "sending" },
      data: { status: "sent", customerId: answered.customer.id, requestId: answered.request.id },
    });
  });
}
