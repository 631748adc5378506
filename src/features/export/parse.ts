// Parses the dates of `/delight-admin export stories [from] [to]` (YYYY-MM-DD, real calendar
// dates). The admin command's parser hands over the words after "export".
import { escapeMrkdwn, plainFromSlack } from "../../slack/text.ts";
import type { CalendarDate } from "./model.ts";

export const EXPORT_EXAMPLE =
  "For example: `/delight-admin export stories` (everything), `/delight-admin export stories 2026-01-01` (from then until today) or `/delight-admin export stories 2026-01-01 2026-03-31`.";

export type ExportRequest =
  { ok: true; from: CalendarDate | null; to: CalendarDate | null } | { ok: false; problem: string };

export function parseCalendarDate(word: string): CalendarDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(word);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  if (year < 2000 || year > 2999) return null;
  return { year, month, day };
}

export function formatCalendarDate(date: CalendarDate): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

const compare = (a: CalendarDate, b: CalendarDate) => a.year - b.year || a.month - b.month || a.day - b.day;

/** `words`: what follows "export" (Slack-escaped), for example ["stories", "2026-01-01"]. */
export function parseExportRequest(words: string[]): ExportRequest {
  const [what, ...dates] = words;
  if ((what ?? "").toLowerCase() !== "stories") {
    return { ok: false, problem: `Say what to export: \`export stories [from] [to]\`. ${EXPORT_EXAMPLE}` };
  }
  if (dates.length > 2) {
    return {
      ok: false,
      problem: `Give at most two dates, the first and the last day. ${EXPORT_EXAMPLE}`,
    };
  }
  const parsed: CalendarDate[] = [];
  for (const word of dates) {
    const date = parseCalendarDate(word);
    if (!date) {
      return {
        ok: false,
        problem: `“${escapeMrkdwn(plainFromSlack(word))}” isn't a date I can read. Write dates as YYYY-MM-DD, such as \`2026-03-31\`. ${EXPORT_EXAMPLE}`,
      };
    }
    parsed.push(date);
  }
  const [from = null, to = null] = parsed;
  if (from && to && compare(from, to) > 0) {
    return {
      ok: false,
      problem: `The first day (${formatCalendarDate(from)}) is after the last day (${formatCalendarDate(to)}). Put the earlier date first. ${EXPORT_EXAMPLE}`,
    };
  }
  return { ok: true, from, to };
}
