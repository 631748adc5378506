// The built-in suggester: scores the catalogue against the context (occasion, interests,
// words in what happened, what worked before) and returns distinct suggestions that obey
// the guardrails. Pure and synchronous: no database, no network, well under a millisecond.
import { interestsIn } from "../customers/service.ts";
import { CATALOGUE, type CatalogueGesture } from "./catalogue.ts";
import { enjoysAlcohol, ruleBroken, SAME_GESTURE_OVERLAP, titleOverlap } from "./guardrails.ts";
import { SUGGESTION_COUNT, type GestureSuggestion, type Occasion, type SuggestionContext } from "./model.ts";

/** Rough units of each currency per US dollar, to bring catalogue costs into the budget's currency. */
const UNITS_PER_USD: Record<string, number> = {
  USD: 1,
  EUR: 1,
  GBP: 1,
  CHF: 1,
  CAD: 1.4,
  AUD: 1.5,
  NZD: 1.7,
  SGD: 1.3,
  HKD: 8,
  JPY: 150,
  CNY: 7,
  INR: 85,
  SEK: 10,
  NOK: 10,
  DKK: 7,
  PLN: 4,
  CZK: 23,
  HUF: 360,
  BRL: 5,
  MXN: 18,
  ZAR: 18,
  ILS: 3.7,
  AED: 3.7,
  KRW: 1350,
};

/** A catalogue cost in `currency`, rounded the way people quote prices. */
export function costIn(costUsd: number, currency: string | undefined): number {
  const converted = costUsd * (UNITS_PER_USD[currency ?? "USD"] ?? 1);
  if (converted < 10) return Math.round(converted);
  const step = 10 ** Math.max(0, Math.floor(Math.log10(converted)) - 1) * 5;
  return Math.round(converted / step) * step;
}

const OCCASION_WORDS: Array<[Occasion, RegExp]> = [
  [
    "hardship",
    /\b(ill|illness|sick|hospital|surgery|passed away|died|funeral|bereave\w*|grief|loss of|flood\w*|fire|burglar\w*|laid off|layoffs?|tough time|difficult time|struggl\w*|divorce)\b/i,
  ],
  [
    "recovery",
    /\b(wrong|late|delay\w*|broken|broke|damaged|mistake|error|sorry|apolog\w*|complain\w*|missing|lost|outage|bug|twice|overcharg\w*|double[- ]charg\w*|rude|forgot|failed|oops)\b/i,
  ],
  [
    "milestone",
    /\b(anniversary|birthday|wedding|baby|born|launch\w*|opening|opened|promot\w*|milestone|\d+(st|nd|rd|th) (order|year)|new office|moved|retir\w*|graduat\w*|award)\b/i,
  ],
  ["loyalty", /\b(loyal\w*|long[- ]time|customer since|renew\w*|years with us|since \d{4}|\d+ years)\b/i],
  ["thank_you", /\b(thank\w*|referr\w*|review|recommend\w*|feedback|helped|testimonial|shout[- ]?out)\b/i],
];

/** The occasion the text describes; "thank_you" when nothing says otherwise. */
export function detectOccasion(text: string): Occasion {
  return OCCASION_WORDS.find(([, pattern]) => pattern.test(text))?.[0] ?? "thank_you";
}

const OCCASION_WHY: Record<Occasion, string> = {
  recovery:
    "After a mistake, a personal gesture shows {customer} it mattered to you, not just that the ticket was closed",
  milestone: "It marks {customer}'s moment in a way they will remember and tell others about",
  thank_you: "It thanks {customer} for something specific, which a generic gift never does",
  loyalty: "It rewards {customer}'s loyalty personally, the way a friend would",
  hardship: "It supports {customer} through a hard time without asking anything back",
};

interface Scored {
  gesture: CatalogueGesture;
  score: number;
  interest: string | null;
}

function fill(template: string, customer: string, interest: string | null): string {
  return template.replaceAll("{customer}", customer).replaceAll("{interest}", interest ?? "something they love");
}

function score(gesture: CatalogueGesture, context: SuggestionContext, known: Set<string>, text: string): Scored {
  let points = gesture.occasions.includes(context.occasion) ? 6 : -4;
  const matched = gesture.interests.filter((i) => known.has(i));
  if (matched.length > 0) points += 4 + Math.min(matched.length - 1, 2);
  else if (gesture.interests.length > 0) points -= 1.5;
  const hits = gesture.keywords.filter((k) => text.includes(k)).length;
  points += Math.min(hits, 3) * 2;
  points += Math.max(-6, Math.min(6, (context.scores[gesture.key] ?? 0) * 1.5));
  // A key account is worth the personal touch: people and experiences over objects.
  const keyAccount = /\b(gold|platinum|vip|key|premium|enterprise|strategic)\b/i.test(context.tier ?? "");
  if (keyAccount && (gesture.category === "people" || gesture.category === "experience")) points += 1.5;
  else if (gesture.effort === "high") points -= 0.5;
  if (context.worked.some((w) => titleOverlap(w, gesture.title) >= SAME_GESTURE_OVERLAP)) points += 1;
  if (context.disliked.some((d) => titleOverlap(d, gesture.title) >= SAME_GESTURE_OVERLAP)) points -= 4;
  return { gesture, score: points, interest: matched[0] ?? null };
}

function toSuggestion(scored: Scored, context: SuggestionContext): GestureSuggestion {
  const { gesture, interest } = scored;
  const name = context.customerName;
  const reasons = [fill(OCCASION_WHY[context.occasion], name, interest)];
  if (interest) reasons.push(`and it matches their interest in ${interest}`);
  let why = `${reasons.join(", ")}.`;
  const recoveries = context.pastRecoveries.length;
  if (context.occasion === "recovery" && recoveries > 1)
    why += ` This is one of ${recoveries} recoveries with them: make it count.`;
  return {
    key: gesture.key,
    title: fill(gesture.title, name, interest),
    details: fill(gesture.details, name, interest),
    why,
    cost: costIn(gesture.costUsd, context.budget?.currency),
    effort: gesture.effort,
    timing: gesture.timing,
    source: "builtin",
  };
}

/**
 * Up to `count` suggestions, best first, all obeying the guardrails, of different kinds
 * where possible (a note, a service, an object…) and never two versions of one idea.
 * `exclude` holds titles already chosen elsewhere (the model's kept suggestions).
 */
export function suggestBuiltin(
  context: SuggestionContext,
  count = SUGGESTION_COUNT,
  exclude: string[] = [],
): GestureSuggestion[] {
  const text = [context.text, ...context.notes].join("\n").toLowerCase();
  const known = new Set([...context.interests, ...interestsIn(text)]);
  const alcoholOk = enjoysAlcohol(context);
  const ranked = CATALOGUE.filter((g) => !g.alcohol || alcoholOk)
    .map((g) => score(g, context, known, text))
    .sort((a, b) => b.score - a.score);

  const chosen: GestureSuggestion[] = [];
  const categories = new Set<string>();
  const taken = [...exclude];
  const pick = (allowSameCategory: boolean) => {
    for (const candidate of ranked) {
      if (chosen.length >= count) return;
      if (!allowSameCategory && categories.has(candidate.gesture.category)) continue;
      const suggestion = toSuggestion(candidate, context);
      if (chosen.some((c) => c.key === suggestion.key)) continue;
      if (taken.some((t) => titleOverlap(t, suggestion.title) >= SAME_GESTURE_OVERLAP)) continue;
      if (ruleBroken(suggestion, context)) continue;
      chosen.push(suggestion);
      categories.add(candidate.gesture.category);
      taken.push(suggestion.title);
    }
  };
  pick(false);
  pick(true);
  return chosen;
}
