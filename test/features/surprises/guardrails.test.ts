import { describe, expect, it } from "vitest";
import { ruleBroken } from "../../../src/features/surprises/guardrails.ts";
import type { GestureSuggestion, SuggestionContext } from "../../../src/features/surprises/model.ts";

const context: SuggestionContext = {
  customerName: "Acme",
  occasion: "thank_you",
  text: "Thanks for the referral",
  interests: [],
  tier: null,
  notes: [],
  budget: { amount: 50, currency: "USD" },
  given: [{ key: "usual-coffee", title: "Oat-milk flat whites for the team from the café next door" }],
  pastRecoveries: [],
  worked: [],
  disliked: [],
  scores: {},
};

const suggestion = (title: string, overrides: Partial<GestureSuggestion> = {}): GestureSuggestion => ({
  key: "model:x",
  title,
  details: "From the bakery two doors down from their office, with a handwritten card.",
  why: "They love it",
  cost: 20,
  effort: "low",
  timing: "Friday",
  source: "model",
  ...overrides,
});

describe("ruleBroken", () => {
  it("accepts a specific gesture within the budget", () => {
    expect(ruleBroken(suggestion("A box of cinnamon buns for their whole team on Friday"), context)).toBeNull();
  });

  it.each([
    ["over the budget", suggestion("A weekend at a spa hotel in the mountains", { cost: 51 })],
    ["cash or a cash equivalent", suggestion("A $40 Amazon gift card with a thank-you note")],
    ["cash or a cash equivalent", suggestion("A 20% discount code on their next order, with a note")],
    ["cash or a cash equivalent", suggestion("A cheque to cover the earmuffs they lost")],
    ["alcohol the customer may not enjoy", suggestion("A bottle of champagne from a small producer")],
    ["already given to this customer", suggestion("Oat-milk flat whites for their team from the café next door")],
    ["already given to this customer", suggestion("Something else entirely new here", { key: "usual-coffee" })],
    ["too generic", suggestion("Send a gift")],
    ["too generic", suggestion("A thank-you card")],
    ["too vague", suggestion("Pastries for the whole team on Friday", { details: "Nice." })],
    ["no usable cost", suggestion("Pastries for the whole team on Friday", { cost: Number.NaN })],
  ])("refuses: %s", (reason, s) => {
    expect(ruleBroken(s, context)).toBe(reason);
  });

  it("allows alcohol when the customer's context says they enjoy it", () => {
    const wine = suggestion("A bottle of Rioja from a small producer they'd love");
    expect(ruleBroken(wine, { ...context, notes: ["Enjoys red wine, especially Rioja"] })).toBeNull();
    expect(ruleBroken(wine, { ...context, notes: ["Used to love wine, now sober"] })).toBe(
      "alcohol the customer may not enjoy",
    );
  });

  it("has no cap without a workspace budget", () => {
    expect(
      ruleBroken(suggestion("A framed print of their first order for the office", { cost: 500 }), {
        ...context,
        budget: null,
      }),
    ).toBeNull();
  });
});
