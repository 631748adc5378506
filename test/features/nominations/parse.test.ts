// Parsing of /delight text and of the nomination modal.
import { describe, expect, it } from "vitest";
import {
  isApprovalReply,
  MAX_STORY_LENGTH,
  parseDelightCommand,
  readNominationModal,
  readRejectReason,
  slackEscapedFromPlain,
  storyLength,
} from "../../../src/features/nominations/parse.ts";
import { mrkdwnFromSlack } from "../../../src/slack/text.ts";

describe("parseDelightCommand", () => {
  it("opens the modal when empty, and knows help and stats", () => {
    expect(parseDelightCommand("  ")).toEqual({ kind: "modal" });
    expect(parseDelightCommand("help")).toEqual({ kind: "help" });
    expect(parseDelightCommand("Stats")).toEqual({ kind: "stats" });
  });

  it("knows `stories …` and `digest preview [#channel]`", () => {
    expect(parseDelightCommand("stories #recovery <@UA|a> last 7 days")).toEqual({
      kind: "stories",
      filterText: "#recovery <@UA|a> last 7 days",
    });
    expect(parseDelightCommand("digest preview")).toEqual({ kind: "digest-preview", channelId: null });
    expect(parseDelightCommand("digest")).toEqual({ kind: "digest-preview", channelId: null });
    expect(parseDelightCommand("digest preview <#C1|team>")).toEqual({ kind: "digest-preview", channelId: "C1" });
    expect(parseDelightCommand("digest preview team")).toMatchObject({ kind: "invalid" });
    expect(parseDelightCommand("digest send <#C1>")).toMatchObject({ kind: "invalid" });
  });

  it("takes the leading mentions as nominees and the trailing tags as values", () => {
    expect(
      parseDelightCommand(
        "<@UALICE|alice>, <@UBOB|bob> and <@UCAT> stayed late to fix Acme's order #attention #Delight",
      ),
    ).toEqual({
      kind: "nominate",
      nomineeIds: ["UALICE", "UBOB", "UCAT"],
      story: "stayed late to fix Acme's order",
      values: ["attention", "delight"],
    });
  });

  it("keeps tags and mentions inside the story, and counts them as values", () => {
    const parsed = parseDelightCommand("<@UALICE> helped <@UBOB> #listen to the caller, then sent a note #empathy");
    expect(parsed).toEqual({
      kind: "nominate",
      nomineeIds: ["UALICE"],
      story: "helped <@UBOB> #listen to the caller, then sent a note",
      values: ["listen", "empathize"],
    });
  });

  it("keeps the story Slack-escaped so a typed broadcast stays harmless when rendered", () => {
    const parsed = parseDelightCommand("<@UALICE> told everyone <!channel> &lt;!here&gt; it was fixed");
    expect(parsed.kind).toBe("nominate");
    if (parsed.kind !== "nominate") return;
    const rendered = mrkdwnFromSlack(parsed.story);
    expect(rendered).not.toContain("<!channel>");
    expect(rendered).not.toContain("<!here>");
  });

  it("refuses no nominee, an unlinked name, no story and a story that is too long", () => {
    expect(parseDelightCommand("great work on Acme")).toMatchObject({ kind: "invalid" });
    const unlinked = parseDelightCommand("@alice great work");
    expect(unlinked.kind === "invalid" && unlinked.problem).toContain("couldn't tell who @alice is");
    const broadcast = parseDelightCommand("@here &lt;b&gt; great work");
    expect(broadcast.kind === "invalid" && broadcast.problem).toContain("@\u200Bhere");
    const noStory = parseDelightCommand("<@UALICE> #listen");
    expect(noStory.kind === "invalid" && noStory.problem).toContain("Tell the story");
    const long = parseDelightCommand(`<@UALICE> ${"x".repeat(MAX_STORY_LENGTH + 1)}`);
    expect(long.kind === "invalid" && long.problem).toContain("keep it under");
  });
});

describe("readNominationModal", () => {
  const state = (values: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(values).map(([block, v]) => [block, { input: v as object }]));

  it("reads a complete form", () => {
    const read = readNominationModal(
      state({
        nominees: { selected_users: ["UALICE"] },
        customer: { value: " Acme " },
        story: { value: "Fixed it <!channel>" },
        values: { selected_options: [{ value: "delight" }, { value: "listen" }, { value: "bogus" }] },
        link: { value: "https://example.com/ticket/1" },
      }),
    );
    expect(read).toEqual({
      ok: true,
      draft: {
        nomineeIds: ["UALICE"],
        customer: "Acme",
        storyPlain: "Fixed it <!channel>",
        values: ["listen", "delight"],
        link: "https://example.com/ticket/1",
      },
    });
  });

  it("returns an error per field, keyed by block id", () => {
    const read = readNominationModal(
      state({ nominees: { selected_users: [] }, story: { value: "  " }, link: { value: "javascript:alert(1)" } }),
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(Object.keys(read.errors).sort()).toEqual(["link", "nominees", "story"]);
  });

  it("escapes plain modal text for storage so it renders literally", () => {
    expect(mrkdwnFromSlack(slackEscapedFromPlain("a <!channel> & <@U123>"))).toBe(
      "a &lt;!channel&gt; &amp; &lt;@U123&gt;",
    );
  });
});

describe("approval replies and reasons", () => {
  it("recognises an approving reply and nothing else", () => {
    for (const text of ["approve", "Approved!", " :white_check_mark: ", "✅"]) expect(isApprovalReply(text)).toBe(true);
    for (const text of ["don't approve", "approve later", "", undefined]) expect(isApprovalReply(text)).toBe(false);
  });

  it("requires a reason to reject", () => {
    expect(readRejectReason({ reason: { input: { value: " " } } }).ok).toBe(false);
    expect(readRejectReason({ reason: { input: { value: "Not customer-facing" } } })).toEqual({
      ok: true,
      reason: "Not customer-facing",
    });
  });
});

describe("review fixes in parsing", () => {
  it("treats and, & and + as connectors only between mentions", () => {
    expect(parseDelightCommand("<@UALICE|alice> and the customer loved it")).toMatchObject({
      nomineeIds: ["UALICE"],
      story: "and the customer loved it",
    });
    expect(parseDelightCommand("<@UALICE> &amp; team saved the launch")).toMatchObject({
      story: "&amp; team saved the launch",
    });
    expect(parseDelightCommand("<@UALICE> + a note made their day")).toMatchObject({
      story: "+ a note made their day",
    });
    expect(parseDelightCommand("<@UALICE>, and <@UBOB> &amp; <@UCAT> + <@UDAN> fixed it")).toMatchObject({
      nomineeIds: ["UALICE", "UBOB", "UCAT", "UDAN"],
      story: "fixed it",
    });
  });

  it("knows only real value tags (#constructor, #toString are text)", () => {
    const parsed = parseDelightCommand("<@UALICE> fixed the build #constructor #toString #hasOwnProperty");
    expect(parsed).toMatchObject({
      kind: "nominate",
      values: [],
      story: "fixed the build #constructor #toString #hasOwnProperty",
    });
  });

  it("counts a link as the reader sees it, not as label plus address", () => {
    const url = `https://example.com/${"x".repeat(300)}`;
    expect(storyLength(`see <${url}|the review>`)).toBe("see the review".length);
    expect(storyLength(`see <${url}>`)).toBe(4 + url.length);
    // A story just under the limit with long links is accepted.
    const story = `${"y".repeat(MAX_STORY_LENGTH - 20)} <${url}|ticket> <${url}|review>`;
    expect(parseDelightCommand(`<@UALICE> ${story}`).kind).toBe("nominate");
  });
});
