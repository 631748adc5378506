import { describe, expect, it } from "vitest";
import {
  parseDumbRuleCommand,
  parseNoteSubmission,
  parseRuleSubmission,
} from "../../../src/features/dumbrules/parse.ts";

describe("parseDumbRuleCommand", () => {
  it("reads help, list and the form", () => {
    expect(parseDumbRuleCommand("")).toEqual({ ok: true, command: { kind: "modal" } });
    expect(parseDumbRuleCommand("  HELP ")).toEqual({ ok: true, command: { kind: "help" } });
    expect(parseDumbRuleCommand("list")).toEqual({ ok: true, command: { kind: "list" } });
  });

  it("splits the rule from why at the first colon, as plain text", () => {
    expect(parseDumbRuleCommand("Cash only: nobody carries cash: not even tourists")).toEqual({
      ok: true,
      command: { kind: "report", rule: "Cash only", why: "nobody carries cash: not even tourists" },
    });
    const escaped = parseDumbRuleCommand("Receipts &amp; ID &lt;always&gt;: <!channel> hates it");
    expect(escaped).toEqual({
      ok: true,
      command: { kind: "report", rule: "Receipts & ID <always>", why: "@channel hates it" },
    });
  });

  it("refuses an empty rule, a missing why and over-long text", () => {
    expect(parseDumbRuleCommand(": why")).toMatchObject({ ok: false, problem: expect.stringContaining("rule itself") });
    expect(parseDumbRuleCommand("Cash only")).toMatchObject({ ok: false, problem: expect.stringContaining("colon") });
    expect(parseDumbRuleCommand("Cash only:   ")).toMatchObject({ ok: false });
    expect(parseDumbRuleCommand(`${"x".repeat(301)}: why`)).toMatchObject({ ok: false });
  });
});

describe("dumb-rule forms", () => {
  const values = (rule: string, why: string) => ({
    dumbrule_rule: { input: { type: "plain_text_input", value: rule } },
    dumbrule_why: { input: { type: "plain_text_input", value: why } },
  });

  it("gives an error per missing field", () => {
    expect(parseRuleSubmission(values("", ""))).toMatchObject({
      ok: false,
      errors: { dumbrule_rule: expect.any(String), dumbrule_why: expect.any(String) },
    });
    expect(parseRuleSubmission(values(" Cash only ", " no cash "))).toEqual({
      ok: true,
      value: { rule: "Cash only", why: "no cash" },
    });
  });

  it("needs a note to kill or keep", () => {
    expect(parseNoteSubmission({}, "Say what changed")).toEqual({
      ok: false,
      errors: { dumbrule_note: "Say what changed" },
    });
    expect(parseNoteSubmission({ dumbrule_note: { input: { value: "gone" } } }, "x")).toEqual({
      ok: true,
      value: "gone",
    });
  });
});
