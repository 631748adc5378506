// `/delight recap [@person] [from] [to]`: an optional person (yourself when none), then up to
// two dates (YYYY-MM-DD, the first and last day, inclusive). Dates are checked with zod: a real
// calendar date, the first not after the last.
import { z } from "zod";
import { escapeMrkdwn, mentionedUserIds, plainFromSlack } from "../../slack/text.ts";
import { formatCalendarDate, parseCalendarDate } from "../export/parse.ts";
import type { CalendarDate } from "../export/model.ts";

export const RECAP_EXAMPLE =
  "For example: `/delight recap` (your last 12 months), `/delight recap 2026-01-01 2026-06-30`, or for managers `/delight recap @alex 2026-01-01`.";

const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Write dates as YYYY-MM-DD, such as `2026-03-31`.")
  .transform((word, ctx) => {
    const date = parseCalendarDate(word);
    if (!date) {
      ctx.addIssue({ code: "custom", message: "That day doesn't exist in the calendar." });
      return z.NEVER;
    }
    return date;
  });

const compare = (a: CalendarDate, b: CalendarDate) => a.year - b.year || a.month - b.month || a.day - b.day;

const recapDates = z
  .array(calendarDay)
  .max(2, "Give at most two dates, the first and the last day.")
  .refine(([from, to]) => !from || !to || compare(from, to) <= 0, "Put the earlier date first.");

export interface RecapRequest {
  /** Null: the person asking. */
  userId: string | null;
  from: CalendarDate | null;
  to: CalendarDate | null;
}

/** `words`: what follows "recap" (Slack-escaped). */
export function parseRecapRequest(
  words: string[],
): { ok: true; request: RecapRequest } | { ok: false; problem: string } {
  let userId: string | null = null;
  let rest = words;
  const [mentioned] = mentionedUserIds(words[0] ?? "");
  if (mentioned) {
    userId = mentioned;
    rest = words.slice(1);
  }
  const parsed = recapDates.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const index = typeof issue?.path[0] === "number" ? issue.path[0] : null;
    const word = index !== null ? rest[index] : null;
    const about = word ? `“${escapeMrkdwn(plainFromSlack(word))}”: ` : "";
    const hint =
      word && mentionedUserIds(word).length > 0
        ? "Name the person first, then the dates."
        : (issue?.message ?? "Write dates as YYYY-MM-DD.");
    return { ok: false, problem: `${about}${hint} ${RECAP_EXAMPLE}` };
  }
  const [from = null, to = null] = parsed.data;
  return { ok: true, request: { userId, from, to } };
}

export function describeRange(from: CalendarDate | null, to: CalendarDate | null, defaultFrom: string): string {
  return `${from ? formatCalendarDate(from) : defaultFrom} to ${to ? formatCalendarDate(to) : "today"}`;
}
