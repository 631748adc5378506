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

interface FamilySpec {
  /** WordNet synsets that define the family: a lemma and words of the sense's definition. */
  anchors: Array<[lemma: string, hint: string]>;
  /** Whether a word in running text of this family counts as an interest without "loves…". */
  scan: boolean;
}

// Listed from the most specific to the most general: when a sense reaches anchors of two
// families at the same depth, the first listed wins.
const FAMILY_SPECS: Record<Family, FamilySpec> = {
  water: {
    anchors: [
      ["water sport", "bodies of water"],
      ["water travel", "travel by water"],
      ["boat", "small vessel"],
      ["vessel", "water transportation"],
      ["fishing", "diversion"],
      ["navigation", "work of a sailor"],
      ["body of water", "earth's surface"],
    ],
    scan: true,
  },
  game: {
    anchors: [
      ["board game", "specially designed board"],
      ["card game", "playing cards"],
      ["puzzle", "ingenuity"],
      ["parlor game", "parlor"],
      ["game", "contest with rules"],
      ["game", "amusement or pastime"],
    ],
    scan: true,
  },
  music: {
    anchors: [
      ["music", "auditory communication"],
      ["music", "musical activity"],
      ["music genre", "style of music"],
      ["musical instrument", "musical"],
      ["singing", "vocal music"],
      ["musical composition", "musical work"],
      ["concert", "performance of music"],
      ["musical performance", "performing music"],
    ],
    scan: true,
  },
  stage: {
    anchors: [
      ["dramaturgy", "producing plays"],
      ["theater", "theatrical performances"],
      ["dancing", "rhythmical steps"],
      ["movie", "enacts a story"],
      ["film", "moving pictures"],
      ["play", "performance by actors"],
      ["comedy", "humorous drama"],
    ],
    scan: true,
  },
  art: {
    anchors: [
      ["art", "products of human creativity"],
      ["art", "beautiful or significant"],
      ["graphic art", "drawing or painting"],
      ["photography", "taking and printing"],
      ["drawing", "artistic pictures"],
      ["sculpture", "three dimensions"],
      ["museum", "displaying objects"],
    ],
    scan: true,
  },
  craft: {
    anchors: [
      ["handicraft", "skillful hands"],
      ["handicraft", "hand labor"],
      ["needlework", "needle and thread"],
      ["needlework", "done with a needle"],
      ["woodwork", "carpenter"],
      ["pottery", "earthenware"],
    ],
    scan: true,
  },
  science: {
    anchors: [
      ["science", "scientific knowledge"],
      ["natural history", "plants or animals"],
      ["history", "interprets past events"],
    ],
    scan: true,
  },
  reading: {
    anchors: [
      ["literature", "creative writing"],
      ["book", "has been published"],
      ["poetry", "metrical form"],
      ["novel", "fictional work in prose"],
      ["fiction", "imagination"],
      ["comic book", "comic strips"],
      ["magazine", "periodic publication"],
    ],
    scan: false,
  },
  outdoors: {
    anchors: [
      ["hike", "long walk"],
      ["camping", "tents"],
      ["walk", "traveling by foot"],
      ["mountain climbing", "climbing a mountain"],
      ["ornithology", "studies birds"],
    ],
    scan: false,
  },
  garden: {
    anchors: [
      ["gardening", "cultivation of plants"],
      ["plant", "lacking the power of locomotion"],
      ["flower", "cultivated for its blooms"],
      ["garden", "plants are cultivated"],
    ],
    scan: false,
  },
  animals: {
    anchors: [
      ["pet", "domesticated animal"],
      ["domestic animal", "tamed"],
      ["riding", "back of a horse"],
      ["animal", "voluntary movement"],
    ],
    scan: false,
  },
  drink: { anchors: [["alcohol", "liquor or brew"]], scan: false },
  cooking: {
    anchors: [
      ["cooking", "application of heat"],
      ["cuisine", "preparing food"],
      ["baking", "bread or cake"],
    ],
    scan: false,
  },
  food: {
    anchors: [
      ["beverage", "suitable for drinking"],
      ["food", "metabolized"],
      ["food", "solid substance"],
    ],
    scan: false,
  },
  sport: {
    anchors: [
      ["sport", "active diversion"],
      ["athletic game", "athletic activity"],
      ["exercise", "keep fit"],
      ["yoga", "physical, breathing"],
      ["race", "contest of speed"],
    ],
    scan: true,
  },
  travel: {
    anchors: [
      ["travel", "one place to another"],
      ["journey", "from one place to another"],
      ["trip", "for some purpose"],
      ["country", "territory occupied"],
      ["city", "densely populated urban area"],
      ["island", "surrounded by water"],
    ],
    scan: false,
  },
  vehicles: {
    anchors: [
      ["motor vehicle", "self-propelled"],
      ["train", "railway cars"],
      ["aircraft", "vehicle that can fly"],
      ["bicycle", "two wheels"],
    ],
    scan: false,
  },
  collecting: {
    anchors: [
      ["philately", "postage stamps"],
      ["numismatics", "coins"],
      ["antique", "furniture or decorative object"],
    ],
    scan: false,
  },
  tech: {
    anchors: [
      ["computer", "calculations automatically"],
      ["computer science", "computers"],
      ["video game", "against a computer"],
      ["computer programming", "instructions"],
      ["robotics", "robots"],
      ["electronic device", "electronically"],
    ],
    scan: false,
  },
  pastime: {
    anchors: [
      ["hobby", "auxiliary activity"],
      ["diversion", "diverts or amuses"],
    ],
    scan: true,
  },
};

export interface Resolved {
  /** Anchor synset → its family and the family's rank (lower = more specific). */
  anchors: Map<number, { family: Family; rank: number }>;
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
  const anchors = new Map<number, { family: Family; rank: number }>();
  const missing: string[] = [];
  FAMILIES.forEach((family, rank) => {
    for (const [lemma, hint] of FAMILY_SPECS[family].anchors) {
      const offset = lexicon.anchor(lemma, hint);
      if (offset === null) missing.push(`${family}: ${lemma} (${hint})`);
      else if (!anchors.has(offset)) anchors.set(offset, { family, rank });
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

/** The family each sense falls in (the nearest anchor it reaches), with its share. */
export function familyShares(meaning: Meaning, resolved: Resolved): Map<Family, { share: number; senses: Sense[] }> {
  const shares = new Map<Family, { share: number; senses: Sense[] }>();
  for (const sense of meaning.senses) {
    let best: { family: Family; depth: number; rank: number } | null = null;
    for (const [offset, depth] of sense.reaches) {
      const anchor = resolved.anchors.get(offset);
      if (!anchor) continue;
      if (!best || depth < best.depth || (depth === best.depth && anchor.rank < best.rank))
        best = { family: anchor.family, depth, rank: anchor.rank };
    }
    if (!best) continue;
    const entry = shares.get(best.family) ?? { share: 0, senses: [] };
    entry.share += sense.weight;
    entry.senses.push(sense);
    shares.set(best.family, entry);
  }
  return shares;
}

/** Whether a word of this family met in running text counts as an interest without "loves…". */
export function countsInPassing(family: Family): boolean {
  return FAMILY_SPECS[family].scan;
}
