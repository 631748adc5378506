// The fatigue guards as a function of an injected clock: quiet hours in the person's time
// zone, the daily limit, "Not now", off and muted, and the moment passing.
import { describe, expect, it } from "vitest";
import { decideNudge, localHourInstant, notNowUntil, startOfLocalDay } from "../../../src/features/nudges/rules.ts";

const base = {
  timezone: "Europe/Paris",
  off: false,
  muted: false,
  snoozedUntil: null,
  sentToday: 0,
  lastUsefulAt: new Date("2026-11-30T00:00:00Z"),
};

describe("nudge rules", () => {
  it("sends between 09:00 and 18:00 in the person's time zone", () => {
    // 10:00 in Paris (UTC+1 in November).
    expect(decideNudge({ ...base, now: new Date("2026-11-23T09:00:00Z") })).toEqual({ kind: "send" });
    expect(decideNudge({ ...base, now: new Date("2026-11-23T16:59:00Z") })).toEqual({ kind: "send" });
  });

  it("defers the evening to the next morning and the night to this morning, 09:00 local", () => {
    expect(decideNudge({ ...base, now: new Date("2026-11-23T17:00:00Z") })).toEqual({
      kind: "defer",
      until: new Date("2026-11-24T08:00:00Z"),
      why: "quiet-hours",
    });
    expect(decideNudge({ ...base, now: new Date("2026-11-24T05:30:00Z") })).toEqual({
      kind: "defer",
      until: new Date("2026-11-24T08:00:00Z"),
      why: "quiet-hours",
    });
    // The same instant is daytime in New York.
    expect(decideNudge({ ...base, timezone: "America/New_York", now: new Date("2026-11-23T17:00:00Z") })).toEqual({
      kind: "send",
    });
  });

  it("holds at 3 a day, then waits for tomorrow morning", () => {
    const now = new Date("2026-11-23T10:00:00Z");
    expect(decideNudge({ ...base, now, sentToday: 2 })).toEqual({ kind: "send" });
    expect(decideNudge({ ...base, now, sentToday: 3 })).toEqual({
      kind: "defer",
      until: new Date("2026-11-24T08:00:00Z"),
      why: "daily-limit",
    });
  });

  it("waits while 'Not now' holds; never sends when off or muted; drops what would come too late", () => {
    const now = new Date("2026-11-23T10:00:00Z");
    const until = notNowUntil(now, "Europe/Paris");
    expect(until).toEqual(new Date("2026-11-24T08:00:00Z"));
    expect(decideNudge({ ...base, now, snoozedUntil: until })).toEqual({ kind: "defer", until, why: "not-now" });
    expect(decideNudge({ ...base, now, off: true })).toEqual({ kind: "drop", why: "off" });
    expect(decideNudge({ ...base, now, muted: true })).toEqual({ kind: "drop", why: "muted" });
    expect(
      decideNudge({
        ...base,
        now: new Date("2026-11-23T18:00:00Z"),
        lastUsefulAt: new Date("2026-11-24T07:00:00Z"),
      }),
    ).toEqual({ kind: "drop", why: "too-late" });
  });

  it("finds local days across a daylight-saving change", () => {
    // Paris moves from UTC+1 to UTC+2 on 2027-03-28.
    expect(localHourInstant(new Date("2027-03-27T20:00:00Z"), "Europe/Paris", 9, 1)).toEqual(
      new Date("2027-03-28T07:00:00Z"),
    );
    expect(startOfLocalDay(new Date("2026-11-23T23:30:00Z"), "Europe/Paris")).toEqual(new Date("2026-11-23T23:00:00Z"));
    expect(startOfLocalDay(new Date("2026-11-23T12:00:00Z"), "Asia/Tokyo")).toEqual(new Date("2026-11-22T15:00:00Z"));
  });
});
