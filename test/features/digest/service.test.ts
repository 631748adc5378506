// The digest's database side on every target (PGlite, and PostgreSQL with TEST_DATABASE_URL):
// what a period contains, the tick's choice of due pairs, and the claim that makes a post once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { createLogger } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { openDatabase, type Database } from "../../../src/db/database.ts";
import { upsertDigestSchedule } from "../../../src/features/admin/settings.ts";
import { deliverRun, ensureRun, retryDelayMs } from "../../../src/features/digest/delivery.ts";
import { countSurprisesDelivered, gatherDigest } from "../../../src/features/digest/service.ts";
import type { JobQueue } from "../../../src/jobs/queue.ts";
import { runDueDigests } from "../../../src/scheduler/due-digests.ts";
import type { Outbox } from "../../../src/slack/outbox.ts";
import { SlackUsers } from "../../../src/slack/roles.ts";
import { databaseTargets } from "../../support/databases.ts";
import { seedApprovedStories } from "../../support/digest-data.ts";
import { SlackStandIn, TEAM_ID } from "../../../src/sandbox/slack-imitation.ts";
import { TestClock } from "../../support/test-app.ts";

const HOUR = 3_600_000;
const end = new Date("2026-11-27T15:30:00Z");
const period = { start: new Date(end.getTime() - 7 * 24 * HOUR), end };

describe.each(databaseTargets())("digest data on $name", (target) => {
  let database: Database;
  let slack: SlackStandIn;
  let client: webApi.WebClient;
  beforeAll(async () => {
    database = await openDatabase(await target.create());
    slack = new SlackStandIn();
    client = new webApi.WebClient("xoxb-test", {
      slackApiUrl: await slack.start(),
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
  });
  afterAll(async () => {
    await database.close();
    await slack.stop();
    await target.cleanup();
  });
  beforeEach(async () => {
    await database.prisma.$executeRawUnsafe(
      `TRUNCATE "DigestRun", "DigestSchedule", "Nomination", "RecoveryCase", "Workspace" CASCADE`,
    );
  });

  it("counts the period's stories, values, approvers and recoveries; the slot itself is in, the start is out", async () => {
    const prisma = database.prisma;
    await seedApprovedStories(prisma, {
      teamId: TEAM_ID,
      count: 4,
      decidedAt: (i) => [end, period.start, new Date(end.getTime() - HOUR), new Date(end.getTime() + 1)][i]!,
      values: (i) => (i === 2 ? ["listen", "recovery"] : ["delight"]),
    });
    await prisma.nomination.create({
      data: {
        teamId: TEAM_ID,
        nominatorId: "U1",
        nomineeIds: ["U2"],
        story: "pending",
        values: ["listen"],
        decidedAt: end,
      },
    });
    const common = { teamId: TEAM_ID, reporterId: "UR", ownerId: "UO", customer: "Acme", description: "late" };
    await prisma.recoveryCase.createMany({
      data: [
        {
          ...common,
          number: 1,
          reportedAt: new Date(end.getTime() - 30 * HOUR),
          dueAt: new Date(end.getTime() - 6 * HOUR),
          status: "resolved",
          resolvedAt: new Date(end.getTime() - 8 * HOUR),
          surpriseGiven: "Coffee",
        },
        {
          ...common,
          number: 2,
          reportedAt: new Date(end.getTime() - 30 * HOUR),
          dueAt: new Date(end.getTime() - 6 * HOUR),
          status: "resolved",
          resolvedAt: new Date(end.getTime() - 2 * HOUR),
          surpriseGiven: "",
        },
        {
          ...common,
          number: 3,
          reportedAt: new Date(end.getTime() - 9 * 24 * HOUR),
          dueAt: new Date(end.getTime() - 8 * 24 * HOUR),
        },
      ],
    });
    const data = await gatherDigest(prisma, {
      teamId: TEAM_ID,
      period,
      timezone: "Europe/Paris",
      workspaceUrl: "https://x.slack.com/",
    });
    expect(data.storyCount).toBe(2);
    expect(data.stories.map((s) => s.story)).toEqual([
      expect.stringContaining("Story 0"),
      expect.stringContaining("Story 2"),
    ]);
    expect(data.stories[0]?.permalink).toBe("https://x.slack.com/archives/C0WINS/p1700000000000100");
    expect(data.valueCounts).toEqual({ listen: 1, empathize: 0, attention: 0, delight: 1, recovery: 1 });
    expect(data.approvers).toEqual([{ userId: "UMARIA", count: 2 }]);
    expect(data.recoveries).toEqual({ opened: 2, fixed: 2, fixedOnTime: 1, surprisesDelivered: 1 });
    expect(await countSurprisesDelivered(prisma, "TOTHER", period)).toBe(0);
  });

  it("ticks: enqueues due pairs only, after the schedule took effect, and skips those missed by over 24 hours", async () => {
    const prisma = database.prisma;
    const enqueued: Array<{ payload: unknown; key?: string }> = [];
    const jobs: Pick<JobQueue, "enqueue"> = {
      enqueue: async (_kind, payload, options) => {
        enqueued.push({ payload, key: options?.key });
        return { id: "j", created: true };
      },
    };
    const deps = { prisma, jobs, logger: createLogger("error") };
    const ws = { teamId: TEAM_ID };
    const slot = { weekday: 5, hour: 16, minute: 30, timezone: "Europe/Paris" };
    await upsertDigestSchedule(prisma, ws, { channelId: "C0DUE", ...slot }, "UADMIN", new Date("2026-11-01T00:00:00Z"));
    await upsertDigestSchedule(prisma, ws, { channelId: "C0NEW", ...slot }, "UADMIN", new Date(end.getTime() + 1));
    await upsertDigestSchedule(
      prisma,
      ws,
      { channelId: "C0OLD", ...slot, weekday: 3 },
      "UADMIN",
      new Date("2026-11-01T00:00:00Z"),
    );
    const result = await runDueDigests(deps, new Date(end.getTime() + 60_000));
    expect(result).toEqual({ candidates: 3, enqueued: 1, skipped: 1 });
    expect(enqueued[0]?.payload).toMatchObject({ channelId: "C0DUE", slot: end.toISOString() });
    expect(enqueued[0]?.key).toContain(end.toISOString());
    expect((await prisma.digestRun.findFirstOrThrow({ where: { channelId: "C0OLD" } })).status).toBe("skipped");
    // Once done, a schedule is left out of the tick's query until its next week…
    await prisma.digestRun.updateMany({ where: { channelId: "C0DUE" }, data: { status: "posted" } });
    await prisma.digestRun.createMany({
      data: [
        {
          teamId: TEAM_ID,
          channelId: "C0DUE",
          slotKey: `scheduled:${end.toISOString()}`,
          periodStart: period.start,
          periodEnd: end,
          status: "posted",
          createdAt: end,
        },
      ],
    });
    expect(await runDueDigests(deps, new Date(end.getTime() + 120_000))).toEqual({
      candidates: 1,
      enqueued: 0,
      skipped: 0,
    });
    expect((await runDueDigests(deps, new Date(end.getTime() + 7 * 24 * HOUR))).enqueued).toBe(2);
    // …or until it changes: moved to Saturday, it is due on Saturday, not a week after Friday.
    await upsertDigestSchedule(
      prisma,
      ws,
      { channelId: "C0DUE", ...slot, weekday: 6 },
      "UADMIN",
      new Date(end.getTime() + HOUR),
    );
    const saturday = await runDueDigests(deps, new Date("2026-11-28T15:30:00Z"));
    expect(saturday.enqueued).toBe(1);
    expect(enqueued.at(-1)?.payload).toMatchObject({ channelId: "C0DUE", slot: "2026-11-28T15:30:00.000Z" });
  });

  it("claims a run once: concurrent deliveries post one message", async () => {
    slack.memberOf.add("C0TEAM");
    const clock = new TestClock(end);
    const deps = {
      prisma: database.prisma,
      clock,
      logger: createLogger("error"),
      config: loadConfig({ SLACK_BOT_TOKEN: "xoxb-t", SLACK_SIGNING_SECRET: "s" }),
      users: new SlackUsers(client),
    };
    let posts = 0;
    const outbox = {
      postMessage: async () => {
        posts += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { channel: "C0TEAM", ts: "1.2" };
      },
    } as unknown as Outbox;
    const input = { teamId: TEAM_ID, channelId: "C0TEAM", slotKey: "scheduled:x", scheduleId: null, period };
    const [a, b] = await Promise.all([ensureRun(database.prisma, input, end), ensureRun(database.prisma, input, end)]);
    expect(a.id).toBe(b.id);
    const outcomes = await Promise.all(
      [a, b, a].map((run) => deliverRun(deps, client, outbox, run, { timezone: "UTC", postKey: "k" })),
    );
    expect(outcomes.filter((o) => o.kind === "posted")).toHaveLength(1);
    expect(posts).toBe(1);
    const run = await database.prisma.digestRun.findUniqueOrThrow({ where: { id: a.id } });
    expect(run).toMatchObject({ status: "posted", messageTs: "1.2", storyCount: 0 });
    expect(await deliverRun(deps, client, outbox, run, { timezone: "UTC", postKey: "k" })).toEqual({
      kind: "already-done",
    });
  });
});

describe("digest retries", () => {
  it("back off 1, 2, 4 … minutes after each failed attempt, at most an hour", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((attempt) => retryDelayMs(attempt) / 60_000)).toEqual([
      1, 2, 4, 8, 16, 32, 60, 60, 60,
    ]);
  });
});
