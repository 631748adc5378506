// Parses `/delight-admin` text (Slack-escaped, so mentions arrive as <@U…> and <#C…|name>).
import { escapeMrkdwn, mentionedChannelIds, mentionedUserIds, plainFromSlack } from "../../slack/text.ts";
import {
  checkBudget,
  checkReminders,
  checkSla,
  checkTimeOfDay,
  checkTimezone,
  checkWeekday,
  isValidTimezone,
  MAX_REMINDER_OFFSETS,
  MAX_SLA_MINUTES,
  MIN_SLA_MINUTES,
  parseDuration,
  quoted,
  WEEKDAY_NAMES,
} from "./validate.ts";
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

// The rules and messages of each setting live in validate.ts, shared with App Home → Settings.
export { isValidTimezone, parseDuration, WEEKDAY_NAMES, MIN_SLA_MINUTES, MAX_SLA_MINUTES, MAX_REMINDER_OFFSETS };

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
      const [channelId] = mentionedChannelIds(channelToken ?? "");
      if (!channelId)
        return { ok: false, problem: `Name the digest's channel first. ${CHANNEL_HINT} ${DIGEST_EXAMPLE}` };
      const weekday = checkWeekday(weekdayWord);
      if (!weekday.ok)
        return {
          ok: false,
          problem: `${weekdayWord ? weekday.problem : "Give a weekday after the channel, such as `friday` or `mon`."} ${DIGEST_EXAMPLE}`,
        };
      const time = checkTimeOfDay(timeWord);
      if (!time.ok)
        return {
          ok: false,
          problem: `${timeWord ? time.problem : "Give the time after the weekday as 24-hour `HH:MM`, such as `16:30`."} ${DIGEST_EXAMPLE}`,
        };
      if (extra.length > 0)
        return {
          ok: false,
          problem: `I didn't understand ${quoted(extra.join(" "))} at the end. ${DIGEST_EXAMPLE}`,
        };
      if (timezone !== undefined) {
        const zone = checkTimezone(timezone);
        if (!zone.ok) return { ok: false, problem: `${zone.problem} ${DIGEST_EXAMPLE}` };
      }
      return {
        ok: true,
        command: { kind: "digest-add", channelId, weekday: weekday.value, ...time.value, timezone },
      };
    }
    case "sla": {
      const sla = checkSla([second, ...rest].filter(Boolean).join(""));
      return sla.ok ? { ok: true, command: { kind: "sla", minutes: sla.value } } : sla;
    }
    case "reminders":
    case "reminder": {
      // Offsets before the deadline: "reminders 12h 2h 30m"; "reminders default" resets.
      const reminders = checkReminders([second, ...rest].filter((w): w is string => Boolean(w)));
      return reminders.ok ? { ok: true, command: { kind: "reminders", offsetsMinutes: reminders.value } } : reminders;
    }
    case "budget": {
      const budget = rest.length > 1 ? checkBudget(undefined, undefined) : checkBudget(second, rest[0]);
      if (!budget.ok) return budget;
      return {
        ok: true,
        command: { kind: "budget", cents: budget.value?.cents ?? null, currency: budget.value?.currency ?? null },
      };
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
