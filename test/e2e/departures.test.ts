// People who leave and come back, end to end: user_change (deleted true / false) and
// team_join keep the directory current; a departed owner's open case goes to the managers
// (one message per case with a Reassign button only managers can use) and still escalates on
// time; a departed manager stops managing (audited, admins told) and is restored on return;
// nominating someone who left is refused. When the user_change event never comes (the app was
// down past Slack's retries), the daily directory sweep finds the departure or the return and
// follows it up the same way, once, whoever sees it first.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addManagers, getSettings } from "../../src/features/admin/settings.ts";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { erasePerson } from "../../src/features/people/erase.ts";
import { DIRECTORY_SWEEP_JOB } from "../../src/slack/directory.ts";
import { buttonClick } from "../support/payloads.ts";
import { drainJobs, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const START = new Date("2026-11-23T09:00:00Z");

describe("departures and returns", () => {
  let t: TestApp;
  const clock = new TestClock(START);
  beforeAll(async () => {
    t = await startTestApp({
      clock,
      admins: ["UADA"],
      users: [
        { id: "UADA", name: "Ada" },
        { id: "UREPORTER", name: "Rita" },
        { id: "UOWNER", name: "Owen" },
        { id: "UMARIA", name: "Maria" },
        { id: "ULEO", name: "Leo" },
        { id: "USTAFF", name: "Sam" },
        { id: "UTARA", name: "Tara" },
        { id: "UFINN", name: "Finn" },
        { id: "UNORA", name: "Nora" },
        { id: "UGIL", name: "Gil" },
      ],
    });
    await addManagers(t.database.prisma, { teamId: TEAM_ID }, ["UMARIA", "ULEO"], "UADA");
  });
  afterAll(() => t.stop());
  beforeEach(() => t.slack.reset());

  const text = (call: RecordedCall | undefined) => (call ? JSON.stringify(call.args) : "");
  const deactivate = (id: string, name: string, deleted = true) => {
    t.slack.addUser({ id, name, deleted });
    return t.sender.event({ type: "user_change", user: { id, name, deleted } });
  };
  function click(userId: string, caseId: string) {
    return t.sender.interaction(
      buttonClick({
        userId,
        actionId: "recovery_reassign",
        value: caseId,
        responseUrl: t.slack.responseUrl(`action-${userId}`),
        message: { channel: `D${userId}`, ts: "1700000001.000100" },
      }),
    );
  }

  it("hands a departed owner's open case to the managers with a Reassign button, and it still escalates on time", async () => {
    const response = await t.sender.command("/oops", "<@UOWNER|owen> Acme: wrong earmuffs shipped", "UREPORTER");
    expect(response.status).toBe(200);
    await drainJobs(t);
    const recoveryCase = await t.database.prisma.recoveryCase.findFirstOrThrow({ where: { ownerId: "UOWNER" } });
    const dueAt = recoveryCase.dueAt;
    t.slack.reset();

    const left = await deactivate("UOWNER", "Owen");
    expect(left.status).toBe(200);
    // The directory and the follow-up job were saved before the 200.
    const person = await t.database.prisma.directoryPerson.findUniqueOrThrow({
      where: { teamId_userId: { teamId: TEAM_ID, userId: "UOWNER" } },
    });
    expect(person.deleted).toBe(true);
    expect(await t.database.prisma.job.count({ where: { kind: "people.left" } })).toBe(1);
    await drainJobs(t);

    // One message per case to each manager, with a Reassign button for that case.
    for (const manager of ["UMARIA", "ULEO"]) {
      const dms = t.slack.postsTo(`D${manager}`);
      expect(dms).toHaveLength(1);
      expect(text(dms[0])).toContain(`OOPS-${recoveryCase.number}`);
      expect(text(dms[0])).toContain("no longer in this workspace");
      expect(text(dms[0])).toContain('"action_id":"recovery_reassign"');
      expect(text(dms[0])).toContain(`"value":"${recoveryCase.id}"`);
    }
    // The customer keeps its deadline.
    const after = await t.database.prisma.recoveryCase.findUniqueOrThrow({ where: { id: recoveryCase.id } });
    expect(after.dueAt).toEqual(dueAt);

    // The same event delivered again records nothing new.
    await t.sender.event(
      { type: "user_change", user: { id: "UOWNER", name: "Owen", deleted: true } },
      { eventId: "Ev-again" },
    );
    expect(await t.database.prisma.job.count({ where: { kind: "people.left" } })).toBe(1);

    // Only a manager may reassign: the check is on the server, whatever message the button is in.
    t.slack.reset();
    await click("USTAFF", recoveryCase.id);
    await drainJobs(t);
    expect(t.slack.callsTo("views.open")).toHaveLength(0);
    expect(text(t.slack.responses().at(-1))).toContain("Only");
    await click("UMARIA", recoveryCase.id);
    await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);

    // Nobody reassigned it in time: it escalates to the managers at its deadline.
    t.slack.reset();
    clock.set(new Date(dueAt.getTime() - 60_000));
    await t.delight.scheduler.tick();
    await drainJobs(t);
    expect(t.slack.postsTo("DUMARIA").filter((c) => text(c).includes("overdue"))).toHaveLength(0);
    clock.set(new Date(dueAt.getTime() + 1_000));
    await t.delight.scheduler.tick();
    await drainJobs(t);
    const escalation = t.slack.postsTo("DUMARIA").find((c) => text(c).includes(`OOPS-${recoveryCase.number}`));
    expect(escalation).toBeDefined();
    const escalated = await t.database.prisma.recoveryCase.findUniqueOrThrow({ where: { id: recoveryCase.id } });
    expect(escalated.escalatedAt?.getTime()).toBe(dueAt.getTime() + 1_000);
    clock.set(START);
  });

  it("refuses a new nomination of someone who left, at once (the directory knows before Slack's cached profile)", async () => {
    const response = await t.sender.command("/delight", "<@UOWNER|owen> saved the day", "USTAFF");
    expect(response.status).toBe(200);
    await drainJobs(t);
    const reply = t.slack.responses().at(-1);
    expect(text(reply)).toContain("<@UOWNER> is no longer in this workspace");
    expect(await t.database.prisma.nomination.count({ where: { nomineeIds: { has: "UOWNER" } } })).toBe(0);
  });

  it("a departed manager stops managing, admins are told and it is audited; a return restores them", async () => {
    await deactivate("ULEO", "Leo");
    await drainJobs(t);
    expect((await getSettings(t.database.prisma, { teamId: TEAM_ID })).managerIds).toEqual(["UMARIA"]);
    expect(text(t.slack.postsTo("DUADA").at(-1))).toContain("<@ULEO> is no longer in this workspace");
    const removal = await t.database.prisma.auditEntry.findFirstOrThrow({
      where: { action: "managers.remove", subjectIds: { has: "ULEO" } },
    });
    expect(removal).toMatchObject({ actorId: "delight", before: { managerIds: ["UMARIA", "ULEO"] } });

    t.slack.reset();
    await deactivate("ULEO", "Leo", false);
    await drainJobs(t);
    expect((await getSettings(t.database.prisma, { teamId: TEAM_ID })).managerIds.sort()).toEqual(["ULEO", "UMARIA"]);
    expect(text(t.slack.postsTo("DUADA").at(-1))).toContain("<@ULEO> is back");
    const person = await t.database.prisma.directoryPerson.findUniqueOrThrow({
      where: { teamId_userId: { teamId: TEAM_ID, userId: "ULEO" } },
    });
    expect(person.deleted).toBe(false);
  });

  it("a manager an admin removed is not restored by a return", async () => {
    await deactivate("USTAFF", "Sam");
    await deactivate("USTAFF", "Sam", false);
    await drainJobs(t);
    expect((await getSettings(t.database.prisma, { teamId: TEAM_ID })).managerIds).not.toContain("USTAFF");
  });

  it("hands a departed owner's open case to the signals/triage owner when one is set, audited, still due on time", async () => {
    await t.database.prisma.signalSettings.create({ data: { teamId: TEAM_ID, ownerId: "UREPORTER" } });
    try {
      await t.sender.command("/oops", "<@UTARA|tara> Globex: invoice sent twice", "USTAFF");
      await drainJobs(t);
      const recoveryCase = await t.database.prisma.recoveryCase.findFirstOrThrow({ where: { ownerId: "UTARA" } });
      t.slack.reset();
      await deactivate("UTARA", "Tara");
      await drainJobs(t);

      const after = await t.database.prisma.recoveryCase.findUniqueOrThrow({ where: { id: recoveryCase.id } });
      expect(after).toMatchObject({ ownerId: "UREPORTER", status: "open" });
      expect(after.dueAt).toEqual(recoveryCase.dueAt);
      const dm = t.slack.postsTo("DUREPORTER").at(-1);
      expect(text(dm)).toContain(`OOPS-${recoveryCase.number}`);
      expect(text(dm)).toContain("is yours now");
      // Nobody else is asked to reassign it.
      expect(t.slack.postsTo("DUMARIA")).toHaveLength(0);
      expect(
        await t.database.prisma.auditEntry.findFirst({
          where: { action: "case.reassign", target: `OOPS-${recoveryCase.number}` },
        }),
      ).toMatchObject({ actorId: "delight", before: { ownerId: "UTARA" }, after: { ownerId: "UREPORTER" } });

      // Still escalates at its deadline.
      t.slack.reset();
      clock.set(new Date(recoveryCase.dueAt.getTime() + 1_000));
      await t.delight.scheduler.tick();
      await drainJobs(t);
      const escalated = await t.database.prisma.recoveryCase.findUniqueOrThrow({ where: { id: recoveryCase.id } });
      expect(escalated.escalatedAt?.getTime()).toBe(recoveryCase.dueAt.getTime() + 1_000);
    } finally {
      clock.set(START);
      await t.database.prisma.signalSettings.deleteMany({ where: { teamId: TEAM_ID } });
    }
  });

  // The daily sweep, as the directory's job runs it: a day after the last one.
  let sweeps = 0;
  async function dailySweep() {
    const dayAgo = new Date(clock.now().getTime() - 25 * 60 * 60_000);
    await t.database.prisma.directorySweep.upsert({
      where: { teamId: TEAM_ID },
      create: { teamId: TEAM_ID, sweptAt: dayAgo },
      update: { sweptAt: dayAgo },
    });
    sweeps += 1;
    await t.delight.deps.jobs.enqueue(
      DIRECTORY_SWEEP_JOB,
      { teamId: TEAM_ID },
      { key: `test-sweep-${sweeps}`, teamId: TEAM_ID },
    );
    await drainJobs(t);
  }
  const jobsFor = (kind: string, userId: string) =>
    t.database.prisma.job.count({ where: { kind, key: { contains: `:${userId}:` } } });

  it("a departure whose event was missed is found by the daily sweep and handed over once; the late event and the next sweep do nothing more", async () => {
    // A first sweep: everyone as Slack lists them, nothing to follow up.
    const before = await t.database.prisma.job.count({ where: { kind: { in: ["people.left", "people.returned"] } } });
    await dailySweep();
    expect(await t.database.prisma.job.count({ where: { kind: { in: ["people.left", "people.returned"] } } })).toBe(
      before,
    );

    await t.sender.command("/oops", "<@UFINN|finn> Initech: parcel lost", "USTAFF");
    await drainJobs(t);
    const recoveryCase = await t.database.prisma.recoveryCase.findFirstOrThrow({ where: { ownerId: "UFINN" } });
    await addManagers(t.database.prisma, { teamId: TEAM_ID }, ["UNORA"], "UADA");
    const managers = (await getSettings(t.database.prisma, { teamId: TEAM_ID })).managerIds.filter(
      (id) => id !== "UNORA",
    );
    expect(managers).toContain("UMARIA");

    // Finn and Nora are deactivated in Slack; Delight never hears the event.
    t.slack.addUser({ id: "UFINN", name: "Finn", deleted: true });
    t.slack.addUser({ id: "UNORA", name: "Nora", deleted: true });
    t.slack.reset();
    await dailySweep();

    expect(t.slack.callsTo("users.list").length).toBeGreaterThan(0);
    expect(await jobsFor("people.left", "UFINN")).toBe(1);
    const finn = await t.database.prisma.directoryPerson.findUniqueOrThrow({
      where: { teamId_userId: { teamId: TEAM_ID, userId: "UFINN" } },
    });
    expect(finn.deleted).toBe(true);
    // Each manager is asked once to reassign Finn's case, which keeps its deadline.
    const asked = (manager: string) =>
      t.slack.postsTo(`D${manager}`).filter((c) => text(c).includes(`OOPS-${recoveryCase.number}`));
    for (const manager of managers) {
      expect(asked(manager)).toHaveLength(1);
      expect(text(asked(manager)[0])).toContain('"action_id":"recovery_reassign"');
    }
    const after = await t.database.prisma.recoveryCase.findUniqueOrThrow({ where: { id: recoveryCase.id } });
    expect(after).toMatchObject({ ownerId: "UFINN", status: "open", dueAt: recoveryCase.dueAt });
    // Nora no longer manages; the admins are told once.
    expect((await getSettings(t.database.prisma, { teamId: TEAM_ID })).managerIds).not.toContain("UNORA");
    const noraTold = () => t.slack.postsTo("DUADA").filter((c) => text(c).includes("<@UNORA> is no longer"));
    expect(noraTold()).toHaveLength(1);

    // The event arrives after all (events back on): nothing more.
    const late = await t.sender.event({ type: "user_change", user: { id: "UFINN", name: "Finn", deleted: true } });
    expect(late.status).toBe(200);
    await drainJobs(t);
    // And the next day's sweep finds nothing new either.
    await dailySweep();
    expect(await jobsFor("people.left", "UFINN")).toBe(1);
    expect(await jobsFor("people.left", "UNORA")).toBe(1);
    for (const manager of managers) expect(asked(manager)).toHaveLength(1);
    expect(noraTold()).toHaveLength(1);
  });

  it("a return whose event was missed is found by the sweep: a manager who left manages again", async () => {
    t.slack.addUser({ id: "UNORA", name: "Nora", deleted: false });
    t.slack.reset();
    await dailySweep();
    expect((await getSettings(t.database.prisma, { teamId: TEAM_ID })).managerIds).toContain("UNORA");
    expect(t.slack.postsTo("DUADA").filter((c) => text(c).includes("<@UNORA> is back"))).toHaveLength(1);
    const nora = await t.database.prisma.directoryPerson.findUniqueOrThrow({
      where: { teamId_userId: { teamId: TEAM_ID, userId: "UNORA" } },
    });
    expect(nora.deleted).toBe(false);
    // The late reactivation event and another sweep: nothing more.
    await t.sender.event({ type: "user_change", user: { id: "UNORA", name: "Nora", deleted: false } });
    await dailySweep();
    expect(await jobsFor("people.returned", "UNORA")).toBe(1);
    expect(t.slack.postsTo("DUADA").filter((c) => text(c).includes("<@UNORA> is back"))).toHaveLength(1);
  });

  it("someone erased on request stays out of the sweep, deactivated or not: nothing recorded, nothing followed up", async () => {
    await dailySweep();
    expect(await t.database.prisma.directoryPerson.count({ where: { userId: "UGIL" } })).toBe(1);
    await erasePerson(t.database.prisma, t.delight.deps.config.secrets, {
      teamId: TEAM_ID,
      userId: "UGIL",
      adminId: "UADA",
      now: clock.now(),
    });
    t.slack.addUser({ id: "UGIL", name: "Gil", deleted: true });
    await dailySweep();
    t.slack.addUser({ id: "UGIL", name: "Gil", deleted: false });
    await dailySweep();
    expect(await t.database.prisma.directoryPerson.count({ where: { userId: "UGIL" } })).toBe(0);
    expect(await t.database.prisma.job.count({ where: { key: { contains: "UGIL" } } })).toBe(0);
  });

  it("team_join adds a newcomer to the directory", async () => {
    await t.sender.event({ type: "team_join", user: { id: "UNEW", name: "newbie", real_name: "New Bie" } });
    const person = await t.database.prisma.directoryPerson.findUniqueOrThrow({
      where: { teamId_userId: { teamId: TEAM_ID, userId: "UNEW" } },
    });
    expect(person).toMatchObject({ name: "New Bie", deleted: false });
    expect(await t.database.prisma.job.count({ where: { kind: "people.returned", key: { contains: "UNEW" } } })).toBe(
      0,
    );
  });
});
