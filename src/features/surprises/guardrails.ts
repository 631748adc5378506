// The rules every suggestion obeys, from the model or the built-in suggester: within the
// per-gesture budget, never a gesture this customer already got, no cash or cash
// equivalents, no alcohol unless the customer enjoys it, and specific rather than generic.
import type { GestureSuggestion, SuggestionContext } from "./model.ts";

const CASH =
  /\b(cash|money|cheques?|checks? (?:for|of|worth) (?:[$£€¥]|\d+)|gift ?cards?|gift ?certificates?|vouchers?|e-?gift|prepaid|bank transfer|wire transfer|refunds?|rebates?|discount(?: code)?s?|coupons?|promo codes?|store credit|account credit|credits? on|bitcoin|crypto|paypal|venmo|amazon card|% off|percent off)\b/i;
const ALCOHOL =
  /\b(wine|wines|champagne|prosecco|cava|beers?|ales?|ipa|lager|stout|whiske?y|bourbon|scotch|gin|vodka|rum|tequila|mezcal|cocktails?|spirits|liqueurs?|sake|cider|brewery|vineyard|winery|bottle of)\b/i;
const NO_ALCOHOL =
  /\b(doesn'?t drink|does not drink|don'?t drink|sober|teetotal|non-?drinker|no alcohol|alcohol-free|recovering alcoholic)\b/i;
/** "Send a gift", "a thank-you card", "a discount": too vague to act on or to delight. */
const GENERIC =
  /^(?:(?:send|give|buy|offer|get)\s+(?:them\s+|the customer\s+)?)?(?:an?\s+)?(?:nice\s+|small\s+|little\s+)?(?:gift|present|card|thank[- ]you(?: card| note)?|note|gift basket|hamper|swag|merch(?:andise)?|something nice)s?\.?$/i;

const STOP_WORDS = new Set(
  "a an the and or of for to in on with from by at their them they your our it its is be as this that".split(" "),
);

// The same titles are compared again and again (the catalogue, a customer's history): their
// word sets are kept, within a bound, so a suggestion costs well under a millisecond.
const wordCache = new Map<string, Set<string>>();
const WORD_CACHE_MAX = 5_000;

function contentWords(text: string): Set<string> {
  const cached = wordCache.get(text);
  if (cached) return cached;
  const words = new Set(
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s]/gu, " ")
      .split(/\s+/)
      .filter((w) => w.length > 2 && !STOP_WORDS.has(w)),
  );
  if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
  wordCache.set(text, words);
  return words;
}

/** Share of the smaller title's content words found in the other: 1 = the same idea. */
export function titleOverlap(a: string, b: string): number {
  const wa = contentWords(a);
  const wb = contentWords(b);
  if (wa.size === 0 || wb.size === 0) return 0;
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared += 1;
  return shared / Math.min(wa.size, wb.size);
}

/** Two titles sharing this share of their words count as the same gesture. */
export const SAME_GESTURE_OVERLAP = 0.6;

/** Whether a text names an alcoholic drink. */
export function mentionsAlcohol(text: string): boolean {
  return ALCOHOL.test(text);
}

/** Whether the customer's own context says they enjoy alcohol (and nothing says they don't). */
export function enjoysAlcohol(context: SuggestionContext): boolean {
  const known = [context.text, ...context.notes, ...context.interests].join("\n");
  return ALCOHOL.test(known) && !NO_ALCOHOL.test(known);
}

export function alreadyGiven(
  suggestion: Pick<GestureSuggestion, "key" | "title">,
  context: SuggestionContext,
): boolean {
  return context.given.some(
    (g) =>
      (g.key !== null && g.key === suggestion.key) || titleOverlap(g.title, suggestion.title) >= SAME_GESTURE_OVERLAP,
  );
}

/** Why a suggestion breaks the rules, or null when it may be shown. */
export function ruleBroken(suggestion: GestureSuggestion, context: SuggestionContext): string | null {
  const all = `${suggestion.title} ${suggestion.details}`;
  if (!Number.isFinite(suggestion.cost) || suggestion.cost < 0) return "no usable cost";
  if (context.budget && suggestion.cost > context.budget.amount) return "over the budget";
  if (CASH.test(all)) return "cash or a cash equivalent";
  if (ALCOHOL.test(suggestion.title) && !enjoysAlcohol(context)) return "alcohol the customer may not enjoy";
  if (alreadyGiven(suggestion, context)) return "already given to this customer";
  if (GENERIC.test(suggestion.title.trim()) || suggestion.title.trim().split(/\s+/).length < 4) return "too generic";
  if (suggestion.details.trim().length < 20) return "too vague";
  return null;
}
