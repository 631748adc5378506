// The signal rules' parser and validator (shared by `/delight-admin signals …` and, later, App
// Home Settings), and the verdicts they give.
import { describe, expect, it } from "vitest";
import { verdictOf } from "../../../src/features/signals/model.ts";
import {
  applyChange,
  DEFAULT_THRESHOLDS,
  parseThresholdChange,
  readThresholds,
  renderThresholds,
} from "../../../src/features/signals/thresholds.ts";

const parse = (text: string, current = DEFAULT_THRESHOLDS) =>
  parseThresholdChange(text.split(" "), current, `/delight-admin signals ${text}`);

describe("signal thresholds", () => {
  it("parses each rule", () => {
    expect(parse("detractor csat 1")).toEqual({ ok: true, change: { kind: "set", field: "detractorCsat", value: 1 } });
    expect(parse("detractor NPS 5")).toEqual({ ok: true, change: { kind: "set", field: "detractorNps", value: 5 } });
    expect(parse("praise csat 5")).toEqual({ ok: true, change: { kind: "set", field: "praiseCsat", value: 5 } });
    expect(parse("praise nps 10")).toEqual({ ok: true, change: { kind: "set", field: "praiseNps", value: 10 } });
    expect(parse("nudges 5")).toEqual({ ok: true, change: { kind: "set", field: "nudgesPerDay", value: 5 } });
    expect(parse("nudges limit 0 per day")).toEqual({
      ok: true,
      change: { kind: "set", field: "nudgesPerDay", value: 0 },
    });
    expect(parse("defaults")).toEqual({ ok: true, change: { kind: "reset" } });
  });

  it("refuses out of range, non-numbers and a rule that would overlap, quoting the input", () => {
    const outOfRange = parse("detractor csat 7");
    expect(outOfRange).toMatchObject({ ok: false });
    if (outOfRange.ok) return;
    expect(outOfRange.problem).toContain("from 1 to 5");
    expect(outOfRange.problem).toContain("> /delight-admin signals detractor csat 7");

    const nps = parse("praise nps 11");
    expect(!nps.ok && nps.problem).toContain("from 0 to 10");
    const word = parse("detractor nps six");
    expect(!word.ok && word.problem).toContain("whole number");
    const fraction = parse("praise csat 4.5");
    expect(!fraction.ok && fraction.problem).toContain("whole number");
    const missing = parse("praise csat");
    expect(!missing.ok && missing.problem).toContain("Give a number");
    const which = parse("detractor ces 3");
    expect(!which.ok && which.problem).toContain("signals detractor csat <n>");
    const overlap = parse("detractor csat 4");
    expect(!overlap.ok && overlap.problem).toContain("must stay below praise");
    const overlapNps = parse("praise nps 6");
    expect(!overlapNps.ok && overlapNps.problem).toContain("must stay below praise");
    const unknown = parse("<!channel>");
    expect(!unknown.ok && unknown.problem).not.toContain("<!channel>");
    const tooMany = parse("nudges 50");
    expect(!tooMany.ok && tooMany.problem).toContain("from 0 (none) to 10");
  });

  it("decides verdicts by the workspace's rules", () => {
    const csat = (value: number, scaleMax: number | null = 5) => ({
      score: { kind: "csat" as const, value, scaleMax, label: null },
    });
    const nps = (value: number) => ({ score: { kind: "nps" as const, value, scaleMax: null, label: null } });
    // Defaults: CSAT ≤ 2 of 5 detractor, ≥ 4 praise; NPS ≤ 6, ≥ 9.
    expect(verdictOf(csat(2))).toBe("detractor");
    expect(verdictOf(csat(3))).toBe("neutral");
    expect(verdictOf(csat(4))).toBe("praise");
    expect(verdictOf(nps(6))).toBe("detractor");
    expect(verdictOf(nps(8))).toBe("neutral");
    expect(verdictOf(nps(9))).toBe("praise");
    const strict = applyChange(applyChange(DEFAULT_THRESHOLDS, { kind: "set", field: "detractorCsat", value: 1 }), {
      kind: "set",
      field: "praiseNps",
      value: 10,
    });
    expect(verdictOf(csat(2), strict)).toBe("neutral");
    expect(verdictOf(csat(1), strict)).toBe("detractor");
    expect(verdictOf(csat(2, 10), strict)).toBe("detractor");
    expect(verdictOf(nps(9), strict)).toBe("neutral");
    expect(verdictOf(nps(10), strict)).toBe("praise");
    // Zendesk's words are not thresholds.
    expect(verdictOf({ score: { kind: "csat", value: null, scaleMax: null, label: "bad" } }, strict)).toBe("detractor");
    expect(renderThresholds(strict)).toContain("CSAT ≤ 1 of 5 _(default 2)_");
  });

  it("checks a whole form's values with the command's rules (App Home → Settings)", () => {
    // Empty is the default; untouched fields (absent) stay as they are.
    const current = { ...DEFAULT_THRESHOLDS, praiseNps: 10 };
    const fine = readThresholds({ detractorCsat: " 3 ", nudgesPerDay: "", praiseCsat: "5" }, current);
    expect(fine.problems).toEqual({});
    expect(fine.rules).toEqual({ ...current, detractorCsat: 3, praiseCsat: 5, nudgesPerDay: 3 });

    // The command's message, with what was typed quoted (escaped: it is shown as text).
    const bad = readThresholds({ detractorCsat: "<lots>", detractorNps: "12" }, current);
    const command = parseThresholdChange(["detractor", "nps", "12"], current, "signals detractor nps 12");
    expect(!command.ok && command.problem).toContain("12 is out of range");
    expect(bad.problems.detractorNps).toContain("12 is out of range");
    expect(bad.problems.detractorNps).toContain("You typed “12”");
    expect(bad.problems.detractorCsat).toContain("A CSAT threshold is a whole number of stars from 1 to 5");
    expect(bad.problems.detractorCsat).toContain("You typed “&lt;lots&gt;”");

    // Both moved together is fine when the set holds; a set where one rating is both is not,
    // under the field that moved.
    expect(readThresholds({ detractorCsat: "4", praiseCsat: "5" }, DEFAULT_THRESHOLDS).problems).toEqual({});
    const clash = readThresholds({ praiseCsat: "2" }, DEFAULT_THRESHOLDS);
    expect(Object.keys(clash.problems)).toEqual(["praiseCsat"]);
    expect(clash.problems.praiseCsat).toContain("must stay below praise");
    expect(Object.keys(readThresholds({ detractorNps: "9" }, DEFAULT_THRESHOLDS).problems)).toEqual(["detractorNps"]);
  });
});
