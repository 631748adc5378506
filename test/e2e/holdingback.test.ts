// /holdingback end to end on PGlite (and PostgreSQL when TEST_DATABASE_URL is set): the form,
// anonymous answers that leave no user id anywhere, named answers answered in a thread, and
// the themes managers see in App Home.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { renderDigest } from "../../src/features/digest/blocks.ts";
import { gatherDigest } from "../../src/features/digest/service.ts";
import { databaseTargets } from "../support/databases.ts";
import { appHomeOpened, buttonClick, holdingBackValues, viewSubmission } from "../support/payloads.ts";
import { SlackStandIn, TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { drainJobs, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const APPROVALS = "C0APPROVE";
const START = new Date("2026-11-23T09:00:00Z");
/** A user id that must never be stored for an anonymous answer. */
const ANON = "UANONYMOUS7";
const users = [
  { id: ANON, name: "Anna" },
  { id: "UNAMED", name: "Ned" },
  { id: "UMANAGER", name: "Maria" },
  { id: "USTAN", name: "Stan" },
];

const answerValues = holdingBackValues;

describe.each(databaseTargets())("/holdingback on $name", (target) => {
  const slack = new SlackStandIn();
  const clock = new TestClock(START);
  let t: TestApp;

  beforeAll(async () => {
    await slack.start();
    // Debug logging on: an anonymous answer must not show up in any log line either.
    t = await startTestApp({ slack, users, clock, databaseUrl: await target.create(), env: { LOG_LEVEL: "debug" } });
    await addManagers(t.database.prisma, { teamId: TEAM_ID }, ["UMANAGER"], "UADMIN");
    await setChannel(t.database.prisma, { teamId: TEAM_ID }, "approvals", APPROVALS);
  });
  afterAll(async () => {
    await t.stop();
    await slack.stop();
    await target.cleanup();
  });
  beforeEach(() => slack.reset());

  const drain = () => drainJobs(t);

  const submitAnswer = (userId: string, values: Record<string, Record<string, unknown>>, viewId?: string) =>
    t.sender.interaction(viewSubmission({ userId, callbackId: "holdingback_submit", values, viewId }));

  it("opens the form; a bad submission gets an error per field", async () => {
    await t.sender.command("/holdingback", "", "UNAMED");
    const opened = await slack.waitFor(() => slack.callsTo("views.open")[0]);
    expect(slack.textOf(opened)).toContain("holdingback_submit");
    expect(slack.textOf(opened)).toContain("Send anonymously");
    const bad = await submitAnswer("UNAMED", answerValues("  ", null, false));
    const { errors } = JSON.parse(bad.body) as { errors: Record<string, string> };
    expect(Object.keys(errors).sort()).toEqual(["holdingback_category", "holdingback_text"]);
    // Text typed after the command starts the answer.
    await t.sender.command("/holdingback", "The refund limit &lt;$20&gt;", "UNAMED");
    const prefilled = await slack.waitFor(() => slack.callsTo("views.open")[1]);
    expect(slack.textOf(prefilled)).toContain('"initial_value":"The refund limit <$20>"');
    const help = await t.sender.command("/holdingback", "help", "UNAMED");
    expect(help.body).toContain("anonymously");
    expect(await t.database.prisma.holdingBack.count()).toBe(0);
  });

  it("stores an anonymous answer with no user id anywhere: no table, no Slack call, no log line", async () => {
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      }),
    );
    let response;
    try {
      response = await submitAnswer(
        ANON,
        answerValues("Refunds over $20 need a manager, who is never there", "authority", true),
      );
      await drain();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const ack = JSON.parse(response.body) as { response_action?: string; view?: unknown };
    expect(ack.response_action).toBe("update");
    expect(JSON.stringify(ack.view)).toContain("without your name");

    const stored = await t.database.prisma.holdingBack.findFirstOrThrow({
      where: { text: { contains: "Refunds over $20" } },
    });
    expect(stored.authorId).toBeNull();
    expect(stored.category).toBe("authority");
    // Every table, every row, every column.
    const tables = await t.database.prisma.$queryRaw<Array<{ table_name: string }>>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    expect(tables.map((r) => r.table_name)).toEqual(expect.arrayContaining(["HoldingBack", "Job", "SlackWrite"]));
    for (const { table_name } of tables) {
      const rows = await t.database.prisma.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${table_name}"`);
      expect(JSON.stringify(rows), table_name).not.toContain(ANON);
    }
    expect(slack.calls.filter((c) => c.method !== "auth.test").map((c) => c.method)).toEqual([]);
    expect(logged.join("\n")).not.toContain(ANON);
  });

  it("posts a named answer for managers with Reply; only a manager can reply, in the thread and by DM to the author", async () => {
    const response = await submitAnswer(
      "UNAMED",
      answerValues("No time to call customers back <!here>", "time", false),
    );
    expect(JSON.stringify(JSON.parse(response.body))).toContain(`<#${APPROVALS}>`);
    const post = await slack.waitFor(() => slack.postsTo(APPROVALS)[0]);
    expect(slack.textOf(post)).toContain("<@UNAMED>");
    expect(slack.textOf(post)).not.toContain("<!here>");
    await drain();
    const answer = await t.database.prisma.holdingBack.findFirstOrThrow({ where: { authorId: "UNAMED" } });
    expect(answer.messageTs).toBeTruthy();

    const click = (userId: string) =>
      t.sender.interaction(
        buttonClick({
          userId,
          actionId: "holdingback_reply",
          value: answer.id,
          responseUrl: slack.responseUrl(`reply-${userId}`),
          message: { channel: APPROVALS, ts: answer.messageTs ?? "" },
        }),
      );
    await click("USTAN");
    await drain();
    expect(slack.responses().some((r) => slack.textOf(r).includes("Only Delight managers can reply"))).toBe(true);
    expect(slack.callsTo("views.open")).toHaveLength(0);
    const forged = await t.sender.interaction(
      viewSubmission({
        userId: "USTAN",
        callbackId: "holdingback_reply_modal",
        privateMetadata: answer.id,
        values: { holdingback_reply: { value: "no" } },
      }),
    );
    expect(forged.body).toContain("Only Delight managers");

    await click("UMANAGER");
    const opened = await slack.waitFor(() => slack.callsTo("views.open")[0]);
    expect(slack.textOf(opened)).toContain("holdingback_reply_modal");
    const replyText = "From Monday the first hour of each shift is for call-backs";
    const reply = await t.sender.interaction(
      viewSubmission({
        userId: "UMANAGER",
        callbackId: "holdingback_reply_modal",
        privateMetadata: answer.id,
        values: { holdingback_reply: { value: replyText } },
      }),
    );
    expect(reply.body).toBe("");
    await drain();
    const inThread = await slack.waitFor(() =>
      slack.postsTo(APPROVALS).find((c) => c.args.thread_ts === answer.messageTs),
    );
    expect(slack.textOf(inThread)).toContain(replyText);
    expect(slack.textOf(inThread)).toContain("<@UMANAGER> replied");
    const dm = await slack.waitFor(() => slack.postsTo("DUNAMED").find((c) => slack.textOf(c).includes(replyText)));
    expect(slack.textOf(dm)).toContain("answered what's holding you back");
    expect(await t.database.prisma.holdingBackReply.count({ where: { answerId: answer.id } })).toBe(1);
  });

  it("shows managers the themes in App Home (counts by category, latest answers) and nobody else; the digest has counts, no names", async () => {
    await submitAnswer(ANON, answerValues("The till software crashes", "tools", true));
    await submitAnswer(ANON, answerValues("The card reader drops out", "tools", true));
    await submitAnswer(ANON, answerValues("The label printer jams", "tools", true));
    await submitAnswer("USTAN", answerValues("Nobody trained me on returns", "training", false));
    await drain();
    // Anonymous answers show from the next daily release (06:00 in the workspace's time).
    clock.set(new Date("2026-11-24T06:01:00Z"));

    const home = async (userId: string) => {
      const before = slack.callsTo("views.publish").length;
      await t.sender.event(appHomeOpened(userId));
      const call = await slack.waitFor(() => slack.callsTo("views.publish")[before]);
      return slack.textOf(call);
    };
    const managerHome = await home("UMANAGER");
    expect(managerHome).toContain("What's holding the team back");
    expect(managerHome).toContain("at least 3 answers in the last 30 days");
    expect(managerHome).toContain("Tools *3*");
    expect(managerHome).toContain("fewer than 3: Time, Training, Authority");
    expect(managerHome).not.toMatch(/(Time|Training|Authority) \*1\*/);
    expect(managerHome).toContain("Nobody trained me on returns");
    expect(managerHome).toContain("The till software crashes");
    expect(managerHome).toContain("_anonymous_");
    // A category with fewer than 3 anonymous answers keeps its texts back.
    expect(managerHome).not.toContain("Refunds over $20");
    expect(managerHome).not.toContain(ANON);
    const staffHome = await home("USTAN");
    expect(staffHome).not.toContain("What's holding the team back");

    const data = await gatherDigest(t.database.prisma, {
      teamId: TEAM_ID,
      period: { start: new Date(START.getTime() - 7 * 24 * 3_600_000), end: clock.now() },
      timezone: "UTC",
      workspaceUrl: null,
    });
    const digest = JSON.stringify(renderDigest(data).blocks);
    expect(digest).toContain("What's holding us back");
    expect(digest).toContain("at least 3 answers this week");
    expect(digest).toContain("Tools *3*");
    expect(digest).not.toContain("<@UNAMED>");
    expect(digest).not.toContain("<@USTAN>");
  });
});
