// Talking to Slack about a case: the owner's DM, keeping every card message current, and the
// reminder/escalation deliveries the scheduler calls. Shared by listeners and the scheduler.
import type { Logger, webApi } from "@slack/bolt";
import type { Clock } from "../../clock.ts";
import type { Db } from "../../db/database.ts";
import type { RecoveryReminder } from "../../generated/prisma/client.ts";
import { sendDirectMessage } from "../../slack/replies.ts";
import type { SlackUsers } from "../../slack/roles.ts";
import { getSettings } from "../admin/settings.ts";
import {
  escalationManagersLead,
  escalationOwnerLead,
  escalationReachedNobodyLead,
  noManagersLead,
  ownerUnreachableLead,
  reminderLead,
  renderCaseCard,
} from "./blocks.ts";
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

// Slack errors that name a person or channel that can never receive from us (deactivated,
// deleted, archived, app removed): retrying for hours would only delay telling someone else.
const UNREACHABLE_ERRORS = new Set([
  "user_disabled",
  "user_not_found",
  "users_not_found",
  "user_not_visible",
  "account_inactive",
  "cannot_dm_bot",
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "restricted_action",
]);

/** The Slack error code when `error` says its target is unreachable for good; null otherwise (5xx, 429, network…). */
export function unreachableReason(error: unknown): string | null {
  const e = error as { code?: unknown; data?: { error?: unknown } } | null;
  if (e?.code !== "slack_webapi_platform_error") return null;
  const reason = e.data?.error;
  return typeof reason === "string" && UNREACHABLE_ERRORS.has(reason) ? reason : null;
}

/** Thrown from inside a delivery when, just before a send, the send is no longer wanted. */
class NoLongerWanted extends Error {}

/**
 * Re-reads the reminder row and the case just before a send: a Fixed, Extend or Reassign
 * (or another instance taking the row over) can land while a delivery is under way, and a
 * decision taken from an earlier read would send a stale reminder or escalation.
 * Returns the current case, or why the send is no longer wanted.
 */
async function stillWanted(deps: NotifyDeps, reminder: RecoveryReminder): Promise<RecoveryCaseWithTimeline | string> {
  const now = deps.clock.now();
  const row = await deps.prisma.recoveryReminder.findUnique({ where: { id: reminder.id } });
  if (!row || row.status !== "pending") return "cancelled while being sent";
  if (row.claimedBy !== reminder.claimedBy || (row.claimedUntil && row.claimedUntil.getTime() < now.getTime())) {
    return "claim lost to another instance";
  }
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

async function guard(deps: NotifyDeps, reminder: RecoveryReminder): Promise<RecoveryCaseWithTimeline> {
  const current = await stillWanted(deps, reminder);
  if (typeof current === "string") throw new NoLongerWanted(current);
  return current;
}

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
async function refreshIfChanged(deps: NotifyDeps, rendered: RecoveryCaseWithTimeline): Promise<void> {
  const now = await getCase(deps.prisma, rendered.id);
  if (now && cardState(now) !== cardState(rendered)) await refreshCaseMessages(deps, rendered.id);
}

/**
 * Delivers one claimed reminder row. Returns why it was skipped when it no longer matters
 * (case fixed, deadline moved, already overdue, superseded, owner unreachable); throws when
 * Slack failed in a way worth retrying, so the scheduler retries it on a later tick.
 */
export async function deliverReminder(
  deps: NotifyDeps,
  reminder: RecoveryReminder,
  now: Date,
): Promise<DeliveryOutcome> {
  try {
    if (reminder.kind === "escalation") return await escalate(deps, reminder, now);
    return await remind(deps, reminder, now);
  } catch (error) {
    if (error instanceof NoLongerWanted) return { sent: false, skipped: error.message };
    throw error;
  }
}

async function remind(deps: NotifyDeps, reminder: RecoveryReminder, now: Date): Promise<DeliveryOutcome> {
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
  try {
    await sendCaseCardByDm(deps, recoveryCase, recoveryCase.ownerId, reminderLead(recoveryCase, sendAt, timezone));
  } catch (error) {
    const reason = unreachableReason(error);
    if (!reason) throw error;
    // The owner can never get it (deactivated, say): the reporter hears, once, instead.
    deps.logger.warn(`Could not remind the owner of OOPS-${recoveryCase.number}: ${reason}`);
    if (recoveryCase.reporterId !== recoveryCase.ownerId) {
      await sendCaseCardByDm(
        deps,
        recoveryCase,
        recoveryCase.reporterId,
        ownerUnreachableLead(recoveryCase, reason),
      ).catch((reporterError: unknown) =>
        deps.logger.warn(`Could not tell the reporter of OOPS-${recoveryCase.number} either`, String(reporterError)),
      );
    }
    return { sent: false, skipped: `owner unreachable: ${reason}` };
  }
  await recordEvent(deps.prisma, sendAt, { caseId: recoveryCase.id, actorId: recoveryCase.ownerId, kind: "reminded" });
  await refreshIfChanged(deps, recoveryCase);
  return { sent: true };
}

// Marker event per escalation target, so a retry after a partial failure (say the channel
// post worked and the owner's DM failed) does not post to the channel again. A target Slack
// says can never receive gets the second kind, so it is not retried either.
const ESCALATED = "escalated";
const ESCALATION_UNDELIVERABLE = "escalation_undeliverable";
const OWN_EVENT_KINDS = new Set(["reminded", ESCALATED, ESCALATION_UNDELIVERABLE]);

type TargetOutcome = "delivered" | "unreachable" | "failed";

async function deliverOnce(
  deps: NotifyDeps,
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
    const reason = unreachableReason(error);
    if (!reason) throw error;
    deps.logger.warn(`Escalation of OOPS-${current.number} can't reach ${target}: ${reason}`);
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

async function escalate(deps: NotifyDeps, reminder: RecoveryReminder, now: Date): Promise<DeliveryOutcome> {
  const recoveryCase = await guard(deps, reminder);
  try {
    return await escalateCase(deps, reminder, recoveryCase, now);
  } catch (error) {
    // Stopped part-way by a Fixed or Extend: what was already posted (and the cards just
    // marked "Overdue") show the state before the change, so bring them up to date.
    if (error instanceof NoLongerWanted) await refreshCaseMessages(deps, recoveryCase.id);
    throw error;
  }
}

async function escalateCase(
  deps: NotifyDeps,
  reminder: RecoveryReminder,
  recoveryCase: RecoveryCaseWithTimeline,
  now: Date,
): Promise<DeliveryOutcome> {
  // The cards already out there now say "Overdue" (before the new messages go out, which
  // keep their lead line until the next action).
  await refreshCaseMessages(deps, recoveryCase.id);
  const settings = await getSettings(deps.prisma, { teamId: recoveryCase.teamId });
  // Each target is tried even when another fails, so one broken channel never keeps the
  // owner from hearing; a retryable failure is thrown at the end and retried on a later tick.
  // A change to the case (Fixed, Extend) stops it between two targets (NoLongerWanted).
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
      managerOutcomes.push(
        await attempt(`dm:${managerId}`, (current) =>
          sendCaseCardByDm(deps, current, managerId, escalationManagersLead(current)),
        ),
      );
    }
  };

  if (settings.approvalsChannelId) {
    const channel = settings.approvalsChannelId;
    const posted = await attempt(`channel:${channel}`, (current) =>
      postCaseCardToChannel(deps, current, channel, escalationManagersLead(current)),
    );
    managerOutcomes.push(posted);
    if (posted === "unreachable") {
      // The app was removed from the channel (or it was archived): the managers still hear.
      deps.logger.warn(
        `Could not post the escalation of OOPS-${recoveryCase.number} to ${channel}; sending it to each manager instead`,
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
    await attempt(`dm:${recoveryCase.reporterId}`, (current) =>
      sendCaseCardByDm(
        deps,
        current,
        current.reporterId,
        configured ? escalationReachedNobodyLead(current) : noManagersLead(current),
      ),
    );
  }
  await attempt(`owner:${recoveryCase.ownerId}`, (current) =>
    sendCaseCardByDm(
      deps,
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
  await refreshIfChanged(deps, recoveryCase);
  return { sent: true };
}
