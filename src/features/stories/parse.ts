// Parses `/delight stories …` text (Slack-escaped): `#value` tags, `@person` mentions,
// `last N days` (or weeks, months, or `7d`), and any other words as a customer to look for.
import { escapeMrkdwn, mentionedUserIds, plainFromSlack } from "../../slack/text.ts";
import { DELIGHT_VALUES, isDelightValue, type DelightValue } from "../nominations/parse.ts";
import type { StoriesFilter } from "./model.ts";

export const STORIES_USAGE =
  "Browse approved stories: `/delight stories [#listen #empathize #attention #delight #recovery] [@person] [customer] [last 30 days]`, for example `/delight stories #recovery last 7 days` or `/delight stories @alice Acme`.";

const PERIOD = /\b(?:last|past)\s+(\d{1,4})\s*(days?|d|weeks?|w|months?|m)\b|\b(\d{1,4})\s*(d|w)\b/i;

export function parseStoriesFilter(
  escapedText: string,
): { ok: true; filter: StoriesFilter } | { ok: false; problem: string } {
  let rest = escapedText.trim();
  let days: number | null = null;
  const period = PERIOD.exec(rest);
  if (period) {
    const amount = Number(period[1] ?? period[3]);
    const unit = (period[2] ?? period[4] ?? "d").toLowerCase()[0];
    days = unit === "w" ? amount * 7 : unit === "m" ? amount * 30 : amount;
    if (days < 1 || days > 3660)
      return { ok: false, problem: "Give a period between 1 day and 10 years, such as `last 30 days`." };
    rest = rest.replace(period[0], " ");
  }
  const personIds = mentionedUserIds(rest);
  if (personIds.length > 10) return { ok: false, problem: "Name at most 10 people." };
  rest = rest.replace(/<@[UW][A-Z0-9]+(?:\|[^>]*)?>/g, " ");

  const values = new Set<DelightValue>();
  for (const match of rest.matchAll(/(^|\s)#([A-Za-z]+)\b/g)) {
    const tag = (match[2] ?? "").toLowerCase();
    if (!isDelightValue(tag)) {
      return {
        ok: false,
        problem: `“#${escapeMrkdwn(tag)}” isn't one of the values. Use ${DELIGHT_VALUES.map((v) => `\`#${v}\``).join(", ")}.`,
      };
    }
    values.add(tag);
  }
  rest = rest.replace(/(^|\s)#[A-Za-z]+\b/g, " ");
  // Channel links and @-words that Slack did not link are not customers.
  const customer = plainFromSlack(rest.replace(/<[^<>]*>/g, " "))
    .replace(/\s+/g, " ")
    .trim();
  if (customer.length > 100) return { ok: false, problem: "Keep the customer under 100 characters." };
  return {
    ok: true,
    filter: {
      values: DELIGHT_VALUES.filter((v) => values.has(v)),
      personIds,
      customer: customer || null,
      days,
    },
  };
}

/** "#recovery · @alice · “Acme” · last 7 days", or "all approved stories". */
export function describeFilter(filter: StoriesFilter): string {
  const parts = [
    ...filter.values.map((v) => `#${v}`),
    ...filter.personIds.map((id) => `<@${id}>`),
    filter.customer ? `customer “${escapeMrkdwn(filter.customer)}”` : null,
    filter.days ? `last ${filter.days} ${filter.days === 1 ? "day" : "days"}` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : "all approved stories";
}
