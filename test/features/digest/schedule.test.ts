// Weekly slots at local wall-clock time, across timezones and daylight-saving changes.
import { describe, expect, it } from "vitest";
import {
  instantOfLocal,
  latestSlotsAt,
  latestSlotAtOrBefore,
  nextSlotAfter,
  slotLabel,
  weekEndingAt,
} from "../../../src/features/digest/schedule.ts";

const at = (iso: string) => new Date(iso);

describe("digest slots", () => {
  it("finds the next and the latest slot in three timezones", () => {
    const now = at("2026-11-25T12:00:00Z"); // a Wednesday
    const paris = { weekday: 5, hour: 16, minute: 30, timezone: "Europe/Paris" };
    const newYork = { weekday: 1, hour: 9, minute: 5, timezone: "America/New_York" };
    const tokyo = { weekday: 4, hour: 8, minute: 0, timezone: "Asia/Tokyo" };
    expect(nextSlotAfter(paris, now).toISOString()).toBe("2026-11-27T15:30:00.000Z");
    expect(latestSlotAtOrBefore(paris, now).toISOString()).toBe("2026-11-20T15:30:00.000Z");
    expect(nextSlotAfter(newYork, now).toISOString()).toBe("2026-11-30T14:05:00.000Z");
    expect(latestSlotAtOrBefore(newYork, now).toISOString()).toBe("2026-11-23T14:05:00.000Z");
    // Thursday 08:00 in Tokyo is Wednesday 23:00 UTC: the local weekday counts, not UTC's.
    expect(nextSlotAfter(tokyo, now).toISOString()).toBe("2026-11-25T23:00:00.000Z");
    expect(latestSlotAtOrBefore(tokyo, now).toISOString()).toBe("2026-11-18T23:00:00.000Z");
  });

  it("fires later today, not next week, and counts a slot exactly at now as passed", () => {
    const friday = { weekday: 5, hour: 16, minute: 30, timezone: "Europe/Paris" };
    const fridayMorning = at("2026-11-27T09:00:00Z");
    expect(nextSlotAfter(friday, fridayMorning).toISOString()).toBe("2026-11-27T15:30:00.000Z");
    const exactly = at("2026-11-27T15:30:00Z");
    expect(latestSlotAtOrBefore(friday, exactly).toISOString()).toBe("2026-11-27T15:30:00.000Z");
    expect(nextSlotAfter(friday, exactly).toISOString()).toBe("2026-12-04T15:30:00.000Z");
  });

  it("keeps the local time across daylight-saving changes (New York, Paris)", () => {
    const monday = { weekday: 1, hour: 9, minute: 5, timezone: "America/New_York" };
    // EDT (UTC-4) before 1 Nov 2026, EST (UTC-5) after.
    expect(nextSlotAfter(monday, at("2026-10-20T00:00:00Z")).toISOString()).toBe("2026-10-26T13:05:00.000Z");
    expect(nextSlotAfter(monday, at("2026-10-27T00:00:00Z")).toISOString()).toBe("2026-11-02T14:05:00.000Z");
    const sunday = { weekday: 7, hour: 10, minute: 0, timezone: "Europe/Paris" };
    // The change day itself (25 Oct 2026, CEST → CET).
    expect(nextSlotAfter(sunday, at("2026-10-19T00:00:00Z")).toISOString()).toBe("2026-10-25T09:00:00.000Z");
    expect(nextSlotAfter(sunday, at("2026-10-18T00:00:00Z")).toISOString()).toBe("2026-10-18T08:00:00.000Z");
  });

  it("tiles the weeks exactly across a change: the period starts at the previous slot", () => {
    const slot = at("2026-11-02T14:05:00Z");
    const week = weekEndingAt(slot, "America/New_York");
    expect(week.start.toISOString()).toBe("2026-10-26T13:05:00.000Z"); // 169 hours
    expect(week.end).toEqual(slot);
  });

  it("moves a time skipped by spring-forward past the gap, and takes the first of a repeated time", () => {
    // Sydney skips 02:00–03:00 on 4 Oct 2026.
    const gap = instantOfLocal({ year: 2026, month: 10, day: 4 }, 2, 30, "Australia/Sydney");
    expect(slotLabel(gap, "Australia/Sydney")).toBe("Sun, Oct 4, 03:30");
    // New York shows 01:30 twice on 1 Nov 2026.
    const twice = instantOfLocal({ year: 2026, month: 11, day: 1 }, 1, 30, "America/New_York");
    expect(twice.toISOString()).toBe("2026-11-01T05:30:00.000Z");
  });
});

describe("latestSlotsAt (the tick's fast path)", () => {
  it("agrees with latestSlotAtOrBefore for every weekday, hour and zone, DST weeks included", () => {
    const zones = [
      "UTC",
      "Europe/Paris",
      "America/New_York",
      "Asia/Tokyo",
      "Australia/Sydney",
      "Asia/Kolkata",
      "America/St_Johns",
    ];
    for (const iso of [
      "2026-11-25T12:00:00Z",
      "2026-10-27T03:00:00Z",
      "2026-11-02T14:05:00Z",
      "2026-03-30T00:30:00Z",
      "2026-10-05T10:00:00Z",
    ]) {
      const now = new Date(iso);
      const fast = latestSlotsAt(now);
      for (const timezone of zones)
        for (let weekday = 1; weekday <= 7; weekday++)
          for (const [hour, minute] of [
            [0, 0],
            [2, 30],
            [9, 5],
            [23, 59],
          ] as const) {
            const slot = { weekday, hour, minute, timezone };
            expect(fast(slot).toISOString(), `${iso} ${timezone} ${weekday} ${hour}:${minute}`).toBe(
              latestSlotAtOrBefore(slot, now).toISOString(),
            );
          }
    }
  });
});
