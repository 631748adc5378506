// `/delight stories` filters.
import { describe, expect, it } from "vitest";
import { describeFilter, parseStoriesFilter } from "../../../src/features/stories/parse.ts";

describe("parseStoriesFilter", () => {
  it("reads values, people, a period and the rest as the customer", () => {
    expect(parseStoriesFilter("#Recovery #listen <@UALICE|alice> Acme Corp last 2 weeks")).toEqual({
      ok: true,
      filter: { values: ["listen", "recovery"], personIds: ["UALICE"], customer: "Acme Corp", days: 14 },
    });
    expect(parseStoriesFilter("")).toEqual({
      ok: true,
      filter: { values: [], personIds: [], customer: null, days: null },
    });
    expect(parseStoriesFilter("30d")).toMatchObject({ ok: true, filter: { days: 30 } });
    expect(parseStoriesFilter("past 3 months")).toMatchObject({ ok: true, filter: { days: 90 } });
    expect(parseStoriesFilter("Tom &amp; Jerry")).toMatchObject({ ok: true, filter: { customer: "Tom & Jerry" } });
  });

  it("refuses an unknown value, escaped, and says which exist", () => {
    const result = parseStoriesFilter("#nope<!channel>");
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem).toContain("“#nope” isn't one of the values");
      expect(result.problem).toContain("`#recovery`");
    }
    expect(parseStoriesFilter("last 0 days").ok).toBe(false);
  });

  it("describes a filter for the page heading, escaped", () => {
    expect(describeFilter({ values: ["delight"], personIds: ["UA"], customer: "<b>", days: 7 })).toBe(
      "#delight · <@UA> · customer “&lt;b&gt;” · last 7 days",
    );
    expect(describeFilter({ values: [], personIds: [], customer: null, days: null })).toBe("all approved stories");
  });
});
