// App Home stays within Block Kit's 100-block limit whatever the lists hold.
import { describe, expect, it } from "vitest";
import { homeView, MAX_VIEW_BLOCKS } from "../../../src/features/home/blocks.ts";
import type { HomeSummary } from "../../../src/features/home/service.ts";
import type { Nomination } from "../../../src/generated/prisma/client.ts";
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
    cardClaimedAt: null,
    decidedBy: null,
    decidedAt: null,
    rejectionReason: null,
    storyChannelId: null,
    storyMessageTs: null,
    sourceViewId: null,
    cardUpdatedAt: null,
    threadNotedAt: null,
    notifiedNomineeIds: [],
    nominatorNotifiedAt: null,
    followUpsDoneAt: null,
    followUpClaimedUntil: null,
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
      received: { total: 500, perValue: countValues(many), recent: many },
      given: { total: 500, perValue: countValues(many), recent: many },
      myPending: { total: 200, items: many },
      approvals: { total: 200, items: many },
    };
    const view = homeView(summary, "notice");
    expect(view.blocks.length).toBeLessThanOrEqual(MAX_VIEW_BLOCKS);
    for (const block of view.blocks as Array<{ type: string; text?: { text: string } }>) {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    }
    expect(JSON.stringify(view)).toContain("195 more");
    expect(JSON.stringify(view)).not.toContain("<!channel>");
  });

  it("tells a person without a pending approval list nothing about approvals", () => {
    const summary: HomeSummary = {
      userId: "USAM",
      isManager: false,
      received: { total: 0, perValue: countValues([]), recent: [] },
      given: { total: 0, perValue: countValues([]), recent: [] },
      myPending: { total: 0, items: [] },
      approvals: null,
    };
    const json = JSON.stringify(homeView(summary));
    expect(json).not.toContain("Waiting for your decision");
    expect(json).toContain("home_nominate");
  });
});
