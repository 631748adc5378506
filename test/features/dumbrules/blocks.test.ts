import { describe, expect, it } from "vitest";
import { dumbRulesDigestBlocks, renderList, ruleMessage } from "../../../src/features/dumbrules/blocks.ts";
import type { DumbRuleView } from "../../../src/features/dumbrules/model.ts";
import { renderDigest } from "../../../src/features/digest/blocks.ts";
import { themesDigestBlocks, themesHomeBlocks } from "../../../src/features/holdingback/blocks.ts";

let n = 0;
function rule(overrides: Partial<DumbRuleView> = {}): DumbRuleView {
  n += 1;
  return {
    id: `r${n}`,
    teamId: "T1",
    reporterId: "UREP",
    rule: `Rule ${n}`,
    why: "customers hate it",
    status: "open",
    plusOnes: 0,
    channelId: "C1",
    messageTs: "1.1",
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    createdAt: new Date("2026-11-20T10:00:00Z"),
    ...overrides,
  };
}

describe("the rule's message", () => {
  it("escapes user text everywhere, including the notification text", () => {
    const message = ruleMessage(rule({ rule: "No <!here> refunds @channel", why: "<https://evil|click> & more" }));
    const all = JSON.stringify(message);
    expect(all).not.toContain("<!here>");
    expect(all).not.toContain("<https://evil");
    expect(message.text).toContain("&lt;!here&gt;");
    expect(message.text).not.toMatch(/@channel/);
  });

  it("has +1 (with the count), Killed it and Keep it while open, and no buttons once decided", () => {
    const open = ruleMessage(rule({ plusOnes: 4 }));
    expect(JSON.stringify(open)).toContain("+1 (4)");
    expect(open.blocks.some((b) => b.type === "actions")).toBe(true);
    const killed = ruleMessage(rule({ status: "killed", decidedBy: "UMGR", decisionNote: "gone" }));
    expect(killed.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(JSON.stringify(killed)).toContain("*Killed* by <@UMGR>");
  });
});

describe("/dumbrule list", () => {
  it("says 'and N more' past the cap", () => {
    const list = renderList([rule(), rule()], 17);
    expect(JSON.stringify(list)).toContain("…and 15 more.");
  });
});

describe("the digest with dumb rules and themes", () => {
  it("stays within 50 blocks on a big week, with one section each and 'and N more'", () => {
    const voice = {
      newRules: [rule(), rule(), rule()],
      newCount: 12,
      topOpen: [rule({ plusOnes: 9 })],
      openCount: 30,
      killed: [rule({ status: "killed" as const })],
      killedCount: 5,
    };
    const blocks = dumbRulesDigestBlocks(voice);
    expect(blocks).toHaveLength(1);
    expect(JSON.stringify(blocks)).toContain("and 9 more");
    expect(JSON.stringify(blocks)).toContain("Killed this week: *5*");
    const themes = themesDigestBlocks({ counts: { time: 4, policy: 3 }, few: [] });
    expect(JSON.stringify(themes)).toContain("7 answers this week");

    const story = (i: number) => ({
      id: `s${i}`,
      nomineeIds: ["UA"],
      nominatorId: "UB",
      decidedBy: "UM",
      story: `story ${i}`,
      values: ["delight"],
      customer: null,
      permalink: null,
    });
    const message = renderDigest({
      period: { start: new Date("2026-11-16T00:00:00Z"), end: new Date("2026-11-23T00:00:00Z") },
      timezone: "UTC",
      stories: Array.from({ length: 40 }, (_, i) => story(i)),
      storyCount: 400,
      valueCounts: { listen: 1, empathize: 1, attention: 1, delight: 1, recovery: 1 },
      approvers: [{ userId: "UM", count: 400 }],
      recoveries: { opened: 1, fixed: 1, fixedOnTime: 1, surprisesDelivered: 1 },
      intro: null,
      dumbRules: voice,
      holdingBack: { counts: { time: 4 }, few: ["policy"] },
    });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks)).toContain("more stories");
    expect(JSON.stringify(message.blocks)).toContain("Dumb rules");
  });

  it("says nothing about rules or themes in a week without any", () => {
    expect(
      dumbRulesDigestBlocks({ newRules: [], newCount: 0, topOpen: [], openCount: 0, killed: [], killedCount: 0 }),
    ).toEqual([]);
    expect(themesDigestBlocks({ counts: {}, few: [] })).toEqual([]);
    expect(themesHomeBlocks(undefined)).toEqual([]);
  });
});
