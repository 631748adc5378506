// Block Kit for /delight-admin answers.
import type { webApi } from "@slack/bolt";
import { context, section, SECTION_TEXT_LIMIT, truncate } from "../../slack/replies.ts";
import { mentionChannel, mentionUser } from "../../slack/text.ts";
import { WEEKDAY_NAMES } from "./parse.ts";
import { SIGNALS_HELP } from "../signals/admin.ts";
import type { DeadJob, DeadWrite, DeliverySummary } from "./delivery.ts";
import type { DigestScheduleSetting, WorkspaceSettings } from "./settings.ts";

type KnownBlock = webApi.KnownBlock;

export function formatDuration(minutes: number): string {
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)} ${minutes === 24 * 60 ? "day" : "days"}`;
  if (minutes % 60 === 0) return `${minutes / 60} ${minutes === 60 ? "hour" : "hours"}`;
  if (minutes > 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${minutes} min`;
}

export function formatMoney(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export function formatDigestSchedule(digest: DigestScheduleSetting): string {
  const time = `${String(digest.hour).padStart(2, "0")}:${String(digest.minute).padStart(2, "0")}`;
  return `${mentionChannel(digest.channelId)} every ${WEEKDAY_NAMES[digest.weekday]} at ${time} (${digest.timezone})`;
}

function formatReminders(offsets: number[]): string {
  if (offsets.length === 0) return "at half-time and 2 hours before the deadline";
  return offsets.map((m) => `${formatDuration(m)} before`).join(", ");
}

const NOT_SET = "_not set_";

/** "3 min", "2 h", "1 day": how long ago, roughly. */
function formatAge(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 1) return "under a minute";
  if (minutes < 120) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / (24 * 60))} days`;
}

/** One line about Slack delivery, or null when there is nothing to say. */
export function renderDeliveryLine(summary: DeliverySummary, now: Date): string | null {
  const parts: string[] = [];
  if (summary.waiting > 0) {
    const age = summary.oldestWaitingSince ? `, oldest ${formatAge(summary.oldestWaitingSince, now)}` : "";
    parts.push(`${summary.waiting} ${summary.waiting === 1 ? "write" : "writes"} to Slack waiting${age}`);
  }
  const failed = summary.failedWrites + summary.failedJobs;
  if (failed > 0) parts.push(`*${failed} failed* — see \`/delight-admin outbox\``);
  if (parts.length === 0) return null;
  return `${failed > 0 ? ":warning:" : ":outbox_tray:"} *Slack delivery:* ${parts.join("; ")}.`;
}

const DEAD_LIST_LIMIT = 20;

export function renderDeadLetters(
  dead: { writes: DeadWrite[]; jobs: DeadJob[]; totalWrites: number; totalJobs: number },
  now: Date,
): { text: string; blocks: KnownBlock[] } {
  if (dead.totalWrites + dead.totalJobs === 0) {
    const text = ":white_check_mark: No failed writes to Slack in this workspace.";
    return { text, blocks: [section(text)] };
  }
  const fix = (advice: string | null) => (advice ? `\n    ↳ _To fix:_ ${advice}` : "");
  const lines = [
    ...dead.writes
      .slice(0, DEAD_LIST_LIMIT)
      .map(
        (w) =>
          `• \`${w.method}\`${w.channel ? ` to ${mentionChannel(w.channel)}` : ""}, ${formatAge(w.at, now)} ago — Slack said \`${w.error.slice(0, 200)}\`${fix(w.advice)}`,
      ),
    ...dead.jobs
      .slice(0, DEAD_LIST_LIMIT)
      .map(
        (j) =>
          `• job \`${j.kind}\`, ${formatAge(j.at, now)} ago — \`${j.error.slice(0, 200)}\`${fix(j.advice)}${
            j.retryable ? "" : `\n    ↳ ${TOO_OLD_TO_RETRY}`
          }`,
      ),
  ];
  const shown = Math.min(dead.writes.length, DEAD_LIST_LIMIT) + Math.min(dead.jobs.length, DEAD_LIST_LIMIT);
  const total = dead.totalWrites + dead.totalJobs;
  const blocks: KnownBlock[] = [
    section(`*Failed deliveries to Slack (${total})*, newest first`),
    section(truncate(lines.join("\n"), SECTION_TEXT_LIMIT)),
  ];
  if (total > shown) blocks.push(context(`…and ${total - shown} more.`));
  blocks.push(
    context(
      "Fix the cause (invite the app to the channel, say), then `/delight-admin outbox retry` tries them all again.",
    ),
  );
  return { text: `Failed deliveries to Slack: ${total}`, blocks };
}

/** Why a dead job is not retried (see DEAD_JOB_RETRYABLE_MS). */
export const TOO_OLD_TO_RETRY =
  "too old to retry: Delight keeps the record of what it sent for 7 days, so running it again could post its messages twice. Do by hand what it was for.";

export function renderRetried(requeued: { writes: number; jobs: number; tooOld: number }): string {
  const total = requeued.writes + requeued.jobs;
  const old =
    requeued.tooOld > 0
      ? `\n:warning: ${requeued.tooOld} failed ${requeued.tooOld === 1 ? "job is" : "jobs are"} older than 6 days and ${requeued.tooOld === 1 ? "was" : "were"} not retried: Delight keeps the record of what it sent for 7 days, so running ${requeued.tooOld === 1 ? "it" : "them"} again could post messages twice. \`/delight-admin outbox\` lists ${requeued.tooOld === 1 ? "it" : "them"}.`
      : "";
  if (total === 0) {
    return `${requeued.tooOld > 0 ? ":information_source: Nothing could be tried again." : ":white_check_mark: Nothing had failed, so there is nothing to try again."}${old}`;
  }
  return `:repeat: Trying again: ${requeued.writes} ${requeued.writes === 1 ? "write" : "writes"} to Slack and ${requeued.jobs} follow-up ${requeued.jobs === 1 ? "job" : "jobs"}. \`/delight-admin outbox\` shows what still fails.${old}`;
}

export function renderSettings(
  settings: WorkspaceSettings,
  notice?: string,
  delivery?: string | null,
): { text: string; blocks: KnownBlock[] } {
  const managers = settings.managerIds.length > 0 ? settings.managerIds.map(mentionUser).join(", ") : NOT_SET;
  const digests =
    settings.digests.length > 0 ? settings.digests.map((d) => `• ${formatDigestSchedule(d)}`).join("\n") : NOT_SET;
  const blocks: KnownBlock[] = [];
  if (notice) blocks.push(section(notice));
  blocks.push(
    { type: "header", text: { type: "plain_text", text: "Delight settings" } },
    section(`*Managers* (approve recognition, get escalations)\n${managers}`),
    {
      type: "section",
      fields: [
        {
          type: "mrkdwn",
          text: `*Approvals channel*\n${settings.approvalsChannelId ? mentionChannel(settings.approvalsChannelId) : NOT_SET}`,
        },
        {
          type: "mrkdwn",
          text: `*Stories channel*\n${settings.storiesChannelId ? mentionChannel(settings.storiesChannelId) : NOT_SET}`,
        },
        {
          type: "mrkdwn",
          text: `*Dumb-rules channel*\n${settings.dumbRulesChannelId ? mentionChannel(settings.dumbRulesChannelId) : NOT_SET}`,
        },
        { type: "mrkdwn", text: `*Recovery deadline (SLA)*\n${formatDuration(settings.slaMinutes)}` },
        {
          type: "mrkdwn",
          text: `*Surprise budget per gesture*\n${settings.budget ? formatMoney(settings.budget.cents, settings.budget.currency) : "_no cap_"}`,
        },
      ],
    },
    section(`*Weekly digests*\n${digests}`),
    context(
      `Recovery reminders: ${formatReminders(settings.reminderOffsetsMinutes)}. Admins can change all of this in Delight's App Home → *Settings*, or with \`/delight-admin help\`.`,
    ),
  );
  if (delivery) blocks.push(section(delivery));
  const text = notice ? notice : "Delight settings";
  return { text, blocks };
}

export const ADMIN_HELP = [
  "*`/delight-admin`* — workspace settings (admins only)",
  "• `/delight-admin show` — current settings",
  "• `/delight-admin managers add @maria @li` / `managers remove @li` — who approves recognition",
  "• `/delight-admin channel approvals #delight-approvals` — where nominations wait for a manager",
  "• `/delight-admin channel stories #wins` — where approved stories are shared",
  "• `/delight-admin channel dumbrules #dumb-rules` — where `/dumbrule` posts rules for +1s and a manager's decision (named `/holdingback` answers go to the approvals channel)",
  "• `/delight-admin digest add #team friday 16:00 Europe/Paris` — weekly story digest (timezone optional: yours by default)",
  "• `/delight-admin digest list` — every digest and when it goes out next · `digest send #team` — post one now · `digest remove #team`",
  "• `/delight-admin sla 24h` — deadline for OOPS → WOW recoveries (`90m`, `24h`, `2d`)",
  "• `/delight-admin reminders 12h 2h` — when recovery owners are reminded before the deadline (`reminders default`: half-time and 2 hours before)",
  "• `/delight-admin budget 50 USD` — per-gesture cap for surprise ideas (`budget off` removes it)",
  "• `/delight-admin export stories [from] [to]` — approved stories as a CSV and a Markdown story book, sent to your DM (dates as `2026-01-31`)",
  "• `/delight-admin outbox` — messages Slack refused or that failed for good; `outbox retry` tries them again",
  SIGNALS_HELP,
  "• `/delight-admin retention` — how long data is kept · `retention holdingback 180d` / `retention cases 2y` / `retention signals 90d` to change it",
  "• `/delight-admin person @person export` — everything Delight stores about them, to your DM · `person @person erase` — remove them from Delight (asks first)",
  "• `/delight-admin audit [@person] [from] [to]` — who changed what and who decided what (the latest 50; longer ranges as a CSV to your DM)",
].join("\n");

/**
 * A reminder due earlier before the deadline than the whole SLA would fall before the case
 * was opened, so it is never sent: the admin is told, rather than left expecting it.
 */
export function remindersBeyondSla(offsetsMinutes: number[], slaMinutes: number): string | null {
  const never = offsetsMinutes.filter((minutes) => minutes >= slaMinutes);
  if (never.length === 0) return null;
  const all = never.length === offsetsMinutes.length;
  return `:warning: New recoveries are due ${formatDuration(slaMinutes)} after they are reported, so a reminder ${never.map((m) => formatDuration(m)).join(", ")} before the deadline would come before the case exists and is never sent${all ? ": owners get no reminder at all" : ""}. Use shorter times, or a longer SLA with \`/delight-admin sla …\`.`;
}
