// /delight-admin end to end: the real app, signed requests, the Slack stand-in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSettings } from "../../src/features/admin/settings.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";

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
        // Enterprise Grid: an admin of the organisation, an ordinary member of this workspace.
        { id: "WORGADMIN", name: "Grace", enterprise_user: { enterprise_id: "E0ORG", is_admin: true } },
        { id: "WORGOWNER", name: "Omar", enterprise_user: { enterprise_id: "E0ORG", is_owner: true } },
        { id: "WORGMEMBER", name: "Mia", enterprise_user: { enterprise_id: "E0ORG" } },
      ],
    });
  });
  afterAll(() => t.stop());
  beforeEach(() => t.slack.reset());

  /** Every /delight-admin answer is in the ack (settings are written before it). */
  async function run(text: string, userId = "UCONFIGADMIN") {
    const response = await t.sender.command("/delight-admin", text, userId);
    expect(response.status).toBe(200);
    const ack = JSON.parse(response.body || "{}") as { response_type?: string };
    expect(ack.response_type).toBe("ephemeral");
    return JSON.stringify(ack);
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
    // The app joins the public channel (from a job) so it can post there.
    await t.slack.waitFor(() => t.slack.callsTo("conversations.join").find((c) => c.args.channel === "C0APPROVE"));
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

  it("sets the stories channel and tells the admin at once to invite the app to a private channel", async () => {
    // Slack answers channel_not_found for a private channel the app is not in (not is_private).
    const reply = await run("channel stories <#G0PRIVATE|wins>");
    expect(reply).toContain("Invite @Delight to <#G0PRIVATE> first (`/invite @Delight`");
    expect((await getSettings(t.database.prisma, workspace)).storiesChannelId).toBe("G0PRIVATE");
    expect(t.slack.callsTo("conversations.join")).toHaveLength(0);
  });

  it("says to invite the app whenever Slack can't show it the channel, for every channel setting", async () => {
    t.slack.on("conversations.info", () => ({ ok: false, error: "channel_not_found" }));
    try {
      for (const role of ["approvals", "stories", "dumbrules"]) {
        const reply = await run(`channel ${role} <#C0HIDDEN|hidden>`);
        expect(reply).toContain("Invite @Delight to <#C0HIDDEN> first");
      }
      expect(await run("digest add <#C0HIDDEN|hidden> friday 16:00 UTC")).toContain("Invite @Delight to <#C0HIDDEN>");
    } finally {
      t.slack.off("conversations.info");
      await run("digest remove <#C0HIDDEN|hidden>");
    }
  });

  it("lets Enterprise Grid organisation admins and owners in, not the organisation's other members", async () => {
    expect(await run("show", "WORGADMIN")).toContain("Delight settings");
    expect(await run("show", "WORGOWNER")).toContain("Delight settings");
    expect(await run("show", "WORGMEMBER")).toContain("Only Slack workspace admins");
  });

  it("sets the dumb-rules channel, shows it, and lists it in help", async () => {
    const reply = await run("channel dumbrules <#C0DUMB|dumb-rules>");
    expect(reply).toContain("`/dumbrule` reports are now posted in <#C0DUMB>");
    expect(reply).toContain("Dumb-rules channel");
    expect((await getSettings(t.database.prisma, workspace)).dumbRulesChannelId).toBe("C0DUMB");
    expect(await run("show")).toContain("*Dumb-rules channel*\\n<#C0DUMB>");
    expect(await run("help")).toContain("channel dumbrules #dumb-rules");
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

  it("shows admins the Slack writes that failed for good, and retries them", async () => {
    const prisma = t.database.prisma;
    expect(await run("show")).not.toContain("Slack delivery");
    expect(await run("outbox")).toContain("No failed writes");

    // A post Slack refuses for good (the app is not in the channel) is dead-lettered…
    t.slack.on("chat.postMessage", () => ({ ok: false, error: "not_in_channel" }));
    const outbox = t.delight.outbox.forTeam(TEAM_ID);
    const post = () => outbox.postMessage("test:dead-letter", { channel: "C0GONE", text: "Hello" });
    await expect(post()).rejects.toThrow("not_in_channel");
    t.slack.off("chat.postMessage");
    // …and so is a job that failed too often.
    await prisma.job.create({
      data: {
        kind: "recoveries.click-reply",
        key: "test:dead-job",
        teamId: TEAM_ID,
        payload: { responseUrl: t.slack.responseUrl("retried-job"), text: "Sent after the retry" },
        status: "dead",
        attempts: 8,
        lastError: "Error: Slack was down\n    at somewhere",
      },
    });

    const shown = await run("show");
    expect(shown).toContain("Slack delivery");
    expect(shown).toContain("2 failed");
    const listed = await run("outbox");
    expect(listed).toContain("Failed deliveries to Slack (2)");
    expect(listed).toContain("chat.postMessage");
    expect(listed).toContain("<#C0GONE>");
    expect(listed).toContain("not_in_channel");
    expect(listed).toContain("recoveries.click-reply");
    expect(listed).not.toContain("at somewhere");
    // Another workspace's admin sees none of it.
    expect(await prisma.slackWrite.count({ where: { teamId: { not: TEAM_ID }, status: "dead" } })).toBe(0);

    // Only admins.
    expect(await run("outbox retry", "USTAFF")).toContain("Only Slack workspace admins");
    expect(await prisma.slackWrite.count({ where: { status: "dead" } })).toBe(1);

    const retried = await run("outbox retry");
    expect(retried).toContain("1 write to Slack and 1 follow-up job");
    expect(await prisma.slackWrite.findUniqueOrThrow({ where: { key: "test:dead-letter" } })).toMatchObject({
      status: "pending",
      attempts: 0,
    });
    // The job runs again at once.
    await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === "retried-job"));
    // The write's own job is over (here: it had none), so a resend job sends it a minute
    // later from its stored arguments; brought forward here rather than waited for.
    const resend = await prisma.job.findFirstOrThrow({ where: { kind: "admin.resend-write" } });
    expect(resend.runAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    await prisma.job.update({ where: { id: resend.id }, data: { runAt: new Date() } });
    await t.slack.waitFor(() => t.slack.postsTo("C0GONE").length === 2);
    await t.delight.workers.drain();
    expect(await post()).toMatchObject({ channel: "C0GONE" }); // the same key: not sent again
    expect(t.slack.postsTo("C0GONE")).toHaveLength(2); // refused once, then sent once
    expect(await run("show")).not.toContain("Slack delivery");
    expect(await run("outbox")).toContain("No failed writes");
  });

  it("tells an admin once what to fix when Slack refuses for good, and lists the advice in outbox", async () => {
    const prisma = t.database.prisma;
    await prisma.slackWrite.deleteMany({ where: { status: "dead" } });
    await prisma.job.deleteMany({ where: { status: "dead" } });
    // Slack says the app is not in #archive-ish (and refuses a DM to someone who left).
    t.slack.on("chat.postMessage", (args) =>
      args.channel === "C0NOTIN"
        ? { ok: false, error: "not_in_channel" }
        : t.slack.workspace.answer("chat.postMessage", args),
    );
    t.slack.on("conversations.open", (args) =>
      args.users === "ULEFT"
        ? { ok: false, error: "user_not_found" }
        : t.slack.workspace.answer("conversations.open", args),
    );
    try {
      const outbox = t.delight.outbox.forTeam(TEAM_ID);
      for (const n of [1, 2, 3]) {
        await expect(
          outbox.postMessage(`test:refused:${n}`, { channel: "C0NOTIN", text: `Hello ${n}` }),
        ).rejects.toThrow("not_in_channel");
      }
      await expect(outbox.directMessage("test:refused-dm", "ULEFT", { text: "Hi" })).rejects.toThrow("user_not_found");
      // Each refusal fails at once: one attempt, no retry.
      expect(await prisma.slackWrite.findUniqueOrThrow({ where: { key: "test:refused:1" } })).toMatchObject({
        status: "dead",
        attempts: 1,
      });
      await t.delight.workers.drain();
    } finally {
      t.slack.off("chat.postMessage");
      t.slack.off("conversations.open");
    }
    // One notice per refusal and place, however many writes failed that way.
    const notices = t.slack.postsTo("DUCONFIGADMIN").map((c) => t.slack.textOf(c));
    expect(notices.filter((n) => n.includes("not_in_channel"))).toHaveLength(1);
    expect(notices.find((n) => n.includes("not_in_channel"))).toContain("type `/invite @Delight` there");
    expect(notices.find((n) => n.includes("not_in_channel"))).toContain("<#C0NOTIN>");
    expect(notices.filter((n) => n.includes("user_not_found"))).toHaveLength(1);
    const listed = await run("outbox");
    expect(listed).toContain("conversations.open");
    expect(listed).toContain("user_not_found");
    expect(listed).toContain("To fix:");
    expect(listed).toContain("/invite @Delight");
    await prisma.slackWrite.deleteMany({ where: { status: "dead" } });
  });

  it("refuses to retry a failed job older than the outbox's memory of what was sent, and says why", async () => {
    const prisma = t.database.prisma;
    await prisma.slackWrite.deleteMany({ where: { status: "dead" } });
    await prisma.job.deleteMany({ where: { status: "dead" } });
    const deadReply = (name: string, createdAt: Date) =>
      prisma.job.create({
        data: {
          kind: "recoveries.click-reply",
          key: `test:${name}-dead-job`,
          teamId: TEAM_ID,
          payload: { responseUrl: t.slack.responseUrl(`${name}-job`), text: `The ${name} job's reply` },
          status: "dead",
          attempts: 8,
          lastError: "Error: Slack was down",
          createdAt,
        },
      });
    await deadReply("old", new Date(Date.now() - 8 * 24 * 3_600_000));
    await deadReply("recent", new Date());
    expect(await run("outbox")).toContain("too old to retry");
    const retried = await run("outbox retry");
    expect(retried).toContain("1 follow-up job");
    expect(retried).toContain("1 failed job is older than 6 days and was not retried");
    await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === "recent-job"));
    await t.delight.workers.drain();
    expect(t.slack.responses().find((r) => r.args.response_id === "old-job")).toBeUndefined();
    expect((await prisma.job.findUniqueOrThrow({ where: { key: "test:old-dead-job" } })).status).toBe("dead");
    await prisma.job.deleteMany({ where: { status: "dead" } });
  });

  it("puts a retried write that cannot be sent again back among the failures, saying why", async () => {
    const prisma = t.database.prisma;
    // A reply through a response_url: the URL is not kept, so only its own job could resend it.
    await prisma.slackWrite.create({
      data: {
        key: "test:dead-reply",
        teamId: TEAM_ID,
        method: "response_url",
        lane: "response_url",
        args: { response_url: "(kept out of the database)", text: "Done" },
        status: "dead",
        attempts: 30,
        lastError: "gave up after 30 attempts",
      },
    });
    expect(await run("outbox retry")).toContain("1 write to Slack");
    await prisma.job.updateMany({ where: { kind: "admin.resend-write" }, data: { runAt: new Date() } });
    await t.delight.workers.drain();
    expect(await prisma.slackWrite.findUniqueOrThrow({ where: { key: "test:dead-reply" } })).toMatchObject({
      status: "dead",
      lastError: expect.stringContaining("not kept"),
    });
    expect(await run("outbox")).toContain("not kept");
  });
});
