// Parses the words after `/delight-admin audit`: an optional @person, then up to two dates
// (YYYY-MM-DD, the first and last day, inclusive).
import { escapeMrkdwn, mentionedUserIds, plainFromSlack } from "../../slack/text.ts";
import { formatCalendarDate, parseCalendarDate } from "../export/parse.ts";
import type { CalendarDate } from "../export/model.ts";
import type { AuditQuery } from "./model.ts";

export const AUDIT_EXAMPLE =
  "For example: `/delight-admin audit` (the latest 50), `/delight-admin audit @maria`, or `/delight-admin audit 2026-01-01 2026-03-31`.";

const compare = (a: CalendarDate, b: CalendarDate) => a.year - b.year || a.month - b.month || a.day - b.day;

export function parseAuditRequest(words: string[]): { ok: true; query: AuditQuery } | { ok: false; problem: string } {
  let userId: string | null = null;
  const dates: CalendarDate[] = [];
  for (const word of words) {
    const [mentioned] = mentionedUserIds(word);
    if (mentioned && userId === null && dates.length === 0) {
      userId = mentioned;
      continue;
    }
    const date = parseCalendarDate(word);
    if (!date || dates.length === 2) {
      return {
        ok: false,
        problem: `I didn't understand “${escapeMrkdwn(plainFromSlack(word))}”. Name at most one person (type \`@\` and pick them), then up to two dates as YYYY-MM-DD. ${AUDIT_EXAMPLE}`,
      };
    }
    dates.push(date);
  }
  const [from = null, to = null] = dates;
  if (from && to && compare(from, to) > 0) {
    return {
      ok: false,
      problem: `The first day (${formatCalendarDate(from)}) is after the last day (${formatCalendarDate(to)}). Put the earlier date first. ${AUDIT_EXAMPLE}`,
    };
  }
  return { ok: true, query: { userId, from, to } };
}
