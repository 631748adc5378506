import { describe, expect, it } from "vitest";
import {
  cutText,
  escapeMrkdwn,
  mentionedChannelIds,
  mentionedUserIds,
  mrkdwnFromSlack,
  plainFromSlack,
  quoteInput,
  splitForSections,
} from "../../src/slack/text.ts";

describe("escapeMrkdwn (plain text, e.g. modal input)", () => {
  it("shows markup literally so nothing pings or links", () => {
    const out = escapeMrkdwn("<!channel> <@U123> <https://evil.example|Your bank> & more");
    expect(out).not.toMatch(/<[!@h]/);
    expect(out).toContain("&lt;!channel&gt;");
    expect(out).toContain("&amp; more");
  });

  it("breaks the @channel / @here / @everyone words Slack would auto-link", () => {
    const out = escapeMrkdwn("hey @channel and @HERE and @everyone");
    expect(out).not.toMatch(/@(channel|here|everyone)/i);
    expect(out.replace(/\u200B/g, "")).toBe("hey @channel and @HERE and @everyone");
  });
});

describe("mrkdwnFromSlack (Slack-escaped text, e.g. slash commands)", () => {
  it("keeps the user and channel mentions the author wrote", () => {
    expect(mrkdwnFromSlack("thanks <@U123|alice> in <#C456|support>")).toBe("thanks <@U123> in <#C456>");
  });

  it("defuses broadcasts and group mentions", () => {
    const out = mrkdwnFromSlack("<!channel> <!here|here> <!everyone> <!subteam^S1|@support-team>");
    expect(out).not.toContain("<!");
    expect(out.replace(/\u200B/g, "")).toBe("@channel @here @everyone @support-team");
  });

  it("shows the real address of a link instead of its label", () => {
    expect(mrkdwnFromSlack("see <https://evil.example/x|https://bank.example>")).toBe("see <https://evil.example/x>");
  });

  it("leaves Slack's entities escaped so typed markup stays text", () => {
    expect(mrkdwnFromSlack("&lt;!channel&gt; &amp;")).toBe("&lt;!channel&gt; &amp;");
  });
});

describe("plainFromSlack and helpers", () => {
  it("turns Slack-escaped text back into what the person typed", () => {
    expect(plainFromSlack("hi <@U1|alice> &lt;3 &amp; <https://x.example|x> <#C1|general>")).toBe(
      "hi @alice <3 & x (https://x.example) #general",
    );
  });

  it("finds mentioned users and channels once each", () => {
    expect(mentionedUserIds("<@U1|a> <@U2> <@U1>")).toEqual(["U1", "U2"]);
    expect(mentionedChannelIds("<#C1|a> <#G2> <#C1>")).toEqual(["C1", "G2"]);
  });

  it("quotes input back safely and whole (nothing typed is lost), shortened only on request", () => {
    const long = `<!channel> ${"x".repeat(5000)} end`;
    const quoted = quoteInput(long);
    expect(quoted.startsWith("> ")).toBe(true);
    expect(quoted).not.toContain("<!channel>");
    expect(quoted).toContain(`${"x".repeat(5000)} end`);
    expect(quoteInput(long, 300).length).toBeLessThan(350);
  });

  it("splits long quoted text into section-sized pieces, never inside an entity", () => {
    const quoted = quoteInput(`${"a&b ".repeat(1500)}\n${"<y> ".repeat(900)}`);
    const pieces = splitForSections(quoted, 3000);
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(3000);
      expect(piece.startsWith(">")).toBe(true);
      expect(piece).not.toMatch(/&(a|am|amp|l|lt|g|gt)?$/);
      expect(piece).not.toMatch(/^(mp|p|t);/);
    }
    expect(pieces.join("").replace(/\s|>/g, "").length).toBeGreaterThan(0);
    expect(pieces.join("")).toContain("a&amp;b");
  });
});

describe("cutText: the one way text is cut", () => {
  it.each([
    ["Tom &amp; Jerry", 8, "Tom…"],
    ["ask <@U0OWNER> now", 10, "ask…"],
    ["see <#C0123|support> please", 12, "see…"],
    ["go to <https://example.com/x|the shop> today", 20, "go to…"],
    ["a &#128512; b", 5, "a…"],
    ["short &amp; sweet", 100, "short &amp; sweet"],
    ["plain < text & more words here", 16, "plain < text &…"],
    ["thumbs 👍🏽 up", 9, "thumbs…"],
    ["family 👨‍👩‍👧 trip", 10, "family…"],
    ["café au lait", 4, "caf…"],
    ["cafe\u0301 au lait", 5, "caf…"],
  ])("%j to %i → %j", (text, limit, expected) => {
    const cut = cutText(text, limit);
    expect(cut).toBe(expected);
    expect(cut.length).toBeLessThanOrEqual(limit);
  });

  it("never leaves half a surrogate pair, with or without an ellipsis", () => {
    for (let limit = 1; limit < 12; limit += 1) {
      const cut = cutText("ab😀😀😀😀😀😀", limit, "");
      expect(cut).toBe(cut.normalize());
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).toBe(false);
    }
  });
});
