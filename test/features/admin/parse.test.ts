import { describe, expect, it } from "vitest";
import { parseAdminCommand, parseDuration } from "../../../src/features/admin/parse.ts";

describe("parseAdminCommand", () => {
  it.each([
    ["", { kind: "show" }],
    ["show", { kind: "show" }],
    ["help", { kind: "help" }],
    ["managers add <@U1|a> <@U2>", { kind: "managers", op: "add", userIds: ["U1", "U2"] }],
    ["Managers Remove <@U1>", { kind: "managers", op: "remove", userIds: ["U1"] }],
    ["channel approvals <#C1|approvals>", { kind: "channel", role: "approvals", channelId: "C1" }],
    ["channel stories <#G1>", { kind: "channel", role: "stories", channelId: "G1" }],
    ["channel dumbrules <#C9|dumb-rules>", { kind: "channel", role: "dumbrules", channelId: "C9" }],
    [
      "digest add <#C1|team> Fri 16:30 Europe/Paris",
      { kind: "digest-add", channelId: "C1", weekday: 5, hour: 16, minute: 30, timezone: "Europe/Paris" },
    ],
    [
      "digest add <#C1> sunday 9:05",
      { kind: "digest-add", channelId: "C1", weekday: 7, hour: 9, minute: 5, timezone: undefined },
    ],
    ["digest remove <#C1|team>", { kind: "digest-remove", channelId: "C1" }],
    ["digest list", { kind: "digest-list" }],
    ["digest send <#C1|team>", { kind: "digest-send", channelId: "C1" }],
    ["sla 24", { kind: "sla", minutes: 1440 }],
    ["sla 90m", { kind: "sla", minutes: 90 }],
    ["sla 2d", { kind: "sla", minutes: 2880 }],
    ["budget 50 usd", { kind: "budget", cents: 5000, currency: "USD" }],
    ["budget 12,5 EUR", { kind: "budget", cents: 1250, currency: "EUR" }],
    ["budget off", { kind: "budget", cents: null, currency: null }],
    ["outbox", { kind: "outbox", retry: false }],
    ["Outbox Retry", { kind: "outbox", retry: true }],
  ])("parses %j", (text, command) => {
    expect(parseAdminCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    ["managers add alice", /Name at least one person/],
    ["managers promote <@U1>", /managers add/],
    ["channel approvals general", /Name the channel/],
    ["digest add <#C1> someday 10:00", /weekday/],
    ["digest add <#C1> constructor 10:00", /weekday/],
    ["digest add <#C1> __proto__ 10:00", /weekday/],
    ["digest add <#C1> mon 25:00", /HH:MM/],
    ["digest add <#C1> mon 10:00 Mars/Base", /IANA/],
    ["digest add <#C1> someday 10:00", /“someday” isn't a weekday.*digest add #team friday 16:00/],
    ["digest add <#C1> mon 7pm", /“7pm” isn't a time of day.*`16:30`/],
    ["digest add <#C1> mon", /Give the time after the weekday/],
    ["digest add <#C1> mon 10:00 Mars/Base", /“Mars\/Base” isn't a timezone/],
    ["digest send", /Name the digest's channel/],
    ["digest later", /digest list/],
    ["sla soon", /24h/],
    ["sla 10m", /between 30 minutes and 30 days/],
    ["budget fifty", /amount and a currency/],
    ["frobnicate", /I don't know/],
  ])("explains what is wrong with %j", (text, problem) => {
    const result = parseAdminCommand(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});

describe("parseDuration", () => {
  it.each([
    ["24", 1440],
    ["24h", 1440],
    ["1.5h", 90],
    ["90 min", 90],
    ["2 days", 2880],
    ["abc", null],
  ])("%s → %s minutes", (text, minutes) => {
    expect(parseDuration(text)).toBe(minutes);
  });
});
