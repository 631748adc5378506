import { describe, expect, it } from "vitest";
import {
  parseAmount,
  parseSuggestionRef,
  parseSurpriseCommand,
  readRequestForm,
  readUseForm,
} from "../../../src/features/surprises/parse.ts";

describe("parseSurpriseCommand", () => {
  it.each([
    ["", { kind: "modal" }],
    ["help", { kind: "help" }],
    ["customer  Acme Corp ", { kind: "customer", name: "Acme Corp" }],
    ["note Acme: loves cycling", { kind: "note", name: "Acme", text: "loves cycling" }],
    ["Acme &amp; Co: late twice", { kind: "suggest", customer: "Acme & Co", context: "late twice" }],
    ["Acme Corp", { kind: "suggest", customer: "Acme Corp", context: "" }],
    ["tier Acme Corp: gold", { kind: "tier", name: "Acme Corp", tier: "gold" }],
    ["tier Acme Corp: none", { kind: "tier", name: "Acme Corp", tier: null }],
    ["Customer Success Ltd: thanks", { kind: "suggest", customer: "Customer Success Ltd", context: "thanks" }],
    ["<@U123|bob> Acme: thanks to Bob", { kind: "suggest", customer: "@bob Acme", context: "thanks to Bob" }],
  ])("%j", (text, command) => {
    expect(parseSurpriseCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    ["note Acme", "Name the customer, then a colon"],
    ["customer", "Which customer?"],
    ["tier Acme", "then the tier"],
    [": no name", "Name the customer before the colon"],
    [`${"x".repeat(151)}: too long`, "under 150 characters"],
    [`Acme: ${"x".repeat(2001)}`, "over 2000 characters"],
  ])("refuses %j", (text, problem) => {
    const parsed = parseSurpriseCommand(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });
});

describe("forms", () => {
  const form = (values: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(values).map(([block, v]) => [block, { value: v as { value?: string } }]));

  it("reads the request form, with field errors keyed by block", () => {
    expect(readRequestForm(form({ surprise_customer: { value: "  " }, surprise_budget: { value: "-3" } }))).toEqual({
      ok: false,
      errors: { surprise_customer: expect.any(String), surprise_budget: expect.any(String) },
    });
    expect(
      readRequestForm(
        form({
          surprise_customer: { value: "Acme" },
          surprise_occasion: { selected_option: { value: "hardship" } },
          surprise_interests: { value: "Coffee, Dogs;chess" },
          surprise_budget: { value: "€30,50" },
        }),
      ),
    ).toEqual({
      ok: true,
      draft: {
        customer: "Acme",
        occasion: "hardship",
        context: "",
        interests: ["coffee", "dogs", "chess"],
        budgetCents: 3050,
      },
    });
  });

  it("bounds the interests: each under 40 characters, at most 15, with an error on the field", () => {
    const read = (interests: string) =>
      readRequestForm(form({ surprise_customer: { value: "Acme" }, surprise_interests: { value: interests } }));
    const long = read(`coffee, ${"x".repeat(41)}`);
    expect(long).toEqual({ ok: false, errors: { surprise_interests: expect.stringContaining("under 40 characters") } });
    const many = read(Array.from({ length: 16 }, (_, i) => `interest ${i}`).join(", "));
    expect(many).toEqual({ ok: false, errors: { surprise_interests: expect.stringContaining("At most 15") } });
    expect(read(`${"y".repeat(40)},  jazz   records `)).toMatchObject({
      ok: true,
      draft: { interests: ["y".repeat(40), "jazz records"] },
    });
  });

  it("reads the actual cost", () => {
    expect(readUseForm(form({ surprise_cost: { value: "12.5" } }))).toEqual({ ok: true, costCents: 1250, what: null });
    expect(readUseForm(form({ surprise_cost: { value: "" }, surprise_what: { value: "Flowers" } }))).toEqual({
      ok: true,
      costCents: null,
      what: "Flowers",
    });
    expect(readUseForm(form({ surprise_cost: { value: "a lot" } })).ok).toBe(false);
  });

  it("reads amounts and button values", () => {
    expect(parseAmount("$25")).toBe(2500);
    expect(parseAmount("25 EUR")).toBe(2500);
    expect(parseAmount("0")).toBe(0);
    expect(parseAmount(null)).toBeNull();
    expect(parseAmount("ten")).toBeNaN();
    expect(parseSuggestionRef("0b0c1a9e-6b53-4a55-9d0a-1c2b3d4e5f60:2")).toEqual({
      requestId: "0b0c1a9e-6b53-4a55-9d0a-1c2b3d4e5f60",
      index: 2,
    });
    expect(parseSuggestionRef("nope:2")).toBeNull();
  });
});
