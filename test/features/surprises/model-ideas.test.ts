// With a model: the prompt carries the same understanding as the built-in suggester (the
// interest's broader terms, what worked before), and the model's ideas are held to the same
// rules (one of each kind, no reason repeated, at least two of three on the interest).
import { beforeAll, describe, expect, it } from "vitest";
import { understand, type Understanding } from "../../../src/features/surprises/interests.ts";
import { loadLexicon, type Lexicon } from "../../../src/features/surprises/lexicon.ts";
import type { GestureSuggestion, SuggestionContext } from "../../../src/features/surprises/model.ts";
import { modelAnswerSchema, promptData, systemPrompt } from "../../../src/features/surprises/prompt.ts";
import { checkModelIdeas } from "../../../src/features/surprises/service.ts";

let lexicon: Lexicon;
beforeAll(async () => {
  ({ lexicon } = await loadLexicon());
});

const CONTEXT: SuggestionContext = {
  customerName: "Wayne Enterprises",
  occasion: "recovery",
  text: "Their CFO's order was lost twice; they love sailing",
  interests: ["sailing"],
  tier: null,
  notes: [],
  budget: { amount: 50, currency: "USD" },
  given: [],
  pastRecoveries: ["OOPS-4: invoice sent twice"],
  worked: ["Fresh pastries for their whole team"],
  disliked: [],
  scores: {},
};

const idea = (title: string, kind: GestureSuggestion["kind"], why = "They will love it."): GestureSuggestion => ({
  key: `model:${title.slice(0, 10)}`,
  title,
  details: "From the chandlery by their marina, wrapped, with a handwritten card.",
  why,
  kind,
  cost: 20,
  effort: "low",
  timing: "This week",
  source: "model",
});

const quiet = { info: () => undefined };

describe("the prompt", () => {
  it("carries the interest's broader terms, where it came from, and what worked before", () => {
    const understanding = understand(CONTEXT, lexicon);
    const data = promptData(CONTEXT, understanding) as {
      interests_understood: Array<{
        interest: string;
        kind_of_interest: string;
        broader_terms: string[];
        from: string;
      }>;
      what_worked_before: string[];
    };
    expect(data.interests_understood[0]).toMatchObject({
      interest: "sailing",
      kind_of_interest: "water",
      from: "context",
    });
    expect(data.interests_understood[0]?.broader_terms).toEqual(expect.arrayContaining(["water travel", "seafaring"]));
    expect(data.what_worked_before).toEqual(["Fresh pastries for their whole team"]);
    const system = systemPrompt(CONTEXT);
    expect(system).toContain('one to give (kind "give")');
    expect(system).toContain("at least two gestures build on the first one");
    expect(system).toContain("no two reasons alike");
  });

  it("asks for a kind with every idea", () => {
    const parsed = modelAnswerSchema.safeParse({
      suggestions: [{ title: "x", details: "y", why: "z", estimated_cost: 1, effort: "low", timing: "now" }],
    });
    expect(parsed.success).toBe(false);
  });
});

describe("checkModelIdeas", () => {
  let understanding: Understanding;
  beforeAll(() => {
    understanding = understand(CONTEXT, lexicon);
  });

  it("keeps one idea of each kind", () => {
    const kept = checkModelIdeas(
      [
        idea("A tide table of their harbour for their sailing, framed", "give"),
        idea("A sailing lesson with a local club, on a date they choose", "give"),
        idea("A morning sailing with a local club, on a date they choose", "do"),
      ],
      CONTEXT,
      understanding,
      quiet,
    );
    expect(kept.map((k) => k.kind)).toEqual(["give", "do"]);
  });

  it("makes room for ideas on the interest when the model's ignore it", () => {
    const kept = checkModelIdeas(
      [
        idea("A box of fudge from a confectioner near their office", "give"),
        idea("A direct line to a named account manager for a quarter", "do"),
        idea("A handwritten apology from the whole delivery team", "say"),
      ],
      CONTEXT,
      understanding,
      quiet,
    );
    // Two must be filled with ideas on sailing, so only one of these three can stay.
    expect(kept.map((k) => k.title)).toEqual(["A box of fudge from a confectioner near their office"]);
  });

  it("rewrites reasons repeated word for word so each cites what it rests on", () => {
    const kept = checkModelIdeas(
      [
        idea("A tide table of their harbour for their sailing, framed", "give", "They mentioned it."),
        idea("A morning sailing with a local club, on a date they choose", "do", "They mentioned it."),
        idea("A handwritten apology from the whole delivery team", "say", "They mentioned it."),
      ],
      CONTEXT,
      understanding,
      quiet,
    );
    const whys = kept.map((k) => k.why);
    expect(new Set(whys).size).toBe(3);
    expect(whys.join(" ")).toContain("sailing");
    expect(whys.join(" ")).toContain("“Their CFO's order was lost twice”");
  });
});
