// Families of interests (water, games, music, crafts…), each defined by WordNet synsets it
// anchors on, and how a meaning falls into them: every sense goes to the nearest anchor it
// reaches up the hierarchy, weighted by how likely that sense is. Anchors and the catalogue's
// tags are resolved once per lexicon.
import { CATALOGUE } from "./catalogue.ts";
import type { Lexicon, Meaning, Sense } from "./lexicon.ts";

export const FAMILIES = [
  "water",
  "game",
  "music",
  "stage",
  "art",
  "craft",
  "science",
  "reading",
  "outdoors",
  "garden",
  "animals",
  "drink",
  "cooking",
  "food",
  "sport",
  "travel",
  "vehicles",
  "collecting",
  "tech",
  "pastime",
] as const;
export type Family = (typeof FAMILIES)[number];

/** An anchor: a lemma, words of the sense's definition, and whether it is broad. */
type Anchor = [lemma: string, hint: string, broad?: "broad"];

interface FamilySpec {
  /**
   * WordNet synsets that define the family. A broad one ("sport", "music") places an interest
   * in the family but is not itself a term for it: an idea mentioning "sport" is not about skiing.
   */
  anchors: Anchor[];
  /** Whether a word in running text of this family counts as an interest without "loves…". */
  scan: boolean;
}

const B = "broad";

// Listed from the most specific to the most general: when a sense reaches anchors of two
// families at the same depth, the first listed wins. One family per line reads best as a
// table; Prettier would spread each anchor over a line.
// prettier-ignore
const FAMILY_SPECS: Record<Family, FamilySpec> = {
  water: { scan: true, anchors: [["water sport", "bodies of water"], ["water travel", "travel by water"], ["boat", "small vessel"], ["vessel", "water transportation", B], ["fishing", "diversion"], ["navigation", "work of a sailor"], ["body of water", "earth's surface", B]] },
  game: { scan: true, anchors: [["board game", "specially designed board"], ["card game", "playing cards"], ["puzzle", "ingenuity"], ["parlor game", "parlor"], ["game", "contest with rules", B], ["game", "amusement or pastime", B]] },
  music: { scan: true, anchors: [["music", "auditory communication", B], ["music", "musical activity", B], ["music genre", "style of music"], ["musical instrument", "musical"], ["singing", "vocal music"], ["musical composition", "musical work"], ["concert", "performance of music"], ["musical performance", "performing music"]] },
  stage: { scan: true, anchors: [["dramaturgy", "producing plays"], ["theater", "theatrical performances"], ["dancing", "rhythmical steps"], ["movie", "enacts a story"], ["film", "moving pictures"], ["play", "performance by actors"], ["comedy", "humorous drama"]] },
  art: { scan: true, anchors: [["art", "products of human creativity", B], ["art", "beautiful or significant", B], ["graphic art", "drawing or painting"], ["photography", "taking and printing"], ["drawing", "artistic pictures"], ["sculpture", "three dimensions"], ["museum", "displaying objects", B]] },
  craft: { scan: true, anchors: [["handicraft", "skillful hands"], ["handicraft", "hand labor"], ["needlework", "needle and thread"], ["needlework", "done with a needle"], ["woodwork", "carpenter"], ["pottery", "earthenware"]] },
  science: { scan: true, anchors: [["science", "scientific knowledge", B], ["natural history", "plants or animals"], ["history", "interprets past events"]] },
  reading: { scan: false, anchors: [["literature", "creative writing", B], ["book", "has been published", B], ["poetry", "metrical form"], ["novel", "fictional work in prose"], ["fiction", "imagination"], ["comic book", "comic strips"], ["magazine", "periodic publication", B]] },
  outdoors: { scan: false, anchors: [["hike", "long walk"], ["camping", "tents"], ["walk", "traveling by foot", B], ["mountain climbing", "climbing a mountain"], ["ornithology", "studies birds"]] },
  garden: { scan: false, anchors: [["gardening", "cultivation of plants"], ["plant", "lacking the power of locomotion", B], ["flower", "cultivated for its blooms"], ["garden", "plants are cultivated"]] },
  animals: { scan: false, anchors: [["pet", "domesticated animal"], ["domestic animal", "tamed"], ["riding", "back of a horse"], ["animal", "voluntary movement", B]] },
  drink: { scan: false, anchors: [["alcohol", "liquor or brew", B]] },
  cooking: { scan: false, anchors: [["cooking", "application of heat"], ["cuisine", "preparing food"], ["baking", "bread or cake"]] },
  food: { scan: false, anchors: [["beverage", "suitable for drinking", B], ["food", "metabolized", B], ["food", "solid substance", B]] },
  sport: { scan: true, anchors: [["sport", "active diversion", B], ["athletic game", "athletic activity", B], ["exercise", "keep fit", B], ["yoga", "physical, breathing"], ["race", "contest of speed", B]] },
  travel: { scan: false, anchors: [["travel", "one place to another", B], ["journey", "from one place to another", B], ["trip", "for some purpose", B], ["country", "territory occupied", B], ["city", "densely populated urban area", B], ["island", "surrounded by water", B]] },
  vehicles: { scan: false, anchors: [["motor vehicle", "self-propelled", B], ["train", "railway cars"], ["aircraft", "vehicle that can fly"], ["bicycle", "two wheels"]] },
  collecting: { scan: false, anchors: [["philately", "postage stamps"], ["numismatics", "coins"], ["antique", "furniture or decorative object"]] },
  tech: { scan: false, anchors: [["computer", "calculations automatically"], ["computer science", "computers"], ["computer programming", "instructions"], ["robotics", "robots"], ["electronic device", "electronically", B], ["video game", "against a computer"]] },
  pastime: { scan: true, anchors: [["hobby", "auxiliary activity", B], ["diversion", "diverts or amuses", B]] },
};

export interface Resolved {
  /** Anchor synset → its family, the family's rank (lower = more specific), whether it is broad. */
  anchors: Map<number, { family: Family; rank: number; broad: boolean }>;
  /** Catalogue tag → its noun senses that are interests. */
  tags: Map<string, number[]>;
  missing: string[];
  /** Related terms and tags of interests already understood (bounded). */
  understood: Map<string, { related: string[]; tags: Record<string, number> }>;
}

const resolvedByLexicon = new WeakMap<Lexicon, Resolved>();

/** Catalogue tags about who the customer is rather than what they love: matched by their word. */
const WORD_ONLY_TAGS = new Set(["kids", "family", "tech", "gadgets", "design", "sustainability", "fitness"]);

/** Anchor and tag synsets for this lexicon; `missing` lists anchors WordNet did not have. */
export function resolveAnchors(lexicon: Lexicon): Resolved {
  const known = resolvedByLexicon.get(lexicon);
  if (known) return known;
  const anchors = new Map<number, { family: Family; rank: number; broad: boolean }>();
  const missing: string[] = [];
  FAMILIES.forEach((family, rank) => {
    for (const [lemma, hint, broad] of FAMILY_SPECS[family].anchors) {
      const offset = lexicon.anchor(lemma, hint);
      if (offset === null) missing.push(`${family}: ${lemma} (${hint})`);
      else if (!anchors.has(offset)) anchors.set(offset, { family, rank, broad: broad === B });
    }
  });
  // A tag stands for its senses that are interests at all ("plants": the flora, not the
  // factory); a few tags describe people rather than pastimes and match by their word only.
  const tags = new Map<string, number[]>();
  for (const tag of new Set(CATALOGUE.flatMap((g) => g.interests))) {
    const meaning = WORD_ONLY_TAGS.has(tag) ? null : lexicon.meaning(tag);
    const senses = meaning?.senses.filter((sense) => [...sense.reaches.keys()].some((o) => anchors.has(o))) ?? [];
    tags.set(
      tag,
      senses.map((sense) => sense.offset),
    );
  }
  const resolved: Resolved = { anchors, tags, missing, understood: new Map() };
  resolvedByLexicon.set(lexicon, resolved);
  return resolved;
}

/** The senses of a meaning in one family, and how far up each the family's terms go. */
export interface FamilyShare {
  /** Summed weight of the senses in the family. */
  share: number;
  senses: Sense[];
  /**
   * For each sense, the deepest broader term that still names this interest: up to its
   * nearest anchor (sailing → water travel), short of it when the anchor is broad (skiing →
   * not "sport"), never more than two steps.
   */
  termDepth: Map<Sense, number>;
}

/** How far up a family's terms for an interest go. */
const MAX_TERM_DEPTH = 2;

/** The family each sense falls in (the nearest anchor it reaches), with its share. */
export function familyShares(meaning: Meaning, resolved: Resolved): Map<Family, FamilyShare> {
  const shares = new Map<Family, FamilyShare>();
  for (const sense of meaning.senses) {
    let best: { family: Family; depth: number; rank: number; broad: boolean } | null = null;
    for (const [offset, depth] of sense.reaches) {
      const anchor = resolved.anchors.get(offset);
      if (!anchor) continue;
      if (!best || depth < best.depth || (depth === best.depth && anchor.rank < best.rank))
        best = { family: anchor.family, depth, rank: anchor.rank, broad: anchor.broad };
    }
    if (!best) continue;
    const entry: FamilyShare = shares.get(best.family) ?? { share: 0, senses: [], termDepth: new Map() };
    entry.share += sense.weight;
    entry.senses.push(sense);
    entry.termDepth.set(sense, Math.min(MAX_TERM_DEPTH, best.broad ? best.depth - 1 : best.depth));
    shares.set(best.family, entry);
  }
  return shares;
}

/** Whether a word of this family met in running text counts as an interest without "loves…". */
export function countsInPassing(family: Family): boolean {
  return FAMILY_SPECS[family].scan;
}
