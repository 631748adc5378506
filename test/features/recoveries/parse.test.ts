// /oops text and modal input parsing: what is understood, what gets guidance, what is stored.
import { describe, expect, it } from "vitest";
import { checkDeadline, parseOopsCommand, storedFromPlain } from "../../../src/features/recoveries/parse.ts";

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
