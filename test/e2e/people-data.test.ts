// A person's data on request, end to end: `/delight-admin person @u export` sends everything
// stored about them (every Prisma model has an export entry or says why it holds nothing about
// a person: a new table without one fails here), and `person @u erase` (confirmed in a form,
// admins only) leaves no trace of their id in any table, keeps the counts, and is idempotent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { addManagers } from "../../src/features/admin/settings.ts";
import { PERSON_DATA } from "../../src/features/people/data.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { sweepDirectory } from "../../src/slack/directory.ts";
import { databaseTargets } from "../support/databases.ts";
import { viewSubmission } from "../support/payloads.ts";
import { drainJobs, startTestApp, type TestApp } from "../support/test-app.ts";

const ERIN = "UERIN";

async function seed(t: TestApp): Promise<void> {
  const db = t.database.prisma;
  await addManagers(db, { teamId: TEAM_ID }, [ERIN, "UMARIA"], "UADA");
  await db.workspace.update({ where: { teamId: TEAM_ID }, data: { adminContactId: ERIN } });
  await db.digestSchedule.create({
    data: { teamId: TEAM_ID, channelId: "C0TEAM", weekday: 5, hour: 16, minute: 0, timezone: "UTC", createdBy: ERIN },
  });
  await db.nomination.createMany({
    data: [
      {
        teamId: TEAM_ID,
        nominatorId: "USAM",
        nomineeIds: [ERIN],
        story: `<@${ERIN}|erin> calmed the caller down`,
        values: ["listen"],
        status: "approved",
        decidedBy: "UMARIA",
        // Its card and its story in Slack: updated by the erasure.
        approvalChannelId: "C0APPROVE",
        approvalMessageTs: "1700000001.000100",
        storyChannelId: "C0STORIES",
        storyMessageTs: "1700000002.000100",
      },
      {
        teamId: TEAM_ID,
        nominatorId: ERIN,
        nomineeIds: ["USAM"],
        story: "Sam drove the parcel over",
        values: ["delight"],
      },
      {
        teamId: TEAM_ID,
        nominatorId: "USAM",
        nomineeIds: ["UMARIA"],
        story: "no",
        values: [],
        status: "rejected",
        decidedBy: ERIN,
        rejectionReason: "Erin's own reason",
      },
    ],
  });
  const customer = await db.customer.create({ data: { teamId: TEAM_ID, name: "Acme", normalizedName: "acme" } });
  const recoveryCase = await db.recoveryCase.create({
    data: {
      teamId: TEAM_ID,
      number: 1,
      reporterId: ERIN,
      ownerId: ERIN,
      customer: "Acme",
      description: "Erin's own words about the mix-up",
      dueAt: new Date("2026-11-24T09:00:00Z"),
      cardMessages: [`D${ERIN} 1700000000.000100 UTC`],
      timeline: { create: [{ actorId: ERIN, kind: "customer_update", text: "Erin called them" }] },
    },
  });
  await db.customerNote.create({ data: { customerId: customer.id, authorId: ERIN, text: "Erin's note: likes tea" } });
  const request = await db.surpriseRequest.create({
    data: {
      jobKey: "sr-1",
      teamId: TEAM_ID,
      userId: ERIN,
      customerId: customer.id,
      occasion: "recovery",
      context: "Erin's context",
    },
  });
  await db.gesture.create({
    data: {
      teamId: TEAM_ID,
      customerId: customer.id,
      caseId: recoveryCase.id,
      gestureKey: "card",
      title: "A card",
      givenBy: ERIN,
    },
  });
  await db.gestureFeedback.create({
    data: {
      teamId: TEAM_ID,
      requestId: request.id,
      suggestionIndex: 0,
      userId: ERIN,
      gestureKey: "card",
      occasion: "recovery",
      vote: 1,
    },
  });
  const rule = await db.dumbRule.create({
    data: { teamId: TEAM_ID, reporterId: ERIN, rule: "Erin's rule", why: "Erin's why", sourceKey: "dr-1" },
  });
  await db.dumbRuleVote.create({ data: { ruleId: rule.id, userId: ERIN } });
  const answer = await db.holdingBack.create({
    data: {
      teamId: TEAM_ID,
      authorId: ERIN,
      category: "tools",
      text: "Erin's answer",
      sourceHash: "hb-1",
      visibleAt: new Date(),
    },
  });
  await db.holdingBack.create({
    data: {
      teamId: TEAM_ID,
      category: "tools",
      text: "An anonymous answer",
      sourceHash: "hb-2",
      visibleAt: new Date(),
    },
  });
  await db.holdingBackReply.create({
    data: { answerId: answer.id, managerId: ERIN, text: "Erin's reply", sourceViewId: "V-hb" },
  });
  await db.insightsCharts.create({
    data: { teamId: TEAM_ID, day: "2026-11-23", audience: `user:${ERIN}`, mode: "text", fileIds: [], charts: [] },
  });
  await db.directoryPerson.create({ data: { teamId: TEAM_ID, userId: ERIN, name: "Erin" } });
  await db.directoryChannel.create({
    data: { teamId: TEAM_ID, channelId: "C0STORIES", members: [ERIN, "USAM"], readAt: new Date() },
  });
  await db.signalConnection.create({
    data: { id: "conn-erin", teamId: TEAM_ID, source: "zendesk", secret: "not-exported", createdBy: ERIN },
  });
  await db.signalSettings.create({ data: { teamId: TEAM_ID, ownerId: ERIN } });
  await db.nudge.create({
    data: {
      teamId: TEAM_ID,
      userId: ERIN,
      kind: "fix",
      subjectKey: `fix:${recoveryCase.id}`,
      caseId: recoveryCase.id,
      status: "sent",
      dueAt: new Date(),
    },
  });
  // Stories about Erin stay private: only she and the managers see them (not Sam, who wrote one).
  await db.nudgePreference.create({ data: { teamId: TEAM_ID, userId: ERIN, off: true, storySharing: "private" } });
  await db.nudgeMute.create({ data: { teamId: TEAM_ID, userId: ERIN, customerId: customer.id } });
  await db.slackInstallation.create({
    data: { id: `T:${TEAM_ID}`, teamId: TEAM_ID, installerUserId: ERIN, secret: "v1.not-exported" },
  });
  await db.auditEntry.create({
    data: {
      teamId: TEAM_ID,
      actorId: "UADA",
      action: "managers.add",
      subjectIds: [ERIN],
      after: { managerIds: [ERIN] },
    },
  });
}

describe.each(databaseTargets())("a person's data on $name", (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      databaseUrl: await target.create(),
      // Erin is an admin too: she asks for her own data (and so is the admin contact).
      admins: ["UADA", ERIN],
      users: [
        { id: "UADA", name: "Ada" },
        { id: ERIN, name: "Erin" },
        { id: "USAM", name: "Sam" },
        { id: "UMARIA", name: "Maria" },
      ],
    });
    await seed(t);
    // Starting the app and seeding every table takes a while on a busy machine.
  }, 90_000);
  afterAll(async () => {
    await t.stop();
    await target.cleanup();
  });

  it("has an export entry for every table Prisma knows", () => {
    for (const model of Object.values(Prisma.ModelName)) expect(PERSON_DATA[model], model).toBeDefined();
    expect(Object.keys(PERSON_DATA).sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });

  it("exports every table's rows about the person as one JSON and one CSV per kind, to the admin's DM", async () => {
    t.slack.reset();
    const ack = await t.sender.command("/delight-admin", `person <@${ERIN}|erin> export`, ERIN);
    expect(ack.body).toContain("Collecting everything");
    await drainJobs(t);
    const complete = t.slack.callsTo("files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    expect(complete[0]?.args.channel_id).toBe(`D${ERIN}`);
    const files = complete[0]?.args.files as Array<{ id: string; title: string }>;
    const json = JSON.parse((t.slack.uploads.get(files[0]?.id ?? "") ?? Buffer.alloc(0)).toString("utf8")) as {
      data: Record<string, unknown[]>;
    };
    const kinds = Object.values(PERSON_DATA).flatMap((e) => ("kind" in e ? [e.kind] : []));
    for (const kind of kinds) expect(json.data[kind]?.length ?? 0, kind).toBeGreaterThan(0);
    expect(
      files
        .map((f) => f.title)
        .slice(1)
        .sort(),
    ).toEqual(kinds.map((k) => `${k}.csv`).sort());
    // Anonymous answers are never anyone's data.
    expect(JSON.stringify(json)).not.toContain("An anonymous answer");
    // Nor a connection's signing secret or an installation's (encrypted) tokens.
    expect(JSON.stringify(json)).not.toContain("not-exported");
    expect(JSON.stringify(json.data.stories)).toContain("calmed the caller down");
    expect(
      await t.database.prisma.auditEntry.count({ where: { action: "person.export", subjectIds: { has: ERIN } } }),
    ).toBe(1);
  });

  async function submitErase(userId: string, viewId: string) {
    return t.sender.interaction(
      viewSubmission({ userId, callbackId: "person_erase_confirm", values: {}, privateMetadata: ERIN, viewId }),
    );
  }

  async function tablesHolding(id: string): Promise<string[]> {
    const tables = await t.database.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
    );
    const holding: string[] = [];
    for (const { table_name } of tables) {
      const rows = await t.database.query<{ row: unknown }>(`SELECT row_to_json(x) AS row FROM "${table_name}" x`);
      if (JSON.stringify(rows).includes(id)) holding.push(table_name);
    }
    return holding;
  }

  it("erases the person everywhere once an admin confirms, keeping the counts; only admins; idempotent", async () => {
    t.slack.reset();
    const nominationsBefore = await t.database.prisma.nomination.count();
    const reply = await t.sender.command("/delight-admin", `person <@${ERIN}|erin> erase`, "UADA");
    expect(reply.body).toContain("Confirm in the form");
    const opened = t.slack.callsTo("views.open")[0];
    expect(JSON.stringify(opened?.args)).toContain("person_erase_confirm");
    expect(JSON.stringify(opened?.args)).toContain("[removed]");
    expect((await tablesHolding(ERIN)).length).toBeGreaterThan(10);

    // A forged submission by a non-admin erases nothing.
    const forged = await submitErase("USAM", "V-forged");
    expect(forged.body).toContain("Only Slack workspace admins");
    await drainJobs(t);
    expect(await t.database.prisma.directoryPerson.count({ where: { userId: ERIN } })).toBe(1);

    expect((await submitErase("UADA", "V-erase")).status).toBe(200);
    await drainJobs(t);
    expect(await tablesHolding(ERIN)).toEqual([]);
    expect(await tablesHolding("Erin's")).toEqual([]);
    expect(await t.database.prisma.nomination.count()).toBe(nominationsBefore);
    const story = await t.database.prisma.nomination.findFirstOrThrow({
      where: { nominatorId: "USAM", status: "approved" },
    });
    expect(story.story).toBe("a former colleague calmed the caller down");
    expect(story.nomineeIds[0]).toMatch(/^erased-/);
    const recoveryCase = await t.database.prisma.recoveryCase.findFirstOrThrow({ include: { timeline: true } });
    expect(recoveryCase).toMatchObject({ description: "[removed]", status: "open" });
    expect(recoveryCase.timeline[0]?.text).toBe("[removed]");
    expect(
      (await t.database.prisma.holdingBack.findMany({ orderBy: { sourceHash: "asc" } })).map((h) => h.text),
    ).toEqual(["[removed]", "An anonymous answer"]);
    const erasure = await t.database.prisma.auditEntry.findMany({ where: { action: "person.erase" } });
    expect(erasure).toHaveLength(1);
    expect(erasure[0]).toMatchObject({ actorId: "UADA", before: null, after: null });
    expect(text(t.slack.postsTo("DUADA").at(-1))).toContain("Erased");
    // The app's own messages naming her now say "a former colleague" (chat.update).
    const updates = t.slack.callsTo("chat.update");
    const updated = (channel: string, ts: string) =>
      updates.find((u) => u.args.channel === channel && u.args.ts === ts);
    expect(text(updated("C0APPROVE", "1700000001.000100"))).toContain(
      "nominated a former colleague for a delight moment",
    );
    expect(text(updated("C0STORIES", "1700000002.000100"))).toContain("Delight story: a former colleague");
    expect(text(updated("C0STORIES", "1700000002.000100"))).toContain("a former colleague calmed the caller down");
    expect(updates.length).toBeGreaterThanOrEqual(3); // the card, the story, the case card
    for (const update of updates) expect(text(update)).not.toContain(ERIN);
    // Every Home that showed her is published again, and none names her: the people on her
    // stories (Sam wrote one, and is on hers; Maria decided them) and the managers.
    const homes = t.slack.callsTo("views.publish");
    expect([...new Set(homes.map((h) => h.args.user_id))].sort()).toEqual(["UMARIA", "USAM"]);
    for (const home of homes) {
      expect(text(home)).not.toContain(ERIN);
      expect(text(home)).not.toContain("Erin");
    }
    // Sam's Home counts the private story about her but no longer lists it.
    const samsHome = text(homes.filter((h) => h.args.user_id === "USAM").at(-1));
    expect(samsHome).toContain("Recognition you gave* — 1 approved");
    expect(samsHome).not.toContain("calmed the caller down");
    expect(samsHome).toContain("kept private at the recipient's request");

    // Again: nothing left, nothing recorded.
    t.slack.reset();
    await submitErase("UADA", "V-erase-again");
    await drainJobs(t);
    expect(await t.database.prisma.auditEntry.count({ where: { action: "person.erase" } })).toBe(1);
    expect(text(t.slack.postsTo("DUADA").at(-1))).toContain("nothing changed");
  });

  it("never adds an erased person back from Slack (sweeps, user_change, team_join), until they use Delight again", async () => {
    const db = t.database.prisma;
    // Slack still lists her: in users.list, in the stories channel, and her profile changes.
    t.slack.channelMembers.set("C0STORIES", [ERIN, "USAM"]);
    await db.directorySweep.deleteMany({ where: { teamId: TEAM_ID } });
    await db.directoryChannel.deleteMany({ where: { teamId: TEAM_ID } });
    expect(
      await sweepDirectory(t.delight.deps, t.delight.app.client, TEAM_ID, { channelId: "C0STORIES", mode: "missing" }),
    ).toBe(true);
    expect(t.slack.callsTo("users.list").length).toBeGreaterThan(0);
    expect(await db.directoryPerson.count({ where: { userId: "USAM" } })).toBe(1);
    expect((await db.directoryChannel.findFirstOrThrow({ where: { channelId: "C0STORIES" } })).members).toEqual([
      "USAM",
    ]);
    await t.sender.event({ type: "user_change", user: { id: ERIN, name: "erin", real_name: "Erin", deleted: false } });
    await t.sender.event({ type: "user_change", user: { id: ERIN, name: "erin", real_name: "Erin", deleted: true } });
    await t.sender.event({ type: "team_join", user: { id: ERIN, name: "erin", real_name: "Erin" } });
    await drainJobs(t);
    expect(await tablesHolding(ERIN)).toEqual([]);
    expect(await tablesHolding("Erin")).toEqual([]);
    // The record of her erasure holds a keyed hash, not her id.
    const records = await db.erasedPerson.findMany();
    expect(records).toHaveLength(1);
    expect(JSON.stringify(records)).not.toMatch(/ERIN/i);

    // Erased by mistake, still in Slack: she uses Delight herself, and may be listed again.
    await t.sender.command("/delight", "prefs", ERIN);
    for (let i = 0; i < 100 && (await db.erasedPerson.count()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await db.erasedPerson.count()).toBe(0);
    await t.sender.event({ type: "user_change", user: { id: ERIN, name: "erin", real_name: "Erin", deleted: false } });
    expect(await db.directoryPerson.count({ where: { teamId: TEAM_ID, userId: ERIN } })).toBe(1);
  });
});

const text = (call: { args: unknown } | undefined) => (call ? JSON.stringify(call.args) : "");
