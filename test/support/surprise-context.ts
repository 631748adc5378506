// A surprise request's context as the suggesters get it, with everything empty but what a test
// sets: a thank-you for "Acme" with a budget of 50 USD.
import type { SuggestionContext } from "../../src/features/surprises/model.ts";

export function suggestionContext(overrides: Partial<SuggestionContext> = {}): SuggestionContext {
  return {
    customerName: "Acme",
    occasion: "thank_you",
    text: "",
    interests: [],
    tier: null,
    notes: [],
    budget: { amount: 50, currency: "USD" },
    given: [],
    pastRecoveries: [],
    worked: [],
    disliked: [],
    scores: {},
    ...overrides,
  };
}
