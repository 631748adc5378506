// The audit trail end to end: every /delight-admin command that changes something lands in
// the log (the commands are enumerated from the parser's type, so a new command without an
// example here fails to compile), `/delight-admin audit` shows the latest 50 with before →
// after, filters by person and dates, and sends longer ranges as a CSV.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AdminCommand } from "../../src/features/admin/parse.ts";
import { parseAdminCommand } from "../../src/features/admin/parse.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { drainJobs, startTestApp, type TestApp } from "../support/test-app.ts";

/** One or more examples of each command, and the audit action it must write (null: it only reads). */
const EXAMPLES: { [K in AdminCommand["kind"]]: Array<{ text: string; action: string | null }> } = {
  show: [{ text: "show", action: null }],
  help: [{ text: "help", action: null }],
  managers: [
    { text: "managers add <@UMARIA|maria>", action: "managers.add" },
    { text: "managers remove <@UMARIA|maria>", action: "managers.remove" },
  ],
  channel: [
    { text: "channel approvals <#C0APPROVE|approvals>", action: "channel.approvals" },
    { text: "channel stories <#C0STORIES|wins>", action: "channel.stories" },
    { text: "channel dumbrules <#C0DUMB|dumb>", action: "channel.dumbrules" },
  ],
  "digest-add": [{ text: "digest add <#C0TEAM|team> friday 16:00 UTC", action: "digest.add" }],
  "digest-list": [{ text: "digest list", action: null }],
  "digest-send": [{ text: "digest send <#C0TEAM|team>", action: "digest.send" }],
  "digest-remove": [{ text: "digest remove <#C0TEAM|team>", action: "digest.remove" }],
  sla: [{ text: "sla 2h", action: "settings.sla" }],
  reminders: [{ text: "reminders 1h 30m", action: "settings.reminders" }],
  budget: [{ text: "budget 50 USD", action: "settings.budget" }],
  outbox: [
    { text: "outbox", action: null },
    { text: "outbox retry", action: "outbox.retry" },
  ],
  export: [{ text: "export stories", action: "export.stories" }],
  // Reading the log is not logged; with more than 50 entries it is sent as a CSV (an export).
  audit: [{ text: "audit", action: null }],
  retention: [
    { text: "retention", action: null },
    { text: "retention holdingback 180d", action: "retention.set" },
    { text: "retention signals 60d", action: "retention.set" },
  ],
  person: [
    { text: "person <@UOLU|olu> export", action: "person.export" },
    // Only opens the confirmation form: the erasure is audited once confirmed (people-data.test.ts).
    { text: "person <@UOLU|olu> erase", action: null },
  ],
};

describe("the audit trail", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      admins: ["UADA"],
      users: [
        { id: "UADA", name: "Ada", tz: "UTC" },
        { id: "UMARIA", name: "Maria" },
        { id: "UOLU", name: "Olu" },
      ],
    });
  });
  afterAll(() => t.stop());
  beforeEach(() => t.slack.reset());

  async function run(text: string, userId = "UADA") {
    const response = await t.sender.command("/delight-admin", text, userId);
    expect(response.status).toBe(200);
    return JSON.stringify(JSON.parse(response.body || "{}"));
  }
  const entries = () => t.database.prisma.auditEntry.findMany({ orderBy: [{ createdAt: "asc" }, { seq: "asc" }] });

  it("logs every admin command that changes something, with who, what and before → after", async () => {
    for (const [kind, examples] of Object.entries(EXAMPLES)) {
      for (const { text, action } of examples) {
        const parsed = parseAdminCommand(text);
        expect(parsed.ok && parsed.command.kind, text).toBe(kind);
        const before = await t.database.prisma.auditEntry.count();
        await run(text);
        const added = (await entries()).slice(before);
        if (action === null) expect(added, text).toEqual([]);
        else
          expect(
            added.map((e) => [e.actorId, e.action]),
            text,
          ).toEqual([["UADA", action]]);
      }
    }
    await drainJobs(t);
    const log = await entries();
    expect(log.find((e) => e.action === "settings.sla")).toMatchObject({
      before: { slaMinutes: 1440 },
      after: { slaMinutes: 120 },
    });
    expect(log.find((e) => e.action === "managers.add")).toMatchObject({
      subjectIds: ["UMARIA"],
      before: { managerIds: [] },
      after: { managerIds: ["UMARIA"] },
    });
    expect(log.find((e) => e.action === "channel.stories")).toMatchObject({
      target: "C0STORIES",
      before: { storiesChannelId: null },
      after: { storiesChannelId: "C0STORIES" },
    });
    expect(log.find((e) => e.action === "settings.budget")).toMatchObject({
      before: { budget: null },
      after: { budget: { cents: 5000, currency: "USD" } },
    });
  });

  it("a non-admin's refused command changes nothing and logs nothing", async () => {
    const before = await t.database.prisma.auditEntry.count();
    expect(await run("sla 3h", "UOLU")).toContain("Only Slack workspace admins");
    expect(await run("audit", "UOLU")).toContain("Only Slack workspace admins");
    expect(await t.database.prisma.auditEntry.count()).toBe(before);
  });

  it("shows the latest entries newest first, by or about a person, and within dates", async () => {
    await run("sla 4h");
    const all = await run("audit");
    expect(all).toContain("Audit log");
    expect(all).toContain("slaMinutes: 120 → 240");
    expect(all.indexOf("slaMinutes: 120 → 240")).toBeLessThan(all.indexOf("slaMinutes: 1440 → 120"));
    const maria = await run("audit <@UMARIA|maria>");
    expect(maria).toContain("managers.add");
    expect(maria).toContain("managers.remove");
    expect(maria).not.toContain("settings.sla");
    expect(await run("audit 2020-01-01 2020-12-31")).toContain("no entries from 2020-01-01 to 2020-12-31");
    expect(await run("audit 2026-11-23")).toContain("settings.sla");
    expect(await run("audit 2026-12-01 2026-01-01")).toContain("Put the earlier date first");
    expect(await run("audit yesterday")).toContain("I didn't understand");
  });

  it("sends a longer range as a CSV to the admin's DM, and logs that export", async () => {
    const base = t.clock.now().getTime();
    await t.database.prisma.auditEntry.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        teamId: TEAM_ID,
        actorId: "UADA",
        action: "settings.reminders",
        before: { reminderOffsetsMinutes: [i] },
        after: { reminderOffsetsMinutes: [i + 1] },
        createdAt: new Date(base - (i + 1) * 1000),
      })),
    });
    const total = await t.database.prisma.auditEntry.count();
    const reply = await run("audit");
    expect(reply).toContain(`the latest 50 of ${total} entries`);
    await drainJobs(t);
    const complete = t.slack.callsTo("files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    expect(complete[0]?.args.channel_id).toBe("DUADA");
    const [file] = complete[0]?.args.files as Array<{ id: string }>;
    const rows = parse<Record<string, string>>(t.slack.uploads.get(file?.id ?? "") ?? Buffer.alloc(0), {
      bom: true,
      columns: true,
    });
    // Every entry up to the command, its own "audit.export" entry included.
    expect(rows).toHaveLength(total + 1);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "time_utc",
      "actor",
      "action",
      "target",
      "subjects",
      "before",
      "after",
    ]);
    expect(rows.some((r) => r.action === "settings.sla" && r.after === '{"slaMinutes":120}')).toBe(true);
    const last = (await entries()).at(-1);
    expect(last).toMatchObject({ actorId: "UADA", action: "audit.export", after: { entries: total } });
  });
});
