// Block Kit for recovery cases: the case card (with its buttons while open), lists, reminders
// and escalations (the forms are in modals.ts). Stored text is safe mrkdwn (parse.ts) and is rendered as is;
// times are shown in the reader's timezone, or as Slack date tokens in channels (Slack
// renders those in each reader's own timezone).
import type { webApi } from "@slack/bolt";
import type { RecoveryCase, RecoveryEvent } from "../../generated/prisma/client.ts";
import { context, section, SECTION_TEXT_LIMIT, truncateMrkdwn } from "../../slack/replies.ts";
import { slackDateToken } from "../../slack/text.ts";
import type { RecoveryCaseWithTimeline } from "./model.ts";

type KnownBlock = webApi.KnownBlock;

export const ACTION_IDS = {
  fixed: "recovery_fixed",
  update: "recovery_update",
  extend: "recovery_extend",
  reassign: "recovery_reassign",
} as const;
export type CaseAction = keyof typeof ACTION_IDS;
/** The case card's "Suggest a surprise" button; its listener lives in src/features/surprises. */
export const SUGGEST_SURPRISE_ACTION = "recovery_suggest_surprise";

export const caseLabel = (recoveryCase: Pick<RecoveryCase, "number">): string => `OOPS-${recoveryCase.number}`;

// ——— time ———

function relative(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${Math.round(minutes / (24 * 60))} days`;
  const rest = minutes % 60;
  return hours < 10 && rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
}

/** "16:30 Tue" (with the date when it is more than 6 days away) in `timezone`. */
export function formatClock(date: Date, now: Date, timezone: string): string {
  const part = (options: Intl.DateTimeFormatOptions) => {
    try {
      return new Intl.DateTimeFormat("en-GB", { timeZone: timezone, ...options }).format(date);
    } catch {
      return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", ...options }).format(date);
    }
  };
  const time = part({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const weekday = part({ weekday: "short" });
  const far = Math.abs(date.getTime() - now.getTime()) > 6 * 24 * 3_600_000;
  return far ? `${time} ${weekday} ${part({ day: "numeric", month: "short" })}` : `${time} ${weekday}`;
}

/**
 * "in 3 h — 16:30 Tue" or "2 h overdue — 09:00 Mon": relative, then absolute in the reader's
 * timezone. Without a timezone (channel posts) the absolute part is a Slack date token.
 */
export function formatDeadline(dueAt: Date, now: Date, timezone?: string): string {
  const left = dueAt.getTime() - now.getTime();
  // At the deadline itself the case is overdue (the scheduler escalates at dueAt <= now).
  const rel = left > 0 ? `in ${relative(left)}` : `${relative(left)} overdue`;
  const abs = timezone ? formatClock(dueAt, now, timezone) : slackDateToken(dueAt);
  return `${rel} — ${abs}`;
}

function formatMoment(date: Date, now: Date, timezone?: string): string {
  return timezone ? formatClock(date, now, timezone) : slackDateToken(date);
}

// ——— the case card ———

export interface CardOptions {
  now: Date;
  /** The reader's timezone (DMs); undefined in channels. */
  timezone?: string;
  /** A line shown above the card (reminder, escalation…). */
  lead?: string;
}

const EVENT_LABELS: Record<string, string> = {
  customer_update: "customer update",
  extended: "deadline extended",
  reassigned: "reassigned",
  fixed: "fixed",
  escalated: "escalated",
  surprise: "surprise given",
};

function timelineLines(timeline: RecoveryEvent[], now: Date, timezone?: string): string[] {
  const shown = timeline.filter((e) => e.kind in EVENT_LABELS && e.kind !== "fixed" && e.kind !== "escalated");
  const last = shown.slice(-5);
  const lines = last.map(
    (e) =>
      `• ${formatMoment(e.createdAt, now, timezone)} — <@${e.actorId}>, ${EVENT_LABELS[e.kind] ?? e.kind}${
        e.text ? `: ${truncateMrkdwn(e.text, 400)}` : ""
      }`,
  );
  if (shown.length > last.length) lines.unshift(`_${shown.length - last.length} earlier updates not shown_`);
  return lines;
}

function statusLine(recoveryCase: RecoveryCase, options: CardOptions): string {
  const { now, timezone } = options;
  if (recoveryCase.status === "resolved" && recoveryCase.resolvedAt) {
    const late = recoveryCase.resolvedAt.getTime() - recoveryCase.dueAt.getTime();
    const timing = late <= 0 ? "within the deadline :tada:" : `${relative(late)} after the deadline`;
    return `:white_check_mark: *Fixed* by <@${recoveryCase.resolvedBy ?? recoveryCase.ownerId}> ${formatMoment(recoveryCase.resolvedAt, now, timezone)}, ${timing}`;
  }
  const overdue = recoveryCase.dueAt.getTime() <= now.getTime();
  return `${overdue ? ":red_circle: *Overdue*" : ":hourglass_flowing_sand: *Due*"} ${formatDeadline(recoveryCase.dueAt, now, timezone)}`;
}

export function caseActions(recoveryCase: RecoveryCase): KnownBlock {
  const button = (action: CaseAction, text: string, style?: "primary") => ({
    type: "button" as const,
    action_id: ACTION_IDS[action],
    text: { type: "plain_text" as const, text },
    value: recoveryCase.id,
    ...(style ? { style } : {}),
  });
  return {
    type: "actions",
    block_id: "recovery_actions",
    elements: [
      button("fixed", "Fixed", "primary"),
      button("update", "Add customer update"),
      button("extend", "Extend"),
      button("reassign", "Reassign"),
      {
        type: "button" as const,
        action_id: SUGGEST_SURPRISE_ACTION,
        text: { type: "plain_text" as const, text: ":gift: Suggest a surprise", emoji: true },
        value: recoveryCase.id,
      },
    ],
  };
}

export function renderCaseCard(
  recoveryCase: RecoveryCaseWithTimeline,
  options: CardOptions,
): { text: string; blocks: KnownBlock[] } {
  const label = caseLabel(recoveryCase);
  const blocks: KnownBlock[] = [];
  if (options.lead) blocks.push(section(options.lead));
  blocks.push(
    section(
      truncateMrkdwn(`*${label} · ${recoveryCase.customer}*\n${statusLine(recoveryCase, options)}`, SECTION_TEXT_LIMIT),
    ),
    // Opened by a customer signal rather than a person ("Opened from Zendesk ticket #123").
    ...(recoveryCase.origin ? [context(`:inbox_tray: ${recoveryCase.origin}`)] : []),
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Owner*\n<@${recoveryCase.ownerId}>` },
        { type: "mrkdwn", text: `*Reported by*\n<@${recoveryCase.reporterId}>` },
      ],
    },
    section(truncateMrkdwn(`*What went wrong*\n${recoveryCase.description}`, SECTION_TEXT_LIMIT)),
  );
  if (recoveryCase.link) blocks.push(section(`*Link*\n<${recoveryCase.link.replace(/[<>|]/g, "")}>`));
  if (recoveryCase.status === "resolved") {
    blocks.push(
      section(truncateMrkdwn(`*What was done*\n${recoveryCase.fixSummary ?? "_not recorded_"}`, SECTION_TEXT_LIMIT)),
    );
    blocks.push(
      section(
        truncateMrkdwn(
          `*Surprise for the customer*\n${recoveryCase.surpriseGiven ?? "_none recorded_"}`,
          SECTION_TEXT_LIMIT,
        ),
      ),
    );
  }
  const timeline = timelineLines(recoveryCase.timeline, options.now, options.timezone);
  if (timeline.length > 0)
    blocks.push(section(truncateMrkdwn(`*Timeline*\n${timeline.join("\n")}`, SECTION_TEXT_LIMIT)));
  if (recoveryCase.status === "open") {
    blocks.push(caseActions(recoveryCase));
    blocks.push(
      context("Fix it, keep the customer in the loop, then surprise them: an OOPS only becomes a WOW when it's fast."),
    );
  }
  // The notification text is mrkdwn too: it reuses the safe stored text, never plain text.
  const lead = options.lead ? `${options.lead} ` : "";
  const text =
    recoveryCase.status === "open"
      ? `${lead}${label} for ${recoveryCase.customer}: due ${formatDeadline(recoveryCase.dueAt, options.now, options.timezone)}`
      : `${lead}${label} for ${recoveryCase.customer}: fixed`;
  return { text: truncateMrkdwn(text, 3000), blocks };
}

// ——— notifications ———

export function ownerToldLead(recoveryCase: RecoveryCase, reason: "new" | "reassigned"): string {
  return reason === "new"
    ? `:rotating_light: <@${recoveryCase.reporterId}> opened a service recovery for you. Fix it before the deadline and keep the customer in the loop.`
    : `:rotating_light: This service recovery is now yours. Fix it before the deadline and keep the customer in the loop.`;
}

export function reminderLead(recoveryCase: RecoveryCase, now: Date, timezone?: string): string {
  return `:alarm_clock: *Reminder:* ${caseLabel(recoveryCase)} for ${recoveryCase.customer} is due ${formatDeadline(recoveryCase.dueAt, now, timezone)}. Has the customer heard from you lately?`;
}

export function escalationOwnerLead(recoveryCase: RecoveryCase): string {
  return `:red_circle: *${caseLabel(recoveryCase)} is overdue* and your managers have been told. Fix it now, or extend the deadline with a reason.`;
}

export function escalationManagersLead(recoveryCase: RecoveryCase): string {
  return `:red_circle: *Overdue service recovery:* ${caseLabel(recoveryCase)} for ${recoveryCase.customer}, owned by <@${recoveryCase.ownerId}>, missed its deadline.`;
}

export function noManagersLead(recoveryCase: RecoveryCase): string {
  return `:red_circle: *${caseLabel(recoveryCase)} is overdue*, and this workspace has no Delight managers or approvals channel to escalate to. Ask a Delight admin to run \`/delight-admin managers add @…\`.`;
}

/** To the reporter when an escalation reached no manager (say the app was removed from the approvals channel). */
export function escalationReachedNobodyLead(recoveryCase: RecoveryCase): string {
  return `:red_circle: *${caseLabel(recoveryCase)} is overdue*, and I couldn't reach any Delight manager about it (the approvals channel doesn't let me post, and no manager could be messaged). Please follow up with <@${recoveryCase.ownerId}>, and ask a Delight admin to invite the app to the approvals channel or run \`/delight-admin managers add @…\`.`;
}

/** To the reporter when Slack says the owner can't get messages (deactivated, say): retrying won't help. */
export function ownerUnreachableLead(recoveryCase: RecoveryCase, reason: string): string {
  return `:warning: I couldn't remind <@${recoveryCase.ownerId}> about ${caseLabel(recoveryCase)}: Slack says their account can't get messages (${reason}). Use *Reassign* to give it to someone who can fix it.`;
}

export function confirmationText(recoveryCase: RecoveryCase, now: Date, timezone?: string): string {
  const owner =
    recoveryCase.ownerId === recoveryCase.reporterId ? "you own it" : `I've told <@${recoveryCase.ownerId}>`;
  return `:white_check_mark: Opened *${caseLabel(recoveryCase)}* for ${recoveryCase.customer}: ${owner}; it's due ${formatDeadline(recoveryCase.dueAt, now, timezone)}. \`/oops list\` shows your open cases.`;
}

export const couldNotTellOwner = (recoveryCase: RecoveryCase): string =>
  `:warning: ${caseLabel(recoveryCase)} is open, but Slack didn't let me message <@${recoveryCase.ownerId}>. Please tell them yourself; reminders will still try to reach them.`;

export function fixedNotice(recoveryCase: RecoveryCase): string {
  const onTime = recoveryCase.resolvedAt !== null && recoveryCase.resolvedAt.getTime() <= recoveryCase.dueAt.getTime();
  const surprise = recoveryCase.surpriseGiven ? ` Surprise: ${truncateMrkdwn(recoveryCase.surpriseGiven, 500)}` : "";
  return `:white_check_mark: ${caseLabel(recoveryCase)} for ${recoveryCase.customer} was fixed by <@${recoveryCase.resolvedBy ?? recoveryCase.ownerId}>${onTime ? ", within the deadline :tada:" : ""}.${surprise}`;
}

// ——— lists and help ———

export function renderCaseList(
  cases: RecoveryCase[],
  total: number,
  options: { now: Date; timezone?: string; all: boolean },
): { text: string; blocks: KnownBlock[] } {
  if (cases.length === 0) {
    const text = options.all
      ? ":sparkles: No open recoveries in this workspace."
      : ":sparkles: You have no open recoveries. `/oops @owner Customer: what went wrong` opens one.";
    return { text, blocks: [section(text)] };
  }
  const title = options.all
    ? `*Open recoveries (${total})*, soonest first`
    : `*Your open recoveries (${total})*, soonest first`;
  const lines = cases.map((c) => {
    const overdue = c.dueAt.getTime() <= options.now.getTime();
    const owner = options.all ? ` — <@${c.ownerId}>` : "";
    return `${overdue ? ":red_circle:" : "•"} *${caseLabel(c)}* ${truncateMrkdwn(c.customer, 80)}${owner} — due ${formatDeadline(c.dueAt, options.now, options.timezone)}`;
  });
  const blocks: KnownBlock[] = [section(title)];
  // Sections hold 3000 characters; split the list into chunks that fit.
  let chunk: string[] = [];
  for (const line of lines) {
    if ([...chunk, line].join("\n").length > SECTION_TEXT_LIMIT) {
      blocks.push(section(chunk.join("\n")));
      chunk = [];
    }
    chunk.push(line);
  }
  if (chunk.length > 0) blocks.push(section(chunk.join("\n")));
  if (total > cases.length) blocks.push(context(`…and ${total - cases.length} more.`));
  return { text: `${options.all ? "Open recoveries" : "Your open recoveries"}: ${total}`, blocks };
}

export const OOPS_HELP = [
  "*`/oops`* — turn an OOPS into a WOW: log a customer-facing mistake and get it fixed within the deadline",
  "• `/oops @owner Customer name: what went wrong` — opens a case; the owner is told at once",
  "• `/oops` — opens a form (owner, customer, what went wrong, link, a different deadline)",
  "• `/oops list` — your open cases, soonest deadline first",
  "• `/oops list all` — every open case (managers)",
  "The owner is reminded at half-time and 2 hours before the deadline; an overdue case goes to the managers.",
  "Buttons on the case: *Fixed* (what was done, the surprise given), *Add customer update*, *Extend*, *Reassign*, *Suggest a surprise*. The owner, the reporter and managers can use them.",
].join("\n");

export function renderOopsHelp(problem?: string, typed?: string): string {
  if (!problem) return OOPS_HELP;
  const quoted = typed === undefined ? "" : `\nYou typed:\n${typed}`;
  return `${problem}${quoted}\n\n${OOPS_HELP}`;
}

export const onlyParticipants = (recoveryCase: RecoveryCase): string =>
  `:lock: Only the owner (<@${recoveryCase.ownerId}>), the reporter (<@${recoveryCase.reporterId}>) or a Delight manager can change ${caseLabel(recoveryCase)}. Nothing was changed; ask one of them if something needs doing.`;

export const alreadyFixed = (recoveryCase: RecoveryCase): string =>
  `${caseLabel(recoveryCase)} was already marked fixed by <@${recoveryCase.resolvedBy ?? recoveryCase.ownerId}>, so nothing was changed.`;

// Modal field errors are plain text: no mentions or emoji codes there.
export const onlyParticipantsPlain = (recoveryCase: RecoveryCase): string =>
  `Only the owner, the reporter or a Delight manager can change ${caseLabel(recoveryCase)}. Nothing was changed.`;

export const alreadyFixedPlain = (recoveryCase: RecoveryCase): string =>
  `${caseLabel(recoveryCase)} was already marked fixed, so nothing was changed. Close this form.`;

export const CASE_NOT_FOUND = "I can't find that recovery case any more. `/oops list` shows the open ones.";
