// When digests go out: weekly slots at a local wall-clock time in an IANA timezone, across
// daylight-saving changes. Pure functions of (schedule, instant), so the scheduler tick, the
// job, `digest list` and the tests all agree.
import type { WeeklySlot } from "./model.ts";

export const DAY_MS = 24 * 60 * 60_000;
/** A slot missed by more than this (the app was down) is skipped, not posted late. */
export const CATCH_UP_WINDOW_MS = DAY_MS;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

// Intl formatters are expensive to build and the tick asks for the same few zones every minute.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const WEEKDAY_NUMBER: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function localParts(instant: Date, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAY_NUMBER[parts.weekday ?? ""] ?? 1,
  };
}

/** How far the zone's clocks are ahead of UTC at this instant (minute precision). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const p = localParts(new Date(instant), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(instant / 60_000) * 60_000;
}

/**
 * The instant at which the clocks in `timeZone` show this date and time. A time that does
 * not exist (skipped by a spring-forward change) is moved forward by the gap, so 02:30 on
 * that day becomes 03:30; a time that happens twice (fall-back) is its first occurrence.
 */
export function instantOfLocal(
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
  timeZone: string,
): Date {
  const wallClock = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const offsetAt = (instant: number) => zoneOffsetMs(instant, timeZone);
  // Try the offsets in force a day either side of the wall-clock time: one of them is right
  // unless the time falls into a gap.
  const candidates = [offsetAt(wallClock - DAY_MS), offsetAt(wallClock + DAY_MS)]
    .map((offset) => wallClock - offset)
    .filter((instant) => {
      const p = localParts(new Date(instant), timeZone);
      return p.hour === hour && p.minute === minute && p.day === date.day;
    })
    .sort((a, b) => a - b);
  if (candidates[0] !== undefined) return new Date(candidates[0]);
  // In a gap: the offset before the change, which lands after the gap on the local clock.
  return new Date(wallClock - offsetAt(wallClock - DAY_MS));
}

/** The local calendar date `days` after the given one (no time zone involved). */
export function addDays(date: { year: number; month: number; day: number }, days: number) {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The latest slot at or before `now` (this week's if it has passed, else last week's). */
export function latestSlotAtOrBefore(schedule: WeeklySlot, now: Date): Date {
  const local = localParts(now, schedule.timezone);
  const back = (local.weekday - schedule.weekday + 7) % 7;
  let slot = instantOfLocal(addDays(local, -back), schedule.hour, schedule.minute, schedule.timezone);
  if (slot.getTime() > now.getTime()) {
    slot = instantOfLocal(addDays(local, -back - 7), schedule.hour, schedule.minute, schedule.timezone);
  }
  return slot;
}

/**
 * `latestSlotAtOrBefore` for many schedules at one instant (the scheduler tick): each zone's
 * local time is read once, and in a zone whose offset did not change in the last 8 days (no
 * DST change in play) a slot is plain arithmetic. Otherwise it takes the careful path.
 */
export function latestSlotsAt(now: Date): (schedule: WeeklySlot) => Date {
  const zones = new Map<string, { local: LocalParts; offset: number | null }>();
  const nowMs = now.getTime();
  return (schedule) => {
    let zone = zones.get(schedule.timezone);
    if (!zone) {
      const offset = zoneOffsetMs(nowMs, schedule.timezone);
      const stable = offset === zoneOffsetMs(nowMs - 8 * DAY_MS, schedule.timezone);
      zone = { local: localParts(now, schedule.timezone), offset: stable ? offset : null };
      zones.set(schedule.timezone, zone);
    }
    if (zone.offset === null) return latestSlotAtOrBefore(schedule, now);
    const { local } = zone;
    const back = (local.weekday - schedule.weekday + 7) % 7;
    let slot = Date.UTC(local.year, local.month - 1, local.day - back, schedule.hour, schedule.minute) - zone.offset;
    if (slot > nowMs) slot -= 7 * DAY_MS;
    return new Date(slot);
  };
}

/** The first slot strictly after `now` (later today fires today). */
export function nextSlotAfter(schedule: WeeklySlot, now: Date): Date {
  const local = localParts(now, schedule.timezone);
  const ahead = (schedule.weekday - local.weekday + 7) % 7;
  let slot = instantOfLocal(addDays(local, ahead), schedule.hour, schedule.minute, schedule.timezone);
  if (slot.getTime() <= now.getTime()) {
    slot = instantOfLocal(addDays(local, ahead + 7), schedule.hour, schedule.minute, schedule.timezone);
  }
  return slot;
}

/**
 * The 7 days up to `end`, counted on the local calendar: the same wall-clock time a week
 * earlier. Consecutive weekly periods tile exactly, even across a DST change (a 167- or
 * 169-hour week), so no story is counted twice or missed.
 */
export function weekEndingAt(end: Date, timeZone: string): { start: Date; end: Date } {
  const local = localParts(end, timeZone);
  return { start: instantOfLocal(addDays(local, -7), local.hour, local.minute, timeZone), end };
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
/** "Nov 18" in the zone. */
export function shortDate(instant: Date, timeZone: string): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, month: "short", day: "numeric" });
    dayFormatters.set(timeZone, f);
  }
  return f.format(instant);
}

/** "Fri Nov 27, 16:30" in the zone. */
export function slotLabel(instant: Date, timeZone: string): string {
  const day = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", month: "short", day: "numeric" }).format(
    instant,
  );
  const time = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
  }).format(instant);
  return `${day}, ${time}`;
}

/** The line `/delight-admin digest add` adds to its answer: when the first digest goes out. */
export function nextDigestNotice(schedule: WeeklySlot, now: Date): string {
  return `The next digest goes out ${slotLabel(nextSlotAfter(schedule, now), schedule.timezone)} (${schedule.timezone}). \`/delight digest preview\` shows it to you now.`;
}
