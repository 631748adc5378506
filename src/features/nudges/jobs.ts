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
import { decideNudge, startOfLocalDay } from "./rules.ts";
import { DELIVER_NUDGE_JOB, isMuted, nudgePreference, RECOVERY_WINDOW_MS, sentSince } from "./service.ts";

type NudgeDeps = Pick<AppDeps, "prisma" | "clock" | "logger" | "users" | "jobs">;

export function registerNudgeJobs(deps: NudgeDeps): void {
  deps.jobs.register(DELIVER_NUDGE_JOB, z.object({ nudgeId: z.string() }), async ({ nudgeId }, { outbox }) => {
    const nudge = await deps.prisma.nudge.findUnique({ where: { id: nudgeId } });
    if (!nudge || nudge.status !== "pending" || !nudge.caseId) return;
    const drop = (reason: string) =>
      deps.prisma.nudge.updateMany({ where: { id: nudge.id, status: "pending" }, data: { status: "dropped", reason } });

    const recoveryCase = await getCase(deps.prisma, nudge.caseId);
    if (!recoveryCase || recoveryCase.status !== "resolved") return void (await drop("not-fixed"));
    const gestures = await deps.prisma.gesture.count({ where: { caseId: recoveryCase.id } });
    if (recoveryCase.surpriseGiven?.trim() || gestures > 0) return void (await drop("surprise-given"));
    const customer = await customerOfCase(deps.prisma, recoveryCase.id);

    const now = deps.clock.now();
    const timezone = await timezoneOf(deps.users, nudge.userId);
    const [preference, muted, sentToday] = await Promise.all([
      nudgePreference(deps.prisma, nudge.teamId, nudge.userId),
      customer ? isMuted(deps.prisma, nudge.teamId, nudge.userId, customer.id) : Promise.resolve(false),
      sentSince(deps.prisma, nudge.teamId, nudge.userId, startOfLocalDay(now, timezone)),
    ]);
    const decision = decideNudge({
      now,
      timezone,
      off: preference?.off ?? false,
      muted,
      snoozedUntil: preference?.snoozedUntil ?? null,
      sentToday,
      lastUsefulAt: new Date(recoveryCase.reportedAt.getTime() + RECOVERY_WINDOW_MS),
    });
    if (decision.kind === "drop") return void (await drop(decision.why));
    if (decision.kind === "defer") {
      await deps.prisma.nudge.updateMany({
        where: { id: nudge.id, status: "pending" },
        data: { dueAt: decision.until, reason: decision.why },
      });
      return;
    }

    const customerName = customer?.name ?? plainFromSlack(recoveryCase.customer);
    const answered = await answerRequest(
      { prisma: deps.prisma, logger: deps.logger, model: null, modelDeadlineMs: 0 },
      {
        jobKey: `nudge:${nudge.id}`,
        workspace: { teamId: nudge.teamId, enterpriseId: recoveryCase.enterpriseId },
        userId: nudge.userId,
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
    // The DM's outbox key makes a second run send nothing; the nudge counts from now.
    await deps.prisma.nudge.updateMany({
      where: { id: nudge.id, status: "pending" },
      data: {
        status: "sent",
        sentAt: now,
        customerId: answered.customer.id,
        requestId: answered.request.id,
        reason: null,
      },
    });
  });
}
