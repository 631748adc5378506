// Parses `/oops` text and the recovery modals' inputs.
//
// Stored-text convention (RecoveryCase.customer/description/fixSummary/surpriseGiven,
// RecoveryEvent.text): the database holds *safe mrkdwn* — user mentions the author really
// made are kept as <@U…>, everything else is escaped (no broadcasts, no disguised links).
// Slash-command text goes through `mrkdwnFromSlack`, modal text through `escapeMrkdwn`, here at
// the edge and nowhere else; blocks render stored text as is, and `plainFromSlack(stored)`
// gives plain text back (plain_text fields, exports, model prompts).
import { z } from "zod";
import { escapeMrkdwn, mentionedUserIds, mrkdwnFromSlack } from "../../slack/text.ts";

export const CUSTOMER_MAX = 150;
export const TEXT_MAX = 2000;
export const LINK_MAX = 500;
/** The latest deadline anyone can set, counted from now. */
export const MAX_DEADLINE_MINUTES = 30 * 24 * 60;

export type OopsCommand =
  | { kind: "modal" }
  | { kind: "help" }
  | { kind: "list"; all: boolean }
  | { kind: "open"; ownerId: string; customer: string; description: string };

export type OopsParseResult = { ok: true; command: OopsCommand } | { ok: false; problem: string };

const USER_HINT = "Type `@` and pick the owner from the list so Slack links them.";
const SHAPE_HINT = "Use `/oops @owner Customer name: what went wrong`.";

/** Parses Slack-escaped `/oops` text. */
export function parseOopsCommand(escapedText: string): OopsParseResult {
  const text = escapedText.trim();
  if (text === "") return { ok: true, command: { kind: "modal" } };
  const words = text.toLowerCase().split(/\s+/);
  if (words.length === 1 && (words[0] === "help" || words[0] === "?")) return { ok: true, command: { kind: "help" } };
  if (words[0] === "list") {
    if (words.length === 1) return { ok: true, command: { kind: "list", all: false } };
    if (words.length === 2 && words[1] === "all") return { ok: true, command: { kind: "list", all: true } };
    return { ok: false, problem: "Say `/oops list` for your open cases, or `/oops list all` (managers)." };
  }

  const ownerMatch = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*/.exec(text);
  if (!ownerMatch) {
    const mentioned = mentionedUserIds(text).length > 0;
    return {
      ok: false,
      problem: mentioned
        ? `Start with the owner of the recovery. ${SHAPE_HINT}`
        : `Who will fix it? Name the owner first. ${USER_HINT} ${SHAPE_HINT}`,
    };
  }
  const ownerId = ownerMatch[1] as string;
  const rest = text.slice(ownerMatch[0].length);
  const colon = rest.indexOf(":");
  const customer = colon >= 0 ? rest.slice(0, colon).trim() : "";
  const description = colon >= 0 ? rest.slice(colon + 1).trim() : "";
  if (colon < 0 || customer === "") {
    return {
      ok: false,
      problem: `Name the customer, then a colon, then what went wrong. ${SHAPE_HINT}`,
    };
  }
  if (description === "") return { ok: false, problem: `Say what went wrong after the colon. ${SHAPE_HINT}` };
  if (customer.length > CUSTOMER_MAX) {
    return { ok: false, problem: `Keep the customer's name under ${CUSTOMER_MAX} characters. ${SHAPE_HINT}` };
  }
  if (description.length > TEXT_MAX) {
    return {
      ok: false,
      problem: `That description is too long (over ${TEXT_MAX} characters). Shorten it, or use \`/oops\` alone for the form.`,
    };
  }
  return {
    ok: true,
    command: {
      kind: "open",
      ownerId,
      customer: mrkdwnFromSlack(customer),
      description: mrkdwnFromSlack(description),
    },
  };
}

/** Modal text → stored safe mrkdwn (see the convention at the top). */
export function storedFromPlain(plain: string): string {
  return escapeMrkdwn(plain.trim());
}

export const httpUrl = z
  .string()
  .trim()
  .max(LINK_MAX)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:";
    } catch {
      return false;
    }
  });

export type DeadlineCheck = { ok: true; dueAt: Date } | { ok: false; problem: string };

/** A deadline a person picked: it must be in the future and within 30 days. */
export function checkDeadline(unixSeconds: number, now: Date): DeadlineCheck {
  const dueAt = new Date(unixSeconds * 1000);
  if (!Number.isFinite(dueAt.getTime())) return { ok: false, problem: "Pick a date and a time." };
  if (dueAt.getTime() <= now.getTime() + 60_000) {
    return { ok: false, problem: "That deadline is in the past. Pick a time later than now." };
  }
  if (dueAt.getTime() > now.getTime() + MAX_DEADLINE_MINUTES * 60_000) {
    return { ok: false, problem: "Pick a deadline within the next 30 days: a recovery only works when it is fast." };
  }
  return { ok: true, dueAt };
}
