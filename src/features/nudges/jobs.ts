// Delivering a due nudge: the fatigue guards decide (send, defer, drop); a nudge that goes
// out shows three surprise ideas from the built-in suggester (the same guardrails as
// /surprise: budget cap, nothing the customer already got) with "Use this".
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { SlackWriteRefused } from "../../slack/outbox.ts";
import { plainFromSlack } from "../../slack/text.ts";
import { customerOfCase } from "../customers/service.ts";
import { caseLabel } from "../recoveries/blocks.ts";
import { timezoneOf } from "../recoveries/cards.ts";
import { getCase } from "../recoveries/service.ts";
import { renderSuggestions } from "../surprises/blocks.ts";
import { answerRequest } from "../surprises/service.ts";
import { fixNudgeLead, nudgeControls } from "./blocks.ts";
import { nudgesPerDay } from "../signals/settings.ts";
import { decideNudge, startOfLocalDay } from "./rules.ts";
import { DELIVER_NUDGE_JOB, isMuted, RECOVERY_WINDOW_MS, sentSince } from "./service.ts";

type NudgeDeps = Pick<AppDeps, "prisma" | "clock" | "logger" | "users" | "jobs">;

export function registerNudgeJobs(deps: NudgeDeps): void {
  deps.jobs.register(DELIVER_NUDGE_JOB, z.object({ nudgeId: z.string() }), async ({ nudgeId }, { outbox }) => {
    const nudge = await deps.prisma.nudge.findUnique({ where: { id: nudgeId } });
    // "sending": claimed by an earlier run of this job that did not finish; it goes on.
    if (!nudge || (nudge.status !== "pending" && nudge.status !== "sending") || !nudge.caseId) return;
    const drop = (reason: string) =>
      deps.prisma.nudge.updateMany({
        where: { id: nudge.id, status: { in: ["pending", "sending"] } },
        data: { status: "dropped", reason },
      });

    const recoveryCase = await getCase(deps.prisma, nudge.caseId);
    if (!recoveryCase || recoveryCase.status !== "resolved") return void (await drop("not-fixed"));
    const gestures = await deps.prisma.gesture.count({ where: { caseId: recoveryCase.id } });
    if (recoveryCase.surpriseGiven?.trim() || gestures > 0) return void (await drop("surprise-given"));
    const customer = await customerOfCase(deps.prisma, recoveryCase.id);

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
          lastUsefulAt: new Date(recoveryCase.reportedAt.getTime() + RECOVERY_WINDOW_MS),
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

    const customerName = customer?.name ?? plainFromSlack(recoveryCase.customer);
    const answered = await answerRequest(
      { prisma: deps.prisma, logger: deps.logger, model: null, modelDeadlineMs: 0 },
      {
        jobKey: `nudge:${nudge.id}`,
        workspace: { teamId: nudge.teamId, enterpriseId: recoveryCase.enterpriseId },
        userId: nudge.userId,
        // The owner's own case is told in full; other cases of the customer only by label.
        seesAllCases: false,
        customerName,
        caseId: recoveryCase.id,
        context: plainFromSlack(recoveryCase.description),
        occasion: "recovery",
      },
    );
    const label = caseLabel(recoveryCase);
    const ideas = renderSuggestions({
      requestId: answered.request.id,
      customerName: answered.customer.name,
      occasion: "recovery",
      suggestions: answered.suggestions,
      source: answered.source,
      budget: answered.budget,
      caseLabel: label,
      notice: fixNudgeLead(label, answered.customer.name),
    });
    await outbox
      .directMessage(`nudge:${nudge.id}:dm`, nudge.userId, {
        text: `Now turn the OOPS into a WOW: ${ideas.text}`,
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
