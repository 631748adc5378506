// The built-in suggester on a fixture of varied contexts: three distinct, relevant
// suggestions, one of each kind, within the budget and never a gesture the customer already
// got. WordNet is loaded once for the file, as the app loads it once per process.
import { beforeAll, describe, expect, it } from "vitest";
import { suggestionContext } from "../../support/surprise-context.ts";
import { CATALOGUE } from "../../../src/features/surprises/catalogue.ts";
import { ruleBroken, titleOverlap } from "../../../src/features/surprises/guardrails.ts";
import { mentions, understand } from "../../../src/features/surprises/interests.ts";
import { loadLexicon, type Lexicon } from "../../../src/features/surprises/lexicon.ts";
import type { GestureSuggestion, Occasion, SuggestionContext } from "../../../src/features/surprises/model.ts";
import {
  costIn,
  detectOccasion,
  suggestBuiltin as suggestWith,
  type BuiltinOptions,
} from "../../../src/features/surprises/suggester.ts";

let lexicon: Lexicon;
beforeAll(async () => {
  ({ lexicon } = await loadLexicon());
});

/** The suggester as the app runs it: with what WordNet understands of the context. */
function suggestBuiltin(ctx: SuggestionContext, options: BuiltinOptions = {}): GestureSuggestion[] {
  return suggestWith(ctx, { understanding: understand(ctx, lexicon), ...options });
}

const context = suggestionContext;

interface Case {
  name: string;
  context: Partial<SuggestionContext>;
  /** At least one suggestion's key must be among these (relevance). */
  relevant: string[];
}

const FIXTURE: Case[] = [
  {
    name: "late delivery, coffee lovers",
    context: {
      occasion: "recovery",
      text: "Their order arrived a week late, the team lives on oat-milk coffee",
      interests: ["coffee"],
    },
    relevant: ["usual-coffee", "handwritten-apology"],
  },
  {
    name: "wrong item shipped",
    context: { occasion: "recovery", text: "We shipped the wrong size of earmuffs twice" },
    relevant: ["replace-plus-extra", "hand-delivery", "handwritten-apology"],
  },
  {
    name: "outage for an IT customer",
    context: {
      occasion: "recovery",
      text: "Our outage took their booking system down for a morning",
      interests: ["tech"],
    },
    relevant: ["leader-call", "fix-followup-visit", "free-upgrade-visit", "priority-line"],
  },
  {
    name: "tenth anniversary",
    context: { occasion: "milestone", text: "10 years as our customer next month" },
    relevant: ["anniversary-letter", "milestone-framed"],
  },
  {
    name: "birthday of a baker",
    context: { occasion: "milestone", text: "Owner's birthday on Friday", interests: ["baking"] },
    relevant: ["birthday-cake", "class-voucher-experience", "team-pastries"],
  },
  {
    name: "new baby",
    context: { occasion: "milestone", text: "Their account manager just had a baby" },
    relevant: ["new-baby-gift", "meal-delivery", "flowers"],
  },
  {
    name: "referral thank-you from a cyclist",
    context: {
      occasion: "thank_you",
      text: "Referred two new clients to us",
      notes: ["rides to work every day, loves cycling"],
    },
    relevant: ["cycling-kit", "handwritten-thanks"],
  },
  {
    name: "review from a dog owner",
    context: {
      occasion: "thank_you",
      text: "Left us a glowing review; their dog Max comes to every meeting",
      interests: ["dogs"],
    },
    relevant: ["dog-treats"],
  },
  {
    name: "loyal gardener",
    context: { occasion: "loyalty", text: "Customer since 2012, renewed again", interests: ["gardening"] },
    relevant: ["seeds-kit", "desk-plant", "anniversary-letter", "tree-planting", "idea:garden-plant:gardening"],
  },
  {
    name: "loyal wine lover (alcohol allowed)",
    context: { occasion: "loyalty", text: "Long-time customer who enjoys red wine from Rioja", interests: ["wine"] },
    relevant: ["wine-bottle"],
  },
  {
    name: "hospital stay",
    context: { occasion: "hardship", text: "The founder is in hospital after surgery" },
    relevant: ["get-well-card", "flowers", "meal-delivery", "deadline-grace"],
  },
  {
    name: "flooded shop",
    context: { occasion: "hardship", text: "Their shop was flooded last weekend" },
    relevant: ["deadline-grace", "meal-delivery", "charity-donation"],
  },
  {
    name: "bereavement with a tiny budget",
    context: { occasion: "hardship", text: "Their CEO's father passed away", budget: { amount: 10, currency: "EUR" } },
    relevant: ["condolence-card", "deadline-grace"],
  },
  {
    name: "music fan, no budget set",
    context: {
      occasion: "thank_you",
      text: "Thanks for the case study; they play jazz vinyl in the office",
      budget: null,
    },
    relevant: ["vinyl-record", "case-study-feature"],
  },
];

describe("suggestBuiltin", () => {
  for (const fixture of FIXTURE) {
    it(`gives three distinct, relevant ideas within budget: ${fixture.name}`, () => {
      const ctx = context(fixture.context);
      // Its speed is measured by `npm run bench -- surprises`, not here.
      const suggestions = suggestBuiltin(ctx);
      expect(suggestions).toHaveLength(3);
      expect(new Set(suggestions.map((s) => s.key)).size).toBe(3);
      expect(new Set(suggestions.map((s) => s.kind))).toEqual(new Set(["give", "do", "say"]));
      expect(new Set(suggestions.map((s) => s.why)).size).toBe(3);
      for (const s of suggestions) {
        expect(ruleBroken(s, ctx), s.title).toBeNull();
        if (ctx.budget) expect(s.cost).toBeLessThanOrEqual(ctx.budget.amount);
        expect(s.why).toContain("Acme");
        expect(s.title).not.toContain("{");
      }
      for (const [i, a] of suggestions.entries()) {
        for (const b of suggestions.slice(i + 1)) expect(titleOverlap(a.title, b.title)).toBeLessThan(0.6);
      }
      expect(suggestions.map((s) => s.key)).toEqual(expect.arrayContaining([expect.toBeOneOf(fixture.relevant)]));
    });
  }

  it("never repeats a gesture the customer already got, by key or by a similar title", () => {
    const first = suggestBuiltin(context({ occasion: "recovery", text: "Wrong item shipped", interests: ["coffee"] }));
    const given = [
      { key: first[0]?.key ?? "", title: "something else entirely" },
      { key: null, title: first[1]?.title ?? "" },
    ];
    const next = suggestBuiltin(
      context({ occasion: "recovery", text: "Wrong item shipped", interests: ["coffee"], given }),
    );
    expect(next).toHaveLength(3);
    expect(next.map((s) => s.key)).not.toContain(first[0]?.key);
    expect(next.map((s) => s.key)).not.toContain(first[1]?.key);
  });

  it("never suggests alcohol unless the customer enjoys it", () => {
    const beerFree = suggestBuiltin(
      context({ occasion: "milestone", text: "Their new bakery opened on Monday", interests: ["food"] }),
    );
    expect(beerFree.every((s) => !/beer|wine/i.test(s.title))).toBe(true);
    const sober = suggestBuiltin(
      context({ occasion: "loyalty", text: "Loves wine tasting trips, but is now sober", interests: ["wine"] }),
    );
    expect(sober.every((s) => !/wine/i.test(s.title))).toBe(true);
  });

  it("learns from 👍 / 👎: a liked gesture rises, a disliked one falls", () => {
    const base = context({ occasion: "thank_you", text: "Thanks for the feedback session" });
    const before = suggestBuiltin(base).map((s) => s.key);
    const disliked = before[0] ?? "";
    const liked = CATALOGUE.find((g) => g.occasions.includes("thank_you") && !before.includes(g.key))?.key ?? "";
    const after = suggestBuiltin({ ...base, scores: { [disliked]: -3, [liked]: 4 } }).map((s) => s.key);
    expect(after).not.toContain(disliked);
    expect(after[0]).toBe(liked);
  });

  it("builds two of three ideas on an interest outside the catalogue, in the customer's words, with reasons citing it", () => {
    const ctx = context({
      customerName: "Wayne Enterprises",
      occasion: "recovery",
      text: "Their CFO's order was lost twice; they love sailing",
    });
    const suggestions = suggestBuiltin(ctx);
    const [sailing] = understand(ctx, lexicon).interests;
    expect(sailing?.words).toBe("sailing");
    const onSailing = suggestions.filter((s) => mentions(`${s.title} ${s.details}`, sailing!));
    expect(onSailing.length).toBeGreaterThanOrEqual(2);
    for (const s of onSailing) expect(s.why).toMatch(/sailing/);
    expect(suggestions.map((s) => s.title).join(" ")).not.toMatch(/\ba gift\b/i);
    // The occasion is cited as it was described, and that it happened more than once.
    expect(suggestions.map((s) => s.why).join(" ")).toContain("“Their CFO's order was lost twice”");
    expect(suggestions.map((s) => s.why).join(" ")).toContain("more than once");
  });

  it("cites the history: what they liked before and earlier recoveries", () => {
    const ctx = context({
      occasion: "recovery",
      text: "Delivery late again; they love chess",
      worked: ["A box of pastries for their team"],
      pastRecoveries: ["OOPS-3: invoice sent twice", "OOPS-9: late delivery"],
    });
    const whys = suggestBuiltin(ctx)
      .map((s) => s.why)
      .join(" ");
    expect(whys).toMatch(/worked before \(“A box of pastries for their team”\)|OOPS-3, OOPS-9/);
  });

  it("never suggests an interest idea the customer already got, by key or by title", () => {
    const ctx = context({ occasion: "thank_you", text: "Thanks for the referral; they love chess" });
    const first = suggestBuiltin(ctx);
    const next = suggestBuiltin({
      ...ctx,
      given: first.map((s, i) => ({ key: i === 0 ? s.key : null, title: s.title })),
    });
    expect(next).toHaveLength(3);
    for (const s of next) expect(first.map((f) => f.title)).not.toContain(s.title);
    expect(new Set(next.map((s) => s.kind))).toEqual(new Set(["give", "do", "say"]));
  });

  it("fills only the kinds asked for, around ideas already kept (the model's)", () => {
    const ctx = context({ occasion: "milestone", text: "Their 10th anniversary; she adores opera" });
    const kept: GestureSuggestion = {
      key: "model:x",
      title: "A signed programme from the opera house's first season, framed",
      details: "From a dealer in theatre memorabilia, framed by a local framer.",
      why: "They mentioned it on the last call.",
      kind: "give",
      cost: 40,
      effort: "medium",
      timing: "This month",
      source: "model",
    };
    const filler = suggestBuiltin(ctx, { kinds: ["do", "say"], keep: [kept] });
    expect(filler.map((s) => s.kind).sort()).toEqual(["do", "say"]);
    expect(filler.map((s) => s.why)).not.toContain(kept.why);
  });

  it("without WordNet still answers one idea of each kind, built on a known interest word", () => {
    const ctx = context({ occasion: "thank_you", text: "Thanks for the review; they love sailing" });
    const suggestions = suggestWith(ctx, { understanding: understand(ctx, null) });
    expect(new Set(suggestions.map((s) => s.kind))).toEqual(new Set(["give", "do", "say"]));
    expect(suggestions.filter((s) => /sailing/.test(s.title)).length).toBeGreaterThanOrEqual(2);
  });

  it("converts catalogue costs into the budget's currency", () => {
    expect(costIn(20, "USD")).toBe(20);
    expect(costIn(20, "JPY")).toBe(3000);
    expect(costIn(5, "SEK")).toBe(50);
    expect(costIn(20, undefined)).toBe(20);
  });
});

describe("the catalogue", () => {
  it("has at least 40 concrete gestures covering every occasion, with unique keys", () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CATALOGUE.map((g) => g.key)).size).toBe(CATALOGUE.length);
    const occasions: Occasion[] = ["recovery", "milestone", "thank_you", "loyalty", "hardship"];
    for (const occasion of occasions) {
      expect(CATALOGUE.filter((g) => g.occasions.includes(occasion)).length, occasion).toBeGreaterThanOrEqual(8);
    }
    for (const g of CATALOGUE) {
      expect(g.title.split(" ").length, g.key).toBeGreaterThanOrEqual(6);
      expect(g.title, g.key).not.toMatch(/gift card|voucher|cash/i);
    }
  });

  it("has no gesture its own guardrails refuse (a details line once said 'voucher', another 'check for')", () => {
    const enjoysEverything = context({
      text: "enjoys wine and craft beer",
      budget: null,
      interests: ["wine", "beer"],
    });
    for (const occasion of ["recovery", "milestone", "thank_you", "loyalty", "hardship"] as const) {
      const ctx = { ...enjoysEverything, occasion };
      for (const g of CATALOGUE) {
        const fill = (t: string) => t.replaceAll("{customer}", "Acme").replaceAll("{interest}", "sailing");
        const s: GestureSuggestion = {
          key: g.key,
          title: fill(g.title),
          details: fill(g.details),
          why: fill(g.why),
          kind: g.kind,
          cost: g.costUsd,
          effort: g.effort,
          timing: g.timing,
          source: "builtin",
        };
        expect(ruleBroken(s, ctx), g.key).toBeNull();
        expect(g.why, g.key).toContain("{customer}");
      }
    }
  });
});

describe("detectOccasion", () => {
  it.each([
    ["The invoice was sent twice to the wrong address", "recovery"],
    ["Their 10th anniversary with us", "milestone"],
    ["Customer since 2015", "loyalty"],
    ["Their office flooded", "hardship"],
    ["Thanks for the referral", "thank_you"],
    ["Just because", "thank_you"],
  ])("%s → %s", (text, occasion) => {
    expect(detectOccasion(text)).toBe(occasion);
  });
});
