import { describe, expect, it } from "vitest";
import { parseAnswerSubmission, parseReplySubmission } from "../../../src/features/holdingback/parse.ts";

const values = (text: string, category: string | null, anonymous: boolean) => ({
  holdingback_text: { input: { type: "plain_text_input", value: text } },
  holdingback_category: { input: { type: "static_select", selected_option: category ? { value: category } : null } },
  holdingback_anonymous: { input: { type: "checkboxes", selected_options: anonymous ? [{ value: "anonymous" }] : [] } },
});

describe("the /holdingback form", () => {
  it("reads the answer, its category and the anonymous box", () => {
    expect(parseAnswerSubmission(values(" No time ", "time", true))).toEqual({
      ok: true,
      value: { text: "No time", category: "time", anonymous: true },
    });
    expect(parseAnswerSubmission(values("No time", "time", false))).toMatchObject({ value: { anonymous: false } });
  });

  it("gives an error per field: empty text, missing or unknown category", () => {
    expect(parseAnswerSubmission(values("", null, false))).toMatchObject({
      ok: false,
      errors: { holdingback_text: expect.any(String), holdingback_category: expect.any(String) },
    });
    expect(parseAnswerSubmission(values("x", "money", false))).toMatchObject({
      ok: false,
      errors: { holdingback_category: expect.any(String) },
    });
  });

  it("needs text in a reply", () => {
    expect(parseReplySubmission({})).toMatchObject({ ok: false });
    expect(parseReplySubmission({ holdingback_reply: { input: { value: " ok " } } })).toEqual({
      ok: true,
      value: "ok",
    });
  });
});
