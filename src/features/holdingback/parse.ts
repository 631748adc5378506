// Reads the /holdingback modal and the managers' reply modal (plain text values).
import { CATEGORIES, isCategory, type Category } from "./model.ts";

export const FIELDS = {
  text: "holdingback_text",
  category: "holdingback_category",
  anonymous: "holdingback_anonymous",
  reply: "holdingback_reply",
} as const;
export const ANONYMOUS_OPTION = "anonymous";
export const MAX_ANSWER_LENGTH = 2000;
export const MAX_REPLY_LENGTH = 2000;

type ViewValues = Record<string, Record<string, unknown>>;
export type FieldErrors = Record<string, string>;
export type SubmissionParse<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

function stateOf(values: ViewValues, blockId: string): Record<string, unknown> {
  const state = values[blockId]?.input;
  return typeof state === "object" && state !== null ? (state as Record<string, unknown>) : {};
}

function textOf(values: ViewValues, blockId: string): string {
  const value = stateOf(values, blockId).value;
  return typeof value === "string" ? value.trim() : "";
}

export interface AnswerInput {
  text: string;
  category: Category;
  anonymous: boolean;
}

export function parseAnswerSubmission(values: ViewValues): SubmissionParse<AnswerInput> {
  const text = textOf(values, FIELDS.text);
  const selected = (stateOf(values, FIELDS.category).selected_option as { value?: unknown } | null | undefined)?.value;
  const options = stateOf(values, FIELDS.anonymous).selected_options;
  const anonymous =
    Array.isArray(options) && options.some((o) => (o as { value?: unknown } | null)?.value === ANONYMOUS_OPTION);
  const errors: FieldErrors = {};
  if (text === "")
    errors[FIELDS.text] = "Say what gets in the way, for example “I can't refund more than $20 without a manager”.";
  else if (text.length > MAX_ANSWER_LENGTH) errors[FIELDS.text] = `Keep it under ${MAX_ANSWER_LENGTH} characters.`;
  if (typeof selected !== "string" || !isCategory(selected)) {
    errors[FIELDS.category] = `Pick the closest category (${CATEGORIES.join(", ")}).`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { text, category: selected as Category, anonymous } };
}

export function parseReplySubmission(values: ViewValues): SubmissionParse<string> {
  const text = textOf(values, FIELDS.reply);
  if (text === "") return { ok: false, errors: { [FIELDS.reply]: "Write your answer to them." } };
  if (text.length > MAX_REPLY_LENGTH) {
    return { ok: false, errors: { [FIELDS.reply]: `Keep it under ${MAX_REPLY_LENGTH} characters.` } };
  }
  return { ok: true, value: text };
}
