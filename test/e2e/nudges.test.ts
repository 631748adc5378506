// Nudges end to end: a recovery fixed (through the real "Fixed" form) without a surprise
// nudges its owner within minutes, with three ideas and "Use this"; the limits and quiet hours
// hold as the injected clock moves; "Not now", "Stop suggesting for this customer" and
// `/delight prefs nudges off` are obeyed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openCase } from "../../src/features/recoveries/service.ts";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { databaseTargets } from "../support/databases.ts";
import { buttonClick } from "../support/payloads.ts";
import { drainJobs, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const MINUTE = 60_000;
// 10:00 in Paris (UTC+1).
const MORNING = new Date("2026-11-23T09:00:00Z");

type Values = Record<string, Record<string, { type: string; value: string }>>;
const textValue = (value: string) => ({ value: { type: "plain_text_input", value } });

describe.each(databaseTargets())("nudges on $name", (target) => {
  let t: TestApp;
  const clock = new TestClock(MORNING);
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      databaseUrl: await target.create(),
      users: [
        { id: "UOWEN", name: "Owen", tz: "Europe/Paris" },
        { id: "UNORA", name: "Nora", tz: "Europe/Paris" },
        { id: "UQUIET", name: "Quinn", tz: "Europe/Paris" },
      ],
    });
  });
  afterAll(async () => {
    await t.stop();
    await target.cleanup();
  });
  beforeEach(() => {
    t.slack.reset();
    clock.set(MORNING);
  });

  const text = (call: RecordedCall | undefined) => (call ? JSON.stringify(call.args) : "");
  const nudgesTo = (userId: string) =>
    t.slack.postsTo(`D${userId}`).filter((c) => text(c).includes("Now turn the OOPS into a WOW"));

  /** Opens a case for `ownerId` and fixes it through the real form, with or without a surprise. */
  async function fixCase(ownerId: string, customer: string, surprise = "", openedAt = clock.now()) {
    const recoveryCase = await openCase(t.database.prisma, openedAt, {
      workspace: { teamId: TEAM_ID },
      reporterId: ownerId,
      ownerId,
      customer,
      description: "The delivery arrived broken",
    });
    const values: Values = { fix: textValue("Sent a new one by courier"), surprise: textValue(surprise) };
    const response = await t.sender.interaction({
      type: "view_submission",
      team: { id: TEAM_ID, domain: "delight-test" },
      user: { id: ownerId, team_id: TEAM_ID, username: ownerId.toLowerCase() },
      api_app_id: "A0DELIGHT",
      token: "legacy-verification-token",
      trigger_id: `trigger-fix-${++counter}`,
      view: {
        id: `VFIX${counter}`,
        team_id: TEAM_ID,
        type: "modal",
        callback_id: "recovery_fixed_modal",
        private_metadata: recoveryCase.id,
        state: { values },
      },
    });
    expect(response.status).toBe(200);
    await drainJobs(t);
    return recoveryCase;
  }

  /** Moves the clock and runs the scheduler's nudge tick and the jobs it records. */
  async function tickAt(at: Date) {
    clock.set(at);
    await t.delight.scheduler.tickNudges();
    await drainJobs(t);
  }

  it("a fix without a surprise brings the owner three ideas with 'Use this' within minutes", async () => {
    const fixed = await fixCase("UOWEN", "Acme Corp");
    await tickAt(new Date(MORNING.getTime() + 1 * MINUTE));
    expect(nudgesTo("UOWEN")).toHaveLength(0);
    await tickAt(new Date(MORNING.getTime() + 3 * MINUTE));
    const nudges = nudgesTo("UOWEN");
    expect(nudges).toHaveLength(1);
    const dm = text(nudges[0]);
    expect(dm).toContain(`OOPS-${fixed.number}`);
    expect(dm.match(/surprise_use_\d/g)).toHaveLength(3);
    expect(dm).toContain("nudge_not_now");
    expect(dm).toContain("Stop suggesting for this customer");
    const row = await t.database.prisma.nudge.findFirstOrThrow({ where: { caseId: fixed.id } });
    expect(row).toMatchObject({ status: "sent", userId: "UOWEN" });
    expect(row.requestId).toBeTruthy();
    // "Use this" is the surprise feature's own: it opens its form for this request.
    const use = await t.sender.interaction(
      buttonClick({
        userId: "UOWEN",
        actionId: "surprise_use_0",
        value: `${row.requestId}:0`,
        responseUrl: t.slack.responseUrl("use"),
      }),
    );
    expect(use.status).toBe(200);
    await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    // Ticking again sends nothing more.
    await tickAt(new Date(MORNING.getTime() + 10 * MINUTE));
    expect(nudgesTo("UOWEN")).toHaveLength(1);
  });

  it("a fix with a surprise brings no nudge", async () => {
    await fixCase("UNORA", "Globex", "A handwritten card and their favourite coffee");
    await tickAt(new Date(MORNING.getTime() + 5 * MINUTE));
    expect(nudgesTo("UNORA")).toHaveLength(0);
    expect(await t.database.prisma.nudge.count({ where: { userId: "UNORA" } })).toBe(0);
  });

  it("holds at 3 a day and waits for quiet hours to end, in the owner's time zone", async () => {
    clock.set(new Date("2026-11-24T14:00:00Z")); // 15:00 in Paris
    const at = (iso: string) => new Date(iso);
    for (const customer of ["Initech", "Umbrella", "Hooli", "Stark"]) await fixCase("UNORA", customer);
    await tickAt(at("2026-11-24T14:05:00Z"));
    expect(nudgesTo("UNORA")).toHaveLength(3);
    const waiting = await t.database.prisma.nudge.findFirstOrThrow({ where: { userId: "UNORA", status: "pending" } });
    // Tomorrow 09:00 in Paris.
    expect(waiting).toMatchObject({ reason: "daily-limit", dueAt: at("2026-11-25T08:00:00Z") });
    await tickAt(at("2026-11-24T22:00:00Z"));
    expect(nudgesTo("UNORA")).toHaveLength(3);
    await tickAt(at("2026-11-25T08:01:00Z"));
    expect(nudgesTo("UNORA")).toHaveLength(4);

    // Fixed at 19:30 in Paris: nothing in the evening, the nudge comes at 09:00.
    clock.set(at("2026-11-25T18:30:00Z"));
    await fixCase("UNORA", "Wayne");
    await tickAt(at("2026-11-25T18:35:00Z"));
    expect(nudgesTo("UNORA")).toHaveLength(4);
    await tickAt(at("2026-11-26T08:00:00Z"));
    expect(nudgesTo("UNORA")).toHaveLength(5);
  });

  it("waits for 09:00 before the day starts, and drops a nudge that would come after the recovery's 24 hours", async () => {
    clock.set(new Date("2026-11-26T06:00:00Z")); // 07:00 Paris: opened and fixed early
    const early = await fixCase("UOWEN", "Tyrell");
    await tickAt(new Date("2026-11-26T06:05:00Z"));
    const deferred = await t.database.prisma.nudge.findFirstOrThrow({ where: { caseId: early.id } });
    expect(deferred).toMatchObject({ status: "pending", reason: "quiet-hours" });
    await tickAt(new Date("2026-11-26T08:00:00Z"));
    expect((await t.database.prisma.nudge.findFirstOrThrow({ where: { caseId: early.id } })).status).toBe("sent");

    // Opened at 08:00 Paris, fixed at 18:30: the next morning is past the OOPS's 24 hours.
    clock.set(new Date("2026-11-26T17:30:00Z"));
    const late = await fixCase("UOWEN", "Oscorp", "", new Date("2026-11-26T07:00:00Z"));
    await tickAt(new Date("2026-11-26T17:35:00Z"));
    expect(await t.database.prisma.nudge.findFirstOrThrow({ where: { caseId: late.id } })).toMatchObject({
      status: "dropped",
      reason: "too-late",
    });
  });

  it("'Not now' waits until tomorrow; 'Stop suggesting for this customer' and prefs off stop them", async () => {
    clock.set(new Date("2026-11-27T09:00:00Z"));
    await fixCase("UQUIET", "Cyberdyne");
    await tickAt(new Date("2026-11-27T09:03:00Z"));
    const first = await t.database.prisma.nudge.findFirstOrThrow({ where: { userId: "UQUIET", status: "sent" } });
    const click = (actionId: string) =>
      t.sender.interaction(
        buttonClick({ userId: "UQUIET", actionId, value: first.id, responseUrl: t.slack.responseUrl(actionId) }),
      );
    expect((await click("nudge_not_now")).status).toBe(200);
    await drainJobs(t);
    expect(text(t.slack.responses().at(-1))).toContain("tomorrow morning");

    await fixCase("UQUIET", "Soylent");
    await tickAt(new Date("2026-11-27T09:10:00Z"));
    const snoozed = await t.database.prisma.nudge.findFirstOrThrow({ where: { userId: "UQUIET", status: "pending" } });
    expect(snoozed).toMatchObject({ reason: "not-now", dueAt: new Date("2026-11-28T08:00:00Z") });

    // Muting Cyberdyne: a later fix for them brings nothing.
    expect((await click("nudge_stop_customer")).status).toBe(200);
    await drainJobs(t);
    clock.set(new Date("2026-11-28T08:30:00Z"));
    await fixCase("UQUIET", "Cyberdyne");
    await tickAt(new Date("2026-11-28T08:35:00Z"));
    const cyberdyne = await t.database.prisma.nudge.findMany({
      where: { userId: "UQUIET", status: "dropped" },
    });
    expect(cyberdyne.map((n) => n.reason)).toEqual(["muted"]);
    expect(nudgesTo("UQUIET")).toHaveLength(2); // the first, and Soylent's once "Not now" ended

    const prefs = await t.sender.command("/delight", "prefs nudges off", "UQUIET");
    expect(prefs.body).toContain("Nudges are off");
    await fixCase("UQUIET", "Massive Dynamic");
    await tickAt(new Date("2026-11-28T08:40:00Z"));
    expect(nudgesTo("UQUIET")).toHaveLength(2);
    expect(
      (await t.database.prisma.nudge.findFirstOrThrow({ where: { userId: "UQUIET" }, orderBy: { createdAt: "desc" } }))
        .reason,
    ).toBe("off");
  });
});
