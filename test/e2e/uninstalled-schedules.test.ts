// Schedules skip an uninstalled workspace (distribution mode): after its uninstall, no
// scheduler tick (recovery reminders, weekly digests, nudges) enqueues anything for it and
// nothing is sent with its token, while the other workspace's schedules go on. A reinstall
// within the retention period brings its schedules back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import { installWorkspace } from "../support/install.ts";
import { drainJobs, SIGNING_SECRET, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const ACME = { teamId: "T0ACMESCHED", admin: "UACMEADMIN", digest: "C0ACMEDIGEST" };
const GLOBEX = { teamId: "T0GLOBSCHED", admin: "UGLOBADMIN", digest: "C0GLOBDIGEST" };

describe("schedules of an uninstalled workspace", () => {
  const clock = new TestClock(new Date("2026-11-23T09:00:00Z")); // a Monday
  let t: TestApp;
  const senders = new Map<string, SignedSlackClient>();
  const sender = (teamId: string) => senders.get(teamId) as SignedSlackClient;
  const jobsOf = (teamId: string) => t.database.prisma.job.count({ where: { teamId } });

  beforeAll(async () => {
    t = await startTestApp({
      distribution: true,
      clock,
      users: [
        { id: ACME.admin, name: "Ada" },
        { id: GLOBEX.admin, name: "Gus" },
        { id: "UOWNER", name: "Owen" },
        { id: "UREPORTER", name: "Rita" },
      ],
    });
    for (const w of [ACME, GLOBEX]) {
      expect((await installWorkspace(t, { teamId: w.teamId, teamName: w.teamId, userId: w.admin })).status).toBe(200);
      senders.set(
        w.teamId,
        new SignedSlackClient(t.url, SIGNING_SECRET, w.teamId, `${t.slack.url}respond/`, (id) =>
          t.slack.responseUrl(id, { kind: "command" }),
        ),
      );
      // A weekly digest due tonight, a recovery case (reminders at half-time, 2 h before, and the
      // escalation at the deadline), a nudge.
      const digest = await sender(w.teamId).command(
        "/delight-admin",
        `digest add <#${w.digest}|digest> monday 20:00 UTC`,
        w.admin,
      );
      expect(digest.status).toBe(200);
      const oops = await sender(w.teamId).command(
        "/oops",
        `<@UOWNER|owen> ${w.teamId} customer: lost parcel`,
        "UREPORTER",
      );
      expect(oops.status).toBe(200);
      await t.database.prisma.nudge.create({
        data: {
          teamId: w.teamId,
          userId: "UOWNER",
          kind: "fix",
          subjectKey: "fix:test",
          status: "pending",
          dueAt: clock.now(),
        },
      });
    }
    await drainJobs(t);
    for (const w of [ACME, GLOBEX]) {
      expect(await t.database.prisma.digestSchedule.count({ where: { teamId: w.teamId } })).toBe(1);
      expect(await t.database.prisma.recoveryReminder.count({ where: { teamId: w.teamId } })).toBe(3);
    }
  }, 120_000);
  afterAll(() => t.stop());

  const uninstall = (teamId: string) =>
    sender(teamId).send(
      JSON.stringify({
        token: "legacy-verification-token",
        team_id: teamId,
        api_app_id: "A0DELIGHT",
        type: "event_callback",
        event_id: `EvUNINSTALL${teamId}`,
        event_time: Math.floor(Date.now() / 1000),
        event: { type: "app_uninstalled" },
        authorizations: [{ team_id: teamId, user_id: "UDELIGHTBOT", is_bot: true }],
      }),
      "application/json",
    );

  it("no tick enqueues or sends anything for it; the other workspace's schedules run", async () => {
    expect((await uninstall(ACME.teamId)).status).toBe(200);
    await drainJobs(t);
    const acmeJobsBefore = await jobsOf(ACME.teamId);
    const globexJobsBefore = await jobsOf(GLOBEX.teamId);
    t.slack.reset();

    // Past the digest (20:00) and both reminders (21:00 and 07:00), within the catch-up window.
    clock.set("2026-11-24T08:00:00Z");
    const reminders = await t.delight.scheduler.tick();
    const digests = await t.delight.scheduler.tickDigests();
    const nudges = await t.delight.scheduler.tickNudges();
    await drainJobs(t);

    expect(reminders.due).toBe(2);
    expect(digests.enqueued).toBe(1);
    expect(nudges).toBe(1);
    expect(await jobsOf(ACME.teamId)).toBe(acmeJobsBefore);
    expect(await jobsOf(GLOBEX.teamId)).toBeGreaterThan(globexJobsBefore);
    expect(t.slack.calls.filter((c) => c.tokenOf === ACME.teamId)).toEqual([]);
    expect(t.slack.calls.some((c) => c.tokenOf === GLOBEX.teamId)).toBe(true);
    // Nothing of it was cancelled for good: it waits for a reinstall.
    expect(await t.database.prisma.recoveryReminder.count({ where: { teamId: ACME.teamId, status: "pending" } })).toBe(
      3,
    );
  });

  it("a reinstall within the retention period brings its schedules back", async () => {
    expect((await installWorkspace(t, { teamId: ACME.teamId, teamName: ACME.teamId, userId: ACME.admin })).status).toBe(
      200,
    );
    await drainJobs(t);
    t.slack.reset();
    const reminders = await t.delight.scheduler.tick();
    expect(reminders.enqueued).toBe(2);
    await drainJobs(t);
    expect(t.slack.calls.some((c) => c.tokenOf === ACME.teamId)).toBe(true);
  });
});
