// App Home stays within Block Kit's 100-block limit whatever the lists hold.
import { describe, expect, it } from "vitest";
import { homeView, MAX_VIEW_BLOCKS } from "../../../src/features/home/blocks.ts";
import type { HomeSummary } from "../../../src/features/home/service.ts";
import type { Nomination, RecoveryCase } from "../../../src/generated/prisma/client.ts";
import { countValues } from "../../../src/features/nominations/stats.ts";

function row(i: number): Nomination {
  const at = new Date("2026-11-20T10:00:00Z");
  return {
    id: `n${i}`,
    teamId: "T",
    enterpriseId: null,
    nominatorId: "UNINA",
    nomineeIds: ["UALICE"],
    story: `story ${i} <!channel>`,
    values: ["listen"],
    customer: null,
    link: null,
    status: "pending",
    approvalChannelId: null,
    approvalMessageTs: null,
    controlsMessageTs: null,
    decidedBy: null,
    decidedAt: null,
    rejectionReason: null,
    storyChannelId: null,
    storyMessageTs: null,
    sourceViewId: null,
    intakeKey: null,
    nominatedBy: null,
    createdAt: at,
    updatedAt: at,
  };
}

function recoveryCase(i: number): RecoveryCase {
  const at = new Date("2026-11-23T09:00:00Z");
  return {
    id: `case-${i}`,
    number: i,
    teamId: "T1",
    enterpriseId: null,
    reporterId: "USAM",
    ownerId: "UMARIA",
    customer: `&lt;!channel&gt; ${"Customer ".repeat(25)}`,
    description: "late",
    link: null,
    status: "open",
    reportedAt: at,
    dueAt: new Date(at.getTime() + (i - 2) * 3_600_000),
    resolvedAt: null,
    resolvedBy: null,
    fixSummary: null,
    surpriseGiven: null,
    escalatedAt: null,
    sourceViewId: null,
    sourceKey: null,
    origin: null,
    cardMessages: [],
    createdAt: at,
    updatedAt: at,
  };
}

describe("homeView", () => {
  it("caps every list and the whole view", () => {
    const many = Array.from({ length: 200 }, (_, i) => row(i));
    const summary: HomeSummary = {
      userId: "UMARIA",
      isManager: true,
      recoveries: { total: 40, items: Array.from({ length: 40 }, (_, i) => recoveryCase(i)) },
      received: { total: 500, perValue: countValues(many), recent: many },
      given: { total: 500, perValue: countValues(many), recent: many },
      myPending: { total: 200, items: many },
      approvals: { total: 200, items: many },
    };
    const view = homeView(summary, {
      notice: "notice",
      now: new Date("2026-11-23T09:00:00Z"),
      timezone: "Europe/Paris",
    });
    expect(view.blocks.length).toBeLessThanOrEqual(MAX_VIEW_BLOCKS);
    for (const block of view.blocks as Array<{ type: string; text?: { text: string } }>) {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    }
    expect(JSON.stringify(view)).toContain("195 more");
    expect(JSON.stringify(view)).toContain("Your open recoveries* — 40");
    expect(JSON.stringify(view)).toContain(":red_circle: *OOPS-0*");
    expect(JSON.stringify(view)).not.toContain("<!channel>");
  });

  it("tells a person without a pending approval list nothing about approvals", () => {
    const summary: HomeSummary = {
      userId: "USAM",
      isManager: false,
      recoveries: { total: 0, items: [] },
      received: { total: 0, perValue: countValues([]), recent: [] },
      given: { total: 0, perValue: countValues([]), recent: [] },
      myPending: { total: 0, items: [] },
      approvals: null,
    };
    const json = JSON.stringify(homeView(summary));
    expect(json).not.toContain("Waiting for your decision");
    expect(json).toContain("home_nominate");
    expect(json).toContain("home_log_oops");
    expect(json).not.toContain("Your open recoveries");
  });

  it("cuts a long customer name on a token boundary, never inside &amp; or <@U…>", () => {
    const entityAt78 = { ...recoveryCase(1), customer: `${"A".repeat(76)} &amp; Sons Ltd` };
    const mentionAt75 = { ...recoveryCase(2), customer: `${"B".repeat(74)} <@U0123ABCD> and more` };
    const summary: HomeSummary = {
      userId: "UMARIA",
      isManager: false,
      recoveries: { total: 2, items: [entityAt78, mentionAt75] },
      received: { total: 0, perValue: countValues([]), recent: [] },
      given: { total: 0, perValue: countValues([]), recent: [] },
      myPending: { total: 0, items: [] },
      approvals: null,
    };
    const text = (homeView(summary).blocks as Array<{ text?: { text: string } }>)
      .map((b) => b.text?.text ?? "")
      .join("\n");
    expect(text).toContain(`${"A".repeat(76)}…`);
    expect(text).toContain(`${"B".repeat(74)}…`);
    expect(text).not.toMatch(/&am(?!p;)|&a…|<@U0[^>]*…/);
  });
});
