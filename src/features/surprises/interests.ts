// What this customer cares about, understood by meaning: interests named in the request, in
// what happened ("they love sailing"), in the notes and on the record, each placed in a family
// of interests through WordNet (interest-families.ts: sailing → water travel; chess → board
// game; opera → classical music → music genre; knitting → needlework, handicraft) and related
// to the catalogue's tags. Without the lexicon, interests are still found (by the phrases that
// introduce them and the known interest words) and used in their own words.
import { interestsIn } from "../customers/service.ts";
import { CATALOGUE } from "./catalogue.ts";
import { enjoysAlcohol, mentionsAlcohol } from "./guardrails.ts";
import { countsInPassing, familyShares, resolveAnchors, type Family, type Resolved } from "./interest-families.ts";
import { activityForms, ALIASES, cuePhrases, NOT_IN_PASSING, NOT_INTERESTS, STOP, tokens } from "./interest-words.ts";
import type { Lexicon, Meaning, Sense } from "./lexicon.ts";
import type { SuggestionContext } from "./model.ts";

/** One interest of the customer, in their own words and as WordNet understands it. */
export interface Interest {
  /** The customer's words ("sailing", "vintage cars"). */
  words: string;
  /** Where it came from: this request's form, what happened, the notes, or the record. */
  source: "form" | "context" | "note" | "record";
  /** The WordNet lemma it was understood under, when the lexicon knows it. */
  lemma: string | null;
  family: Family | null;
  /** Terms WordNet relates to it, nearest first: synonyms, then broader terms. */
  related: string[];
  /** Catalogue interest tags it falls under, with the steps up WordNet ("chess" → board games: 1). */
  tags: Record<string, number>;
}

export interface Understanding {
  /** Most relevant first: named in this request, then the notes, then the record. */
  interests: Interest[];
  /** Whether WordNet was available. */
  lexicon: boolean;
}

interface Found {
  meaning: Meaning;
  family: Family;
  share: number;
  senses: Sense[];
  /** How far up each sense the family's terms for it go (see FamilyShare). */
  termDepth: Map<Sense, number>;
  /** The customer's words, from the first word to the one understood. */
  words: string;
}

/**
 * Understands a phrase: the longest reading WordNet knows that falls in a family, trying the
 * whole phrase, then its head (English compounds end in it: "vintage cars" → cars), then its
 * first word ("dog Max" → dog), and for a person noun the activity ("keen sailor" → sailing).
 */
function understandPhrase(phrase: string, lexicon: Lexicon, resolved: Resolved): Found | null {
  // Looked up in lower case, shown as typed ("Japan", "vintage cars").
  const typed = phrase.split(/\s+/).filter(Boolean);
  const words = typed.map((w) => w.toLowerCase());
  const shown = (from: number, to: number) => typed.slice(from, to).join(" ");
  // First the readings that keep the head (English compounds end in it: "vintage cars" is
  // about cars), then the others ("jazz vinyl" is about jazz, "dog Max" about a dog, a "keen
  // sailor" about sailing).
  const withHead: Array<{ lookup: string; shown: string }> = [];
  const alias = ALIASES[words.join(" ")];
  if (alias) withHead.push({ lookup: alias, shown: shown(0, words.length) });
  for (let first = 0; first < words.length; first++) {
    // "painting watercolours" is about watercolours.
    const from = first === 1 && words[0]?.endsWith("ing") ? 1 : 0;
    withHead.push({ lookup: words.slice(first).join(" "), shown: shown(from, words.length) });
  }
  const others: Array<{ lookup: string; shown: string }> = [];
  const head = words.at(-1) ?? "";
  for (const form of activityForms(head)) {
    const lookup = [...words.slice(0, -1), form].join(" ");
    others.push({ lookup, shown: [...typed.slice(0, -1), form].join(" ") });
  }
  for (let last = words.length - 1; last >= 1; last--) {
    others.push({ lookup: words.slice(0, last).join(" "), shown: shown(0, last) });
  }
  const viaHead = bestReading(withHead, lexicon, resolved);
  if (viaHead && viaHead.quality >= GOOD_READING) return viaHead.found;
  const viaOthers = bestReading(others, lexicon, resolved);
  return (
    [viaHead, viaOthers].reduce<{ found: Found; quality: number } | null>(
      (a, b) => (b && (!a || b.quality > a.quality) ? b : a),
      null,
    )?.found ?? null
  );
}

/** How good a reading of the head must be to stop looking further. */
const GOOD_READING = 0.35;

function bestReading(
  candidates: Array<{ lookup: string; shown: string }>,
  lexicon: Lexicon,
  resolved: Resolved,
): { found: Found; quality: number } | null {
  // Every reading is weighed: how much of the word means the family, whether that is the kind
  // of thing people love (an activity, a genre, an animal, not a plastic), and, a little, how
  // early the reading comes in the list above.
  let best: { found: Found; quality: number } | null = null;
  candidates.forEach((candidate, order) => {
    if (NOT_INTERESTS.has(candidate.lookup)) return;
    const meaning = lexicon.meaning(candidate.lookup);
    if (!meaning) return;
    // A person noun ("sailor") is understood through its activity further down the list.
    const personShare = meaning.senses.filter((s) => s.lexFile === PERSON).reduce((sum, s) => sum + s.weight, 0);
    if (personShare >= 0.5) return;
    for (const [family, entry] of familyShares(meaning, resolved)) {
      const kind = entry.senses.some((s) => INTEREST_KINDS.has(s.lexFile)) ? 1 : 0.3;
      const quality = entry.share * kind - order * 0.02;
      if (!best || quality > best.quality)
        best = {
          found: { meaning, family, ...entry, words: candidate.shown },
          quality,
        };
    }
  });
  return best;
}

/** Kinds of noun people have as interests: activities, animals, things, fields, food, places, plants. */
const INTEREST_KINDS = new Set([4, 5, 6, 9, 10, 13, 15, 20]);

/** The catalogue tags an interest falls under, with how many steps up WordNet (0 = itself). */
function catalogueTags(found: Found, resolved: Resolved): Record<string, number> {
  const tags: Record<string, number> = {};
  for (const [tag, offsets] of resolved.tags) {
    if (sameWord(tag, found.words) || sameWord(tag, found.meaning.lemma)) {
      tags[tag] = 0;
      continue;
    }
    let nearest = Number.POSITIVE_INFINITY;
    for (const sense of found.senses) {
      for (const offset of offsets) nearest = Math.min(nearest, sense.reaches.get(offset) ?? Number.POSITIVE_INFINITY);
    }
    if (nearest <= MAX_TAG_DEPTH) tags[tag] = nearest;
  }
  return tags;
}

/** Taxonomies run deep (an orchid is six steps below "plant"); farther than this is unrelated. */
const MAX_TAG_DEPTH = 8;

/** "dogs" and "dog", "board games" and "board game". */
export function sameWord(a: string, b: string): boolean {
  const norm = (w: string) =>
    w
      .toLowerCase()
      .trim()
      .replace(/(?<=[^s])s$/, "");
  return norm(a) === norm(b);
}

function plainInterest(words: string, source: Interest["source"]): Interest {
  const tags: Record<string, number> = {};
  for (const tag of CATALOGUE.flatMap((g) => g.interests)) if (sameWord(tag, words)) tags[tag] = 0;
  return { words, source, lemma: null, family: null, related: [], tags };
}

function toInterest(found: Found, source: Interest["source"], lexicon: Lexicon, resolved: Resolved): Interest {
  // The same interest comes back request after request: its related terms and tags are kept.
  const key = `${found.meaning.lemma}|${found.family}|${found.words}`;
  let known = resolved.understood.get(key);
  if (!known) {
    const senses = found.senses
      .filter((sense) => sense.weight >= MIN_TERM_WEIGHT)
      .map((sense) => ({ sense, maxDepth: found.termDepth.get(sense) ?? 0 }));
    known = {
      related: lexicon.relatedTerms(senses).filter((t) => !sameWord(t, found.words)),
      tags: catalogueTags(found, resolved),
    };
    if (resolved.understood.size >= UNDERSTOOD_MAX) resolved.understood.clear();
    resolved.understood.set(key, known);
  }
  return {
    words: found.words,
    source,
    lemma: found.meaning.lemma,
    family: found.family,
    related: known.related,
    tags: known.tags,
  };
}

const UNDERSTOOD_MAX = 2_000;

/** Rare senses lend an interest no terms ("sailing" as a ship's departure). */
const MIN_TERM_WEIGHT = 0.1;

/** Minimum share of a word's senses in one family for it to count as an interest unprompted. */
const SCAN_SHARE = 0.5;
/** WordNet's lexicographer file of people ("founder", "sailor"). */
const PERSON = 18;
/** Lexicographer files of activities, fields of knowledge and forms of expression. */
const SCAN_KINDS = new Set([4, 9, 10]);

/** Interests in free text: introduced ones ("loves X"), then known interest words and, with
 * WordNet, words that mostly mean a pastime (a sport, a game, music, a craft…). */
function interestsInText(
  text: string,
  source: Interest["source"],
  lexicon: Lexicon | null,
  resolved: Resolved | null,
  inPassing = true,
): Interest[] {
  const found: Interest[] = [];
  const cued = cuePhrases(text);
  for (const phrase of cued) {
    if (!lexicon || !resolved) {
      const words = phrase.split(/\s+/).slice(0, 2).join(" ").toLowerCase();
      if (!NOT_INTERESTS.has(words) && interestsIn(` ${words} `).length > 0) found.push(plainInterest(words, source));
      continue;
    }
    const understood = understandPhrase(phrase, lexicon, resolved);
    if (understood) found.push(toInterest(understood, source, lexicon, resolved));
  }
  const known = interestsIn(text);
  for (const word of known) {
    if (!lexicon || !resolved) {
      found.push(plainInterest(word, source));
      continue;
    }
    // A known interest word counts when its usual sense is the interest: "plant manager" is
    // not about plants, "their history with us" not about history.
    const meaning = lexicon.meaning(word);
    const usual = meaning?.senses[0];
    const shares = meaning ? familyShares(meaning, resolved) : null;
    const family =
      usual && shares && INTEREST_KINDS.has(usual.lexFile)
        ? [...shares.entries()].find(([, e]) => e.senses.includes(usual))
        : undefined;
    if (meaning && family)
      found.push(toInterest({ meaning, family: family[0], ...family[1], words: word }, source, lexicon, resolved));
    else if (!meaning) found.push(plainInterest(word, source));
  }
  if (lexicon && resolved && inPassing) {
    const words = tokens(text);
    for (let i = 0; i < words.length; i++) {
      const pair = i + 1 < words.length ? `${words[i]} ${words[i + 1]}` : null;
      for (const candidate of pair ? [pair, words[i] as string] : [words[i] as string]) {
        if (NOT_INTERESTS.has(candidate) || NOT_IN_PASSING.has(candidate) || STOP.has(candidate)) continue;
        // Only nouns in passing ("passed away" is not about a pass in football), and only when
        // their usual sense (by WordNet's usage counts) is an activity, a genre or a field
        // ("golf", "jazz", "astronomy"), never a thing: in "the piano delivery was late" the
        // piano is what went wrong, not what they love.
        const usual = lexicon.usualKind(candidate);
        if (usual === null || !SCAN_KINDS.has(usual)) continue;
        const meaning = lexicon.meaning(candidate);
        if (!meaning) continue;
        const shares = familyShares(meaning, resolved);
        const best = [...shares.entries()].sort((a, b) => b[1].share - a[1].share)[0];
        if (!best || best[1].share < SCAN_SHARE || !countsInPassing(best[0])) continue;
        if (!best[1].senses.includes(meaning.senses[0] as Sense)) continue;
        found.push(toInterest({ meaning, family: best[0], ...best[1], words: candidate }, source, lexicon, resolved));
        if (candidate === pair) i += 1;
        break;
      }
    }
  }
  return found;
}

/** Alcohol interests ("wine", "whisky tastings") only count when the context says they enjoy it. */
function allowed(interest: Interest, context: SuggestionContext): boolean {
  return (interest.family !== "drink" && !mentionsAlcohol(interest.words)) || enjoysAlcohol(context);
}

/**
 * Everything the suggesters should know about what this customer cares about, most relevant
 * first: interests named in this request (the form, then what happened), in the notes, then
 * on the record. Each appears once.
 */
export function understand(context: SuggestionContext, lexicon: Lexicon | null): Understanding {
  const resolved = lexicon ? resolveAnchors(lexicon) : null;
  const named = new Set((context.named ?? []).map((n) => n.toLowerCase()));
  const listed = (words: string, source: Interest["source"]): Interest => {
    if (!lexicon || !resolved) return plainInterest(words, source);
    const understood = understandPhrase(words, lexicon, resolved);
    return understood ? { ...toInterest(understood, source, lexicon, resolved), words } : plainInterest(words, source);
  };
  const all: Interest[] = [
    ...context.interests.filter((i) => named.has(i.toLowerCase())).map((i) => listed(i, "form")),
    ...interestsInText(context.text, "context", lexicon, resolved),
    ...context.notes.flatMap((note) => interestsInText(note, "note", lexicon, resolved)),
    ...context.interests.filter((i) => !named.has(i.toLowerCase())).map((i) => listed(i, "record")),
  ];
  const interests: Interest[] = [];
  for (const interest of all) {
    if (!allowed(interest, context)) continue;
    const same = interests.find(
      (i) =>
        sameWord(i.words, interest.words) ||
        (i.lemma !== null && i.lemma === interest.lemma) ||
        // "fly fishing" already holds "fishing"; "team building" does not hold "tea".
        ` ${i.words.toLowerCase()} `.includes(` ${interest.words.toLowerCase()} `),
    );
    if (!same) interests.push(interest);
  }
  return { interests, lexicon: lexicon !== null };
}

/**
 * Interests a text introduces ("they love sailing" → sailing) or names in their usual sense, in
 * the customer's words, to keep on their record. Words met in passing are used for the answer
 * but not kept; nor are drinks (whether they enjoy them can change).
 */
export function interestsNamedIn(text: string, lexicon: Lexicon | null): string[] {
  if (!lexicon) return interestsIn(text);
  const words = interestsInText(text, "context", lexicon, resolveAnchors(lexicon), false)
    .filter((i) => i.family !== "drink")
    .map((i) => i.words);
  return [...new Set(words)];
}

const normalise = (text: string): string => ` ${text.toLowerCase().replace(/[^a-z0-9]+/g, " ")} `;

/** The forms of an interest and its related terms that count as mentioning it. */
const needlesOf = new WeakMap<Interest, string[]>();

function needles(interest: Interest): string[] {
  const known = needlesOf.get(interest);
  if (known) return known;
  const forms = new Set<string>();
  for (const term of [interest.words, interest.lemma ?? "", ...interest.related]) {
    const needle = normalise(term).trim();
    if (needle.length < 3) continue;
    const singular = needle.replace(/s$/, "");
    for (const form of [needle, singular, `${singular}s`, `${singular}es`]) forms.add(` ${form} `);
    // "sailing" is also mentioned by "sail", "sails", "sailor"; "hiking" by "hike"; "knitting" by "knit".
    if (needle.endsWith("ing") && needle.length > 5 && !needle.includes(" ")) {
      const base = needle.slice(0, -3);
      const undoubled = /(\S)\1$/.test(base) ? base.slice(0, -1) : base;
      for (const root of new Set([base, undoubled, `${base}e`])) {
        for (const form of [root, `${root}s`, `${root}ed`, `${root}or`, `${root}ors`, `${root}er`, `${root}ers`])
          if (form.length >= 3) forms.add(` ${form} `);
      }
    }
  }
  const list = [...forms];
  needlesOf.set(interest, list);
  return list;
}

/** Whether a suggestion's text mentions the interest or a term WordNet relates to it. */
export function mentions(text: string, interest: Interest): boolean {
  const haystack = normalise(text);
  return needles(interest).some((needle) => haystack.includes(needle));
}
