// The validation of each setting, shared by `/delight-admin` (parse.ts) and App Home →
// Settings (src/features/settings): one rule and one message per setting, whichever way an
// admin changes it. Messages are mrkdwn; the Settings form shows them as plain text
// (asFieldError). The command adds its own example after a problem; the form does not.
import { z } from "zod";
import { escapeMrkdwn, plainFromSlack } from "../../slack/text.ts";

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const WEEKDAYS: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};

export const WEEKDAY_NAMES = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

export const MIN_SLA_MINUTES = 30;
export const MAX_SLA_MINUTES = 30 * 24 * 60;
export const MAX_REMINDER_OFFSETS = 5;

const timeOfDay = z
  .string()
  .regex(/^([01]?\d|2[0-3])[:.h]([0-5]\d)$/)
  .transform((value) => {
    const [, hour, minute] = /^(\d+)[:.h](\d+)$/.exec(value) ?? [];
    return { hour: Number(hour), minute: Number(minute) };
  });

const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/)
  .transform((code) => code.toUpperCase());

const amount = z
  .string()
  .regex(/^\d{1,7}([.,]\d{1,2})?$/)
  .transform((value) => Math.round(Number(value.replace(",", ".")) * 100));

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** Parses "24", "24h", "90m", "2d", "1.5h" into minutes. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:[.,]\d+)?)\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)?$/i.exec(text.trim());
  if (!match) return null;
  const value = Number((match[1] ?? "").replace(",", "."));
  const unit = (match[2] ?? "h").toLowerCase()[0];
  const minutes = unit === "m" ? value : unit === "d" ? value * 24 * 60 : value * 60;
  return Number.isFinite(minutes) ? Math.round(minutes) : null;
}

/** What someone typed, quoted back in a problem (escaped: it cannot ping or link). */
export const quoted = (word: string) => `“${escapeMrkdwn(plainFromSlack(word))}”`;

/** Unknown weekday names and missing ones. */
export function checkWeekday(word: string | undefined): Checked<number> {
  const key = (word ?? "").toLowerCase();
  const weekday = Object.hasOwn(WEEKDAYS, key) ? WEEKDAYS[key] : undefined;
  if (weekday) return { ok: true, value: weekday };
  return {
    ok: false,
    problem: word
      ? `${quoted(word)} isn't a weekday. Use a day name such as \`friday\` or \`mon\`.`
      : "Give a weekday, such as `friday` or `mon`.",
  };
}

/** A 24-hour time of day ("16:30", "9.00", "9h30"). */
export function checkTimeOfDay(word: string | undefined): Checked<{ hour: number; minute: number }> {
  const time = timeOfDay.safeParse(word ?? "");
  if (time.success) return { ok: true, value: time.data };
  return {
    ok: false,
    problem: word
      ? `${quoted(word)} isn't a time of day. Give it as 24-hour \`HH:MM\`, such as \`16:30\` or \`09:00\`.`
      : "Give the time as 24-hour `HH:MM`, such as `16:30`.",
  };
}

export function checkTimezone(timezone: string): Checked<string> {
  if (isValidTimezone(timezone)) return { ok: true, value: timezone };
  return {
    ok: false,
    problem: `${quoted(timezone)} isn't a timezone I know. Use an IANA name such as \`Europe/Paris\` or \`America/New_York\`, or leave it out to use yours.`,
  };
}

/** The recovery deadline (SLA) from "24", "24h", "90m", "2d". */
export function checkSla(text: string): Checked<number> {
  const minutes = parseDuration(text);
  if (minutes === null)
    return {
      ok: false,
      problem: "Give the recovery deadline as hours or a duration, such as `24`, `24h`, `90m` or `2d`.",
    };
  if (minutes < MIN_SLA_MINUTES || minutes > MAX_SLA_MINUTES) {
    return { ok: false, problem: "The recovery deadline must be between 30 minutes and 30 days." };
  }
  return { ok: true, value: minutes };
}

/** Reminder offsets before the deadline ("12h 2h"); "default" (or "reset") = [] (half-time and 2 h before). */
export function checkReminders(words: string[]): Checked<number[]> {
  if (words.length === 1 && (words[0]?.toLowerCase() === "default" || words[0]?.toLowerCase() === "reset")) {
    return { ok: true, value: [] };
  }
  const offsets = words.map((w) => parseDuration(w));
  if (words.length === 0 || offsets.some((m) => m === null || m < 1 || m > MAX_SLA_MINUTES)) {
    return {
      ok: false,
      problem:
        "Give how long before the deadline to remind the owner, such as `reminders 12h 2h` or `reminders 3h 30m`, or `reminders default` (half-time and 2 hours before).",
    };
  }
  const unique = [...new Set(offsets as number[])].sort((a, b) => b - a);
  if (unique.length > MAX_REMINDER_OFFSETS) {
    return { ok: false, problem: `Give at most ${MAX_REMINDER_OFFSETS} reminder times.` };
  }
  return { ok: true, value: unique };
}

/** The per-gesture budget: an amount and a currency code, or "off"/"none" (null: no cap). */
export function checkBudget(
  amountText: string | undefined,
  currencyText: string | undefined,
): Checked<{ cents: number; currency: string } | null> {
  const off = (amountText ?? "").toLowerCase();
  if (off === "off" || off === "none") return { ok: true, value: null };
  const cents = amount.safeParse(amountText ?? "");
  const currency = currencyCode.safeParse(currencyText ?? "");
  if (!cents.success || !currency.success) {
    return {
      ok: false,
      problem:
        "Give the per-gesture budget as an amount and a currency code, such as `budget 50 USD`, or `budget off`.",
    };
  }
  return { ok: true, value: { cents: cents.data, currency: currency.data } };
}

/** Why someone cannot be a manager (an app, say), for both ways of adding managers. */
export const APPS_CANNOT_APPROVE = "apps can't approve recognition";

/**
 * A problem as a form field shows it: plain text (a field error renders no mrkdwn), so
 * `code` becomes “code” and the escaping of quoted input is undone (plain text cannot ping).
 */
export function asFieldError(problem: string): string {
  return problem
    .replace(/`([^`]*)`/g, "“$1”")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
