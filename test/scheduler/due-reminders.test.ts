// The reminder tick and the reminder jobs on every database target, with an injected clock:
// when reminders fall, rescheduling, cancelling, escalation, two instances, Slack faults and
// downtime. The tick only enqueues a job per due row; the test's workers run them through a
// real outbox against the Slack stand-in.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { createLogger } from "../../src/app.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { addManagers, setChannel, setSla } from "../../src/features/admin/settings.ts";
import type { CaseDeps } from "../../src/features/recoveries/cards.ts";
import { registerReminderJob } from "../../src/features/recoveries/jobs.ts";
import {
  extendCase,
  findCaseByView,
  isUniqueViolation,
  openCase,
  reassignCase,
  resolveCase,
  type OpenCaseInput,
} from "../../src/features/recoveries/service.ts";
import { JobStore } from "../../src/jobs/durable-queue.ts";
import { JobWorkers } from "../../src/jobs/workers.ts";
import { runDueReminders, type SchedulerDeps, type TickResult } from "../../src/scheduler/due-reminders.ts";
import { DurableOutbox } from "../../src/slack/durable-outbox.ts";
import { Pacer } from "../../src/slack/pacer.ts";
import { SlackUsers } from "../../src/slack/roles.ts";
import { databaseTargets } from "../support/databases.ts";
import { SlackStandIn, TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { TestClock } from "../support/test-app.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const START = new Date("2026-11-23T09:00:00Z");
const workspace = { teamId: TEAM_ID };
const logger = createLogger("error");

function caseInput(overrides: Partial<OpenCaseInput> = {}): OpenCaseInput {
  return {
    workspace,
    reporterId: "UREPORTER",
    ownerId: "UOWNER",
    customer: "Acme",
    description: "Shipped the wrong earmuffs",
    ...overrides,
  };
}

interface Instance {
  scheduler: SchedulerDeps;
  workers: JobWorkers;
}

describe.each(databaseTargets())("recovery reminders on $name", (target) => {
  let slack: SlackStandIn;
  let database: Database;
  let databaseUrl: string;
  let clock: TestClock;
  let instance: Instance;
  let extraDatabases: Database[];
  /** Replaces Slack's user look-ups for one test (to act in the middle of a delivery). */
  let usersOverride: CaseDeps["users"] | undefined;

  /** One app instance: its scheduler deps, and workers running the reminder job through its own outbox. */
  function makeInstance(db: Database, instanceId: string): Instance {
    const client = new webApi.WebClient("xoxb-test", {
      slackApiUrl: `${slack.url}api/`,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: webApi.LogLevel.ERROR,
    });
    const outbox = new DurableOutbox({ prisma: db.prisma, client, pacer: new Pacer(db.prisma), logger });
    const workers = new JobWorkers({
      store: new JobStore(db.prisma),
      logger,
      outboxFor: (job) => outbox.forTeam(job.teamId),
      instanceId,
      pollMs: 50,
    });
    const slackUsers = new SlackUsers(client);
    registerReminderJob(workers, {
      prisma: db.prisma,
      clock,
      logger,
      users: { profile: (id) => (usersOverride ?? slackUsers).profile(id) },
    });
    return { scheduler: { prisma: db.prisma, jobs: workers, clock, logger, instanceId }, workers };
  }

  // One database per target for the file (migrations are the slow part); emptied between tests.
  beforeAll(async () => {
    databaseUrl = await target.create();
    database = await openDatabase(databaseUrl);
  });
  afterAll(async () => {
    await database.close();
    await target.cleanup();
  });

  beforeEach(async () => {
    await database.prisma.$executeRawUnsafe(
      `TRUNCATE "RecoveryEvent", "RecoveryReminder", "RecoveryCase", "WorkspaceManager", "Workspace", "Job", "SlackWrite", "SlackRateGate" CASCADE`,
    );
    slack = new SlackStandIn();
    await slack.start();
    slack.addUser({ id: "UOWNER", tz: "Europe/Paris" });
    slack.addUser({ id: "UREPORTER", tz: "America/New_York" });
    slack.addUser({ id: "UNEWOWNER", tz: "Asia/Tokyo" });
    slack.addUser({ id: "UMANAGER" });
    clock = new TestClock(START);
    usersOverride = undefined;
    instance = makeInstance(database, "instance-a");
    extraDatabases = [];
  });
  afterEach(async () => {
    for (const db of extraDatabases) await db.close();
    await slack.stop();
  });

  /** Calls to chat.postMessage in a person's DM (failed ones too). */
  const dmsTo = (userId: string) => slack.postsTo(`D${userId}`);
  /** Messages that reached a channel. */
  const delivered = (channel: string) => slack.messages.get(channel)?.length ?? 0;

  /** Runs the jobs until none is left to do, waiting for retries Slack asked for (a few seconds at most). */
  async function settle(...workers: JobWorkers[]): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await Promise.all(workers.map((w) => w.drain()));
      const left = await database.prisma.job.count({ where: { status: { in: ["queued", "running"] } } });
      if (left === 0) return;
      if (Date.now() > deadline) throw new Error(`${left} jobs still waiting`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** One tick at `at`, then the jobs it enqueued run. */
  const tick = async (at: Date, inst = instance): Promise<TickResult> => {
    clock.set(at);
    const result = await runDueReminders(inst.scheduler, at);
    await settle(inst.workers);
    return result;
  };
  const at = (ms: number) => new Date(START.getTime() + ms);
  async function pendingTimes(caseId: string) {
    const rows = await database.prisma.recoveryReminder.findMany({
      where: { caseId, status: "pending" },
      orderBy: { dueAt: "asc" },
    });
    return rows.map((r) => [r.kind, r.dueAt.toISOString()]);
  }
  const statusOf = async (caseId: string, kind: "reminder" | "escalation", dueAt: Date) =>
    (
      await database.prisma.recoveryReminder.findUniqueOrThrow({
        where: { caseId_kind_dueAt: { caseId, kind, dueAt } },
      })
    ).status;
  const profile = (id: string) => ({ id, isBot: false, isAdmin: false, deleted: false, timezone: "UTC" });

  it("reminds at half-time and 2 hours before a 24-hour deadline, each once, then escalates once", async () => {
    await addManagers(database.prisma, workspace, ["UMANAGER"], "UADMIN");
    const c = await openCase(database.prisma, START, caseInput());
    expect(c.dueAt.toISOString()).toBe("2026-11-24T09:00:00.000Z");
    expect(await pendingTimes(c.id)).toEqual([
      ["reminder", "2026-11-23T21:00:00.000Z"],
      ["reminder", "2026-11-24T07:00:00.000Z"],
      ["escalation", "2026-11-24T09:00:00.000Z"],
    ]);

    expect((await tick(at(12 * HOUR - MINUTE))).due).toBe(0);
    expect(await tick(at(12 * HOUR))).toEqual({ due: 1, enqueued: 1 });
    expect(await tick(at(12 * HOUR + MINUTE))).toEqual({ due: 0, enqueued: 0 });
    expect(dmsTo("UOWNER")).toHaveLength(1);
    // Shown in the owner's timezone (Paris, UTC+1): 09:00 UTC → 10:00 Tue.
    expect(slack.textOf(dmsTo("UOWNER")[0]!)).toContain("in 12 h — 10:00 Tue");

    await tick(at(22 * HOUR));
    expect(dmsTo("UOWNER")).toHaveLength(2);
    expect(slack.textOf(dmsTo("UOWNER")[1]!)).toContain("in 2 h — 10:00 Tue");

    // Escalation: owner DM + each manager by DM (no approvals channel), once.
    await tick(at(24 * HOUR));
    await tick(at(24 * HOUR + MINUTE));
    await tick(at(30 * HOUR));
    expect(dmsTo("UOWNER")).toHaveLength(3);
    expect(slack.textOf(dmsTo("UOWNER")[2]!)).toContain("is overdue");
    expect(dmsTo("UMANAGER")).toHaveLength(1);
    expect(slack.textOf(dmsTo("UMANAGER")[0]!)).toContain("Overdue service recovery");
    const row = await database.prisma.recoveryCase.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.escalatedAt?.toISOString()).toBe(at(24 * HOUR).toISOString());
    // The earlier reminder cards were updated to show the case is overdue.
    const updates = slack.callsTo("chat.update").filter((u) => u.args.channel === "DUOWNER");
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(slack.textOf(updates[0]!)).toContain("*Overdue*");
    expect(await database.prisma.recoveryReminder.count({ where: { caseId: c.id, status: "sent" } })).toBe(3);
  });
  it("follows a custom SLA and custom reminder offsets, skipping offsets already in the past", async () => {
    await setSla(database.prisma, workspace, 4 * 60);
    const fourHours = await openCase(database.prisma, START, caseInput());
    // Half-time and 2 hours before coincide at 11:00: one reminder.
    expect(await pendingTimes(fourHours.id)).toEqual([
      ["reminder", "2026-11-23T11:00:00.000Z"],
      ["escalation", "2026-11-23T13:00:00.000Z"],
    ]);

    await setSla(database.prisma, workspace, 90);
    const ninety = await openCase(database.prisma, START, caseInput());
    // 2 hours before a 90-minute deadline is before the case existed: skipped.
    expect(await pendingTimes(ninety.id)).toEqual([
      ["reminder", "2026-11-23T09:45:00.000Z"],
      ["escalation", "2026-11-23T10:30:00.000Z"],
    ]);

    await setSla(database.prisma, workspace, 24 * 60);
    await database.prisma.workspace.update({
      where: { teamId: TEAM_ID },
      data: { reminderOffsetsMinutes: [60, 15, 48 * 60] },
    });
    const custom = await openCase(database.prisma, START, caseInput());
    expect(await pendingTimes(custom.id)).toEqual([
      ["reminder", "2026-11-24T08:00:00.000Z"],
      ["reminder", "2026-11-24T08:45:00.000Z"],
      ["escalation", "2026-11-24T09:00:00.000Z"],
    ]);
  });

  it("reschedules on extend, follows the new owner on reassign, and cancels everything on resolve", async () => {
    const c = await openCase(database.prisma, START, caseInput());
    await tick(at(12 * HOUR)); // half-time reminder sent
    expect(dmsTo("UOWNER")).toHaveLength(1);

    // At 22:00 (11 h left) the deadline moves to 09:00 two days later (35 h from now).
    const extendedAt = at(13 * HOUR);
    clock.set(extendedAt);
    const newDue = at(48 * HOUR);
    const extended = await extendCase(database.prisma, extendedAt, {
      caseId: c.id,
      actorId: "UOWNER",
      dueAt: newDue,
      reason: "Waiting for the courier",
    });
    expect(extended.ok).toBe(true);
    expect(await pendingTimes(c.id)).toEqual([
      ["reminder", "2026-11-24T15:30:00.000Z"],
      ["reminder", "2026-11-25T07:00:00.000Z"],
      ["escalation", "2026-11-25T09:00:00.000Z"],
    ]);
    // The old 07:00 reminder and 09:00 escalation no longer fire.
    await tick(at(24 * HOUR));
    expect(dmsTo("UOWNER")).toHaveLength(1);

    // Reassigned: the next reminder goes to the new owner, in their timezone.
    await reassignCase(database.prisma, at(25 * HOUR), {
      caseId: c.id,
      actorId: "UREPORTER",
      newOwnerId: "UNEWOWNER",
      previousOwnerId: "UOWNER",
      note: null,
    });
    await tick(at(30 * HOUR + 30 * MINUTE));
    expect(dmsTo("UNEWOWNER")).toHaveLength(1);
    expect(slack.textOf(dmsTo("UNEWOWNER")[0]!)).toContain("18:00 Wed"); // Tokyo, UTC+9
    expect(dmsTo("UOWNER")).toHaveLength(1);

    const resolved = await resolveCase(database.prisma, at(31 * HOUR), {
      caseId: c.id,
      actorId: "UNEWOWNER",
      fixSummary: "Sent the right pair",
      surpriseGiven: "A hand-written note",
    });
    expect(resolved.ok).toBe(true);
    expect(await pendingTimes(c.id)).toEqual([]);
    await tick(at(60 * HOUR));
    expect(slack.callsTo("chat.postMessage")).toHaveLength(2);
    expect(await database.prisma.slackWrite.count({ where: { method: "chat.postMessage" } })).toBe(2);

    // A second resolve (another click) changes nothing.
    const again = await resolveCase(database.prisma, at(32 * HOUR), {
      caseId: c.id,
      actorId: "UOWNER",
      fixSummary: "x",
      surpriseGiven: null,
    });
    expect(again).toMatchObject({ ok: false, reason: "resolved" });
  });

  it("escalates to the approvals channel exactly once, even when ticks overlap", async () => {
    await setChannel(database.prisma, workspace, "approvals", "C0APPROVALS");
    await openCase(database.prisma, START, caseInput());
    const overdue = at(25 * HOUR);
    clock.set(overdue);
    const results = await Promise.all([1, 2, 3].map(() => runDueReminders(instance.scheduler, overdue)));
    // Three rows due (two reminders, the escalation): one job each, however many ticks.
    expect(results.reduce((sum, r) => sum + r.enqueued, 0)).toBe(3);
    await settle(instance.workers);
    await tick(at(26 * HOUR));
    expect(slack.postsTo("C0APPROVALS")).toHaveLength(1);
    expect(slack.textOf(slack.postsTo("C0APPROVALS")[0]!)).toContain("<@UOWNER>");
    // Downtime: the two reminders are skipped (the case is already overdue), the owner gets the escalation only.
    expect(dmsTo("UOWNER")).toHaveLength(1);
    expect(slack.textOf(dmsTo("UOWNER")[0]!)).toContain("is overdue");
  });

  it("escalates to each manager when the app can't post in the approvals channel", async () => {
    await setChannel(database.prisma, workspace, "approvals", "C0GONE");
    await addManagers(database.prisma, workspace, ["UMANAGER"], "UADMIN");
    slack.on("chat.postMessage", (args) =>
      args.channel === "C0GONE"
        ? { ok: false, error: "not_in_channel" }
        : { ok: true, channel: args.channel, ts: `${Date.now()}.000200` },
    );
    const c = await openCase(database.prisma, START, caseInput());
    await tick(at(24 * HOUR));
    expect(await statusOf(c.id, "escalation", at(24 * HOUR))).toBe("sent");
    expect(dmsTo("UMANAGER")).toHaveLength(1);
    expect(dmsTo("UOWNER")).toHaveLength(1);
  });

  it("retries only the part of an escalation that failed", async () => {
    await setChannel(database.prisma, workspace, "approvals", "C0APPROVALS");
    let ownerFailures = 1;
    slack.on("chat.postMessage", (args) => {
      if (args.channel === "DUOWNER" && ownerFailures-- > 0) return { ok: false, error: "fatal_error" };
      return { ok: true, channel: args.channel, ts: `${Date.now()}.000300` };
    });
    const c = await openCase(database.prisma, START, caseInput());
    // The job is retried (Slack's trouble is the outbox's to wait out) until it is sent.
    await tick(at(24 * HOUR));
    await tick(at(25 * HOUR));
    expect(await statusOf(c.id, "escalation", at(24 * HOUR))).toBe("sent");
    expect(slack.postsTo("C0APPROVALS")).toHaveLength(1);
    expect(dmsTo("UOWNER")).toHaveLength(2); // the failed attempt, then the delivery
  });

  it("sends each reminder once when two instances tick on the same database", async () => {
    const second = target.name === "postgres" ? await openDatabase(databaseUrl) : database;
    if (second !== database) extraDatabases.push(second);
    const other = makeInstance(second, "instance-b");
    const cases = [];
    // Different owners: each DM channel is paced on its own.
    for (let i = 0; i < 12; i++) {
      cases.push(await openCase(database.prisma, START, caseInput({ customer: `C${i}`, ownerId: `UOWNER${i}` })));
    }

    // Each instance ticks every minute around half-time; their ticks and their workers overlap.
    for (let minute = 0; minute < 3; minute++) {
      const now = at(12 * HOUR + minute * MINUTE);
      clock.set(now);
      await Promise.all([runDueReminders(instance.scheduler, now), runDueReminders(other.scheduler, now)]);
      await settle(instance.workers, other.workers);
    }
    const owners = cases.map((_, i) => `DUOWNER${i}`);
    expect(owners.map((channel) => slack.postsTo(channel).length)).toEqual(owners.map(() => 1));
    const sent = await database.prisma.recoveryReminder.findMany({ where: { status: "sent" } });
    expect(sent).toHaveLength(12);
    expect(new Set(sent.map((r) => r.caseId)).size).toBe(12);
    expect(sent.every((r) => r.attempts === 1)).toBe(true);
    expect(await database.prisma.job.count()).toBe(12);
  });

  it("retries a reminder Slack failed (429 with Retry-After, then 500) and sends it once", async () => {
    const c = await openCase(database.prisma, START, caseInput());
    slack.fail("chat.postMessage", { status: 429, retryAfterSeconds: 1 });
    let failures = 1;
    slack.on("chat.postMessage", (args) =>
      failures-- > 0
        ? { ok: false, error: "internal_error" }
        : { ok: true, channel: args.channel, ts: `${Math.floor(Date.now() / 1000)}.000400` },
    );
    await tick(at(12 * HOUR));
    const row = await database.prisma.recoveryReminder.findFirstOrThrow({
      where: { caseId: c.id, kind: "reminder", dueAt: at(12 * HOUR) },
    });
    expect(row).toMatchObject({ status: "sent", lastError: null });
    expect(slack.callsTo("chat.postMessage")).toHaveLength(3); // two failures, one delivery
    expect(await database.prisma.slackWrite.count({ where: { status: "sent" } })).toBe(1);
    await tick(at(12 * HOUR + MINUTE));
    expect(slack.callsTo("chat.postMessage")).toHaveLength(3);
  });

  it("rides out Slack being down: every due reminder is delivered once after it answers again", async () => {
    for (let i = 0; i < 5; i++) {
      await openCase(database.prisma, START, caseInput({ customer: `C${i}`, ownerId: `UOWNER${i}` }));
    }
    slack.goDown(1_500);
    expect(await tick(at(12 * HOUR))).toEqual({ due: 5, enqueued: 5 });
    for (let i = 0; i < 5; i++) expect(delivered(`DUOWNER${i}`)).toBe(1);
    expect(await database.prisma.recoveryReminder.count({ where: { status: "sent" } })).toBe(5);
  });

  it("after downtime sends only the latest due reminder of a case", async () => {
    const c = await openCase(database.prisma, START, caseInput());
    await tick(at(23 * HOUR));
    expect(dmsTo("UOWNER")).toHaveLength(1);
    expect(slack.textOf(dmsTo("UOWNER")[0]!)).toContain("in 1 h");
    const rows = await database.prisma.recoveryReminder.findMany({ where: { caseId: c.id, kind: "reminder" } });
    expect(rows.map((r) => r.status).sort()).toEqual(["cancelled", "sent"]);
  });

  it("looks at most batchSize rows per tick, the rest on the next", async () => {
    for (let i = 0; i < 5; i++) {
      await openCase(database.prisma, START, caseInput({ customer: `C${i}`, ownerId: `UOWNER${i}` }));
    }
    const small = { ...instance, scheduler: { ...instance.scheduler, batchSize: 3 } };
    expect(await tick(at(12 * HOUR), small)).toEqual({ due: 3, enqueued: 3 });
    expect(await tick(at(12 * HOUR + MINUTE), small)).toEqual({ due: 2, enqueued: 2 });
  });

  it("never lets rows whose job died (stuck pending) starve a reminder due now", async () => {
    // Three cases a minute apart: their half-time reminders fall a minute apart too.
    const cases = [];
    for (let i = 0; i < 3; i++) {
      cases.push(await openCase(database.prisma, at(i * MINUTE), caseInput({ customer: `Stuck ${i}` })));
    }
    const small = { ...instance, scheduler: { ...instance.scheduler, batchSize: 2 } };
    // The two oldest get their jobs, and those jobs die (Slack down for good, say): their rows stay pending.
    clock.set(at(12 * HOUR + MINUTE));
    expect(await runDueReminders(small.scheduler, at(12 * HOUR + MINUTE))).toEqual({ due: 2, enqueued: 2 });
    await database.prisma.job.updateMany({ data: { status: "dead", lastError: "gave up" } });
    expect(
      await database.prisma.recoveryReminder.count({ where: { status: "pending", dueAt: { lte: clock.now() } } }),
    ).toBe(2);
    // The third case's reminder comes due: the tick takes it, not the two stuck rows again.
    const third = await tick(at(12 * HOUR + 2 * MINUTE), small);
    expect(third).toEqual({ due: 1, enqueued: 1 });
    expect(dmsTo("UOWNER")).toHaveLength(1);
    expect(await statusOf(cases[2]!.id, "reminder", new Date(at(2 * MINUTE).getTime() + 12 * HOUR))).toBe("sent");
  });

  it("enqueues one job per due row while the first is still waiting to run", async () => {
    await openCase(database.prisma, START, caseInput());
    clock.set(at(12 * HOUR));
    expect(await runDueReminders(instance.scheduler, at(12 * HOUR))).toEqual({ due: 1, enqueued: 1 });
    clock.set(at(12 * HOUR + MINUTE));
    // The row has its job: the next tick leaves it out (it is not "due" for a job any more).
    expect(await runDueReminders(instance.scheduler, at(12 * HOUR + MINUTE))).toEqual({ due: 0, enqueued: 0 });
    await settle(instance.workers);
    expect(dmsTo("UOWNER")).toHaveLength(1);
  });

  it("stops an escalation under way when the case is fixed, and updates the cards it already posted", async () => {
    await addManagers(database.prisma, workspace, ["UMANAGER"], "UADMIN");
    const c = await openCase(database.prisma, START, caseInput());
    // The owner fixes the case while the manager's escalation DM is being sent.
    usersOverride = {
      profile: async (id: string) => {
        if (id === "UMANAGER") {
          await resolveCase(database.prisma, clock.now(), {
            caseId: c.id,
            actorId: "UOWNER",
            fixSummary: "Sent the right pair",
            surpriseGiven: null,
          });
        }
        return profile(id);
      },
    };
    await database.prisma.recoveryReminder.updateMany({ where: { kind: "reminder" }, data: { status: "cancelled" } });
    await tick(at(24 * HOUR));
    expect(await statusOf(c.id, "escalation", at(24 * HOUR))).toBe("cancelled");
    expect(dmsTo("UMANAGER")).toHaveLength(1);
    expect(dmsTo("UOWNER")).toHaveLength(0); // not told it is overdue after it was fixed
    const update = slack.callsTo("chat.update").find((u) => u.args.channel === "DUMANAGER");
    expect(update && slack.textOf(update)).toContain("Sent the right pair");
  });

  it("does not send a reminder for a case extended after the job read it", async () => {
    const c = await openCase(database.prisma, START, caseInput());
    // Extended while the job looks up the owner's timezone (just before it posts).
    let extended = false;
    usersOverride = {
      profile: async (id: string) => {
        if (extended) return profile(id);
        extended = true;
        await extendCase(database.prisma, clock.now(), {
          caseId: c.id,
          actorId: "UOWNER",
          dueAt: at(72 * HOUR),
          reason: "Courier strike",
        });
        return profile(id);
      },
    };
    await tick(at(12 * HOUR));
    expect(await statusOf(c.id, "reminder", at(12 * HOUR))).toBe("cancelled");
    expect(dmsTo("UOWNER")).toHaveLength(0);
  });

  it("gives up at once on an owner Slack says can't get messages, and tells the reporter", async () => {
    const c = await openCase(database.prisma, START, caseInput());
    slack.on("conversations.open", (args) =>
      args.users === "UOWNER"
        ? { ok: false, error: "user_disabled" }
        : { ok: true, channel: { id: `D${String(args.users)}` } },
    );
    await tick(at(12 * HOUR));
    const row = await database.prisma.recoveryReminder.findFirstOrThrow({
      where: { caseId: c.id, kind: "reminder", dueAt: at(12 * HOUR) },
    });
    expect(row.status).toBe("cancelled");
    expect(row.lastError).toContain("user_disabled");
    expect(slack.textOf(dmsTo("UREPORTER")[0]!)).toContain("Reassign");

    // The escalation: the owner's DM is final too; the reporter (no managers) hears; no retry.
    await database.prisma.recoveryReminder.updateMany({ where: { kind: "reminder" }, data: { status: "cancelled" } });
    await tick(at(24 * HOUR));
    expect(await statusOf(c.id, "escalation", at(24 * HOUR))).toBe("sent");
    expect(await tick(at(25 * HOUR))).toEqual({ due: 0, enqueued: 0 });
    expect(await database.prisma.job.count({ where: { status: "dead" } })).toBe(0);
  });

  it("cancels, without retrying, reminders whose targets can never receive", async () => {
    for (let i = 0; i < 5; i++) await openCase(database.prisma, START, caseInput({ customer: `C${i}` }));
    slack.on("conversations.open", () => ({ ok: false, error: "account_inactive" }));
    expect(await tick(at(12 * HOUR))).toEqual({ due: 5, enqueued: 5 });
    expect(await database.prisma.recoveryReminder.count({ where: { kind: "reminder", status: "cancelled" } })).toBe(5);
    expect(await database.prisma.job.count({ where: { status: "done" } })).toBe(5);
  });

  it("tells the reporter, and not 'your managers have been told', when the escalation reached nobody", async () => {
    await setChannel(database.prisma, workspace, "approvals", "C0GONE");
    slack.on("chat.postMessage", (args) =>
      args.channel === "C0GONE"
        ? { ok: false, error: "not_in_channel" }
        : { ok: true, channel: args.channel, ts: `${Date.now()}.000500` },
    );
    const c = await openCase(database.prisma, START, caseInput());
    await database.prisma.recoveryReminder.updateMany({ where: { kind: "reminder" }, data: { status: "cancelled" } });
    await tick(at(24 * HOUR));
    expect(await statusOf(c.id, "escalation", at(24 * HOUR))).toBe("sent");
    expect(slack.textOf(dmsTo("UREPORTER")[0]!)).toContain("couldn't reach any Delight manager");
    const ownerDm = slack.textOf(dmsTo("UOWNER")[0]!);
    expect(ownerDm).not.toContain("managers have been told");
    expect(ownerDm).toContain("no Delight managers");
  });

  it("updates a reminder it just posted when the case was extended while it was posting", async () => {
    const c = await openCase(database.prisma, START, caseInput());
    // The second profile lookup is the one inside the send, after the last check.
    let lookups = 0;
    usersOverride = {
      profile: async (id: string) => {
        if (++lookups === 2) {
          await extendCase(database.prisma, clock.now(), {
            caseId: c.id,
            actorId: "UOWNER",
            dueAt: at(72 * HOUR),
            reason: "Courier strike",
          });
        }
        return profile(id);
      },
    };
    await tick(at(12 * HOUR));
    expect(dmsTo("UOWNER")).toHaveLength(1);
    const update = slack.callsTo("chat.update").find((u) => u.args.channel === "DUOWNER");
    expect(update && slack.textOf(update)).toContain("Courier strike");
  });

  it("keeps one case per modal view: a second open with the same view id is a unique violation", async () => {
    await openCase(database.prisma, START, caseInput({ sourceViewId: "V1" }));
    const again = await openCase(database.prisma, START, caseInput({ sourceViewId: "V1" })).catch((e: unknown) => e);
    expect(isUniqueViolation(again)).toBe(true);
    expect((await findCaseByView(database.prisma, "V1"))?.customer).toBe("Acme");
    expect(await database.prisma.recoveryCase.count()).toBe(1);
  });
});
