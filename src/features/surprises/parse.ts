// Parses `/surprise` text and the surprise forms. Text is kept as plain text (the customer
// record, the request's context): it is escaped whenever it is shown and redacted whenever
// it is sent to a model.
import { z } from "zod";
import { cutText, plainFromSlack } from "../../slack/text.ts";
import { CUSTOMER_NAME_MAX, NOTE_MAX } from "../customers/model.ts";
import { OCCASIONS, type Occasion } from "./model.ts";

export const CONTEXT_MAX = 2000;
export const TIER_MAX = 40;
/** The form's interests: at most this many, each at most INTEREST_MAX characters. */
export const INTERESTS_MAX = 15;
export const INTEREST_MAX = 40;
export const INTERESTS_INPUT_MAX = INTERESTS_MAX * (INTEREST_MAX + 2);

export type SurpriseCommand =
  | { kind: "modal" }
  | { kind: "help" }
  | { kind: "customer"; name: string }
  | { kind: "note"; name: string; text: string }
  | { kind: "tier"; name: string; tier: string | null }
  | { kind: "suggest"; customer: string; context: string };

export type SurpriseParseResult = { ok: true; command: SurpriseCommand } | { ok: false; problem: string };

const SHAPE =
  "Use `/surprise Customer name: what happened`, for example `/surprise Acme Corp: their order arrived late twice`.";

/** The first colon: "Customer: context". */
function splitAtColon(text: string): [string, string] | null {
  const colon = text.indexOf(":");
  return colon < 0 ? null : [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

/** Parses Slack-escaped `/surprise` text. */
export function parseSurpriseCommand(escapedText: string): SurpriseParseResult {
  const text = plainFromSlack(escapedText).trim();
  if (text === "") return { ok: true, command: { kind: "modal" } };
  if (/^(help|\?)$/i.test(text)) return { ok: true, command: { kind: "help" } };

  const customerMatch = /^customer\s+(.+)$/is.exec(text);
  if (customerMatch && !text.includes(":")) {
    const name = (customerMatch[1] ?? "").trim();
    if (name.length > CUSTOMER_NAME_MAX)
      return { ok: false, problem: `Customer names are at most ${CUSTOMER_NAME_MAX} characters.` };
    return { ok: true, command: { kind: "customer", name } };
  }
  if (/^customer$/i.test(text)) return { ok: false, problem: "Which customer? Use `/surprise customer Acme Corp`." };

  const noteMatch = /^note\s+(.+)$/is.exec(text);
  if (noteMatch) {
    const parts = splitAtColon(noteMatch[1] ?? "");
    if (!parts || !parts[0] || !parts[1]) {
      return {
        ok: false,
        problem:
          "Name the customer, then a colon, then the note: `/surprise note Acme Corp: loves oat-milk flat whites`.",
      };
    }
    if (parts[0].length > CUSTOMER_NAME_MAX)
      return { ok: false, problem: `Customer names are at most ${CUSTOMER_NAME_MAX} characters.` };
    if (parts[1].length > NOTE_MAX)
      return { ok: false, problem: `Notes are at most ${NOTE_MAX} characters; split it in two.` };
    return { ok: true, command: { kind: "note", name: parts[0], text: parts[1] } };
  }

  const tierMatch = /^tier\s+(.+)$/is.exec(text);
  if (tierMatch) {
    const parts = splitAtColon(tierMatch[1] ?? "");
    if (!parts || !parts[0] || !parts[1] || parts[1].length > TIER_MAX) {
      return {
        ok: false,
        problem: `Name the customer, a colon, then the tier (up to ${TIER_MAX} characters, or \`none\`): \`/surprise tier Acme Corp: gold\`.`,
      };
    }
    if (parts[0].length > CUSTOMER_NAME_MAX)
      return { ok: false, problem: `Customer names are at most ${CUSTOMER_NAME_MAX} characters.` };
    const tier = /^(none|-|off)$/i.test(parts[1]) ? null : parts[1];
    return { ok: true, command: { kind: "tier", name: parts[0], tier } };
  }

  const parts = splitAtColon(text) ?? [text, ""];
  const [customer, context] = parts;
  if (customer === "") return { ok: false, problem: `Name the customer before the colon. ${SHAPE}` };
  if (customer.length > CUSTOMER_NAME_MAX) {
    return {
      ok: false,
      problem: `Keep the customer's name under ${CUSTOMER_NAME_MAX} characters and put a colon after it. ${SHAPE}`,
    };
  }
  if (context.length > CONTEXT_MAX) {
    return {
      ok: false,
      problem: `That's over ${CONTEXT_MAX} characters. Shorten it, or use \`/surprise\` alone for the form.`,
    };
  }
  return { ok: true, command: { kind: "suggest", customer, context } };
}

// ——— the request form ———

export const REQUEST_FIELDS = {
  customer: "surprise_customer",
  occasion: "surprise_occasion",
  context: "surprise_context",
  interests: "surprise_interests",
  budget: "surprise_budget",
} as const;
export const USE_FIELDS = { cost: "surprise_cost", what: "surprise_what" } as const;
/** Every input's action_id in the surprise forms. */
export const INPUT_ACTION = "value";

type ViewValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value?: string } | null }>
>;

const field = (values: ViewValues, block: string) => values[block]?.[INPUT_ACTION];

/** "30", "30.50", "€30", "30 EUR" → minor units; null when empty; NaN when unreadable. */
export function parseAmount(text: string | null | undefined): number | null {
  const cleaned = (text ?? "").trim();
  if (cleaned === "") return null;
  const match = /^[^\d-]{0,3}\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*[A-Za-z$€£¥]{0,3}$/.exec(cleaned);
  if (!match) return Number.NaN;
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}

export interface RequestDraft {
  customer: string;
  occasion: Occasion | null;
  context: string;
  interests: string[];
  budgetCents: number | null;
}

export function readRequestForm(
  values: ViewValues,
): { ok: true; draft: RequestDraft } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const customer = (field(values, REQUEST_FIELDS.customer)?.value ?? "").trim();
  if (customer === "") errors[REQUEST_FIELDS.customer] = "Who is the surprise for?";
  else if (customer.length > CUSTOMER_NAME_MAX)
    errors[REQUEST_FIELDS.customer] = `At most ${CUSTOMER_NAME_MAX} characters.`;
  const occasionValue = field(values, REQUEST_FIELDS.occasion)?.selected_option?.value;
  const occasion = z.enum(OCCASIONS).safeParse(occasionValue);
  const context = (field(values, REQUEST_FIELDS.context)?.value ?? "").trim();
  if (context.length > CONTEXT_MAX) errors[REQUEST_FIELDS.context] = `At most ${CONTEXT_MAX} characters.`;
  const interests = (field(values, REQUEST_FIELDS.interests)?.value ?? "")
    .split(/[,;\n]/)
    .map((i) => i.trim().replace(/\s+/g, " ").toLowerCase())
    .filter(Boolean);
  const tooLong = interests.find((i) => i.length > INTEREST_MAX);
  if (tooLong) {
    errors[REQUEST_FIELDS.interests] =
      `Keep each interest under ${INTEREST_MAX} characters (“${cutText(tooLong, 24)}” is longer); separate them with commas.`;
  } else if (interests.length > INTERESTS_MAX) {
    errors[REQUEST_FIELDS.interests] = `At most ${INTERESTS_MAX} interests; keep the ones that matter most.`;
  }
  const budgetCents = parseAmount(field(values, REQUEST_FIELDS.budget)?.value);
  if (budgetCents !== null && (!Number.isFinite(budgetCents) || budgetCents <= 0)) {
    errors[REQUEST_FIELDS.budget] = "Give an amount such as 30 or 30.50, or leave it empty for the workspace budget.";
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    draft: { customer, occasion: occasion.success ? occasion.data : null, context, interests, budgetCents },
  };
}

export function readUseForm(
  values: ViewValues,
): { ok: true; costCents: number | null; what: string | null } | { ok: false; errors: Record<string, string> } {
  const costCents = parseAmount(field(values, USE_FIELDS.cost)?.value);
  if (costCents !== null && !Number.isFinite(costCents)) {
    return {
      ok: false,
      errors: { [USE_FIELDS.cost]: "Give the actual cost as an amount such as 25 or 25.90 (0 if it was free)." },
    };
  }
  const what = (field(values, USE_FIELDS.what)?.value ?? "").trim();
  if (what.length > 300) return { ok: false, errors: { [USE_FIELDS.what]: "At most 300 characters." } };
  return { ok: true, costCents, what: what || null };
}

/**
 * private_metadata of the forms: checked like any input. `issuedAtMs` is when the kept
 * response_url was issued (the app's clock): it expires 30 minutes later.
 */
export const requestFormMetadata = z
  .object({ responseUrl: z.string().url().optional(), issuedAtMs: z.number().optional() })
  .catch({});
export const useFormMetadata = z.object({
  requestId: z.string().min(1),
  index: z.number().int().min(0).max(9),
  responseUrl: z.string().url().optional(),
  issuedAtMs: z.number().optional(),
});

/** Button values: "<requestId>:<index>". */
export function parseSuggestionRef(value: string | undefined): { requestId: string; index: number } | null {
  const match = /^([0-9a-f-]{36}):(\d)$/.exec(value ?? "");
  return match ? { requestId: match[1] as string, index: Number(match[2]) } : null;
}
