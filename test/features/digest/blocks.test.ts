// The digest message stays within Slack's limits, escapes user text and never posts a blank week.
import { describe, expect, it } from "vitest";
import type { webApi } from "@slack/bolt";
import { HEADER_LIMIT, MAX_BLOCKS, renderDigest, templateIntro } from "../../../src/features/digest/blocks.ts";
import type { DigestData, DigestStory } from "../../../src/features/digest/model.ts";

function story(i: number, overrides: Partial<DigestStory> = {}): DigestStory {
  return {
    id: `n${i}`,
    nomineeIds: ["UALICE", "UBOB"],
    nominatorId: "UNINA",
    decidedBy: "UMARIA",
    story: `Story ${i}: re-shipped the order overnight with a handwritten note`,
    values: ["attention", "delight"],
    customer: "Acme",
    permalink: `https://delight-test.slack.com/archives/C0WINS/p17000000${i}000100`,
    ...overrides,
  };
}

function data(overrides: Partial<DigestData> = {}): DigestData {
  return {
    period: { start: new Date("2026-11-18T15:30:00Z"), end: new Date("2026-11-25T15:30:00Z") },
    timezone: "Europe/Paris",
    stories: [],
    storyCount: 0,
    valueCounts: { listen: 0, empathize: 0, attention: 0, delight: 0, recovery: 0 },
    approvers: [],
    recoveries: { opened: 0, fixed: 0, fixedOnTime: 0, surprisesDelivered: 0 },
    intro: null,
    ...overrides,
  };
}

/** Every text in the message with the limit Slack puts on it. */
function checkLimits(blocks: webApi.KnownBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
  for (const block of blocks) {
    if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(HEADER_LIMIT);
    if (block.type === "section") {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
    }
    if (block.type === "context")
      for (const element of block.elements)
        if ("text" in element) expect(element.text.length).toBeLessThanOrEqual(3000);
  }
}

describe("renderDigest", () => {
  it("has the period in the header, the numbers, who approved, and the stories newest first", () => {
    const message = renderDigest(
      data({
        stories: [story(2), story(1)],
        storyCount: 2,
        valueCounts: { listen: 0, empathize: 1, attention: 2, delight: 2, recovery: 0 },
        approvers: [{ userId: "UMARIA", count: 2 }],
        recoveries: { opened: 3, fixed: 4, fixedOnTime: 3, surprisesDelivered: 2 },
      }),
    );
    checkLimits(message.blocks);
    const all = JSON.stringify(message.blocks);
    expect(message.blocks[0]).toMatchObject({ type: "header", text: { text: "Delight digest · Nov 18 – Nov 25" } });
    expect(all).toContain("Attention *2*");
    expect(all).toContain("*3* opened, *4* fixed, *75%* within the deadline");
    expect(all).toContain("Surprises delivered: *2*");
    expect(all).toContain("Approved by <@UMARIA> (2)");
    expect(all.indexOf("Story 2")).toBeLessThan(all.indexOf("Story 1"));
    expect(all).toContain("|Full story>");
    expect(all).toContain("Nominated by <@UNINA>");
  });

  it("stays within every Block Kit limit with 500 long stories, ending with “and N more”", () => {
    const long = `${"&lt;b&gt; Tom &amp; Jerry ".repeat(90)}<https://example.com/x|label>`.slice(0, 2000);
    const stories = Array.from({ length: 500 }, (_, i) =>
      story(i, {
        story: long,
        customer: "C".repeat(150),
        nomineeIds: Array.from({ length: 10 }, (_, j) => `UPERSON${j}`),
      }),
    );
    const message = renderDigest(
      data({
        stories,
        storyCount: 500,
        approvers: Array.from({ length: 80 }, (_, i) => ({ userId: `UMGR${i}`, count: 1 })),
      }),
    );
    checkLimits(message.blocks);
    const all = JSON.stringify(message.blocks);
    const shown = message.blocks.filter(
      (b) => b.type === "section" && JSON.stringify(b).includes("Nominated by"),
    ).length;
    expect(all).toContain(`and *${500 - shown} more stories*`);
    expect(all).toContain("/delight stories");
  });

  it("gives an empty week a short encouraging message with how to nominate", () => {
    const message = renderDigest(data());
    checkLimits(message.blocks);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain("A quiet week");
    expect(all).toContain("/delight @colleague");
    expect(message.blocks.length).toBeLessThanOrEqual(5);
    expect(message.text).toContain("quiet week");
  });

  it("escapes what people typed and what the model wrote", () => {
    const message = renderDigest(
      data({
        stories: [
          story(1, {
            story: "Told <!channel> and <!here|here> about <https://evil.example|https://bank.example>",
            customer: "<!everyone> & Co",
          }),
        ],
        storyCount: 1,
        intro: "Great week <!channel> <https://evil.example|click> @here",
      }),
    );
    const all = JSON.stringify(message.blocks);
    expect(all).not.toMatch(/<!(channel|here|everyone)/);
    expect(all).not.toContain("|click>");
    expect(all).not.toContain("|https://bank.example>");
    expect(all).toContain("&lt;!channel&gt;");
  });

  it("shows no link the model wrote in its intro, bare addresses included", () => {
    const intro =
      "A week of care: see https://evil.example/x and www.evil.example. Read <https://evil.example|more> at evil.example.com.";
    const json = JSON.stringify(renderDigest(data({ stories: [story(1)], storyCount: 1, intro })).blocks[1]);
    expect(json).toContain("A week of care");
    expect(json).not.toMatch(/https?:|www\.|evil\.example/);
  });

  it("writes a template intro from the week's figures", () => {
    const intro = templateIntro(
      data({
        stories: [story(1)],
        storyCount: 1,
        valueCounts: { listen: 0, empathize: 0, attention: 1, delight: 3, recovery: 0 },
      }),
    );
    expect(intro).toContain("*1 delight story*");
    expect(intro).toContain("recognising 2 colleagues");
    expect(intro).toContain("*Delight*");
  });
});
