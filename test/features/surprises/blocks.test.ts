import { describe, expect, it } from "vitest";
import {
  costLine,
  recordedText,
  renderSuggestions,
  requestModal,
  thinkingText,
  useModal,
} from "../../../src/features/surprises/blocks.ts";
import type { GestureSuggestion } from "../../../src/features/surprises/model.ts";

const hostile = "<!channel> @here <https://evil.example|click> & co";
const suggestion = (i: number, overrides: Partial<GestureSuggestion> = {}): GestureSuggestion => ({
  key: `k${i}`,
  title: `Idea ${i} ${hostile}`,
  details: "x".repeat(5000),
  why: hostile,
  cost: 20,
  effort: "low",
  timing: hostile,
  source: "model",
  ...overrides,
});

describe("surprise blocks", () => {
  const view = renderSuggestions({
    requestId: "0b0c1a9e-6b53-4a55-9d0a-1c2b3d4e5f60",
    customerName: hostile,
    occasion: "recovery",
    suggestions: [suggestion(0), suggestion(1), suggestion(2)],
    source: "model",
    budget: { amount: 50, currency: "USD" },
    caseLabel: "OOPS-7",
    votes: { 1: 1 },
    used: { 2: "UOWN" },
  });

  it("escapes everything people or a model wrote, and keeps Slack's limits", () => {
    const json = JSON.stringify(view);
    expect(json).not.toContain("<!channel>");
    expect(json).not.toMatch(/@here/);
    expect(json).not.toContain("|click>");
    expect(json).toContain("&amp; co");
    expect(view.blocks.length).toBeLessThanOrEqual(50);
    for (const block of view.blocks) {
      const text = (block as { text?: { text: string } }).text?.text ?? "";
      expect(text.length).toBeLessThanOrEqual(3000);
    }
    const ids = view.blocks
      .flatMap((b) => ((b as { elements?: Array<{ action_id?: string }> }).elements ?? []).map((e) => e.action_id))
      .filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect(json).toContain("👍 Thanks!");
    expect(json).toContain("Recorded as given by <@UOWN>");
    expect(ids).not.toContain("surprise_use_2");
  });

  it("shows cost bands against the budget", () => {
    expect(costLine(0, null)).toBe("free (your time)");
    expect(costLine(10, { amount: 50, currency: "USD" })).toBe("~$10.00 · $ of your $50.00 budget");
    expect(costLine(45, { amount: 50, currency: "EUR" })).toBe("~€45.00 · $$$ of your €50.00 budget");
    expect(costLine(100, null)).toBe("~$100.00 · $$$");
  });

  it("escapes names in the notices and forms", () => {
    expect(thinkingText("<!here> Acme")).not.toContain("<!here>");
    expect(
      recordedText({ title: "<b>", customerName: "A&B", costCents: 1250, currency: "USD", caseLabel: "OOPS-1" }),
    ).toContain("&lt;b&gt;* ($12.50) for A&amp;B and on OOPS-1");
    const form = useModal(suggestion(0, { title: "x".repeat(400) }), null, { requestId: "r", index: 0 });
    expect(JSON.stringify(form).length).toBeLessThan(10_000);
    expect(requestModal({}, { responseUrl: "https://hooks.slack.com/x" }).private_metadata).toContain(
      "hooks.slack.com",
    );
  });
});
