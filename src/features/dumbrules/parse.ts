// Parses `/dumbrule` text (Slack-escaped) and the dumb-rule modals' values (plain text).
import { plainFromSlack } from "../../slack/text.ts";

export const MAX_RULE_LENGTH = 300;
export const MAX_WHY_LENGTH = 1500;
export const MAX_NOTE_LENGTH = 1500;

export type DumbRuleCommand =
  { kind: "help" } | { kind: "modal" } | { kind: "list" } | { kind: "report"; rule: string; why: string };

export type CommandParse = { ok: true; command: DumbRuleCommand } | { ok: false; problem: string };

export const RULE_EXAMPLE =
  "`/dumbrule Refunds need the original receipt: customers who lost it leave angry and never come back`";

/**
 * "<rule>: <why it hurts customers>". The first colon splits them (a rule rarely has one;
 * the why may have more). Text is kept as plain text: it is escaped whenever it is shown.
 */
export function parseDumbRuleCommand(escapedText: string): CommandParse {
  const text = escapedText.trim();
  const word = text.toLowerCase();
  if (text === "") return { ok: true, command: { kind: "modal" } };
  if (word === "help" || word === "?") return { ok: true, command: { kind: "help" } };
  if (word === "list") return { ok: true, command: { kind: "list" } };
  const plain = plainFromSlack(text);
  const colon = plain.indexOf(":");
  const rule = (colon >= 0 ? plain.slice(0, colon) : plain).trim();
  const why = colon >= 0 ? plain.slice(colon + 1).trim() : "";
  if (rule === "")
    return { ok: false, problem: "Start with the rule itself, then a colon and why it hurts customers." };
  if (why === "") {
    return {
      ok: false,
      problem:
        "Add a colon after the rule and say why it hurts customers: that is what convinces a manager to kill it.",
    };
  }
  if (rule.length > MAX_RULE_LENGTH) {
    return {
      ok: false,
      problem: `Keep the rule itself under ${MAX_RULE_LENGTH} characters; put the detail after the colon.`,
    };
  }
  if (why.length > MAX_WHY_LENGTH) return { ok: false, problem: `Keep the why under ${MAX_WHY_LENGTH} characters.` };
  return { ok: true, command: { kind: "report", rule, why } };
}

export type ViewValues = Record<string, Record<string, unknown>>;
export type FieldErrors = Record<string, string>;
export type SubmissionParse<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** The text of a plain_text_input block (action id "input"), trimmed; "" when empty. */
export function textOf(values: ViewValues, blockId: string): string {
  const state = values[blockId]?.input as { value?: unknown } | undefined;
  return typeof state?.value === "string" ? state.value.trim() : "";
}

export const RULE_FIELDS = { rule: "dumbrule_rule", why: "dumbrule_why" } as const;
export const NOTE_FIELD = "dumbrule_note";

export function parseRuleSubmission(values: ViewValues): SubmissionParse<{ rule: string; why: string }> {
  const rule = textOf(values, RULE_FIELDS.rule);
  const why = textOf(values, RULE_FIELDS.why);
  const errors: FieldErrors = {};
  if (rule === "") errors[RULE_FIELDS.rule] = "Name the rule, for example “Refunds need the original receipt”.";
  else if (rule.length > MAX_RULE_LENGTH) errors[RULE_FIELDS.rule] = `Keep it under ${MAX_RULE_LENGTH} characters.`;
  if (why === "") errors[RULE_FIELDS.why] = "Say why it hurts customers: that is what convinces a manager.";
  else if (why.length > MAX_WHY_LENGTH) errors[RULE_FIELDS.why] = `Keep it under ${MAX_WHY_LENGTH} characters.`;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: { rule, why } };
}

export function parseNoteSubmission(values: ViewValues, problem: string): SubmissionParse<string> {
  const note = textOf(values, NOTE_FIELD);
  if (note === "") return { ok: false, errors: { [NOTE_FIELD]: problem } };
  if (note.length > MAX_NOTE_LENGTH) {
    return { ok: false, errors: { [NOTE_FIELD]: `Keep it under ${MAX_NOTE_LENGTH} characters.` } };
  }
  return { ok: true, value: note };
}
