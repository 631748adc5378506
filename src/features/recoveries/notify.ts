// Reminder and escalation deliveries: the scheduler's tick enqueues one job per due
// RecoveryReminder row, and the job (registered by the recoveries feature) runs
// `runReminderJob`. Every write goes through the outbox with a key per row and target, so a
// job that runs again (a retry after a rate limit, a crash) sends nothing twice.
import type { RecoveryReminder } from "../../generated/prisma/client.ts";
import { SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";
import { getSettings } from "../admin/settings.ts";
import {
  caseLabel,
  escalationManagersLead,
  escalationOwnerLead,
  escalationReachedNobodyLead,
  noManagersLead,
  ownerUnreachableLead,
  reminderLead,
} from "./blocks.ts";
import { postCaseCardToChannel, refreshCaseMessages, sendCaseCardByDm, timezoneOf, type CaseDeps } from "./cards.ts";
import type { RecoveryCaseWithTimeline } from "./model.ts";
import { getCase, recordEvent } from "./service.ts";

export type DeliveryOutcome = { sent: true } | { sent: false; skipped: string };

/** The job kind that delivers one reminder row (registered in listeners.ts, enqueued by the scheduler). */
export const REMINDER_JOB = "recoveries.deliver-reminder";

/** The job key of a due row: two instances ticking at once enqueue one job. */
export function reminderJobKey(reminder: Pick<RecoveryReminder, "id" | "dueAt">): string {
  return `reminder:${reminder.id}:${reminder.dueAt.getTime()}`;
}

/** Thrown from inside a delivery when, just before a send, the send is no longer wanted. */
class NoLongerWanted extends Error {}

/**
 * Re-reads the reminder row and the case just before a send: a Fixed, Extend or Reassign
 * can land while a delivery is under way, and a decision taken from an earlier read would
 * send a stale reminder or escalation. Returns the current case, or why the send is no
 * longer wanted.
 */
async function stillWanted(deps: CaseDeps, reminder: RecoveryReminder): Promise<RecoveryCaseWithTimeline | string> {
  const now = deps.clock.now();
  const row = await deps.prisma.recoveryReminder.findUnique({ where: { id: reminder.id } });
  if (!row || row.status !== "pending") return "cancelled while being sent";
  const recoveryCase = await getCase(deps.prisma, reminder.caseId);
  if (!recoveryCase) return "case deleted";
  if (recoveryCase.status !== "open") return "case already fixed";
  if (reminder.kind === "escalation") {
    return recoveryCase.dueAt.getTime() > now.getTime() ? "deadline moved" : recoveryCase;
  }
  if (recoveryCase.dueAt.getTime() <= now.getTime()) return "case already overdue (the escalation covers it)";
  if (reminder.dueAt.getTime() > recoveryCase.dueAt.getTime()) return "deadline moved";
  return recoveryCase;
}

async function guard(deps: CaseDeps, reminder: RecoveryReminder): Promise<RecoveryCaseWithTimeline> {
  const current = await stillWanted(deps, reminder);
  if (typeof current === "string") throw new NoLongerWanted(current);
  return current;
}

// Marker events (text: "<reminder id> <target>"): an escalation run again after a partial
// failure skips the targets already reached, and a target Slack refused for good is not
// tried again. "reminded" marks the reminder itself.
const REMINDED = "reminded";
const ESCALATED = "escalated";
const ESCALATION_UNDELIVERABLE = "escalation_undeliverable";
const OWN_EVENT_KINDS = new Set([REMINDED, ESCALATED, ESCALATION_UNDELIVERABLE]);

/** What a card shows that an action can change (our own delivery events aside). */
function cardState(recoveryCase: RecoveryCaseWithTimeline): string {
  const actions = recoveryCase.timeline.filter((e) => !OWN_EVENT_KINDS.has(e.kind)).length;
  return `${recoveryCase.status} ${recoveryCase.dueAt.getTime()} ${recoveryCase.ownerId} ${actions}`;
}

/**
 * After posting: if someone acted while we were sending, the card we just posted (rendered
 * from the earlier read) is stale; update every card. Left alone otherwise, so the new
 * message keeps its lead line.
 */
async function refreshIfChanged(deps: CaseDeps, outbox: Outbox, rendered: RecoveryCaseWithTimeline): Promise<void> {
  const now = await getCase(deps.prisma, rendered.id);
  if (now && cardState(now) !== cardState(rendered)) await refreshCaseMessages(deps, outbox, rendered.id);
}

async function recordOnce(deps: CaseDeps, caseId: string, actorId: string, kind: string, text: string): Promise<void> {
  const done = await deps.prisma.recoveryEvent.findFirst({ where: { caseId, kind, text } });
  if (!done) await recordEvent(deps.prisma, deps.clock.now(), { caseId, actorId, kind, text });
}

/**
 * The job of one due row: delivers it (unless it no longer matters) and marks the row sent
 * or cancelled. Throws RetryLater (Slack slow or rate-limited) so the job runs again later.
 */
export async function runReminderJob(deps: CaseDeps, outbox: Outbox, reminderId: string): Promise<DeliveryOutcome> {
  const reminder = await deps.prisma.recoveryReminder.findUnique({ where: { id: reminderId } });
  if (!reminder || reminder.status !== "pending") return { sent: false, skipped: "not pending" };
  const pending = { id: reminder.id, status: "pending" as const };
  await deps.prisma.recoveryReminder.updateMany({ where: pending, data: { attempts: { increment: 1 } } });
  let outcome: DeliveryOutcome;
  try {
    outcome = await deliverReminder(deps, outbox, reminder, deps.clock.now());
  } catch (error) {
    await deps.prisma.recoveryReminder.updateMany({
      where: pending,
      data: { lastError: (error instanceof Error ? error.message : String(error)).slice(0, 500) },
    });
    throw error;
  }
  await deps.prisma.recoveryReminder.updateMany({
    where: pending,
    data: outcome.sent
      ? { status: "sent", sentAt: deps.clock.now(), lastError: null, claimedUntil: null }
      : { status: "cancelled", lastError: `skipped: ${outcome.skipped}`, claimedUntil: null },
  });
  if (!outcome.sent) deps.logger.info(`Recovery ${reminder.kind} ${reminder.id} not sent: ${outcome.skipped}`);
  return outcome;
}

/**
 * Delivers one reminder row. Returns why it was skipped when it no longer matters (case
 * fixed, deadline moved, already overdue, superseded, owner unreachable); throws when Slack
 * asked us to come back later.
 */
export async function deliverReminder(
  deps: CaseDeps,
  outbox: Outbox,
  reminder: RecoveryReminder,
  now: Date,
): Promise<DeliveryOutcome> {
  try {
    if (reminder.kind === "escalation") return await escalate(deps, outbox, reminder, now);
    return await remind(deps, outbox, reminder, now);
  } catch (error) {
    if (error instanceof NoLongerWanted) return { sent: false, skipped: error.message };
    throw error;
  }
}

async function remind(deps: CaseDeps, outbox: Outbox, reminder: RecoveryReminder, now: Date): Promise<DeliveryOutcome> {
  await guard(deps, reminder);
  // After downtime several reminders of a case can be due at once: only the latest is sent.
  const later = await deps.prisma.recoveryReminder.count({
    where: {
      caseId: reminder.caseId,
      kind: "reminder",
      status: "pending",
      dueAt: { gt: reminder.dueAt, lte: now },
    },
  });
  if (later > 0) return { sent: false, skipped: "superseded by a later reminder" };

  // The timezone lookup is a Slack call: read the case again after it, right before posting.
  const timezone = await timezoneOf(deps.users, (await guard(deps, reminder)).ownerId);
  const recoveryCase = await guard(deps, reminder);
  const sendAt = deps.clock.now();
  const key = `reminder:${reminder.id}`;
  try {
    await sendCaseCardByDm(
      deps,
      outbox,
      `${key}:owner`,
      recoveryCase,
      recoveryCase.ownerId,
      reminderLead(recoveryCase, sendAt, timezone),
    );
  } catch (error) {
    if (!(error instanceof SlackWriteRefused)) throw error;
    // The owner can never get it (deactivated, say): the reporter hears, once, instead.
    const reason = error.slackError;
    deps.logger.warn(`Could not remind the owner of ${caseLabel(recoveryCase)}: ${reason}`);
    if (recoveryCase.reporterId !== recoveryCase.ownerId) {
      await sendCaseCardByDm(
        deps,
        outbox,
        `${key}:reporter`,
        recoveryCase,
        recoveryCase.reporterId,
        ownerUnreachableLead(recoveryCase, reason),
      ).catch((reporterError: unknown) => {
        if (!(reporterError instanceof SlackWriteRefused)) throw reporterError;
        deps.logger.warn(`Could not tell the reporter of ${caseLabel(recoveryCase)} either`, reporterError.slackError);
      });
    }
    return { sent: false, skipped: `owner unreachable: ${reason}` };
  }
  await recordOnce(deps, recoveryCase.id, recoveryCase.ownerId, REMINDED, reminder.id);
  await refreshIfChanged(deps, outbox, recoveryCase);
  return { sent: true };
}

type TargetOutcome = "delivered" | "unreachable" | "failed";

async function deliverOnce(
  deps: CaseDeps,
  reminder: RecoveryReminder,
  target: string,
  send: (current: RecoveryCaseWithTimeline) => Promise<void>,
): Promise<"delivered" | "unreachable"> {
  const marker = `${reminder.id} ${target}`;
  const done = await deps.prisma.recoveryEvent.findFirst({
    where: { caseId: reminder.caseId, kind: { in: [ESCALATED, ESCALATION_UNDELIVERABLE] }, text: marker },
  });
  if (done) return done.kind === ESCALATED ? "delivered" : "unreachable";
  const current = await guard(deps, reminder);
  let kind = ESCALATED;
  try {
    await send(current);
  } catch (error) {
    if (!(error instanceof SlackWriteRefused)) throw error;
    deps.logger.warn(`Escalation of ${caseLabel(current)} can't reach ${target}: ${error.slackError}`);
    kind = ESCALATION_UNDELIVERABLE;
  }
  await recordEvent(deps.prisma, deps.clock.now(), {
    caseId: current.id,
    actorId: current.ownerId,
    kind,
    text: marker,
  });
  return kind === ESCALATED ? "delivered" : "unreachable";
}

async function escalate(
  deps: CaseDeps,
  outbox: Outbox,
  reminder: RecoveryReminder,
  now: Date,
): Promise<DeliveryOutcome> {
  const recoveryCase = await guard(deps, reminder);
  try {
    return await escalateCase(deps, outbox, reminder, recoveryCase, now);
  } catch (error) {
    // Stopped part-way by a Fixed or Extend: what was already posted (and the cards just
    // marked "Overdue") show the state before the change, so bring them up to date.
    if (error instanceof NoLongerWanted) await refreshCaseMessages(deps, outbox, recoveryCase.id);
    throw error;
  }
}

async function escalateCase(
  deps: CaseDeps,
  outbox: Outbox,
  reminder: RecoveryReminder,
  recoveryCase: RecoveryCaseWithTimeline,
  now: Date,
): Promise<DeliveryOutcome> {
  // The cards already out there now say "Overdue" (before the new messages go out, which
  // keep their lead line until the next action).
  await refreshCaseMessages(deps, outbox, recoveryCase.id);
  const settings = await getSettings(deps.prisma, { teamId: recoveryCase.teamId });
  const key = (target: string) => `reminder:${reminder.id}:${target}`;
  // Each target is tried even when another must wait, so one slow channel never keeps the
  // owner from hearing; a RetryLater is thrown at the end and the job runs again (targets
  // already reached are skipped). A change to the case (Fixed, Extend) stops it between two
  // targets (NoLongerWanted).
  const failures: unknown[] = [];
  const attempt = async (
    target: string,
    send: (current: RecoveryCaseWithTimeline) => Promise<void>,
  ): Promise<TargetOutcome> => {
    try {
      return await deliverOnce(deps, reminder, target, send);
    } catch (error) {
      if (error instanceof NoLongerWanted) throw error;
      failures.push(error);
      return "failed";
    }
  };
  const managerOutcomes: TargetOutcome[] = [];
  const dmManagers = async () => {
    for (const managerId of settings.managerIds) {
      if (managerId === recoveryCase.ownerId) continue;
      const target = `dm:${managerId}`;
      managerOutcomes.push(
        await attempt(target, (current) =>
          sendCaseCardByDm(deps, outbox, key(target), current, managerId, escalationManagersLead(current)),
        ),
      );
    }
  };

  if (settings.approvalsChannelId) {
    const channel = settings.approvalsChannelId;
    const target = `channel:${channel}`;
    const posted = await attempt(target, (current) =>
      postCaseCardToChannel(deps, outbox, key(target), current, channel, escalationManagersLead(current)),
    );
    managerOutcomes.push(posted);
    if (posted === "unreachable") {
      // The app was removed from the channel (or it was archived): the managers still hear.
      deps.logger.warn(
        `Could not post the escalation of ${caseLabel(recoveryCase)} to ${channel}; sending it to each manager instead`,
      );
      await dmManagers();
    }
  } else {
    await dmManagers();
  }
  // Nobody heard and nobody will on a retry (no managers, or none reachable): the reporter
  // is told instead, and the owner is not told that managers know.
  const managersTold = managerOutcomes.some((outcome) => outcome !== "unreachable");
  if (!managersTold && recoveryCase.reporterId !== recoveryCase.ownerId) {
    const configured = settings.approvalsChannelId !== null || settings.managerIds.length > 0;
    const target = `dm:${recoveryCase.reporterId}`;
    await attempt(target, (current) =>
      sendCaseCardByDm(
        deps,
        outbox,
        key(target),
        current,
        current.reporterId,
        configured ? escalationReachedNobodyLead(current) : noManagersLead(current),
      ),
    );
  }
  const ownerTarget = `owner:${recoveryCase.ownerId}`;
  await attempt(ownerTarget, (current) =>
    sendCaseCardByDm(
      deps,
      outbox,
      key(ownerTarget),
      current,
      current.ownerId,
      managersTold ? escalationOwnerLead(current) : noManagersLead(current),
    ),
  );
  if (failures.length > 0) throw failures[0];
  await deps.prisma.recoveryCase.updateMany({
    where: { id: recoveryCase.id, escalatedAt: null },
    data: { escalatedAt: now },
  });
  await refreshIfChanged(deps, outbox, recoveryCase);
  return { sent: true };
}
