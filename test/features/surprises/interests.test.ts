// Interests understood by meaning (WordNet loaded once for the file): found where people write
// them, placed in a family, related to the catalogue's tags, in the customer's own words.
import { beforeAll, describe, expect, it } from "vitest";
import { resolveAnchors } from "../../../src/features/surprises/interest-families.ts";
import { interestsNamedIn, mentions, understand, type Interest } from "../../../src/features/surprises/interests.ts";
import { loadLexicon, type Lexicon } from "../../../src/features/surprises/lexicon.ts";
import type { SuggestionContext } from "../../../src/features/surprises/model.ts";
import { suggestionContext } from "../../support/surprise-context.ts";

let lexicon: Lexicon;
beforeAll(async () => {
  ({ lexicon } = await loadLexicon());
});

const context = suggestionContext;

const interestsOf = (text: string, extra: Partial<SuggestionContext> = {}): Interest[] =>
  understand(context({ text, ...extra }), lexicon).interests;
const wordsOf = (text: string) => interestsOf(text).map((i) => i.words);

describe("WordNet anchors", () => {
  it("all resolve in WordNet 3.1 (a different WordNet would show here first)", () => {
    expect(resolveAnchors(lexicon).missing).toEqual([]);
  });
});

describe("understand", () => {
  it.each([
    ["Their CFO's order was lost twice; they love sailing", "sailing", "water"],
    ["The founder is a keen chess player", "chess", "game"],
    ["She adores opera", "opera", "music"],
    ["Their office manager is really into knitting", "knitting", "craft"],
    ["The owner loves astronomy", "astronomy", "science"],
    ["The plant manager goes fly fishing every Sunday", "fly fishing", "water"],
    ["The whole team goes skiing in February", "skiing", "sport"],
    ["Maria does pottery on weekends", "pottery", "craft"],
    ["They collect vintage cars", "vintage cars", "vehicles"],
    ["The team enjoys bird watching", "bird watching", "outdoors"],
    ["He is a keen photographer", "photography", "art"],
    ["She is an avid reader of crime novels", "crime novels", "reading"],
    ["The developers love video games", "video games", "tech"],
    ["The team loves Japan", "Japan", "travel"],
    ["Their dog Max comes to every meeting", "dogs", "animals"],
  ])("%s → %s (%s)", (text, words, family) => {
    const [first] = interestsOf(text);
    expect(first?.words).toBe(words);
    expect(first?.family).toBe(family);
  });

  it("relates interests to the catalogue's tags through broader terms", () => {
    expect(interestsOf("they love chess")[0]?.tags["board games"]).toBe(1);
    expect(interestsOf("knitting is her hobby; she loves knitting")[0]?.tags.handicraft).toBeGreaterThanOrEqual(1);
    expect(interestsOf("she adores opera")[0]?.tags["music genre"]).toBe(2);
    expect(interestsOf("loves orchids")[0]?.tags.plants).toBeGreaterThan(2);
    // Chess the grass is a plant, but not the chess they love.
    expect(interestsOf("they love chess")[0]?.tags.plants).toBeUndefined();
  });

  it("relates only terms that still name the interest: up to its family's anchor, never a broad one", () => {
    expect(interestsOf("they love sailing")[0]?.related).toEqual(["seafaring", "navigation", "water travel"]);
    expect(interestsOf("they love chess")[0]?.related).toEqual(["chess game", "board game"]);
    // Skiing is a sport, but an idea about "sport" or "athletics" is not about skiing.
    expect(interestsOf("they love skiing")[0]?.related).toEqual([]);
    expect(interestsOf("he is a keen photographer")[0]?.related).not.toContain("business");
  });

  it("does not take words met in passing for interests", () => {
    expect(wordsOf("The piano delivery was late and the driver was rude")).toEqual([]);
    expect(wordsOf("Their CEO's mother passed away")).toEqual([]);
    expect(wordsOf("The invoice went to the wrong address")).toEqual([]);
    expect(wordsOf("The founder has been with us since the start")).toEqual([]);
    expect(wordsOf("The plant manager called twice")).toEqual([]);
  });

  it("finds an activity named in passing when its usual sense is one", () => {
    expect(wordsOf("Thanks for the case study; they play jazz in the office")).toContain("jazz");
    expect(wordsOf("Their golf day was rained off")).toContain("golf");
  });

  it("puts the request's interests first, then the notes, then the record, each once", () => {
    const interests = understand(
      context({
        text: "Thanks for the referral; they love sailing",
        interests: ["coffee", "opera", "sailing"],
        named: ["opera"],
        notes: ["The CTO loves astronomy"],
      }),
      lexicon,
    ).interests;
    expect(interests.map((i) => `${i.words}/${i.source}`)).toEqual([
      "opera/form",
      "sailing/context",
      "astronomy/note",
      "coffee/record",
    ]);
  });

  it("drops alcohol unless the context says they enjoy it", () => {
    expect(wordsOf("The founder collects whisky")).toEqual(["whisky"]);
    expect(wordsOf("Loved wine tasting trips, but is now sober")).toEqual([]);
    expect(interestsOf("Long-time customer", { interests: ["wine"], notes: ["doesn't drink any more"] })).toEqual([]);
  });

  it("works without WordNet, by the phrases that introduce interests and the known words", () => {
    const plain = understand(context({ text: "they love sailing and play jazz vinyl" }), null).interests;
    expect(plain.map((i) => i.words)).toEqual(expect.arrayContaining(["sailing", "jazz"]));
    expect(plain.every((i) => i.family === null && i.related.length === 0)).toBe(true);
  });
});

describe("interestsNamedIn", () => {
  it("keeps what the text introduces, not what it mentions in passing, nor drinks", () => {
    expect(interestsNamedIn("Order lost twice; they love sailing and collect whisky", lexicon)).toEqual(["sailing"]);
    expect(interestsNamedIn("The plant manager called about the piano delivery", lexicon)).toEqual([]);
  });
});

describe("mentions", () => {
  it("counts the interest, its other forms and the terms WordNet relates to it", () => {
    const [chess] = interestsOf("they love chess");
    expect(mentions("A board game for the family", chess!)).toBe(true);
    expect(mentions("A travel chess set", chess!)).toBe(true);
    expect(mentions("A box of chocolates", chess!)).toBe(false);
    const [dogs] = interestsOf("their dog Max comes to every meeting");
    expect(mentions("Treats for their dog", dogs!)).toBe(true);
  });
});
