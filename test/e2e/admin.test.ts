// /delight-admin end to end: the real app, signed requests, the Slack stand-in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSettings } from "../../src/features/admin/settings.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { TEAM_ID } from "../support/slack-stand-in.ts";

const workspace = { teamId: TEAM_ID };

describe("/delight-admin", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      admins: ["UCONFIGADMIN"],
      users: [
        { id: "UCONFIGADMIN", name: "Ada" },
        { id: "USLACKOWNER", name: "Olu", is_owner: true, tz: "America/New_York" },
        { id: "USTAFF", name: "Sam" },
        { id: "UMARIA", name: "Maria" },
        { id: "ULI", name: "Li" },
        { id: "UROBOT", name: "Robot", is_bot: true },
      ],
    });
  });
  afterAll(() => t.stop());
  beforeEach(() => t.slack.reset());

  async function run(text: string, userId = "UCONFIGADMIN") {
    const before = t.slack.responses().length;
    const response = await t.sender.command("/delight-admin", text, userId);
    expect(response.status).toBe(200);
    const reply = await t.slack.waitFor(() => t.slack.responses()[before]);
    expect(reply.args.response_type).toBe("ephemeral");
    return JSON.stringify(reply.args);
  }

  it("shows the settings to an admin listed in DELIGHT_ADMINS", async () => {
    const reply = await run("show");
    expect(reply).toContain("Delight settings");
    expect(reply).toContain("Recovery deadline (SLA)");
    expect(reply).toContain("1 day");
  });

  it("lets a Slack workspace owner in without DELIGHT_ADMINS", async () => {
    const reply = await run("channel approvals <#C0APPROVE|delight-approvals>", "USLACKOWNER");
    expect(reply).toContain("<#C0APPROVE>");
    expect((await getSettings(t.database.prisma, workspace)).approvalsChannelId).toBe("C0APPROVE");
    // The app joined the public channel so it can post there.
    expect(t.slack.callsTo("conversations.join").map((c) => c.args.channel)).toContain("C0APPROVE");
  });

  it("refuses a non-admin with an ephemeral message and changes nothing", async () => {
    const before = await getSettings(t.database.prisma, workspace);
    const reply = await run("sla 2h", "USTAFF");
    expect(reply).toContain("Only Slack workspace admins");
    const reply2 = await run("managers add <@USTAFF|sam>", "USTAFF");
    expect(reply2).toContain("Only Slack workspace admins");
    expect(await getSettings(t.database.prisma, workspace)).toEqual(before);
    expect(t.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("adds and removes managers, skipping bots, and answers with the new settings", async () => {
    const added = await run("managers add <@UMARIA|maria> <@ULI|li> <@UROBOT|robot>");
    expect(added).toContain("Added <@UMARIA>, <@ULI> as managers");
    expect(added).toContain("apps can't approve");
    expect((await getSettings(t.database.prisma, workspace)).managerIds).toEqual(["UMARIA", "ULI"]);
    // Adding someone twice is harmless.
    await run("managers add <@UMARIA|maria>");
    const removed = await run("managers remove <@ULI|li>");
    expect(removed).toContain("no longer manage approvals");
    expect((await getSettings(t.database.prisma, workspace)).managerIds).toEqual(["UMARIA"]);
  });

  it("sets the stories channel and tells the admin to invite the app to a private channel", async () => {
    const reply = await run("channel stories <#G0PRIVATE|wins>");
    expect(reply).toContain("/invite @Delight");
    expect((await getSettings(t.database.prisma, workspace)).storiesChannelId).toBe("G0PRIVATE");
  });

  it("adds a digest in the given timezone, or the admin's own, and removes it", async () => {
    await run("digest add <#C0TEAM|team> friday 16:30 Europe/Paris");
    await run("digest add <#C0SALES|sales> mon 9:05", "USLACKOWNER");
    let settings = await getSettings(t.database.prisma, workspace);
    expect(settings.digests).toEqual([
      { channelId: "C0SALES", weekday: 1, hour: 9, minute: 5, timezone: "America/New_York" },
      { channelId: "C0TEAM", weekday: 5, hour: 16, minute: 30, timezone: "Europe/Paris" },
    ]);
    // Adding again for the same channel replaces the schedule instead of duplicating it.
    await run("digest add <#C0TEAM|team> thursday 10:00 UTC");
    settings = await getSettings(t.database.prisma, workspace);
    expect(settings.digests.filter((d) => d.channelId === "C0TEAM")).toEqual([
      { channelId: "C0TEAM", weekday: 4, hour: 10, minute: 0, timezone: "UTC" },
    ]);
    const reply = await run("digest remove <#C0TEAM|team>");
    expect(reply).toContain("no longer gets a weekly digest");
    expect((await getSettings(t.database.prisma, workspace)).digests.map((d) => d.channelId)).toEqual(["C0SALES"]);
  });

  it("sets the SLA from hours, minutes or days", async () => {
    await run("sla 90m");
    expect((await getSettings(t.database.prisma, workspace)).slaMinutes).toBe(90);
    await run("sla 2d");
    expect((await getSettings(t.database.prisma, workspace)).slaMinutes).toBe(2880);
    const reply = await run("sla 12");
    expect(reply).toContain("12 hours");
    expect((await getSettings(t.database.prisma, workspace)).slaMinutes).toBe(720);
  });

  it("sets recovery reminder times before the deadline, and back to the default", async () => {
    const reply = await run("reminders 2h 12h 30m");
    expect(reply).toContain("12 hours, 2 hours, 30 min before the deadline");
    expect((await getSettings(t.database.prisma, workspace)).reminderOffsetsMinutes).toEqual([720, 120, 30]);
    expect(await run("reminders soon")).toContain("reminders 12h 2h");
    await run("reminders default");
    expect((await getSettings(t.database.prisma, workspace)).reminderOffsetsMinutes).toEqual([]);
  });

  it("warns when a reminder time is not shorter than the SLA (it would never be sent)", async () => {
    await run("sla 24h");
    const reply = await run("reminders 48h");
    expect(reply).toContain("never sent");
    expect(reply).toContain("no reminder at all");
    expect(await run("reminders 12h")).not.toContain("never sent");
    await run("reminders default");
  });

  it("sets and removes the per-gesture budget", async () => {
    const reply = await run("budget 49.50 eur");
    expect(reply).toContain("€49.50");
    expect((await getSettings(t.database.prisma, workspace)).budget).toEqual({ cents: 4950, currency: "EUR" });
    await run("budget off");
    expect((await getSettings(t.database.prisma, workspace)).budget).toBeNull();
  });

  it("quotes bad input back with guidance, escaped so it cannot ping anyone", async () => {
    const reply = await run("sla soon &lt;!channel&gt; <!channel> <!here>");
    expect(reply).toContain("Give the recovery deadline");
    expect(reply).toContain("You typed");
    expect(reply).not.toContain("<!channel>");
    expect(reply).not.toContain("<!here>");
    const unknown = await run("launch <!everyone>");
    expect(unknown).not.toContain("<!everyone>");
    expect(unknown).toContain("/delight-admin show");
  });

  it("rejects an unknown timezone without changing anything", async () => {
    const before = await getSettings(t.database.prisma, workspace);
    const reply = await run("digest add <#C0OPS|ops> friday 16:00 Mars/Olympus");
    expect(reply).toContain("IANA");
    expect(await getSettings(t.database.prisma, workspace)).toEqual(before);
  });
});
