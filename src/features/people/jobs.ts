// What follows a departure or a return (recorded with the directory change, see departures.ts):
// - left: they stop being a manager (audited, admins told); each open recovery case they own
//   goes to the signals/triage owner when one is set (SignalSettings.ownerId, still here):
//   reassigned at once (audited) and DMed the card; else to the managers, one message per case
//   with a Reassign button (the button's listener checks server-side that the clicker is a
//   manager, src/features/recoveries). The case keeps its deadline: its reminders and
//   escalation stay scheduled and reach the new owner or the managers on time.
// - returned: a manager removed because they left is a manager again (audited, admins told).
// Every write has its own key under the job's key: a job run again repeats nothing.
import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.ts";
import { SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";
import { getSettings } from "../admin/settings.ts";
import { adminRecipients } from "../admin/notices.ts";
import { DELIGHT_ACTOR } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import { caseAuditEntry } from "../recoveries/audit.ts";
import { ACTION_IDS, caseLabel } from "../recoveries/blocks.ts";
import { sendCaseCardByDm } from "../recoveries/cards.ts";
import { slackDateToken } from "../../slack/text.ts";
import { getCase, reassignCase } from "../recoveries/service.ts";
import { PERSON_LEFT_JOB, PERSON_RETURNED_JOB } from "./departures.ts";

const personPayload = z.object({ teamId: z.string(), userId: z.string() });

/** Why an entry says a manager was removed or restored: the return finds it by this. */
export const LEFT_REASON = "left the workspace";

type Deps = Pick<AppDeps, "prisma" | "clock" | "config" | "logger" | "users">;

async function tellAdmins(deps: Deps, outbox: Outbox, key: string, teamId: string, text: string): Promise<void> {
  for (const admin of await adminRecipients(deps, teamId)) {
    await outbox.directMessage(`${key}:to:${admin}`, admin, { text }).catch((error: unknown) => {
      if (!(error instanceof SlackWriteRefused)) throw error;
      deps.logger.warn(`Could not tell admin ${admin} about a departure (${error.slackError})`);
    });
  }
}

export function reassignRequest(
  recoveryCase: { id: string; number: number; customer: string; dueAt: Date },
  leaverId: string,
): { text: string; blocks: webApi.KnownBlock[] } {
  const label = caseLabel(recoveryCase);
  // The customer is stored as safe mrkdwn (src/features/recoveries/parse.ts).
  const text = `${label} (${recoveryCase.customer}) was owned by <@${leaverId}>, who is no longer in this workspace. It is still due ${slackDateToken(recoveryCase.dueAt)}: pick a new owner.`;
  return {
    text: `${label} needs a new owner: <@${leaverId}> left the workspace`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `:wave: ${text}` } },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: ACTION_IDS.reassign,
            text: { type: "plain_text", text: "Reassign" },
            style: "primary",
            value: recoveryCase.id,
          },
        ],
      },
    ],
  };
}

export async function handOverCases(
  deps: Deps,
  outbox: Outbox,
  key: string,
  payload: z.infer<typeof personPayload>,
): Promise<void> {
  const { teamId, userId } = payload;
  const now = deps.clock.now();
  // They stop managing (the entry records it, so a return can restore it).
  const before = await getSettings(deps.prisma, { teamId });
  if (before.managerIds.includes(userId)) {
    await deps.prisma.$transaction(async (tx) => {
      const { count } = await tx.workspaceManager.deleteMany({ where: { teamId, userId } });
      if (count === 0) return;
      await recordAudit(tx, {
        teamId,
        actorId: DELIGHT_ACTOR,
        action: "managers.remove",
        subjectIds: [userId],
        before: { managerIds: before.managerIds },
        after: { managerIds: before.managerIds.filter((id) => id !== userId), reason: LEFT_REASON },
        at: now,
      });
    });
    await tellAdmins(
      deps,
      outbox,
      `${key}:manager`,
      teamId,
      `:wave: <@${userId}> is no longer in this workspace, so they no longer manage Delight approvals. Add someone with \`/delight-admin managers add @person\` if approvals need another manager.`,
    );
  }

  const cases = await deps.prisma.recoveryCase.findMany({
    where: { teamId, ownerId: userId, status: "open" },
    orderBy: { number: "asc" },
  });
  if (cases.length === 0) return;
  if (await handToTriageOwner(deps, outbox, key, userId, cases)) return;
  const managers = (await getSettings(deps.prisma, { teamId })).managerIds.filter((id) => id !== userId);
  if (managers.length === 0) {
    // Nobody can reassign: the admins hear, once, with the cases' numbers.
    await tellAdmins(
      deps,
      outbox,
      `${key}:no-managers`,
      teamId,
      `:warning: <@${userId}> left the workspace and owned ${cases.map((c) => `${caseLabel(c)} (${c.customer})`).join(", ")}, but Delight has no managers to hand them to. Add one with \`/delight-admin managers add @person\`; they can reassign the cases from \`/oops list all\`.`,
    );
    return;
  }
  for (const recoveryCase of cases) {
    for (const managerId of managers) {
      await outbox
        .directMessage(`${key}:case:${recoveryCase.id}:${managerId}`, managerId, reassignRequest(recoveryCase, userId))
        .catch((error: unknown) => {
          if (!(error instanceof SlackWriteRefused)) throw error;
          deps.logger.warn(`Could not ask manager ${managerId} to reassign ${caseLabel(recoveryCase)}`);
        });
    }
  }
}

/**
 * The signals/triage owner takes the cases, when one is set, is not the leaver and is still in
 * the workspace: false when there is none (the managers are asked instead).
 */
async function handToTriageOwner(
  deps: Deps,
  outbox: Outbox,
  key: string,
  leaverId: string,
  cases: Array<{ id: string; teamId: string; number: number; customer: string; dueAt: Date; ownerId: string }>,
): Promise<boolean> {
  const teamId = cases[0]?.teamId ?? "";
  const settings = await deps.prisma.signalSettings.findUnique({ where: { teamId } });
  const triageId = settings?.ownerId;
  if (!triageId || triageId === leaverId) return false;
  const person = await deps.prisma.directoryPerson.findUnique({
    where: { teamId_userId: { teamId, userId: triageId } },
    select: { deleted: true },
  });
  if (person?.deleted) return false;
  const now = deps.clock.now();
  for (const before of cases) {
    const result = await reassignCase(
      deps.prisma,
      now,
      { caseId: before.id, actorId: DELIGHT_ACTOR, newOwnerId: triageId, previousOwnerId: leaverId, note: LEFT_REASON },
      (tx, updated) => recordAudit(tx, caseAuditEntry("reassign", DELIGHT_ACTOR, before, updated, now)),
    );
    if (!result.ok) continue; // fixed meanwhile
    const recoveryCase = (await getCase(deps.prisma, before.id)) ?? result.recoveryCase;
    await sendCaseCardByDm(
      deps,
      outbox,
      `${key}:triage:${before.id}`,
      recoveryCase,
      triageId,
      `:wave: ${caseLabel(before)} (${before.customer}) is yours now: <@${leaverId}>, who owned it, is no longer in this workspace. It is still due ${slackDateToken(before.dueAt)}.`,
    ).catch((error: unknown) => {
      if (!(error instanceof SlackWriteRefused)) throw error;
      deps.logger.warn(`Could not tell the triage owner about ${caseLabel(before)} (${error.slackError})`);
    });
  }
  return true;
}

export async function restoreReturning(
  deps: Deps,
  outbox: Outbox,
  key: string,
  payload: z.infer<typeof personPayload>,
): Promise<void> {
  const { teamId, userId } = payload;
  // The latest change to their managing: restored only if it was Delight removing them for leaving.
  const last = await deps.prisma.auditEntry.findFirst({
    where: { teamId, subjectIds: { has: userId }, action: { in: ["managers.add", "managers.remove"] } },
    orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
  });
  const removedForLeaving =
    last?.action === "managers.remove" &&
    last.actorId === DELIGHT_ACTOR &&
    (last.after as { reason?: unknown } | null)?.reason === LEFT_REASON;
  if (!removedForLeaving) return;
  const now = deps.clock.now();
  const restored = await deps.prisma.$transaction(async (tx) => {
    const { count } = await tx.workspaceManager.createMany({
      data: [{ teamId, userId, addedBy: DELIGHT_ACTOR, addedAt: now }],
      skipDuplicates: true,
    });
    if (count === 0) return false;
    await recordAudit(tx, {
      teamId,
      actorId: DELIGHT_ACTOR,
      action: "managers.add",
      subjectIds: [userId],
      after: { reason: "returned to the workspace" },
      at: now,
    });
    return true;
  });
  if (restored) {
    await tellAdmins(
      deps,
      outbox,
      `${key}:manager`,
      teamId,
      `:wave: <@${userId}> is back in this workspace, so they manage Delight approvals again (as before they left). \`/delight-admin managers remove @person\` undoes it.`,
    );
  }
}

export function registerPeopleJobs(deps: AppDeps): void {
  deps.jobs.register(PERSON_LEFT_JOB, personPayload, (payload, { key, outbox }) =>
    handOverCases(deps, outbox, key, payload),
  );
  deps.jobs.register(PERSON_RETURNED_JOB, personPayload, (payload, { key, outbox }) =>
    restoreReturning(deps, outbox, key, payload),
  );
}
