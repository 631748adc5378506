import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { buildCsv, neutraliseFormula, StoryBookWriter } from "../../../src/features/export/files.ts";
import type { ExportStory } from "../../../src/features/export/model.ts";
import { parseExportRequest } from "../../../src/features/export/parse.ts";

const story = (over: Partial<ExportStory>): ExportStory => ({
  id: "n1",
  approvedAt: new Date("2026-03-02T23:30:00Z"),
  nominees: ["Alice", "Bob"],
  nominator: "Nina",
  customer: "Acme",
  values: ["delight"],
  story: "Re-shipped overnight",
  approver: "Maria",
  link: "",
  ...over,
});

async function* streamOf(stories: ExportStory[]): AsyncGenerator<ExportStory> {
  for (const s of stories) yield await Promise.resolve(s);
}

describe("export files", () => {
  it("neutralises every cell a spreadsheet would run as a formula", () => {
    for (const cell of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]) expect(neutraliseFormula(cell)).toBe(`'${cell}`);
    for (const cell of ["Hello", "", "1-2", "a=b"]) expect(neutraliseFormula(cell)).toBe(cell);
  });

  it("writes RFC 4180 CSV that parses back, with dates in the admin's timezone", async () => {
    const tricky = 'She said "wow", then\r\nleft 🎉';
    const { content, rows } = await buildCsv(
      streamOf([story({ story: tricky, customer: "Chen, Wu" }), story({ nominator: "@here", values: [] })]),
      "Europe/Paris",
    );
    expect(rows).toBe(2);
    expect(content.subarray(0, 3).toString("hex")).toBe("efbbbf"); // UTF-8 byte-order mark
    const parsed = parse<Record<string, string>>(content, { bom: true, columns: true });
    expect(parsed[0]).toMatchObject({
      date: "2026-03-03",
      nominees: "Alice, Bob",
      customer: "Chen, Wu",
      story: tricky,
    });
    expect(parsed[1]).toMatchObject({ nominator: "'@here", values: "" });
  });

  it("writes a story book with one chapter per value that has stories, in L.E.A.D. order", async () => {
    const writer = new StoryBookWriter({ title: "Book", rangeLabel: "all", timezone: "UTC" });
    writer.add(story({ story: "fixed *it*", values: ["recovery"] }));
    writer.add(story({ story: "heard them", values: ["listen"] }));
    writer.add(story({ story: "no tag", values: [] }));
    const book = writer.finish().toString("utf8");
    expect(book.indexOf("## 👂 Listen")).toBeLessThan(book.indexOf("## 🔄 Recovery"));
    expect(book).not.toContain("## ✨ Delight");
    expect(book).toContain("> fixed \\*it\\*");
    expect(book).toContain("- Listen (1 story)");
    expect(book.indexOf("## Other stories")).toBeGreaterThan(book.indexOf("## 🔄 Recovery"));
  });
});

describe("export dates", () => {
  it("reads no date, one date or two, and refuses the rest with an example", () => {
    expect(parseExportRequest(["stories"])).toEqual({ ok: true, from: null, to: null });
    expect(parseExportRequest(["Stories", "2026-01-31"])).toEqual({
      ok: true,
      from: { year: 2026, month: 1, day: 31 },
      to: null,
    });
    const bad = parseExportRequest(["stories", "31/01/2026"]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problem).toContain("“31/01/2026”");
      expect(bad.problem).toContain("For example");
    }
    expect(parseExportRequest(["stories", "2026-02-29"]).ok).toBe(false);
    expect(parseExportRequest(["stories", "2026-01-01", "2026-01-02", "2026-01-03"]).ok).toBe(false);
    expect(parseExportRequest(["nominations"]).ok).toBe(false);
  });
});
