// Retention: `/delight-admin retention` shows and sets the limits (audited), and applying them
// deletes or empties exactly what is past them, in small batches, leaving everything else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWorkspace } from "../../src/features/admin/settings.ts";
import { applyRetention, EXPIRED_TEXT } from "../../src/features/retention/service.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { databaseTargets } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const DAY = 24 * 60 * 60_000;
const NOW = new Date("2026-11-23T09:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

describe.each(databaseTargets())("retention on $name", (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      databaseUrl: await target.create(),
      admins: ["UADA"],
      users: [{ id: "UADA", name: "Ada" }],
    });
    await ensureWorkspace(t.database.prisma, { teamId: TEAM_ID });
  });
  afterAll(async () => {
    await t.stop();
    await target.cleanup();
  });

  it("shows the defaults, sets a limit (audited), and refuses nonsense", async () => {
    const shown = await t.sender.command("/delight-admin", "retention", "UADA");
    expect(shown.body).toContain("*365 days*");
    expect(shown.body).toContain("*730 days*");
    expect(shown.body).toContain("Customer signals' stored fields (customer, score, comment): *90 days*");
    const set = await t.sender.command("/delight-admin", "retention holdingback 30d", "UADA");
    expect(set.body).toContain("*30 days*");
    expect(await t.database.prisma.auditEntry.findFirst({ where: { action: "retention.set" } })).toMatchObject({
      actorId: "UADA",
      before: { holdingBackDays: 365 },
      after: { holdingBackDays: 30 },
    });
    expect((await t.sender.command("/delight-admin", "retention cases 1d", "UADA")).body).toContain("from 7 days");
    expect((await t.sender.command("/delight-admin", "retention forever", "UADA")).body).toContain(
      "retention holdingback",
    );
  });

  it("deletes answers and empties closed cases' texts exactly past their limits, in batches", async () => {
    const db = t.database.prisma;
    // 30 days for answers (set above), 730 for case texts.
    const answer = (i: number, age: number) => ({
      teamId: TEAM_ID,
      category: "tools",
      text: `answer ${i}`,
      sourceHash: `r-${i}`,
      createdAt: daysAgo(age),
      visibleAt: daysAgo(age),
    });
    await db.holdingBack.createMany({
      data: [
        ...Array.from({ length: 7 }, (_, i) => answer(i, 31)),
        answer(100, 29),
        { ...answer(101, 30), createdAt: new Date(daysAgo(30).getTime() + 1000) },
      ],
    });
    const old = await db.holdingBack.findFirstOrThrow({ where: { sourceHash: "r-0" } });
    await db.holdingBackReply.create({
      data: { answerId: old.id, managerId: "UM", text: "reply", sourceViewId: "V-r" },
    });
    const kase = (number: number, status: "open" | "resolved", resolvedDaysAgo: number | null) =>
      db.recoveryCase.create({
        data: {
          teamId: TEAM_ID,
          number,
          reporterId: "UR",
          ownerId: "UO",
          customer: "Acme",
          description: `case ${number}`,
          fixSummary: status === "resolved" ? "fixed" : null,
          status,
          dueAt: daysAgo(800),
          reportedAt: daysAgo(800),
          resolvedAt: resolvedDaysAgo === null ? null : daysAgo(resolvedDaysAgo),
          timeline: { create: [{ actorId: "UO", kind: "customer_update", text: `update ${number}` }] },
        },
      });
    await kase(1, "resolved", 731);
    await kase(2, "resolved", 729);
    await kase(3, "open", null);

    const result = await applyRetention(db, TEAM_ID, NOW, { batchSize: 3 });
    expect(result).toEqual({ holdingBackDeleted: 7, casesEmptied: 1, updatesEmptied: 1, signalsEmptied: 0 });
    expect((await db.holdingBack.findMany({ orderBy: { sourceHash: "asc" } })).map((a) => a.text)).toEqual([
      "answer 100",
      "answer 101",
    ]);
    expect(await db.holdingBackReply.count()).toBe(0);
    const cases = await db.recoveryCase.findMany({ orderBy: { number: "asc" }, include: { timeline: true } });
    expect(cases.map((c) => [c.description, c.fixSummary, c.timeline[0]?.text ?? null])).toEqual([
      [EXPIRED_TEXT, null, null],
      ["case 2", "fixed", "update 2"],
      ["case 3", null, "update 3"],
    ]);
    // The case, its dates and outcome stay for the figures.
    expect(cases[0]).toMatchObject({ status: "resolved", number: 1 });
    expect(cases[0]?.resolvedAt).toEqual(daysAgo(731));
    // Applying again changes nothing.
    expect(await applyRetention(db, TEAM_ID, NOW, { batchSize: 3 })).toEqual({
      holdingBackDeleted: 0,
      casesEmptied: 0,
      updatesEmptied: 0,
      signalsEmptied: 0,
    });
  });

  it("empties signals' stored fields past their limit (default 90 days, settable), keeping the rows", async () => {
    const db = t.database.prisma;
    const set = await t.sender.command("/delight-admin", "retention signals 60d", "UADA");
    expect(set.body).toContain("*60 days*");
    expect(
      await db.auditEntry.findFirst({
        where: { action: "retention.set", after: { path: ["signalDays"], equals: 60 } },
      }),
    ).toMatchObject({
      before: { signalDays: 90 },
    });
    await db.signalConnection.create({
      data: { id: "conn-r", teamId: TEAM_ID, source: "generic", secret: "s", createdBy: "UADA" },
    });
    const signal = (i: number, age: number, processed: boolean) => ({
      connectionId: "conn-r",
      teamId: TEAM_ID,
      eventId: `ev-${i}`,
      signal: { type: "feedback", customer: { name: `Customer ${i}` }, comment: `comment ${i}` },
      occurredAt: daysAgo(age),
      receivedAt: daysAgo(age),
      processedAt: processed ? daysAgo(age) : null,
      outcome: processed ? "counted" : null,
    });
    await db.inboundSignal.createMany({
      data: [
        ...Array.from({ length: 5 }, (_, i) => signal(i, 61, true)),
        signal(5, 61, false),
        signal(6, 59, true),
        { ...signal(7, 60, true), receivedAt: new Date(daysAgo(60).getTime() + 1000) },
      ],
    });
    const result = await applyRetention(db, TEAM_ID, NOW, { batchSize: 2 });
    expect(result.signalsEmptied).toBe(6);
    const rows = await db.inboundSignal.findMany({ orderBy: { eventId: "asc" } });
    expect(rows.map((r) => [r.eventId, JSON.stringify(r.signal) === "{}", r.outcome])).toEqual([
      ["ev-0", true, "counted"],
      ["ev-1", true, "counted"],
      ["ev-2", true, "counted"],
      ["ev-3", true, "counted"],
      ["ev-4", true, "counted"],
      ["ev-5", true, "expired"],
      ["ev-6", false, "counted"],
      ["ev-7", false, "counted"],
    ]);
    expect(rows[5]?.processedAt).toEqual(NOW);
    expect((await applyRetention(db, TEAM_ID, NOW, { batchSize: 2 })).signalsEmptied).toBe(0);
    // A finished pass records how far it got, so the next one walks none of the emptied rows
    // again; a shorter limit later still reaches the rows between that mark and the new one.
    const policy = await db.retentionPolicy.findUniqueOrThrow({ where: { teamId: TEAM_ID } });
    expect(policy.signalsEmptiedBefore).toEqual(daysAgo(60));
    expect(policy.caseTextsEmptiedBefore).toEqual(daysAgo(730));
    await t.sender.command("/delight-admin", "retention signals 30d", "UADA");
    expect((await applyRetention(db, TEAM_ID, NOW, { batchSize: 2 })).signalsEmptied).toBe(2);
    expect((await db.retentionPolicy.findUniqueOrThrow({ where: { teamId: TEAM_ID } })).signalsEmptiedBefore).toEqual(
      daysAgo(30),
    );
  });
});
