// /dumbrule end to end on PGlite (and PostgreSQL when TEST_DATABASE_URL is set): the real
// app, signed requests, the Slack stand-in, jobs and the outbox.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { renderDigest } from "../../src/features/digest/blocks.ts";
import { gatherDigest } from "../../src/features/digest/service.ts";
import { databaseTargets } from "../support/databases.ts";
import { buttonClick, viewSubmission } from "../support/payloads.ts";
import { SlackStandIn, TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const DUMB = "C0DUMB";
const START = new Date("2026-11-23T09:00:00Z");
const DAY = 24 * 3_600_000;
const users = [
  { id: "UREPORTER", name: "Rita" },
  { id: "UALICE", name: "Alice" },
  { id: "UBOB", name: "Bob" },
  { id: "UCAROL", name: "Carol" },
  { id: "UMANAGER", name: "Maria" },
  { id: "USTAN", name: "Stan" },
];

interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}
const buttonsOf = (call: RecordedCall): Button[] =>
  ((call.args.blocks ?? []) as Array<{ type: string; elements?: Button[] }>)
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? []);

describe.each(databaseTargets())("/dumbrule on $name", (target) => {
  const slack = new SlackStandIn();
  const clock = new TestClock(START);
  let t: TestApp;
  let second: TestApp;
  let counter = 0;

  beforeAll(async () => {
    await slack.start();
    t = await startTestApp({ slack, users, clock, databaseUrl: await target.create() });
    // A second instance on the same database: clicks may land on either.
    second = await startTestApp({ slack, users, clock, database: t.database });
    await addManagers(t.database.prisma, { teamId: TEAM_ID }, ["UMANAGER"], "UADMIN");
    await setChannel(t.database.prisma, { teamId: TEAM_ID }, "dumbrules", DUMB);
  });
  afterAll(async () => {
    await second.stop();
    await t.stop();
    await slack.stop();
    await target.cleanup();
  });
  beforeEach(() => {
    slack.reset();
    clock.set(START);
  });

  /** Runs every job of both instances to completion (a job may be on either). */
  async function drain() {
    for (let round = 0; round < 250; round += 1) {
      await Promise.all([t.delight.workers.drain(), second.delight.workers.drain()]);
      const pending = await t.database.prisma.job.count({ where: { status: { in: ["queued", "running"] } } });
      if (pending === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("Jobs did not finish");
  }

  async function command(text: string, userId = "UREPORTER") {
    const responseId = `dr-${++counter}`;
    const response = await t.sender.command("/dumbrule", text, userId, { responseId });
    expect(response.status).toBe(200);
    const ack = response.body ? (JSON.parse(response.body) as { text?: string; response_type?: string }) : {};
    return { ack, ackText: JSON.stringify(ack), responseId };
  }

  /** Reports a rule and waits for its message in the dumb-rules channel; returns the rule row and the post. */
  async function report(rule: string, why = "customers leave angry") {
    const before = slack.postsTo(DUMB).length;
    const { ack } = await command(`${rule}: ${why}`);
    expect(ack.text).toContain("Got it");
    const post = await slack.waitFor(() => slack.postsTo(DUMB)[before]);
    await drain();
    const row = await t.database.prisma.dumbRule.findFirstOrThrow({ where: { rule } });
    return { row, post };
  }

  function click(userId: string, actionId: string, ruleId: string, app = t) {
    return app.sender.interaction(
      buttonClick({
        userId,
        actionId,
        value: ruleId,
        responseUrl: slack.responseUrl(`click-${userId}-${++counter}`),
        message: { channel: DUMB, ts: "1.0" },
      }),
    );
  }

  function submit(userId: string, callbackId: string, values: Record<string, Record<string, unknown>>, ruleId = "") {
    return t.sender.interaction(viewSubmission({ userId, callbackId, values, privateMetadata: ruleId }));
  }

  /** The last chat.update of a message (the rule's message as it now shows). */
  const lastUpdateOf = (ts: string) =>
    slack
      .callsTo("chat.update")
      .filter((c) => c.args.ts === ts)
      .at(-1);

  it("quotes bad input back with an example: no why, an empty rule", async () => {
    const noWhy = await command("Refunds need the original receipt");
    expect(noWhy.ack.response_type).toBe("ephemeral");
    expect(noWhy.ackText).toContain("why it hurts customers");
    expect(noWhy.ackText).toContain("> /dumbrule Refunds need the original receipt");
    expect(noWhy.ackText).toContain("For example: `/dumbrule Refunds need the original receipt:");
    const noRule = await command(": customers wait forever");
    expect(noRule.ackText).toContain("Start with the rule itself");
    expect(noRule.ackText).toContain("> /dumbrule : customers wait forever");
    const help = await command("help");
    expect(help.ackText).toContain("/dumbrule list");
    expect(await t.database.prisma.dumbRule.count()).toBe(0);
  });

  it("posts the rule with +1, Killed it and Keep it, escaped, and tells the reporter where it is; the same text twice within a minute is one rule", async () => {
    const text = "Refunds need the original receipt: customers who lost it leave angry <!channel>";
    const first = await command(text);
    const again = await command(text);
    expect(first.ack.text).toContain("Got it");
    expect(again.ack.text).toContain("already received");
    const post = await slack.waitFor(() => slack.postsTo(DUMB)[0]);
    await drain();
    expect(slack.postsTo(DUMB)).toHaveLength(1);
    expect(await t.database.prisma.dumbRule.count({ where: { rule: "Refunds need the original receipt" } })).toBe(1);
    expect(buttonsOf(post).map((b) => b.action_id)).toEqual(["dumbrule_plus_one", "dumbrule_kill", "dumbrule_keep"]);
    expect(slack.textOf(post)).not.toContain("<!channel>");
    expect(slack.textOf(post)).toContain("Reported by <@UREPORTER>");
    const confirmation = await slack.waitFor(() =>
      slack.responses().find((r) => r.args.response_id === first.responseId),
    );
    expect(slack.textOf(confirmation)).toContain(`posted in <#${DUMB}>`);
    const row = await t.database.prisma.dumbRule.findFirstOrThrow({
      where: { rule: "Refunds need the original receipt" },
    });
    expect(row.channelId).toBe(DUMB);
    expect(row.messageTs).toBe(post.args.ts ?? row.messageTs);
  });

  it("counts +1 once per person under concurrent clicks on two instances, and the message ends on the right count", async () => {
    const { row } = await report("Only the store manager can approve a refund over $20");
    const clicks = ["UALICE", "UBOB", "UCAROL"].flatMap((user) => [
      click(user, "dumbrule_plus_one", row.id, t),
      click(user, "dumbrule_plus_one", row.id, second),
      click(user, "dumbrule_plus_one", row.id, t),
      click(user, "dumbrule_plus_one", row.id, second),
    ]);
    const responses = await Promise.all(clicks);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await drain();
    expect(await t.database.prisma.dumbRuleVote.count({ where: { ruleId: row.id } })).toBe(3);
    const shown = lastUpdateOf(row.messageTs ?? "");
    expect(shown).toBeDefined();
    expect(buttonsOf(shown as RecordedCall)[0]?.text.text).toContain("+1 (3)");
    expect(slack.textOf(shown as RecordedCall)).toContain("3 +1s");
    // Clicking again is answered, and counts nothing.
    await click("UALICE", "dumbrule_plus_one", row.id);
    await drain();
    expect(slack.responses().some((r) => slack.textOf(r).includes("already +1'd"))).toBe(true);
    expect(await t.database.prisma.dumbRuleVote.count({ where: { ruleId: row.id } })).toBe(3);
  });

  it("refuses Killed it and Keep it from a non-manager, on the button and in the form", async () => {
    const { row } = await report("Customers must call between 9 and 5");
    await click("USTAN", "dumbrule_kill", row.id);
    await click("USTAN", "dumbrule_keep", row.id);
    await drain();
    const refusals = slack.responses().filter((r) => slack.textOf(r).includes("Only Delight managers"));
    expect(refusals).toHaveLength(2);
    expect(slack.callsTo("views.open")).toHaveLength(0);
    const forged = await submit("USTAN", "dumbrule_kill_modal", { dumbrule_note: { value: "gone" } }, row.id);
    expect(forged.body).toContain("Only Delight managers");
    const after = await t.database.prisma.dumbRule.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("open");
    expect(slack.callsTo("chat.update").filter((c) => c.args.ts === row.messageTs)).toHaveLength(0);
  });

  it("kill by a manager: the reporter is told by DM, the message shows who killed it without buttons, the first decision wins, the digest lists it", async () => {
    const { row } = await report("No exchanges without the original box");
    await click("UMANAGER", "dumbrule_kill", row.id);
    const opened = await slack.waitFor(() => slack.callsTo("views.open")[0]);
    expect(slack.textOf(opened)).toContain("dumbrule_kill_modal");
    const empty = await submit("UMANAGER", "dumbrule_kill_modal", { dumbrule_note: { value: " " } }, row.id);
    expect(empty.body).toContain("Say what changed");
    clock.advance(DAY);
    const done = await submit(
      "UMANAGER",
      "dumbrule_kill_modal",
      { dumbrule_note: { value: "Boxes are optional from Monday" } },
      row.id,
    );
    expect(done.body).toBe("");
    const late = await submit("UALICE", "dumbrule_keep_modal", { dumbrule_note: { value: "keep" } }, row.id);
    expect(late.body).toContain("Only Delight managers");
    const second = await submit("UMANAGER", "dumbrule_keep_modal", { dumbrule_note: { value: "we keep it" } }, row.id);
    expect(second.body).toContain("already killed");
    // One decision, one audit entry (the second, refused, is not logged).
    expect(await t.database.prisma.auditEntry.findMany({ where: { target: row.id } })).toMatchObject([
      { actorId: "UMANAGER", action: "dumbrule.kill", before: { status: "open" }, after: { status: "killed" } },
    ]);
    await drain();
    const dm = slack
      .postsTo("DUREPORTER")
      .find((c) => slack.textOf(c).includes("No exchanges without the original box"));
    expect(slack.textOf(dm as RecordedCall)).toContain("*killed* by <@UMANAGER>");
    expect(slack.textOf(dm as RecordedCall)).toContain("Boxes are optional from Monday");
    const shown = lastUpdateOf(row.messageTs ?? "") as RecordedCall;
    expect(slack.textOf(shown)).toContain("*Killed* by <@UMANAGER>");
    expect(buttonsOf(shown)).toHaveLength(0);
    const after = await t.database.prisma.dumbRule.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({
      status: "killed",
      decidedBy: "UMANAGER",
      decisionNote: "Boxes are optional from Monday",
    });

    const data = await gatherDigest(t.database.prisma, {
      teamId: TEAM_ID,
      period: { start: new Date(START.getTime() - 6 * DAY), end: new Date(START.getTime() + DAY + 1000) },
      timezone: "UTC",
      workspaceUrl: null,
    });
    expect(data.dumbRules?.killed.map((r) => r.rule)).toContain("No exchanges without the original box");
    const digest = JSON.stringify(renderDigest(data).blocks);
    expect(digest).toContain("Killed this week");
    expect(digest).toContain("No exchanges without the original box");
    expect(renderDigest(data).blocks.length).toBeLessThanOrEqual(50);
  });

  it("keep by a manager: the reporter is told why, the message shows it was kept", async () => {
    const { row } = await report("ID needed to pick up an order");
    await click("UMANAGER", "dumbrule_keep", row.id);
    await slack.waitFor(() => slack.callsTo("views.open")[0]);
    const done = await submit(
      "UMANAGER",
      "dumbrule_keep_modal",
      { dumbrule_note: { value: "Fraud: orders were stolen" } },
      row.id,
    );
    expect(done.body).toBe("");
    await drain();
    const dm = slack.postsTo("DUREPORTER").find((c) => slack.textOf(c).includes("ID needed to pick up an order"));
    expect(slack.textOf(dm as RecordedCall)).toContain("decided to *keep*");
    expect(slack.textOf(dm as RecordedCall)).toContain("Fraud: orders were stolen");
    const shown = lastUpdateOf(row.messageTs ?? "") as RecordedCall;
    expect(slack.textOf(shown)).toContain("*Kept* by <@UMANAGER>");
    expect(buttonsOf(shown)).toHaveLength(0);
    // A +1 on the stale message is answered, not counted.
    await click("UBOB", "dumbrule_plus_one", row.id);
    await drain();
    expect(await t.database.prisma.dumbRuleVote.count({ where: { ruleId: row.id } })).toBe(0);
  });

  it("/dumbrule list shows open rules, most +1s first, without the decided ones", async () => {
    const { row: few } = await report("Returns only within 14 days");
    const { row: many } = await report("No phone support on weekends");
    for (const user of ["UALICE", "UBOB", "UCAROL"]) await click(user, "dumbrule_plus_one", many.id);
    await click("UALICE", "dumbrule_plus_one", few.id);
    await drain();
    const { ackText } = await command("list");
    const order = [
      "No phone support on weekends",
      "Returns only within 14 days",
      "Customers must call between 9 and 5",
    ];
    const positions = order.map((rule) => ackText.indexOf(rule));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(ackText).not.toContain("No exchanges without the original box");
    expect(ackText).not.toContain("ID needed to pick up an order");
  });
});

describe("/dumbrule without a dumb-rules channel", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ users });
  });
  afterAll(() => t.stop());

  it("records the rule, says where it shows up and how an admin sets the channel", async () => {
    const response = await t.sender.command(
      "/dumbrule",
      "Receipts must be printed: customers want email",
      "UREPORTER",
      {
        responseId: "nochannel",
      },
    );
    expect(response.body).toContain("Got it");
    const reply = await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === "nochannel"));
    const text = t.slack.textOf(reply);
    expect(text).toContain("/dumbrule list");
    expect(text).toContain("weekly digest");
    expect(text).toContain("/delight-admin channel dumbrules #channel");
    expect(t.slack.callsTo("chat.postMessage")).toHaveLength(0);
    expect(await t.database.prisma.dumbRule.count()).toBe(1);
  });

  it("records the rule when Slack refuses the post in the channel, and says how to fix it", async () => {
    await setChannel(t.database.prisma, { teamId: TEAM_ID }, "dumbrules", "C0NOTIN");
    t.slack.fail("chat.postMessage", { status: 200, slackError: "not_in_channel", times: 1 });
    try {
      await t.sender.command("/dumbrule", "Photo ID for returns: customers feel like suspects", "UREPORTER", {
        responseId: "refused",
      });
      const reply = await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === "refused"));
      expect(t.slack.textOf(reply)).toContain("couldn't post it in <#C0NOTIN>");
      expect(t.slack.textOf(reply)).toContain("/invite @Delight");
      expect(await t.database.prisma.dumbRule.count({ where: { rule: "Photo ID for returns" } })).toBe(1);
    } finally {
      await t.database.prisma.workspace.update({ where: { teamId: TEAM_ID }, data: { dumbRulesChannelId: null } });
    }
  });

  it("opens the form for /dumbrule alone; the form shows an error per field and keeps the input; a good one is confirmed by DM", async () => {
    await t.sender.command("/dumbrule", "", "UREPORTER");
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    expect(t.slack.textOf(opened)).toContain("dumbrule_report");
    const bad = await t.sender.interaction(
      viewSubmission({
        userId: "UREPORTER",
        callbackId: "dumbrule_report",
        values: { dumbrule_rule: { value: "Cash only" } },
      }),
    );
    const errors = (JSON.parse(bad.body) as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors)).toEqual(["dumbrule_why"]);
    const good = await t.sender.interaction(
      viewSubmission({
        userId: "UREPORTER",
        callbackId: "dumbrule_report",
        values: { dumbrule_rule: { value: "Cash only" }, dumbrule_why: { value: "Nobody carries cash" } },
      }),
    );
    expect(good.body).toBe("");
    const dm = await t.slack.waitFor(() =>
      t.slack.postsTo("DUREPORTER").find((c) => t.slack.textOf(c).includes("Cash only")),
    );
    expect(t.slack.textOf(dm)).toContain("is recorded");
  });
});
