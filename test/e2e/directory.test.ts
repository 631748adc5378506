// The workspace directory, end to end: `/delight stats` for many managers at once in a big
// workspace reads users.list once (Tier 2 in the imitation: 20 calls a minute, 429 past it),
// then the database; user_change and team_join keep it current; a full sweep at most once a day.
// A departure seen at once by the event and by sweeps (the lease bypassed, as if two instances
// swept) is recorded once: the database's conditional update decides.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addManagers } from "../../src/features/admin/settings.ts";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { recordPeople } from "../../src/slack/directory.ts";
import { databaseTargets } from "../support/databases.ts";
import { startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const PEOPLE = 2_400;
const MANAGERS = Array.from({ length: 10 }, (_, i) => `UMGR${i}`);

describe.each(databaseTargets())("the workspace directory on $name", (target) => {
  let t: TestApp;
  const clock = new TestClock(new Date("2026-11-23T09:00:00Z"));

  beforeAll(async () => {
    t = await startTestApp({ clock, databaseUrl: await target.create() });
    for (let i = 0; i < PEOPLE; i++) t.slack.addUser({ id: `UP${String(i).padStart(5, "0")}`, name: `person${i}` });
    for (const id of MANAGERS) t.slack.addUser({ id, name: id.toLowerCase() });
    t.slack.addUser({ id: "UGONE", name: "gone" });
    await addManagers(t.database.prisma, { teamId: TEAM_ID }, MANAGERS, "UADMIN");
  });
  afterAll(async () => {
    await t.stop();
    await target.cleanup();
  });
  beforeEach(() => t.slack.reset());

  const text = (call: RecordedCall | undefined) => (call ? JSON.stringify(call.args) : "");
  const statsOf = (responseId: string) =>
    t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === responseId), 30_000);

  it("answers ten managers' /delight stats at once with one paced sweep of users.list and no 429", async () => {
    const asked = await Promise.all(
      MANAGERS.map((id, i) => t.sender.command("/delight", "stats", id, { responseId: `stats-${i}` })),
    );
    expect(asked.every((r) => r.status === 200)).toBe(true);
    const replies = await Promise.all(MANAGERS.map((_, i) => statsOf(`stats-${i}`)));
    // 2,400 people, the managers and the app: 3 pages of 1,000.
    expect(t.slack.callsTo("users.list")).toHaveLength(3);
    expect(t.slack.rateLimitedCalls).toHaveLength(0);
    for (const reply of replies) {
      expect(text(reply)).toContain("Not recognised in the last 30 days");
      expect(text(reply)).toMatch(/\(2,?41\d of 2,?41\d people\)/);
      expect(text(reply)).toContain("<@UGONE>");
    }
  });

  it("reads the database afterwards: no users.list for the next stats", async () => {
    await t.sender.command("/delight", "stats", "UMGR0", { responseId: "again" });
    await statsOf("again");
    expect(t.slack.callsTo("users.list")).toHaveLength(0);
  });

  it("keeps up with user_change and team_join, without asking Slack", async () => {
    await t.sender.event({ type: "user_change", user: { id: "UGONE", name: "gone", deleted: true } });
    await t.sender.event({ type: "team_join", user: { id: "UNEWBIE", name: "newbie", real_name: "New Bie" } });
    await t.sender.command("/delight", "stats", "UMGR1", { responseId: "after-events" });
    const reply = text(await statsOf("after-events"));
    expect(reply).not.toContain("<@UGONE>");
    expect(reply).toContain("<@UNEWBIE>");
    expect(t.slack.callsTo("users.list")).toHaveLength(0);
    const person = await t.database.prisma.directoryPerson.findUniqueOrThrow({
      where: { teamId_userId: { teamId: TEAM_ID, userId: "UNEWBIE" } },
    });
    expect(person).toMatchObject({ name: "New Bie", deleted: false, isBot: false });
  });

  it("sweeps again in the background once a day has passed, once, answering meanwhile from the database", async () => {
    clock.advance(25 * 60 * 60_000);
    await Promise.all(
      [0, 1, 2].map((i) => t.sender.command("/delight", "stats", `UMGR${i}`, { responseId: `next-day-${i}` })),
    );
    await Promise.all([0, 1, 2].map((i) => statsOf(`next-day-${i}`)));
    await t.delight.workers.drain(30_000);
    expect(t.slack.callsTo("users.list")).toHaveLength(3);
    const sweep = await t.database.prisma.directorySweep.findUniqueOrThrow({ where: { teamId: TEAM_ID } });
    expect(sweep.sweptAt?.toISOString()).toBe(clock.now().toISOString());
    expect(sweep.claimedUntil).toBeNull();
    // The same day again: nothing more to sweep.
    await t.sender.command("/delight", "stats", "UMGR3", { responseId: "same-day" });
    await statsOf("same-day");
    await t.delight.workers.drain();
    expect(t.slack.callsTo("users.list")).toHaveLength(3);
  });

  it("records a departure once when the event and two sweeps see it at the same moment", async () => {
    const db = t.database.prisma;
    const deps = t.delight.deps;
    const member = { id: "UP00007", name: "person7", deleted: true };
    const at = clock.now();
    const sweepPage = (n: number) =>
      db.$transaction((tx) =>
        recordPeople(tx, deps, TEAM_ID, [member, { id: "UP00008", name: "person8" }], at, {
          id: `sweep-${n}`,
          unknownLeaving: true,
        }),
      );
    const results = await Promise.all([
      sweepPage(1),
      sweepPage(2),
      db.$transaction((tx) => recordPeople(tx, deps, TEAM_ID, [member], at, { id: "Ev-same", unknownLeaving: true })),
    ]);
    expect(results.flatMap((r) => r.changes)).toEqual([{ userId: "UP00007", transition: "left" }]);
    expect(await db.job.count({ where: { kind: "people.left", key: { contains: ":UP00007:" } } })).toBe(1);

    // Back again, seen by both at once: one return.
    const back = { ...member, deleted: false };
    const returns = await Promise.all(
      [1, 2, 3].map((n) =>
        db.$transaction((tx) => recordPeople(tx, deps, TEAM_ID, [back], at, { id: `back-${n}`, unknownLeaving: true })),
      ),
    );
    expect(returns.flatMap((r) => r.changes)).toEqual([{ userId: "UP00007", transition: "returned" }]);
    expect(await db.job.count({ where: { kind: "people.returned", key: { contains: ":UP00007:" } } })).toBe(1);
  });
});
