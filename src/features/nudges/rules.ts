// When a nudge may reach a person: the fatigue guards, as a pure function of the clock and
// what is stored (so tests can move time). At most MAX_PER_DAY a day, only between 09:00 and
// 18:00 in the person's time zone (else the next morning), not while "Not now" holds, never
// when they turned nudges off or muted the customer, and never once the moment has passed.

export const MAX_PER_DAY = 3;
export const DAY_START_HOUR = 9;
export const DAY_END_HOUR = 18;

export type NudgeDecision =
  | { kind: "send" }
  | { kind: "defer"; until: Date; why: "quiet-hours" | "daily-limit" | "not-now" }
  | { kind: "drop"; why: "off" | "muted" | "too-late" };

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function localTime(date: Date, timezone: string): LocalTime {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    hourCycle: "h23",
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}

/** The instant it is `hour`:00 on the local day `daysAhead` after `date`'s, in `timezone`. */
export function localHourInstant(date: Date, timezone: string, hour: number, daysAhead = 0): Date {
  const local = localTime(date, timezone);
  const wanted = Date.UTC(local.year, local.month - 1, local.day + daysAhead, hour);
  // The zone's offset at the wanted moment (twice, for a day that changes offset).
  let guess = wanted;
  for (let i = 0; i < 2; i += 1) {
    const seen = localTime(new Date(guess), timezone);
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    guess += wanted - seenAsUtc;
  }
  return new Date(guess);
}

/** The start of the person's local day (for "3 a day"). */
export function startOfLocalDay(date: Date, timezone: string): Date {
  return localHourInstant(date, timezone, 0);
}

export function decideNudge(input: {
  now: Date;
  timezone: string;
  off: boolean;
  muted: boolean;
  snoozedUntil: Date | null;
  /** Nudges sent to the person since the start of their local day. */
  sentToday: number;
  maxPerDay?: number;
  /** After this, the nudge has no point (a recovery's 24 hours are over). */
  lastUsefulAt: Date;
}): NudgeDecision {
  if (input.off) return { kind: "drop", why: "off" };
  if (input.muted) return { kind: "drop", why: "muted" };
  const { now, timezone } = input;
  let decision: NudgeDecision = { kind: "send" };
  if (input.snoozedUntil && input.snoozedUntil > now) {
    decision = { kind: "defer", until: input.snoozedUntil, why: "not-now" };
  } else {
    const hour = localTime(now, timezone).hour;
    if (hour < DAY_START_HOUR) {
      decision = { kind: "defer", until: localHourInstant(now, timezone, DAY_START_HOUR), why: "quiet-hours" };
    } else if (hour >= DAY_END_HOUR) {
      decision = { kind: "defer", until: localHourInstant(now, timezone, DAY_START_HOUR, 1), why: "quiet-hours" };
    } else if (input.sentToday >= (input.maxPerDay ?? MAX_PER_DAY)) {
      decision = { kind: "defer", until: localHourInstant(now, timezone, DAY_START_HOUR, 1), why: "daily-limit" };
    }
  }
  const at = decision.kind === "defer" ? decision.until : now;
  if (at > input.lastUsefulAt) return { kind: "drop", why: "too-late" };
  return decision;
}

/** "Not now": tomorrow morning, in the person's time zone. */
export function notNowUntil(now: Date, timezone: string): Date {
  return localHourInstant(now, timezone, DAY_START_HOUR, 1);
}
