// The built-in suggester: one idea of each kind (something to give, to do, to say), from the
// catalogue and from ideas shaped by the customer's interests, scored against the occasion,
// the interests as WordNet understands them (see interests.ts), words in what happened and
// what worked before; every idea obeys the guardrails and at least two of three build on the
// customer's interest when one is known. Synchronous: the lexicon is loaded before it runs.
import { CATALOGUE, type CatalogueGesture } from "./catalogue.ts";
import { enjoysAlcohol, ruleBroken, SAME_GESTURE_OVERLAP, titleOverlap } from "./guardrails.ts";
import { ideasFor, type InterestIdea } from "./interest-ideas.ts";
import { mentions, understand, type Interest, type Understanding } from "./interests.ts";
import {
  GESTURE_KINDS,
  keySlug,
  type Effort,
  type GestureKind,
  type GestureSuggestion,
  type Occasion,
  type SuggestionContext,
} from "./model.ts";
import { composeReasons } from "./reasons.ts";

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

/** One idea that could be suggested, before the reasons are written. */
interface Candidate {
  key: string;
  /** Keys its 👍 / 👎 and uses are counted under (a template's across customers too). */
  scoreKeys: string[];
  kind: GestureKind;
  title: string;
  /** Filled in only for the candidates that get that far: most never do. */
  details: () => string;
  rationale: () => string;
  costUsd: number;
  effort: Effort;
  timing: string;
  category: string;
  score: number;
  /** The interest it is built on, and the catalogue tag that related them. */
  interest: Interest | null;
  via: string | null;
}

const FALLBACK_INTEREST = "something they love";

/** A value worked out on first use, then kept. */
function lazy(make: () => string): () => string {
  let value: string | null = null;
  return () => (value ??= make());
}

/** "a" or "an" before the interest ("an opera recording", "a sailing outing"). */
function article(word: string): string {
  return /^(?:[aeio]|u(?!ni|s[aeiou]|ti)|hour|honou?r)/i.test(word) ? "an" : "a";
}

function fill(template: string, customer: string, interest: string | null): string {
  const words = interest ?? FALLBACK_INTEREST;
  return template
    .replace(/\b([Aa]) \{interest\}/g, (_m, a: string) => {
      const chosen = article(words);
      return `${a === "A" ? chosen.charAt(0).toUpperCase() + chosen.slice(1) : chosen} {interest}`;
    })
    .replaceAll("{customer}", customer)
    .replaceAll("{interest}", words);
}

/** How much an interest counts: the request's first, then the others. */
function interestWeight(index: number): number {
  return index === 0 ? 1 : 0.6;
}

/** Points shared by catalogue gestures and interest ideas: feedback, history, tier. */
function sharedPoints(candidate: Omit<Candidate, "score">, context: SuggestionContext): number {
  let points = 0;
  const feedback = Math.max(...candidate.scoreKeys.map((k) => context.scores[k] ?? 0), -99);
  points += Math.max(-6, Math.min(6, (feedback === -99 ? 0 : feedback) * 1.5));
  // A key account is worth the personal touch: people and experiences over objects.
  const keyAccount = /\b(gold|platinum|vip|key|premium|enterprise|strategic)\b/i.test(context.tier ?? "");
  if (keyAccount && (candidate.category === "people" || candidate.category === "experience")) points += 1.5;
  else if (candidate.effort === "high") points -= 0.5;
  if (context.worked.some((w) => titleOverlap(w, candidate.title) >= SAME_GESTURE_OVERLAP)) points += 1;
  if (context.disliked.some((d) => titleOverlap(d, candidate.title) >= SAME_GESTURE_OVERLAP)) points -= 4;
  return points;
}

function fromCatalogue(
  gesture: CatalogueGesture,
  context: SuggestionContext,
  interests: Interest[],
  text: string,
): Candidate {
  let points = gesture.occasions.includes(context.occasion) ? 6 : -4;
  // The interest it relates to best: a tag it falls under, fewer steps up WordNet counting more.
  let best: { interest: Interest; tag: string; points: number } | null = null;
  interests.forEach((interest, index) => {
    for (const tag of gesture.interests) {
      const depth = interest.tags[tag];
      if (depth === undefined) continue;
      // A gesture made for this very interest ranks with the interest ideas; a broader match less.
      const related = (7 - Math.min(depth, 6) * 0.75) * interestWeight(index);
      if (!best || related > best.points) best = { interest, tag, points: related };
    }
  });
  const match = best as { interest: Interest; tag: string; points: number } | null;
  if (match) points += match.points;
  else if (gesture.interests.length > 0) points -= 1.5;
  const hits = gesture.keywords.filter((k) => text.includes(k)).length;
  points += Math.min(hits, 3) * 2;
  const name = context.customerName;
  const interestWords = match?.interest.words ?? null;

  const base: Omit<Candidate, "score"> = {
    key: gesture.key,
    scoreKeys: [gesture.key],
    kind: gesture.kind,
    title: fill(gesture.title, name, interestWords),
    details: lazy(() => {
      const extra = match
        ? ` ${fill(gesture.forInterest ?? "Chosen for their love of {interest}.", name, interestWords)}`
        : "";
      return `${fill(gesture.details, name, interestWords)}${extra}`;
    }),
    rationale: lazy(() => fill(gesture.why, name, interestWords)),
    costUsd: gesture.costUsd,
    effort: gesture.effort,
    timing: gesture.timing,
    category: gesture.category,
    interest: match?.interest ?? null,
    via: match && match.interest.tags[match.tag] !== 0 ? match.tag : null,
  };
  return { ...base, score: points + sharedPoints(base, context) };
}

function fromIdea(
  idea: InterestIdea,
  specificity: number,
  interest: Interest,
  index: number,
  context: SuggestionContext,
): Candidate {
  const fits = !idea.occasions || idea.occasions.includes(context.occasion);
  // An interest idea is personal by construction: it outranks a catalogue gesture matched only
  // by occasion, and a more specific one (sailing's own, then water sports') outranks a general one.
  const points = (fits ? 6 : -6) + (7 + specificity * 0.75) * interestWeight(index);
  const name = context.customerName;
  const base: Omit<Candidate, "score"> = {
    key: `idea:${idea.id}:${keySlug(interest.words, 40)}`,
    scoreKeys: [`idea:${idea.id}:${keySlug(interest.words, 40)}`, `idea:${idea.id}`],
    kind: idea.kind,
    title: fill(idea.title, name, interest.words),
    details: lazy(() => fill(idea.details, name, interest.words)),
    rationale: lazy(() => fill(idea.why, name, interest.words)),
    costUsd: idea.costUsd,
    effort: idea.effort,
    timing: idea.timing,
    category: idea.kind === "do" ? "experience" : idea.kind === "say" ? "note" : "object",
    interest,
    via: null,
  };
  return { ...base, score: points + sharedPoints(base, context) };
}

function toSuggestion(candidate: Candidate, why: string, context: SuggestionContext): GestureSuggestion {
  return {
    key: candidate.key,
    title: candidate.title,
    details: candidate.details(),
    why,
    kind: candidate.kind,
    cost: costIn(candidate.costUsd, context.budget?.currency),
    effort: candidate.effort,
    timing: candidate.timing,
    source: "builtin",
  };
}

/** How many of the answer's ideas must build on the customer's interest, when one is known. */
export const INTEREST_IDEAS_WANTED = 2;
/** Candidates of each kind considered together when choosing the answer. */
const SHORTLIST = 6;

export interface BuiltinOptions {
  /** What is known about the customer's interests (from `understand`); none when absent. */
  understanding?: Understanding;
  /** The kinds wanted (by default one of each). */
  kinds?: readonly GestureKind[];
  /** Suggestions already in the answer (the model's kept ideas): not repeated, counted for the interest. */
  keep?: GestureSuggestion[];
}

/**
 * One suggestion of each wanted kind, best first, all obeying the guardrails, never two
 * versions of one idea nor one already in `keep`; when the customer has a known interest, at
 * least two of the answer's ideas build on it (where the budget and history allow).
 */
export function suggestBuiltin(context: SuggestionContext, options: BuiltinOptions = {}): GestureSuggestion[] {
  const understanding = options.understanding ?? understand(context, null);
  const kinds = options.kinds ?? GESTURE_KINDS;
  const keep = options.keep ?? [];
  const text = [context.text, ...context.notes].join("\n").toLowerCase();
  const alcoholOk = enjoysAlcohol(context);
  const interests = understanding.interests.slice(0, 3);

  const candidates: Candidate[] = [
    ...CATALOGUE.filter((g) => !g.alcohol || alcoholOk).map((g) => fromCatalogue(g, context, interests, text)),
    ...interests.flatMap((interest, index) =>
      ideasFor(interest.family, interest.lemma).map(({ idea, specificity }) =>
        fromIdea(idea, specificity, interest, index, context),
      ),
    ),
  ];

  const primary = interests[0] ?? null;
  const taken = keep.map((k) => k.title);
  // The best few of each kind, and the best two on the interest however they score, so the
  // answer can be built on it whenever the rules allow.
  const shortlists = kinds.map((kind) => {
    const list: Candidate[] = [];
    let onInterest = 0;
    for (const candidate of candidates.filter((c) => c.kind === kind).sort((a, b) => b.score - a.score)) {
      const full = list.length >= SHORTLIST;
      if (full && (!primary || onInterest >= INTEREST_IDEAS_WANTED)) break;
      const about = primary !== null && mentions(`${candidate.title} ${candidate.details()}`, primary);
      if (full && !about) continue;
      if (taken.some((t) => titleOverlap(t, candidate.title) >= SAME_GESTURE_OVERLAP)) continue;
      if (list.some((c) => c.key === candidate.key)) continue;
      if (ruleBroken(toSuggestion(candidate, "-", context), context)) continue;
      list.push(candidate);
      if (about) onInterest += 1;
    }
    return list;
  });

  const keptOnInterest = primary ? keep.filter((k) => mentions(`${k.title} ${k.details}`, primary)).length : 0;
  const wanted = primary ? Math.min(INTEREST_IDEAS_WANTED, keep.length + kinds.length) - keptOnInterest : 0;
  const chosen = bestCombination(shortlists, primary, Math.max(0, wanted));

  const reasons = composeReasons(
    chosen.map((c) => ({ rationale: c.rationale(), interest: c.interest, via: c.via })),
    context,
  );
  const keptReasons = new Set(keep.map((k) => k.why.trim().toLowerCase()));
  return chosen
    .map((candidate, i) => {
      let why = reasons[i] ?? candidate.rationale();
      if (keptReasons.has(why.trim().toLowerCase())) why = `${why} (${candidate.kind})`;
      return toSuggestion(candidate, why, context);
    })
    .sort((a, b) => scoreOf(chosen, b) - scoreOf(chosen, a));
}

function scoreOf(chosen: Candidate[], suggestion: GestureSuggestion): number {
  return chosen.find((c) => c.key === suggestion.key)?.score ?? 0;
}

/**
 * The best set with one candidate per shortlist: the highest total score among sets whose
 * titles are distinct and where at least `wanted` build on the primary interest (the best
 * set regardless, when no set manages that). At most 6³ sets: microseconds.
 */
function bestCombination(shortlists: Candidate[][], primary: Interest | null, wanted: number): Candidate[] {
  // Everything a set's worth depends on is worked out once per candidate (or pair), not per set.
  const all = shortlists.flat();
  const about = all.map((c) => primary !== null && mentions(`${c.title} ${c.details()}`, primary));
  const clash = all.map((a, i) =>
    all.map((b, j) => i !== j && (a.key === b.key || titleOverlap(a.title, b.title) >= SAME_GESTURE_OVERLAP)),
  );
  const offsets = shortlists.map((_, k) => shortlists.slice(0, k).reduce((sum, list) => sum + list.length, 0));
  let best: { set: number[]; score: number; meets: number } | null = null;
  const walk = (index: number, set: number[], score: number, onInterest: number) => {
    if (index === shortlists.length) {
      const meets = Math.min(onInterest, wanted);
      if (!best || meets > best.meets || (meets === best.meets && score > best.score))
        best = { set: [...set], score, meets };
      return;
    }
    let used = false;
    const list = shortlists[index] ?? [];
    for (let k = 0; k < list.length; k++) {
      const i = (offsets[index] ?? 0) + k;
      if (set.some((j) => clash[j]?.[i])) continue;
      used = true;
      set.push(i);
      walk(index + 1, set, score + (all[i]?.score ?? 0), onInterest + (about[i] ? 1 : 0));
      set.pop();
    }
    if (!used) walk(index + 1, set, score, onInterest);
  };
  walk(0, [], 0, 0);
  const chosen = (best as { set: number[] } | null)?.set ?? [];
  return chosen.map((i) => all[i] as Candidate);
}
