// Talking to Slack about a case: the owner's DM, keeping every card message current, and the
// reminder/escalation deliveries the scheduler calls. Shared by listeners and the scheduler.
import type { Logger, webApi } from "@slack/bolt";
import type { Clock } from "../../clock.ts";
import type { Db } from "../../db/database.ts";
import type { RecoveryCase, RecoveryReminder } from "../../generated/prisma/client.ts";
import { sendDirectMessage } from "../../slack/replies.ts";
import type { SlackUsers } from "../../slack/roles.ts";
import { getSettings } from "../admin/settings.ts";
import { escalationManagersLead, escalationOwnerLead, noManagersLead, reminderLead, renderCaseCard } from "./blocks.ts";
import { addCardMessage, getCase, parseCardMessageRef, recordEvent, type RecoveryCaseWithTimeline } from "./service.ts";

export interface NotifyDeps {
  prisma: Db;
  client: webApi.WebClient;
  clock: Clock;
  logger: Logger;
  users: Pick<SlackUsers, "profile">;
}

/** The person's IANA timezone from Slack, or UTC when Slack can't tell us. */
export async function timezoneOf(users: NotifyDeps["users"], userId: string): Promise<string> {
  try {
    return (await users.profile(userId)).timezone ?? "UTC";
  } catch {
    return "UTC";
  }
}

/** DMs the case card to a person and remembers the message so later actions update it. */
export async function sendCaseCardByDm(
  deps: NotifyDeps,
  recoveryCase: RecoveryCaseWithTimeline,
  userId: string,
  lead?: string,
): Promise<void> {
  const timezone = await timezoneOf(deps.users, userId);
  const message = renderCaseCard(recoveryCase, { now: deps.clock.now(), timezone, lead });
  const { channel, ts } = await sendDirectMessage(deps.client, userId, message);
  await addCardMessage(deps.prisma, recoveryCase.id, { channel, ts, timezone });
}

async function postCaseCardToChannel(
  deps: NotifyDeps,
  recoveryCase: RecoveryCaseWithTimeline,
  channel: string,
  lead: string,
): Promise<void> {
  const message = renderCaseCard(recoveryCase, { now: deps.clock.now(), lead });
  const posted = await deps.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
  if (posted.ts)
    await addCardMessage(deps.prisma, recoveryCase.id, { channel: posted.channel ?? channel, ts: posted.ts });
}

/**
 * Updates every message showing the case so it shows its current state (and loses its
 * buttons once fixed). Best effort: a message that can't be updated is logged and skipped.
 */
export async function refreshCaseMessages(deps: NotifyDeps, caseId: string): Promise<void> {
  const recoveryCase = await getCase(deps.prisma, caseId);
  if (!recoveryCase) return;
  const now = deps.clock.now();
  for (const stored of recoveryCase.cardMessages) {
    const ref = parseCardMessageRef(stored);
    if (!ref) continue;
    const message = renderCaseCard(recoveryCase, { now, timezone: ref.timezone });
    try {
      await deps.client.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks });
    } catch (error) {
      deps.logger.warn(`Could not update a card of OOPS-${recoveryCase.number}`, ref.channel, String(error));
    }
  }
}

export type DeliveryOutcome = { sent: true } | { sent: false; skipped: string };

/**
 * Delivers one claimed reminder row. Returns why it was skipped when it no longer matters
 * (case fixed, deadline moved, already overdue, superseded); throws when Slack failed so
 * the scheduler retries it on a later tick.
 */
export async function deliverReminder(
  deps: NotifyDeps,
  reminder: RecoveryReminder,
  now: Date,
): Promise<DeliveryOutcome> {
  const recoveryCase = await getCase(deps.prisma, reminder.caseId);
  if (!recoveryCase) return { sent: false, skipped: "case deleted" };
  if (recoveryCase.status !== "open") return { sent: false, skipped: "case already fixed" };
  if (reminder.kind === "escalation") return escalate(deps, recoveryCase, reminder, now);

  if (recoveryCase.dueAt.getTime() <= now.getTime()) {
    return { sent: false, skipped: "case already overdue (the escalation covers it)" };
  }
  if (reminder.dueAt.getTime() > recoveryCase.dueAt.getTime()) return { sent: false, skipped: "deadline moved" };
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

  const timezone = await timezoneOf(deps.users, recoveryCase.ownerId);
  await sendCaseCardByDm(deps, recoveryCase, recoveryCase.ownerId, reminderLead(recoveryCase, now, timezone));
  await recordEvent(deps.prisma, now, { caseId: recoveryCase.id, actorId: recoveryCase.ownerId, kind: "reminded" });
  return { sent: true };
}

// Marker event per escalation target, so a retry after a partial failure (say the channel
// post worked and the owner's DM failed) does not post to the channel again.
const ESCALATED = "escalated";

async function deliverOnce(
  deps: NotifyDeps,
  recoveryCase: RecoveryCase,
  reminder: RecoveryReminder,
  target: string,
  now: Date,
  send: () => Promise<void>,
): Promise<void> {
  const marker = `${reminder.id} ${target}`;
  const done = await deps.prisma.recoveryEvent.findFirst({
    where: { caseId: recoveryCase.id, kind: ESCALATED, text: marker },
  });
  if (done) return;
  await send();
  await recordEvent(deps.prisma, now, {
    caseId: recoveryCase.id,
    actorId: recoveryCase.ownerId,
    kind: ESCALATED,
    text: marker,
  });
}

/** Slack answered "no" (not_in_channel, channel_not_found…): retrying will not help. */
function isPlatformError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "slack_webapi_platform_error";
}

async function escalate(
  deps: NotifyDeps,
  recoveryCase: RecoveryCaseWithTimeline,
  reminder: RecoveryReminder,
  now: Date,
): Promise<DeliveryOutcome> {
  if (recoveryCase.dueAt.getTime() > now.getTime()) return { sent: false, skipped: "deadline moved" };
  // The cards already out there now say "Overdue" (before the new messages go out, which
  // keep their lead line until the next action).
  await refreshCaseMessages(deps, recoveryCase.id);
  const settings = await getSettings(deps.prisma, { teamId: recoveryCase.teamId });
  const managersLead = escalationManagersLead(recoveryCase);
  // Each target is tried even when another fails, so one broken channel never keeps the
  // owner from hearing; any failure is thrown at the end and retried on a later tick.
  const failures: unknown[] = [];
  const attempt = async (target: string, send: () => Promise<void>): Promise<boolean> => {
    try {
      await deliverOnce(deps, recoveryCase, reminder, target, now, send);
      return true;
    } catch (error) {
      failures.push(error);
      return false;
    }
  };
  const dmManagers = async () => {
    for (const managerId of settings.managerIds) {
      if (managerId === recoveryCase.ownerId) continue;
      await attempt(`dm:${managerId}`, () => sendCaseCardByDm(deps, recoveryCase, managerId, managersLead));
    }
  };

  if (settings.approvalsChannelId) {
    const channel = settings.approvalsChannelId;
    const posted = await attempt(`channel:${channel}`, () =>
      postCaseCardToChannel(deps, recoveryCase, channel, managersLead),
    );
    if (!posted && isPlatformError(failures.at(-1))) {
      // The app was removed from the channel (or it was archived): the managers still hear.
      deps.logger.warn(
        `Could not post the escalation of OOPS-${recoveryCase.number} to ${channel}; sending it to each manager instead`,
        String(failures.pop()),
      );
      await dmManagers();
    }
  } else if (settings.managerIds.length > 0) {
    await dmManagers();
  } else if (recoveryCase.reporterId !== recoveryCase.ownerId) {
    // Nobody to escalate to: the reporter hears about it, and how to fix the set-up.
    await attempt(`dm:${recoveryCase.reporterId}`, () =>
      sendCaseCardByDm(deps, recoveryCase, recoveryCase.reporterId, noManagersLead(recoveryCase)),
    );
  }
  const ownerLead =
    settings.approvalsChannelId || settings.managerIds.length > 0
      ? escalationOwnerLead(recoveryCase)
      : noManagersLead(recoveryCase);
  await attempt(`owner:${recoveryCase.ownerId}`, () =>
    sendCaseCardByDm(deps, recoveryCase, recoveryCase.ownerId, ownerLead),
  );
  if (failures.length > 0) throw failures[0];
  await deps.prisma.recoveryCase.updateMany({
    where: { id: recoveryCase.id, escalatedAt: null },
    data: { escalatedAt: now },
  });
  return { sent: true };
}
