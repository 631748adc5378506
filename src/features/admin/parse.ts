// Parses `/delight-admin` text (Slack-escaped, so mentions arrive as <@U…> and <#C…|name>).
import { z } from "zod";
import { escapeMrkdwn, mentionedChannelIds, mentionedUserIds, plainFromSlack } from "../../slack/text.ts";
import type { CalendarDate } from "../export/model.ts";
import { parseExportRequest } from "../export/parse.ts";
import type { AuditQuery } from "../audit/model.ts";
import { parseAuditRequest } from "../audit/parse.ts";
import { parseRetentionRequest, type RetentionRequest } from "../retention/parse.ts";

export type AdminCommand =
  | { kind: "show" }
  | { kind: "help" }
  | { kind: "managers"; op: "add" | "remove"; userIds: string[] }
  | { kind: "channel"; role: ChannelRole; channelId: string }
  | { kind: "digest-add"; channelId: string; weekday: number; hour: number; minute: number; timezone?: string }
  | { kind: "digest-remove"; channelId: string }
  | { kind: "digest-list" }
  | { kind: "digest-send"; channelId: string }
  | { kind: "sla"; minutes: number }
  | { kind: "reminders"; offsetsMinutes: number[] }
  | { kind: "budget"; cents: number | null; currency: string | null }
  | { kind: "outbox"; retry: boolean }
  | { kind: "export"; from: CalendarDate | null; to: CalendarDate | null }
  | { kind: "audit"; query: AuditQuery }
  | { kind: "person"; op: "export" | "erase"; userId: string }
  | { kind: "retention"; request: RetentionRequest };

/** The channels an admin sets: approvals, stories, and where `/dumbrule` posts. */
export type ChannelRole = "approvals" | "stories" | "dumbrules";

export type ParseResult = { ok: true; command: AdminCommand } | { ok: false; problem: string };

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

const CHANNEL_HINT = "Type `#` and pick the channel from the list so Slack links it.";
const USER_HINT = "Type `@` and pick each person from the list so Slack links them.";
const DIGEST_EXAMPLE = "For example: `/delight-admin digest add #team friday 16:00 Europe/Paris`.";

export function parseAdminCommand(escapedText: string): ParseResult {
  const words = escapedText.trim().split(/\s+/).filter(Boolean);
  const [first = "show", second, ...rest] = words.map((w, i) => (i < 2 ? w.toLowerCase() : w));
  const restText = words.slice(2).join(" ");

  switch (first) {
    case "show":
    case "settings":
      return { ok: true, command: { kind: "show" } };
    case "help":
      return { ok: true, command: { kind: "help" } };
    case "managers":
    case "manager": {
      if (second !== "add" && second !== "remove") {
        return { ok: false, problem: "Say `managers add @person…` or `managers remove @person…`." };
      }
      const userIds = mentionedUserIds(restText);
      if (userIds.length === 0) return { ok: false, problem: `Name at least one person. ${USER_HINT}` };
      return { ok: true, command: { kind: "managers", op: second, userIds } };
    }
    case "channel": {
      if (second !== "approvals" && second !== "stories" && second !== "dumbrules") {
        return {
          ok: false,
          problem: "Say `channel approvals #channel`, `channel stories #channel` or `channel dumbrules #channel`.",
        };
      }
      const [channelId] = mentionedChannelIds(restText);
      if (!channelId) return { ok: false, problem: `Name the channel. ${CHANNEL_HINT}` };
      return { ok: true, command: { kind: "channel", role: second, channelId } };
    }
    case "digest": {
      if (second === "remove" || second === "send") {
        const [channelId] = mentionedChannelIds(restText);
        if (!channelId) return { ok: false, problem: `Name the digest's channel. ${CHANNEL_HINT}` };
        return {
          ok: true,
          command: second === "remove" ? { kind: "digest-remove", channelId } : { kind: "digest-send", channelId },
        };
      }
      if (second === "list") return { ok: true, command: { kind: "digest-list" } };
      if (second !== "add") {
        return {
          ok: false,
          problem:
            "Say `digest add #channel <weekday> <HH:MM> [timezone]`, `digest list`, `digest send #channel` or `digest remove #channel`.",
        };
      }
      const [channelToken, weekdayWord, timeWord, timezone, ...extra] = rest;
      const quoted = (word: string) => `“${escapeMrkdwn(plainFromSlack(word))}”`;
      const [channelId] = mentionedChannelIds(channelToken ?? "");
      if (!channelId)
        return { ok: false, problem: `Name the digest's channel first. ${CHANNEL_HINT} ${DIGEST_EXAMPLE}` };
      const weekdayKey = (weekdayWord ?? "").toLowerCase();
      const weekday = Object.hasOwn(WEEKDAYS, weekdayKey) ? WEEKDAYS[weekdayKey] : undefined;
      if (!weekday)
        return {
          ok: false,
          problem: weekdayWord
            ? `${quoted(weekdayWord)} isn't a weekday. Use a day name such as \`friday\` or \`mon\`. ${DIGEST_EXAMPLE}`
            : `Give a weekday after the channel, such as \`friday\` or \`mon\`. ${DIGEST_EXAMPLE}`,
        };
      const time = timeOfDay.safeParse(timeWord ?? "");
      if (!time.success)
        return {
          ok: false,
          problem: timeWord
            ? `${quoted(timeWord)} isn't a time of day. Give it as 24-hour \`HH:MM\`, such as \`16:30\` or \`09:00\`. ${DIGEST_EXAMPLE}`
            : `Give the time after the weekday as 24-hour \`HH:MM\`, such as \`16:30\`. ${DIGEST_EXAMPLE}`,
        };
      if (extra.length > 0)
        return {
          ok: false,
          problem: `I didn't understand ${quoted(extra.join(" "))} at the end. ${DIGEST_EXAMPLE}`,
        };
      if (timezone !== undefined && !isValidTimezone(timezone)) {
        return {
          ok: false,
          problem: `${quoted(timezone)} isn't a timezone I know. Use an IANA name such as \`Europe/Paris\` or \`America/New_York\`, or leave it out to use yours. ${DIGEST_EXAMPLE}`,
        };
      }
      return { ok: true, command: { kind: "digest-add", channelId, weekday, ...time.data, timezone } };
    }
    case "sla": {
      const minutes = parseDuration([second, ...rest].filter(Boolean).join(""));
      if (minutes === null)
        return {
          ok: false,
          problem: "Give the recovery deadline as hours or a duration, such as `24`, `24h`, `90m` or `2d`.",
        };
      if (minutes < MIN_SLA_MINUTES || minutes > MAX_SLA_MINUTES) {
        return { ok: false, problem: "The recovery deadline must be between 30 minutes and 30 days." };
      }
      return { ok: true, command: { kind: "sla", minutes } };
    }
    case "reminders":
    case "reminder": {
      // Offsets before the deadline: "reminders 12h 2h 30m"; "reminders default" resets.
      const words = [second, ...rest].filter((w): w is string => Boolean(w));
      if (words.length === 1 && (words[0] === "default" || words[0] === "reset")) {
        return { ok: true, command: { kind: "reminders", offsetsMinutes: [] } };
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
      return { ok: true, command: { kind: "reminders", offsetsMinutes: unique } };
    }
    case "budget": {
      if (second === "off" || second === "none")
        return { ok: true, command: { kind: "budget", cents: null, currency: null } };
      const cents = amount.safeParse(second ?? "");
      const currency = currencyCode.safeParse(rest[0] ?? "");
      if (!cents.success || !currency.success || rest.length > 1) {
        return {
          ok: false,
          problem:
            "Give the per-gesture budget as an amount and a currency code, such as `budget 50 USD`, or `budget off`.",
        };
      }
      return { ok: true, command: { kind: "budget", cents: cents.data, currency: currency.data } };
    }
    case "export": {
      const request = parseExportRequest(words.slice(1));
      if (!request.ok) return { ok: false, problem: request.problem };
      return { ok: true, command: { kind: "export", from: request.from, to: request.to } };
    }
    case "retention": {
      const parsed = parseRetentionRequest(words.slice(1));
      return parsed.ok ? { ok: true, command: { kind: "retention", request: parsed.request } } : parsed;
    }
    case "person": {
      const [userId] = mentionedUserIds(words[1] ?? "");
      const op = (rest[0] ?? "").toLowerCase();
      if (!userId || (op !== "export" && op !== "erase") || rest.length > 1) {
        return {
          ok: false,
          problem: `Say \`person @someone export\` (everything Delight stores about them, to your DM) or \`person @someone erase\` (asks you to confirm first). ${USER_HINT}`,
        };
      }
      return { ok: true, command: { kind: "person", op, userId } };
    }
    case "audit": {
      const request = parseAuditRequest(words.slice(1));
      return request.ok ? { ok: true, command: { kind: "audit", query: request.query } } : request;
    }
    case "outbox":
      if (second === undefined) return { ok: true, command: { kind: "outbox", retry: false } };
      if (second === "retry" && rest.length === 0) return { ok: true, command: { kind: "outbox", retry: true } };
      return {
        ok: false,
        problem: "Say `outbox` to list Slack writes that failed, or `outbox retry` to try them again.",
      };
    default:
      return { ok: false, problem: `I don't know “${escapeMrkdwn(plainFromSlack(first))}”.` };
  }
}
