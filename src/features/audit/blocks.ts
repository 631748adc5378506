// How audit entries read: in Slack (the latest 50) and in the CSV (every entry of a range).
import type { webApi } from "@slack/bolt";
import { cutText, escapeMrkdwn } from "../../slack/text.ts";
import { formatCalendarDate } from "../export/parse.ts";
import { AUDIT_SHOWN, type AuditEntryView, type AuditQuery, type AuditValue } from "./model.ts";

const SLACK_ID = /^[UWB][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** A Slack user as a mention; Delight itself or an erased person's tombstone as plain words. */
export function personLabel(id: string): string {
  if (SLACK_ID.test(id)) return `<@${id}>`;
  if (id === "delight") return "Delight";
  return escapeMrkdwn(id.startsWith("erased-") ? "a former colleague" : id);
}

function valueText(value: AuditValue): string {
  if (value === null) return "none";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** "slaMinutes: 1440 → 120; budgetCents: none → 5000". */
export function changeText(entry: Pick<AuditEntryView, "before" | "after">): string {
  const keys = [...new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})])];
  return keys
    .map((key) => {
      const hasBefore = entry.before && key in entry.before;
      const hasAfter = entry.after && key in entry.after;
      const before = hasBefore ? valueText(entry.before?.[key] ?? null) : null;
      const after = hasAfter ? valueText(entry.after?.[key] ?? null) : null;
      if (before !== null && after !== null) return `${key}: ${before} → ${after}`;
      return `${key}: ${before ?? after ?? ""}`;
    })
    .join("; ");
}

const stamp = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function targetText(target: string | null): string {
  if (!target) return "";
  return CHANNEL_ID.test(target) ? ` <#${target}>` : ` \`${escapeMrkdwn(cutText(target, 60))}\``;
}

export function entryLine(entry: AuditEntryView): string {
  const about = entry.subjectIds.length > 0 ? ` about ${entry.subjectIds.map(personLabel).join(", ")}` : "";
  const change = changeText(entry);
  return `• \`${stamp(entry.createdAt)}\` ${personLabel(entry.actorId)} *${escapeMrkdwn(entry.action)}*${targetText(entry.target)}${about}${change ? `: ${escapeMrkdwn(cutText(change, 300))}` : ""}`;
}

export function queryLabel(query: AuditQuery): string {
  const parts: string[] = [];
  if (query.userId) parts.push(`by or about <@${query.userId}>`);
  if (query.from && query.to) parts.push(`from ${formatCalendarDate(query.from)} to ${formatCalendarDate(query.to)}`);
  else if (query.from) parts.push(`since ${formatCalendarDate(query.from)}`);
  else if (query.to) parts.push(`up to ${formatCalendarDate(query.to)}`);
  return parts.join(" ");
}

export function renderAudit(
  entries: AuditEntryView[],
  total: number,
  query: AuditQuery,
): { text: string; blocks: webApi.KnownBlock[] } {
  const label = queryLabel(query);
  if (entries.length === 0) {
    const text = `:scroll: The audit log has no entries${label ? ` ${label}` : ""} yet.`;
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
  }
  const heading =
    total > entries.length
      ? `:scroll: *Audit log*${label ? ` ${label}` : ""}: the latest ${entries.length} of ${total} entries, newest first. I'm sending all ${total} to our DM as a CSV.`
      : `:scroll: *Audit log*${label ? ` ${label}` : ""}: ${total} ${total === 1 ? "entry" : "entries"}, newest first.`;
  const blocks: webApi.KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text: heading } }];
  // Ten entries per section: each line is at most ~500 characters, under the 3,000 limit.
  for (let i = 0; i < entries.length && blocks.length < 49; i += 10) {
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: cutText(
          entries
            .slice(i, i + 10)
            .map(entryLine)
            .join("\n"),
          3000,
        ),
      },
    });
  }
  return { text: `Audit log: ${Math.min(entries.length, AUDIT_SHOWN)} of ${total} entries`, blocks };
}

export const AUDIT_CSV_COLUMNS = ["time_utc", "actor", "action", "target", "subjects", "before", "after"] as const;

export function auditCsvRow(entry: AuditEntryView): string[] {
  return [
    entry.createdAt.toISOString(),
    entry.actorId,
    entry.action,
    entry.target ?? "",
    entry.subjectIds.join(" "),
    entry.before ? JSON.stringify(entry.before) : "",
    entry.after ? JSON.stringify(entry.after) : "",
  ];
}
