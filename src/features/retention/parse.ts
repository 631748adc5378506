// `/delight-admin retention [holdingback|cases|signals <duration>]`: durations in days, weeks or years
// ("365", "90d", "12w", "2y").
import type { RetentionKind } from "./service.ts";

export type RetentionRequest = { op: "show" } | { op: "set"; kind: RetentionKind; days: number };

export const MIN_RETENTION_DAYS = 7;
export const MAX_RETENTION_DAYS = 10 * 365;
const KINDS: Record<string, RetentionKind> = {
  holdingback: "holdingBackDays",
  cases: "caseTextDays",
  signals: "signalDays",
};
export const RETENTION_HELP =
  "Say `retention` to see the limits, or `retention holdingback 180d` / `retention cases 2y` / `retention signals 90d` to set one (days `d`, weeks `w` or years `y`, from 7 days to 10 years).";

export function parseRetentionDays(word: string): number | null {
  const match = /^(\d{1,5})\s*(d|days?|w|weeks?|y|years?)?$/i.exec(word.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const unit = (match[2] ?? "d").toLowerCase()[0];
  return unit === "w" ? value * 7 : unit === "y" ? value * 365 : value;
}

export function parseRetentionRequest(
  words: string[],
): { ok: true; request: RetentionRequest } | { ok: false; problem: string } {
  if (words.length === 0) return { ok: true, request: { op: "show" } };
  const kind = KINDS[(words[0] ?? "").toLowerCase()];
  const days = words.length === 2 ? parseRetentionDays(words[1] ?? "") : null;
  if (!kind || days === null) return { ok: false, problem: RETENTION_HELP };
  if (days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) return { ok: false, problem: RETENTION_HELP };
  return { ok: true, request: { op: "set", kind, days } };
}

export function renderRetention(
  policy: { holdingBackDays: number; caseTextDays: number; signalDays: number },
  notice?: string,
): string {
  return [
    notice,
    "*How long Delight keeps data*",
    `• /holdingback answers and their replies: *${policy.holdingBackDays} days* after they were sent (\`retention holdingback …\`)`,
    `• Closed recovery cases' descriptions, fixes and customer updates: *${policy.caseTextDays} days* after the case was closed; the case, its dates and outcome stay for the figures (\`retention cases …\`)`,
    `• Customer signals' stored fields (customer, score, comment): *${policy.signalDays} days* after they were received; the event id, dates and outcome stay, so a replay still does nothing (\`retention signals …\`)`,
    "• Finished background work and sent Slack messages: 7 days",
    "Limits are applied every hour.",
  ]
    .filter(Boolean)
    .join("\n");
}
