// Times in each reader's timezone, reminder times, and the case card's states.
import { describe, expect, it } from "vitest";
import { formatDeadline, renderCaseCard } from "../../../src/features/recoveries/blocks.ts";
import { truncateMrkdwn } from "../../../src/slack/replies.ts";
import type { RecoveryCaseWithTimeline } from "../../../src/features/recoveries/model.ts";
import { reminderTimes } from "../../../src/features/recoveries/service.ts";

const now = new Date("2026-11-23T13:30:00Z"); // a Monday
const HOUR = 3_600_000;

describe("formatDeadline", () => {
  it("is relative then absolute, in the reader's timezone", () => {
    const due = new Date(now.getTime() + 3 * HOUR);
    expect(formatDeadline(due, now, "Europe/Paris")).toBe("in 3 h — 17:30 Mon");
    expect(formatDeadline(due, now, "Asia/Tokyo")).toBe("in 3 h — 01:30 Tue");
    expect(formatDeadline(new Date(now.getTime() + 90 * 60_000), now, "UTC")).toBe("in 1 h 30 min — 15:00 Mon");
    expect(formatDeadline(new Date(now.getTime() - 2 * HOUR), now, "UTC")).toBe("2 h overdue — 11:30 Mon");
    expect(formatDeadline(new Date(now.getTime() + 10 * 24 * HOUR), now, "UTC")).toBe("in 10 days — 13:30 Thu 3 Dec");
  });

  it("uses a Slack date token in channels, where each reader sees their own time", () => {
    expect(formatDeadline(new Date(now.getTime() + HOUR), now)).toMatch(
      /^in 1 h — <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-11-23 14:30 UTC>$/,
    );
  });

  it("falls back to UTC for an unknown timezone", () => {
    expect(formatDeadline(new Date(now.getTime() + HOUR), now, "Mars/Olympus")).toBe("in 1 h — 14:30 Mon");
  });
});

describe("reminderTimes", () => {
  const start = new Date("2026-11-23T09:00:00Z");
  const after = (hours: number) => new Date(start.getTime() + hours * HOUR);
  it("defaults to half-time and 2 hours before", () => {
    expect(reminderTimes({ startAt: start, dueAt: after(24), offsetsMinutes: [], now: start })).toEqual([
      after(12),
      after(22),
    ]);
  });
  it("skips offsets in the past and merges equal times", () => {
    expect(reminderTimes({ startAt: start, dueAt: after(4), offsetsMinutes: [], now: start })).toEqual([after(2)]);
    expect(reminderTimes({ startAt: start, dueAt: after(1), offsetsMinutes: [], now: start })).toEqual([after(0.5)]);
    expect(reminderTimes({ startAt: start, dueAt: after(24), offsetsMinutes: [30 * 60, 60, 60], now: start })).toEqual([
      after(23),
    ]);
    // Rescheduled late in the day: nothing before `now`.
    expect(reminderTimes({ startAt: start, dueAt: after(24), offsetsMinutes: [], now: after(23) })).toEqual([]);
  });
});

describe("renderCaseCard", () => {
  const base: RecoveryCaseWithTimeline = {
    id: "case-1",
    number: 7,
    teamId: "T1",
    enterpriseId: null,
    reporterId: "UREP",
    ownerId: "UOWN",
    customer: "Acme &amp; Co",
    description: "Wrong size",
    link: null,
    status: "open",
    reportedAt: new Date(now.getTime() - HOUR),
    dueAt: new Date(now.getTime() + 23 * HOUR),
    resolvedAt: null,
    resolvedBy: null,
    fixSummary: null,
    surpriseGiven: null,
    escalatedAt: null,
    sourceViewId: null,
    sourceKey: null,
    origin: null,
    cardMessages: [],
    createdAt: now,
    updatedAt: now,
    timeline: [],
  };

  it("shows buttons while open, including Suggest a surprise", () => {
    const card = JSON.stringify(renderCaseCard(base, { now, timezone: "UTC" }));
    expect(card).toContain("OOPS-7 · Acme &amp; Co");
    expect(card).toContain("recovery_fixed");
    expect(card).toContain("recovery_suggest_surprise");
    expect(card).toContain("Suggest a surprise");
  });

  it("shows the fix, the surprise and the timing once fixed, without buttons", () => {
    const card = JSON.stringify(
      renderCaseCard(
        {
          ...base,
          status: "resolved",
          resolvedAt: new Date(base.dueAt.getTime() + 2 * HOUR),
          resolvedBy: "UOWN",
          fixSummary: "Exchanged",
          surpriseGiven: "Cocoa",
        },
        { now, timezone: "UTC" },
      ),
    );
    expect(card).toContain("2 h after the deadline");
    expect(card).toContain("Cocoa");
    expect(card).not.toContain("recovery_fixed");
  });
});

describe("truncateMrkdwn and the deadline itself", () => {
  it("never cuts an entity or a Slack token in half", () => {
    expect(truncateMrkdwn("Tom &amp; Jerry", 8)).toBe("Tom…");
    expect(truncateMrkdwn("ask <@U0OWNER> now", 10)).toBe("ask…");
    expect(truncateMrkdwn("short &amp; sweet", 100)).toBe("short &amp; sweet");
  });

  it("says overdue, not 'in less than a minute', at exactly the deadline", () => {
    const now = new Date("2026-11-23T09:00:00Z");
    expect(formatDeadline(now, now, "UTC")).toBe("less than a minute overdue — 09:00 Mon");
  });
});
