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
  // Slack sends a literal < as &lt;, so a raw < opens a token; one that never closes is
  // escaped here, so no stored text can hold an unbalanced < that swallows what follows.
  const rest = escapeStrayAngles(text.slice(ownerMatch[0].length));
  const colon = separatorColon(rest);
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

/** Escapes < and > that are not part of a complete Slack token (<@U…>, <https://…|label>). */
function escapeStrayAngles(escaped: string): string {
  return escaped
    .split(/(<[^<>]*>)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("");
}

/**
 * The colon between customer and description: the first one outside Slack's <…> tokens,
 * since a link (<https://acme.com|acme.com>) or a date token has colons of its own.
 */
function separatorColon(text: string): number {
  let inToken = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "<") inToken = true;
    else if (ch === ">") inToken = false;
    else if (ch === ":" && !inToken) return i;
  }
  return -1;
}

/** Modal text → stored safe mrkdwn (see the convention at the top). */
export function storedFromPlain(plain: string): string {
  return escapeMrkdwn(plain.trim());
}

/** A web address (its length is checked separately, with its own message). */
export const httpUrl = z
  .string()
  .trim()
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

// ——— modal submissions ———
// Each returns the values to act on, or field errors keyed by block id (shown in the modal,
// which keeps what the person typed).

/** The part of a view's state these modals read (every input's action_id is "value"). */
export type ViewValues = Record<string, Record<string, unknown>>;
export type FieldErrors = Record<string, string>;
export type Submission<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const inputState = z.object({
  value: z.string().nullish(),
  selected_user: z.string().nullish(),
  selected_date_time: z.number().nullish(),
});

function readInput(values: ViewValues, blockId: string): z.infer<typeof inputState> {
  const parsed = inputState.safeParse(values[blockId]?.value ?? {});
  return parsed.success ? parsed.data : {};
}

const readText = (values: ViewValues, blockId: string): string => (readInput(values, blockId).value ?? "").trim();

function result<T>(errors: FieldErrors, value: T): Submission<T> {
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

export interface OpenCaseSubmission {
  ownerId: string;
  /** Stored safe mrkdwn. */
  customer: string;
  description: string;
  link: string | null;
  dueAt: Date | null;
}

export function parseOpenCaseSubmission(
  values: ViewValues,
  now: Date,
  blockIds: { owner: string; customer: string; description: string; link: string; deadline: string },
): Submission<OpenCaseSubmission> {
  const errors: FieldErrors = {};
  const ownerId = readInput(values, blockIds.owner).selected_user ?? "";
  const customer = readText(values, blockIds.customer);
  const description = readText(values, blockIds.description);
  const link = readText(values, blockIds.link);
  const deadline = readInput(values, blockIds.deadline).selected_date_time;
  if (!ownerId) errors[blockIds.owner] = "Pick who will fix it.";
  if (!customer) errors[blockIds.customer] = "Name the customer.";
  else if (customer.length > CUSTOMER_MAX) errors[blockIds.customer] = `Keep it under ${CUSTOMER_MAX} characters.`;
  if (!description) errors[blockIds.description] = "Say what went wrong.";
  else if (description.length > TEXT_MAX) errors[blockIds.description] = `Keep it under ${TEXT_MAX} characters.`;
  if (link.length > LINK_MAX) {
    errors[blockIds.link] = `That link is too long (over ${LINK_MAX} characters): use a shorter link to the same page.`;
  } else if (link && !httpUrl.safeParse(link).success) {
    errors[blockIds.link] = "Give a web address starting with https://.";
  }
  let dueAt: Date | null = null;
  if (deadline !== null && deadline !== undefined) {
    const checked = checkDeadline(deadline, now);
    if (checked.ok) dueAt = checked.dueAt;
    else errors[blockIds.deadline] = checked.problem;
  }
  return result(errors, {
    ownerId,
    customer: storedFromPlain(customer),
    description: storedFromPlain(description),
    link: link || null,
    dueAt,
  });
}

/** A required text field (stored safe mrkdwn) and an optional one (null when empty). */
export function parseTextSubmission(
  values: ViewValues,
  required: { blockId: string; problem: string },
  optionalBlockId?: string,
): Submission<{ text: string; optional: string | null }> {
  const text = readText(values, required.blockId);
  const optional = optionalBlockId ? readText(values, optionalBlockId) : "";
  const errors: FieldErrors = {};
  if (!text) errors[required.blockId] = required.problem;
  else if (text.length > TEXT_MAX) errors[required.blockId] = `Keep it under ${TEXT_MAX} characters.`;
  if (optionalBlockId && optional.length > TEXT_MAX) errors[optionalBlockId] = `Keep it under ${TEXT_MAX} characters.`;
  return result(errors, { text: storedFromPlain(text), optional: optional ? storedFromPlain(optional) : null });
}

/** The latest deadline the Extend modal suggests: inside the 30-day cap, with a minute to spare for the submit. */
export function suggestedExtension(currentDueAt: Date, now: Date): Date {
  // A day later than the current deadline, or than now when it has already passed…
  const dayLater = Math.max(currentDueAt.getTime(), now.getTime()) + 24 * 3_600_000;
  // …but never past the cap, or the suggestion itself would be refused (a 30-day SLA).
  const latest = now.getTime() + MAX_DEADLINE_MINUTES * 60_000 - 60 * 60_000;
  return new Date(Math.min(dayLater, latest));
}

export function parseExtendSubmission(
  values: ViewValues,
  now: Date,
  blockIds: { deadline: string; reason: string },
  currentDueAt: Date,
): Submission<{ dueAt: Date; reason: string }> {
  const errors: FieldErrors = {};
  const picked = readInput(values, blockIds.deadline).selected_date_time;
  const reason = readText(values, blockIds.reason);
  let checked = picked === null || picked === undefined ? null : checkDeadline(picked, now);
  if (checked?.ok && checked.dueAt.getTime() <= currentDueAt.getTime()) {
    // Extend only gives more time: an earlier pick would quietly shorten the deadline.
    checked = {
      ok: false,
      problem: `Pick a time after the current deadline (${currentDueAt.toISOString().slice(0, 16).replace("T", " ")} UTC): Extend can only give more time.`,
    };
  }
  if (!checked) errors[blockIds.deadline] = "Pick the new deadline.";
  else if (!checked.ok) errors[blockIds.deadline] = checked.problem;
  if (!reason) errors[blockIds.reason] = "Say why it needs more time: the managers see it.";
  else if (reason.length > TEXT_MAX) errors[blockIds.reason] = `Keep it under ${TEXT_MAX} characters.`;
  if (!checked?.ok) return { ok: false, errors };
  return result(errors, { dueAt: checked.dueAt, reason: storedFromPlain(reason) });
}

export function parseReassignSubmission(
  values: ViewValues,
  currentOwnerId: string,
  blockIds: { newOwner: string; note: string },
): Submission<{ newOwnerId: string; note: string | null }> {
  const errors: FieldErrors = {};
  const newOwnerId = readInput(values, blockIds.newOwner).selected_user ?? "";
  const note = readText(values, blockIds.note);
  if (!newOwnerId) errors[blockIds.newOwner] = "Pick the new owner.";
  else if (newOwnerId === currentOwnerId) errors[blockIds.newOwner] = "They already own this case: pick someone else.";
  if (note.length > TEXT_MAX) errors[blockIds.note] = `Keep it under ${TEXT_MAX} characters.`;
  return result(errors, { newOwnerId, note: note ? storedFromPlain(note) : null });
}
