// /oops text and modal input parsing: what is understood, what gets guidance, what is stored.
import { describe, expect, it } from "vitest";
import { FIELDS } from "../../../src/features/recoveries/modals.ts";
import {
  checkDeadline,
  parseExtendSubmission,
  parseOopsCommand,
  parseOpenCaseSubmission,
  parseReassignSubmission,
  parseTextSubmission,
  storedFromPlain,
  suggestedExtension,
} from "../../../src/features/recoveries/parse.ts";

describe("parseOopsCommand", () => {
  it("opens the modal for empty text and answers help and list", () => {
    expect(parseOopsCommand("  ")).toEqual({ ok: true, command: { kind: "modal" } });
    expect(parseOopsCommand("help")).toEqual({ ok: true, command: { kind: "help" } });
    expect(parseOopsCommand("list")).toEqual({ ok: true, command: { kind: "list", all: false } });
    expect(parseOopsCommand("LIST all")).toEqual({ ok: true, command: { kind: "list", all: true } });
    expect(parseOopsCommand("list everything").ok).toBe(false);
  });

  it("reads owner, customer and what went wrong, keeping mentions and defusing broadcasts", () => {
    const parsed = parseOopsCommand(
      "<@U0OWNER|owen> Acme &amp; Co: told <@U0LI|li> the wrong date <!channel> &lt;b&gt;: twice",
    );
    expect(parsed).toEqual({
      ok: true,
      command: {
        kind: "open",
        ownerId: "U0OWNER",
        customer: "Acme &amp; Co",
        description: "told <@U0LI> the wrong date @\u200Bchannel &lt;b&gt;: twice",
      },
    });
  });

  it("guides input without an owner, a customer or a description", () => {
    expect(parseOopsCommand("Acme: broke it")).toMatchObject({ ok: false, problem: expect.stringContaining("owner") });
    expect(parseOopsCommand("Acme <@U0OWNER>: broke it")).toMatchObject({
      ok: false,
      problem: expect.stringContaining("Start with the owner"),
    });
    expect(parseOopsCommand("<@U0OWNER> broke it")).toMatchObject({
      ok: false,
      problem: expect.stringContaining("Name the customer"),
    });
    expect(parseOopsCommand("<@U0OWNER> : broke it")).toMatchObject({ ok: false });
    expect(parseOopsCommand("<@U0OWNER> Acme:   ")).toMatchObject({
      ok: false,
      problem: expect.stringContaining("what went wrong"),
    });
    expect(parseOopsCommand(`<@U0OWNER> ${"x".repeat(200)}: y`)).toMatchObject({ ok: false });
  });
});

describe("modal input", () => {
  it("stores plain text escaped, so it cannot ping or link", () => {
    expect(storedFromPlain(" <!here> @everyone <https://x.example|y> & co ")).toBe(
      "&lt;!here&gt; @\u200Beveryone &lt;https://x.example|y&gt; &amp; co",
    );
  });

  it("accepts a deadline in the future within 30 days only", () => {
    const now = new Date("2026-11-23T09:00:00Z");
    const seconds = (ms: number) => Math.floor((now.getTime() + ms) / 1000);
    expect(checkDeadline(seconds(-60_000), now)).toMatchObject({ ok: false, problem: expect.stringContaining("past") });
    expect(checkDeadline(seconds(31 * 24 * 3_600_000), now)).toMatchObject({ ok: false });
    expect(checkDeadline(seconds(3_600_000), now)).toEqual({ ok: true, dueAt: new Date("2026-11-23T10:00:00Z") });
  });
});

describe("modal submissions", () => {
  const now = new Date("2026-11-23T09:00:00Z");
  const text = (value: string) => ({ value: { type: "plain_text_input", value } });
  const user = (id: string | null) => ({ value: { type: "users_select", selected_user: id } });
  const at = (ms: number) => ({
    value: { type: "datetimepicker", selected_date_time: Math.floor((now.getTime() + ms) / 1000) },
  });

  it("collects every field error of the open-case form at once", () => {
    const parsed = parseOpenCaseSubmission(
      {
        owner: user(null),
        customer: text("  "),
        description: text("x".repeat(2001)),
        link: { value: { type: "url_text_input", value: "javascript:alert(1)" } },
        deadline: at(-1000),
      },
      now,
      FIELDS,
    );
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : Object.keys(parsed.errors).sort()).toEqual([
      "customer",
      "deadline",
      "description",
      "link",
      "owner",
    ]);
  });

  it("returns stored text and the workspace deadline when none is picked", () => {
    const parsed = parseOpenCaseSubmission(
      { owner: user("U1"), customer: text(" <!here> "), description: text("late"), link: text(""), deadline: {} },
      now,
      FIELDS,
    );
    expect(parsed).toEqual({
      ok: true,
      value: { ownerId: "U1", customer: "&lt;!here&gt;", description: "late", link: null, dueAt: null },
    });
  });

  it("checks the fixed, extend and reassign forms", () => {
    expect(parseTextSubmission({ fix: text("") }, { blockId: "fix", problem: "Say it." }, "surprise")).toEqual({
      ok: false,
      errors: { fix: "Say it." },
    });
    expect(
      parseTextSubmission({ fix: text("done"), surprise: text("") }, { blockId: "fix", problem: "" }, "surprise"),
    ).toEqual({ ok: true, value: { text: "done", optional: null } });
    expect(
      parseExtendSubmission(
        { new_deadline: at(3_600_000), reason: text("") },
        now,
        { deadline: "new_deadline", reason: "reason" },
        now,
      ),
    ).toMatchObject({
      ok: false,
      errors: { reason: expect.stringContaining("why") },
    });
    expect(
      parseReassignSubmission({ new_owner: user("U1") }, "U1", { newOwner: "new_owner", note: "note" }),
    ).toMatchObject({
      ok: false,
      errors: { new_owner: expect.stringContaining("already own") },
    });
  });

  it("finds the customer's colon outside Slack links and mentions", () => {
    expect(parseOopsCommand("<@UOWEN|owen> <https://acme.com|acme.com>: broken checkout")).toEqual({
      ok: true,
      command: { kind: "open", ownerId: "UOWEN", customer: "<https://acme.com>", description: "broken checkout" },
    });
    expect(parseOopsCommand("<@UOWEN|owen> Acme: see <https://acme.com/a:b|ticket> now")).toMatchObject({
      ok: true,
      command: { customer: "Acme", description: "see <https://acme.com/a:b> now" },
    });
    // A < that never closes is kept as text, never stored unbalanced.
    const stray = parseOopsCommand("<@UOWEN|owen> Acme <b: price < cost");
    expect(stray).toMatchObject({ ok: true, command: { customer: "Acme &lt;b", description: "price &lt; cost" } });
  });

  it("Extend: suggests a date within the 30-day cap, and only accepts a later deadline", () => {
    const suggested = suggestedExtension(new Date(now.getTime() + 29.5 * 24 * 3_600_000), now);
    expect(checkDeadline(suggested.getTime() / 1000, now).ok).toBe(true);
    expect(suggestedExtension(new Date(now.getTime() + 3_600_000), now)).toEqual(
      new Date(now.getTime() + 25 * 3_600_000),
    );
    const blockIds = { deadline: "new_deadline", reason: "reason" };
    const currentDue = new Date(now.getTime() + 10 * 3_600_000);
    const shorter = parseExtendSubmission(
      { new_deadline: at(5 * 3_600_000), reason: text("courier") },
      now,
      blockIds,
      currentDue,
    );
    expect(shorter).toMatchObject({
      ok: false,
      errors: { new_deadline: expect.stringContaining("after the current deadline") },
    });
    expect(
      parseExtendSubmission({ new_deadline: at(11 * 3_600_000), reason: text("courier") }, now, blockIds, currentDue),
    ).toMatchObject({ ok: true });
  });

  it("says a long but valid link is too long, not that it isn't a web address", () => {
    const link = `https://tickets.example/${"a".repeat(600)}`;
    const parsed = parseOpenCaseSubmission(
      { owner: user("U1"), customer: text("Acme"), description: text("late"), link: text(link), deadline: {} },
      now,
      FIELDS,
    );
    expect(parsed).toMatchObject({ ok: false, errors: { link: expect.stringContaining("too long") } });
  });
});
