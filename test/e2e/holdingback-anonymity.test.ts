// Anonymous /holdingback answers stay anonymous when things go wrong too: on success, a
// validation error, a database error, storing slower than Slack's 3 seconds and a Slack
// retry, no log line (at debug), table, job or outbox row holds the person, the view or
// trigger id, or the time they answered. Counts and anonymous texts show only in the daily
// release and only once 3 answers make a category. Named answers reach managers only.
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { SlackStandIn, TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { databaseTargets } from "../support/databases.ts";
import { appHomeOpened, holdingBackValues, viewSubmission } from "../support/payloads.ts";
import { slashCommandPayload, startSocketModeApp, type SocketModeApp } from "../support/socket-mode.ts";
import { drainJobs, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const HOUR = 3_600_000;
/** Monday 09:00 UTC: the workspace has no digest schedule, so its releases are at 06:00 UTC. */
const START = new Date("2026-11-23T09:00:00Z");
const NEXT_RELEASE = new Date("2026-11-24T06:00:00Z");
const ANON = "UANONYMOUS7";
const users = [
  { id: ANON, name: "Anna" },
  { id: "UNAMED", name: "Ned" },
  { id: "UMANAGER", name: "Maria" },
  { id: "UMANAGER2", name: "Li" },
  { id: "USTAN", name: "Stan" },
];
const DUMB_RULES = "C0DUMBRULES";

const answerValues = holdingBackValues;

/** Everything written to the console or the process's output while `capture` is on. */
function captureOutput() {
  const lines: string[] = [];
  const restore: Array<() => void> = [];
  return {
    lines,
    start() {
      for (const level of ["log", "info", "warn", "error", "debug"] as const) {
        const spy = vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
          lines.push(
            args.map((a) => (typeof a === "string" ? a : a instanceof Error ? a.stack : JSON.stringify(a))).join(" "),
          );
        });
        restore.push(() => spy.mockRestore());
      }
      for (const stream of [process.stdout, process.stderr]) {
        const write = stream.write.bind(stream);
        stream.write = (chunk: string | Uint8Array) => {
          lines.push(String(chunk));
          return true;
        };
        restore.push(() => {
          stream.write = write;
        });
      }
    },
    stop() {
      for (const undo of restore.splice(0)) undo();
    },
  };
}

/** Every row of every table, as text. */
async function everyRow(prisma: PrismaClient): Promise<string> {
  const tables = await prisma.$queryRaw<Array<{ table_name: string }>>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  expect(tables.map((r) => r.table_name)).toEqual(expect.arrayContaining(["HoldingBack", "Job", "SlackWrite"]));
  const dumps: string[] = [];
  for (const { table_name } of tables) {
    dumps.push(JSON.stringify(await prisma.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${table_name}"`)));
  }
  return dumps.join("\n");
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe.each(databaseTargets())("anonymous /holdingback under failure on $name", (target) => {
  const slack = new SlackStandIn();
  const clock = new TestClock(START);
  const faults = { slowMs: 0 };
  let database: Database;
  let t: TestApp;
  const output = captureOutput();

  beforeAll(async () => {
    await slack.start();
    database = await openDatabase(await target.create());
    // Storing an answer can be made slow (the store itself, not the test's clock).
    const slowStore = database.prisma.$extends({
      query: {
        holdingBack: {
          async createMany({ args, query }) {
            if (faults.slowMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.slowMs));
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    t = await startTestApp({
      slack,
      users,
      clock,
      database: { ...database, prisma: slowStore },
      env: { LOG_LEVEL: "debug" },
    });
    await addManagers(database.prisma, { teamId: TEAM_ID }, ["UMANAGER", "UMANAGER2"], "UADMIN");
    await setChannel(database.prisma, { teamId: TEAM_ID }, "dumbrules", DUMB_RULES);
  });
  afterAll(async () => {
    await t.stop();
    await database.close();
    await slack.stop();
    await target.cleanup();
  });
  beforeEach(() => {
    slack.reset();
    output.lines.length = 0;
    output.start();
  });
  afterEach(() => output.stop());

  const drain = () => drainJobs(t);

  /** A submission as Slack sends it, with the ids that must never be kept. */
  function submission(text: string, category: string | null, viewId: string) {
    const payload = viewSubmission({
      userId: ANON,
      callbackId: "holdingback_submit",
      values: answerValues(text, category, true),
      viewId,
    });
    return { payload, secrets: [ANON, viewId, payload.trigger_id as string, sha256(`holdingback:${viewId}`)] };
  }

  /** Nothing that names the person or the moment, anywhere. */
  async function expectNoTrace(secrets: string[], text?: string) {
    output.stop();
    const logged = output.lines.join("\n");
    const rows = await everyRow(database.prisma);
    for (const secret of secrets) {
      expect(logged, `log holds ${secret}`).not.toContain(secret);
      expect(rows, `a table holds ${secret}`).not.toContain(secret);
    }
    if (text) expect(logged, "the log holds the answer").not.toContain(text);
    expect(await database.prisma.job.count()).toBe(0);
    expect(await database.prisma.slackWrite.count()).toBe(0);
    expect(slack.calls.filter((c) => c.method !== "auth.test").map((c) => c.method)).toEqual([]);
  }

  it("logs at debug, so these tests would see a leak", async () => {
    await t.sender.command("/delight-admin", "help", "USTAN");
    output.stop();
    expect(output.lines.join("\n")).toMatch(/\[DEBUG\]/);
  });

  it("success: stored with no author, no view id, and no time but its release", async () => {
    const text = "Refunds over $20 need a manager, who is never there";
    const { payload, secrets } = submission(text, "authority", "VSUCCESS01");
    const response = await t.sender.interaction(payload);
    const ack = JSON.parse(response.body) as { response_action?: string; view?: unknown };
    expect(ack.response_action).toBe("update");
    expect(JSON.stringify(ack.view)).toContain("without your name");
    await drain();
    const stored = await database.prisma.holdingBack.findFirstOrThrow({ where: { text } });
    expect(stored).toMatchObject({
      authorId: null,
      category: "authority",
      createdAt: NEXT_RELEASE,
      visibleAt: NEXT_RELEASE,
    });
    await expectNoTrace(secrets, text);
  });

  it("a validation error: the form says what to fix, and nothing names the person", async () => {
    const { payload, secrets } = submission("  ", null, "VINVALID01");
    const response = await t.sender.interaction(payload);
    expect(JSON.parse(response.body)).toMatchObject({ response_action: "errors" });
    await expectNoTrace(secrets);
  });

  it("a database error: the form stays open, and the error is logged without the person or what they typed", async () => {
    const text = "Nobody can approve a refund on Sundays";
    await database.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION holdingback_fails() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'could not store %', NEW.text; END $$ LANGUAGE plpgsql`);
    await database.prisma.$executeRawUnsafe(
      `CREATE TRIGGER holdingback_fails BEFORE INSERT ON "HoldingBack" FOR EACH ROW EXECUTE FUNCTION holdingback_fails()`,
    );
    try {
      const { payload, secrets } = submission(text, "policy", "VDBERROR01");
      const response = await t.sender.interaction(payload);
      expect(JSON.parse(response.body)).toMatchObject({
        response_action: "errors",
        errors: { holdingback_text: expect.stringContaining("couldn't save") },
      });
      expect(output.lines.join("\n")).toContain("Could not store a /holdingback answer");
      await expectNoTrace(secrets, text);
    } finally {
      await database.prisma.$executeRawUnsafe(`DROP TRIGGER holdingback_fails ON "HoldingBack"`);
    }
    expect(await database.prisma.holdingBack.count({ where: { text } })).toBe(0);
  });

  it("storing slower than 3 s: Slack has given up, the late ack fails, and no log line names the person", async () => {
    const text = "The stock system is down every morning";
    const { payload, secrets } = submission(text, "tools", "VSLOWSLOW1");
    faults.slowMs = 3_600;
    let response;
    try {
      response = await t.sender.interaction(payload);
      // Let the listener finish: its late ack throws into the shared error log.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    } finally {
      faults.slowMs = 0;
    }
    expect(response.status).not.toBe(200);
    const logged = output.lines.join("\n");
    expect(logged).toMatch(/Listener failed|Unhandled Bolt error|not acknowledged/);
    // Slack showed an error and kept the form open: pressing Send again records it once.
    const again = await t.sender.interaction(submission(text, "tools", "VSLOWSLOW1").payload);
    expect(JSON.parse(again.body)).toMatchObject({ response_action: "update" });
    expect(await database.prisma.holdingBack.count({ where: { text } })).toBe(1);
    await expectNoTrace(secrets, text);
  }, 20_000);

  it("a Slack retry of the same submission records one answer and names nobody", async () => {
    const text = "Training on the new till never happened";
    const { payload, secrets } = submission(text, "training", "VRETRY0001");
    await t.sender.interaction(payload);
    const retried = await t.sender.interaction(payload, { retryNum: 1, retryReason: "http_timeout" });
    expect(retried.status).toBe(200);
    expect(await database.prisma.holdingBack.count({ where: { text } })).toBe(1);
    await expectNoTrace(secrets, text);
  });

  it("a named answer goes to each manager by DM when there is no approvals channel, never to a team channel", async () => {
    const response = await t.sender.interaction(
      viewSubmission({
        userId: "UNAMED",
        callbackId: "holdingback_submit",
        values: answerValues("I need authority to replace broken items", "authority", false),
      }),
    );
    const thanks = JSON.stringify(JSON.parse(response.body));
    expect(thanks).toContain("by DM");
    expect(thanks).toContain("<@UMANAGER>");
    await drain();
    expect(slack.postsTo(DUMB_RULES)).toHaveLength(0);
    for (const manager of ["UMANAGER", "UMANAGER2"]) {
      const dm = await slack.waitFor(() => slack.postsTo(`D${manager}`)[0]);
      expect(slack.textOf(dm)).toContain("<@UNAMED>");
    }
    expect(slack.postsTo("DUSTAN")).toHaveLength(0);
  });
});

describe("when anonymous answers show: daily, and only from 3 of a kind", () => {
  const slack = new SlackStandIn();
  const clock = new TestClock(START);
  let t: TestApp;

  beforeAll(async () => {
    await slack.start();
    t = await startTestApp({ slack, users, clock });
    await addManagers(t.database.prisma, { teamId: TEAM_ID }, ["UMANAGER"], "UADMIN");
  });
  afterAll(async () => {
    await t.stop();
    await slack.stop();
  });

  const drain = () => drainJobs(t);

  const answer = (text: string, category: string) =>
    t.sender.interaction(
      viewSubmission({ userId: ANON, callbackId: "holdingback_submit", values: answerValues(text, category, true) }),
    );

  async function preview(): Promise<string> {
    const before = slack.responses().length;
    await t.sender.command("/delight", "digest preview", "USTAN", { responseId: `preview-${Date.now()}` });
    await drain();
    return slack.textOf(await slack.waitFor(() => slack.responses()[before]));
  }

  async function managerHome(): Promise<string> {
    const before = slack.callsTo("views.publish").length;
    await t.sender.event(appHomeOpened("UMANAGER"));
    return slack.textOf(await slack.waitFor(() => slack.callsTo("views.publish")[before]));
  }

  it("shows nothing the moment an answer comes in: counts and texts wait for the next release", async () => {
    await answer("The till crashes twice a day", "tools");
    await answer("The scanner never works", "tools");
    clock.advance(HOUR);
    await answer("The printer is always out of paper", "tools");
    await answer("Not enough time between calls", "time");
    expect(await preview()).not.toContain("holding us back");
    const home = await managerHome();
    expect(home).not.toContain("The till crashes");
    expect(home).not.toMatch(/Tools \*\d/);
  });

  it("at the release, shows a category's count and texts only once 3 answers make it up", async () => {
    clock.set(new Date(NEXT_RELEASE.getTime() + 60_000));
    const shown = await preview();
    expect(shown).toContain("holding us back");
    expect(shown).toContain("Tools *3*");
    expect(shown).toContain("fewer than 3: Time");
    expect(shown).not.toMatch(/Time \*1\*/);
    expect(shown).not.toContain("4 answers");
    const home = await managerHome();
    expect(home).toContain("Tools *3*");
    expect(home).toContain("The till crashes twice a day");
    expect(home).not.toContain("Not enough time between calls");
    expect(home).toContain("fewer than 3: Time");
  });

  it("counts an answer sent after a digest's slot in the next period, never in none", async () => {
    // A Paris workspace: its releases are at 06:00 Paris time (05:00 UTC in winter).
    await t.database.prisma.digestSchedule.create({
      data: {
        teamId: TEAM_ID,
        channelId: "C0DIGEST",
        weekday: 3,
        hour: 16,
        minute: 0,
        timezone: "Europe/Paris",
        createdBy: "UADMIN",
        effectiveFrom: new Date("2026-11-01T00:00:00Z"),
      },
    });
    const slot = new Date("2026-11-25T15:00:00Z"); // Wednesday 16:00 in Paris
    clock.set(new Date(slot.getTime() - 10 * 60_000));
    await answer("Before the slot: the returns policy", "policy");
    clock.set(new Date(slot.getTime() + 10 * 60_000));
    await answer("After the slot: the returns policy again", "policy");
    await answer("After the slot: the returns form", "policy");
    const rows = await t.database.prisma.holdingBack.findMany({ where: { category: "policy" } });
    // Both sides of the slot belong to Thursday's 06:00 Paris release: the next period.
    expect(new Set(rows.map((r) => r.visibleAt.toISOString()))).toEqual(new Set(["2026-11-26T05:00:00.000Z"]));
    const { countByCategory } = await import("../../src/features/holdingback/service.ts");
    const week = 7 * 24 * HOUR;
    const thisPeriod = await countByCategory(t.database.prisma, TEAM_ID, {
      start: new Date(slot.getTime() - week),
      end: slot,
    });
    const nextPeriod = await countByCategory(t.database.prisma, TEAM_ID, {
      start: slot,
      end: new Date(slot.getTime() + week),
    });
    expect(thisPeriod.counts.policy).toBeUndefined();
    expect(thisPeriod.few).not.toContain("policy");
    expect(nextPeriod.counts.policy).toBe(3);
  });
});

describe("anonymous /holdingback over Socket Mode at LOG_LEVEL=debug", () => {
  const output = captureOutput();
  let app: SocketModeApp;

  beforeAll(async () => {
    output.start();
    app = await startSocketModeApp({ users, logLevel: "debug", env: { PORT: "0" } });
  });
  afterAll(async () => {
    output.stop();
    await app.stop();
  });

  it("logs no raw payload of the command or the form: not the person, the view or trigger id, nor the text", async () => {
    const text = "My team lead takes the credit for every save";
    // Debug is really on: another command's payload is logged whole.
    const command = (userId: string, name: string, text: string, triggerId: string) =>
      slashCommandPayload({
        userId,
        command: name,
        text,
        triggerId,
        responseUrl: `${app.slack.url}respond/${triggerId}`,
      });
    app.send("env-other", "slash_commands", command("USTAN", "/delight-admin", "help", "1111.2222.feedfacecafe"));
    await app.ackOf("env-other");
    app.send(
      "env-command",
      "slash_commands",
      command(ANON, "/holdingback", "My team lead", "12345.67890.abcdef123456"),
    );
    await app.ackOf("env-command");
    await app.slack.waitFor(() => app.slack.callsTo("views.open")[0]);
    const submitted = viewSubmission({
      userId: ANON,
      callbackId: "holdingback_submit",
      values: answerValues(text, "authority", true),
      viewId: "VSOCKET001",
    });
    app.send("env-submit", "interactive", { ...submitted, trigger_id: "54321.09876.fedcba654321" });
    const ack = await app.ackOf("env-submit");
    expect(JSON.stringify(ack)).toContain("without your name");
    const stored = await app.database.prisma.holdingBack.findFirstOrThrow({ where: { text } });
    expect(stored.authorId).toBeNull();

    output.stop();
    const logged = output.lines.join("\n");
    expect(logged).toContain("1111.2222.feedfacecafe");
    for (const secret of [ANON, "VSOCKET001", "12345.67890.abcdef123456", "54321.09876.fedcba654321", text]) {
      expect(logged, `the log holds ${secret}`).not.toContain(secret);
    }
  });
});
