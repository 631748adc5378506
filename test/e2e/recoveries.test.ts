// /oops end to end: the real app, signed requests, the Slack stand-in and an injected clock.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addManagers } from "../../src/features/admin/settings.ts";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import { SIGNING_SECRET, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";

const HOUR = 3_600_000;
const START = new Date("2026-11-23T09:00:00Z");

type Values = Record<string, { value: Record<string, unknown> }>;
const textValue = (value: string) => ({ value: { type: "plain_text_input", value } });
const userValue = (userId: string) => ({ value: { type: "users_select", selected_user: userId } });
const dateTimeValue = (date: Date | null) => ({
  value: { type: "datetimepicker", selected_date_time: date ? Math.floor(date.getTime() / 1000) : null },
});

describe("/oops service recoveries", () => {
  let t: TestApp;
  const clock = new TestClock(START);

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      users: [
        { id: "UREPORTER", name: "Rita", tz: "America/New_York" },
        { id: "UOWNER", name: "Owen", tz: "Europe/Paris" },
        { id: "UNEWOWNER", name: "Nina", tz: "Asia/Tokyo" },
        { id: "UMANAGER", name: "Maria" },
        { id: "USTRANGER", name: "Stan" },
        { id: "UROBOT", name: "Robot", is_bot: true },
      ],
    });
    await addManagers(t.database.prisma, { teamId: TEAM_ID }, ["UMANAGER"], "UADMIN");
  });
  afterAll(() => t.stop());
  beforeEach(() => {
    t.slack.reset();
    clock.set(START);
  });

  /** The command's ack (help, problems, lists), or, for "Got it", the job's reply through response_url. */
  async function oops(text: string, userId = "UREPORTER", sender = t.sender) {
    const before = t.slack.responses().length;
    const response = await sender.command("/oops", text, userId);
    expect(response.status).toBe(200);
    const ack = JSON.parse(response.body || "{}") as { response_type?: string; text?: string };
    expect(ack.response_type).toBe("ephemeral");
    if (!ack.text?.includes("Got it")) return JSON.stringify(ack);
    const reply = await t.slack.waitFor(() => t.slack.responses()[before]);
    expect(reply.args.response_type).toBe("ephemeral");
    return JSON.stringify(reply.args);
  }

  async function latestCase() {
    return t.database.prisma.recoveryCase.findFirstOrThrow({
      orderBy: { number: "desc" },
      include: { timeline: true },
    });
  }

  /**
   * Polls the database until `read` returns something truthy: the app stores a card message
   * only after Slack answered, so a test that saw the stand-in's call must still wait for it.
   */
  async function waitForDb<T>(read: () => Promise<T | undefined | null | false>, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (value) return value;
      if (Date.now() > deadline) throw new Error("waitForDb: timed out");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  let commandCounter = 0;
  /**
   * Opens a case by command and waits until the owner and the reporter have their cards
   * (stored). Each default text differs: the same text within a minute is one case.
   */
  async function openByCommand(text = `<@UOWNER|owen> Acme ${++commandCounter}: wrong earmuffs shipped`) {
    const before = t.slack.postsTo("DUOWNER").length;
    await oops(text);
    await t.slack.waitFor(() => t.slack.postsTo("DUOWNER").length > before);
    return waitForDb(async () => {
      const recoveryCase = await latestCase();
      return recoveryCase.cardMessages.length >= 2 && recoveryCase;
    });
  }

  function click(userId: string, actionId: string, caseId: string) {
    return t.sender.interaction({
      type: "block_actions",
      team: { id: TEAM_ID, domain: "delight-test" },
      user: { id: userId, team_id: TEAM_ID, username: userId.toLowerCase() },
      api_app_id: "A0DELIGHT",
      token: "legacy-verification-token",
      trigger_id: `trigger-${userId}`,
      response_url: t.slack.responseUrl(`action-${userId}`),
      container: { type: "message", channel_id: "DUOWNER", message_ts: "1700000001.000100", is_ephemeral: false },
      channel: { id: "DUOWNER", name: "directmessage" },
      message: { ts: "1700000001.000100", text: "case" },
      actions: [
        {
          type: "button",
          action_id: actionId,
          block_id: "recovery_actions",
          value: caseId,
          action_ts: "1700000002.000100",
        },
      ],
    });
  }

  let viewCounter = 0;
  /** Submits a modal; each call is a new view unless `viewId` says it is a resubmission. */
  async function submit(
    userId: string,
    callbackId: string,
    values: Values,
    privateMetadata = "",
    viewId = `VMODAL${++viewCounter}`,
  ) {
    const response = await t.sender.interaction({
      type: "view_submission",
      team: { id: TEAM_ID, domain: "delight-test" },
      user: { id: userId, team_id: TEAM_ID, username: userId.toLowerCase() },
      api_app_id: "A0DELIGHT",
      token: "legacy-verification-token",
      trigger_id: `trigger-submit-${userId}`,
      view: {
        id: viewId,
        team_id: TEAM_ID,
        type: "modal",
        callback_id: callbackId,
        private_metadata: privateMetadata,
        state: { values },
        hash: "hash",
        app_id: "A0DELIGHT",
        bot_id: "BDELIGHT",
      },
    });
    expect(response.status).toBe(200);
    return response.body
      ? (JSON.parse(response.body) as { response_action?: string; errors?: Record<string, string> })
      : {};
  }

  /** The next card update in `channel` that contains `expected` (earlier tests' updates may still arrive). */
  const cardUpdate = (channel: string, expected: string) =>
    t.slack.waitFor(() =>
      t.slack.callsTo("chat.update").find((c) => c.args.channel === channel && t.slack.textOf(c).includes(expected)),
    );

  const ephemeralTo = async (userId: string) =>
    JSON.stringify(
      (await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === `action-${userId}`))).args,
    );

  it("opens a case from the command: owner DM with buttons, reporter confirmation, escaped text", async () => {
    const reply = await oops(
      "<@UOWNER|owen> Acme &amp; Co: shipped the wrong &lt;b&gt;earmuffs&lt;/b&gt; <!channel> <https://evil.example|click>",
    );
    expect(reply).toMatch(/Opened \*OOPS-\d+\*/);
    expect(reply).toContain("I've told <@UOWNER>");
    // The reporter's own timezone (New York, UTC-5): due 09:00 UTC tomorrow = 04:00 Tue.
    expect(reply).toContain("in 24 h — 04:00 Tue");

    const ownerDm = await t.slack.waitFor(() => t.slack.postsTo("DUOWNER")[0]);
    const dm = t.slack.textOf(ownerDm);
    expect(dm).toContain("opened a service recovery for you");
    expect(dm).toContain("Acme &amp; Co");
    expect(dm).toContain("10:00 Tue"); // Paris
    for (const label of ["Fixed", "Add customer update", "Extend", "Reassign"]) expect(dm).toContain(`"${label}"`);
    expect(dm).toContain("Suggest a surprise");
    expect(dm).not.toContain("<!channel>");
    expect(dm).not.toContain("|click>");
    expect(dm).toContain("<https://evil.example>");
    // The reporter gets the card too, kept current.
    await t.slack.waitFor(() => t.slack.postsTo("DUREPORTER")[0]);

    // The card is stored after Slack answered the post: wait for the database, not the stand-in.
    const recoveryCase = await waitForDb(async () => {
      const latest = await latestCase();
      return latest.cardMessages.length === 2 && latest;
    });
    expect(recoveryCase).toMatchObject({ ownerId: "UOWNER", reporterId: "UREPORTER", status: "open" });
    expect(recoveryCase.dueAt.toISOString()).toBe("2026-11-24T09:00:00.000Z");
    expect(recoveryCase.cardMessages).toHaveLength(2);
    const reminders = await t.database.prisma.recoveryReminder.count({ where: { caseId: recoveryCase.id } });
    expect(reminders).toBe(3);
  });

  it("guides bad input, quoting it back, and opens nothing", async () => {
    const before = await t.database.prisma.recoveryCase.count();
    const noOwner = await oops("Acme: broken order <!here>");
    expect(noOwner).toContain("Name the owner first");
    expect(noOwner).toContain("You typed");
    expect(noOwner).toContain("/oops Acme: broken order");
    expect(noOwner).not.toContain("<!here>");
    expect(await oops("<@UOWNER|owen> Acme broke it")).toContain("Name the customer, then a colon");
    expect(await oops("<@UOWNER|owen> Acme:")).toContain("Say what went wrong");
    expect(await oops("<@UROBOT|robot> Acme: oops")).toContain("Apps can't fix customer mistakes");
    const help = await oops("help");
    expect(help).toContain("/oops @owner Customer name: what went wrong");
    expect(help).toContain("/oops list all");
    expect(await t.database.prisma.recoveryCase.count()).toBe(before);
    expect(t.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("opens the modal for /oops alone; keeps field errors in the modal; opens the case on a valid submit", async () => {
    await t.sender.command("/oops", "", "UREPORTER");
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    expect(JSON.stringify(opened.args.view)).toContain("recovery_open");
    expect(JSON.stringify(opened.args.view)).toContain("1 day from now");

    const before = await t.database.prisma.recoveryCase.count();
    const values = (deadline: Date | null, owner = "UOWNER"): Values => ({
      owner: userValue(owner),
      customer: textValue("Globex <!everyone>"),
      description: textValue("Invoice sent twice"),
      link: { value: { type: "url_text_input", value: "https://tickets.example/42" } },
      deadline: dateTimeValue(deadline),
    });
    const past = await submit("UREPORTER", "recovery_open", values(new Date(START.getTime() - HOUR)));
    expect(past.response_action).toBe("errors");
    expect(past.errors?.deadline).toContain("in the past");
    const bot = await submit("UREPORTER", "recovery_open", values(null, "UROBOT"));
    expect(bot.errors?.owner).toContain("Apps can't");
    expect(await t.database.prisma.recoveryCase.count()).toBe(before);

    const due = new Date(START.getTime() + 6 * HOUR);
    expect(await submit("UREPORTER", "recovery_open", values(due))).toEqual({});
    await t.slack.waitFor(() => t.slack.postsTo("DUOWNER")[0]);
    const recoveryCase = await latestCase();
    expect(recoveryCase.dueAt.toISOString()).toBe(due.toISOString());
    expect(recoveryCase.link).toBe("https://tickets.example/42");
    expect(recoveryCase.customer).toBe("Globex &lt;!everyone&gt;");
    expect(t.slack.textOf(t.slack.postsTo("DUOWNER")[0]!)).not.toContain("<!everyone>");
    // The modal has no response_url: the reporter's confirmation comes as a DM.
    await t.slack.waitFor(() => t.slack.postsTo("DUREPORTER")[0]);
  });

  it("keeps the case and tells the reporter when the owner can't be messaged", async () => {
    // Slack refuses for good (a brief 5xx would just be retried by the outbox).
    t.slack.addUser({ id: "UGONE", name: "Gone" });
    t.slack.on("conversations.open", (args) =>
      args.users === "UGONE"
        ? { ok: false, error: "user_disabled" }
        : { ok: true, channel: { id: `D${String(args.users)}` } },
    );
    try {
      const reply = await oops("<@UGONE|gone> Initech: lost the stapler");
      expect(reply).toContain("Opened");
      const warning = await t.slack.waitFor(() => t.slack.responses()[1]);
      expect(JSON.stringify(warning.args)).toContain("Please tell them yourself");
      expect((await latestCase()).customer).toBe("Initech");
    } finally {
      t.slack.on("conversations.open", (args) => ({ ok: true, channel: { id: `D${String(args.users)}` } }));
    }
  });

  it("opens one case when the same /oops is sent again within a minute, and says it was already received", async () => {
    const before = await t.database.prisma.recoveryCase.count();
    const text = "<@UOWNER|owen> Umbrella Corp: umbrella arrived inside out";
    const first = await t.sender.command("/oops", text, "UREPORTER");
    const again = await t.sender.command("/oops", text, "UREPORTER");
    expect(first.body).toContain("Got it");
    expect(again.body).toContain("already received");
    await t.slack.waitFor(() => t.slack.postsTo("DUOWNER")[0]);
    await waitForDb(async () => (await latestCase()).cardMessages.length === 2);
    expect(await t.database.prisma.recoveryCase.count()).toBe(before + 1);
    expect(t.slack.postsTo("DUOWNER")).toHaveLength(1);
    // Someone else sending the same text is a case of their own.
    expect(await oops(text, "UMANAGER")).toMatch(/Opened \*OOPS-\d+\*/);
    expect(await t.database.prisma.recoveryCase.count()).toBe(before + 2);
  });

  it("numbers cases per workspace: two new workspaces each start at OOPS-1", async () => {
    const alpha = new SignedSlackClient(t.url, SIGNING_SECRET, "T0ALPHA", `${t.slack.url}respond/`);
    const beta = new SignedSlackClient(t.url, SIGNING_SECRET, "T0BETA", `${t.slack.url}respond/`);
    expect(await oops("<@UOWNER|owen> Alpha Co: late", "UREPORTER", alpha)).toContain("Opened *OOPS-1*");
    expect(await oops("<@UOWNER|owen> Beta Co: late", "UREPORTER", beta)).toContain("Opened *OOPS-1*");
    expect(await oops("<@UOWNER|owen> Alpha Co: late again", "UREPORTER", alpha)).toContain("Opened *OOPS-2*");
    const numbers = await t.database.prisma.recoveryCase.findMany({
      where: { teamId: { in: ["T0ALPHA", "T0BETA"] } },
      select: { teamId: true, number: true },
      orderBy: [{ teamId: "asc" }, { number: "asc" }],
    });
    expect(numbers).toEqual([
      { teamId: "T0ALPHA", number: 1 },
      { teamId: "T0ALPHA", number: 2 },
      { teamId: "T0BETA", number: 1 },
    ]);
  });

  it("refuses someone who is not owner, reporter or manager, and changes nothing", async () => {
    const recoveryCase = await openByCommand();
    await click("USTRANGER", "recovery_fixed", recoveryCase.id);
    expect(await ephemeralTo("USTRANGER")).toContain("Only the owner (<@UOWNER>), the reporter (<@UREPORTER>)");
    expect(t.slack.callsTo("views.open")).toHaveLength(0);
    // A forged submission is refused on the server too.
    const forged = await submit(
      "USTRANGER",
      "recovery_fixed_modal",
      { fix: textValue("nothing"), surprise: textValue("") },
      recoveryCase.id,
    );
    expect(forged.errors?.fix).toContain("Only the owner, the reporter or a Delight manager");
    expect((await latestCase()).status).toBe("open");
  });

  it("Fixed: records what was done and the surprise, cancels reminders, updates every card", async () => {
    const recoveryCase = await openByCommand();
    await t.slack.waitFor(() => t.slack.postsTo("DUREPORTER")[0]);
    await click("UOWNER", "recovery_fixed", recoveryCase.id);
    const modal = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    expect(JSON.stringify(modal.args.view)).toContain("What surprise was given?");

    const missing = await submit(
      "UOWNER",
      "recovery_fixed_modal",
      { fix: textValue("  "), surprise: textValue("") },
      recoveryCase.id,
    );
    expect(missing.errors?.fix).toBeTruthy();

    clock.advance(3 * HOUR);
    const done = await submit(
      "UOWNER",
      "recovery_fixed_modal",
      { fix: textValue("Couriered the right pair"), surprise: textValue("Hand-written note & cocoa") },
      recoveryCase.id,
    );
    expect(done).toEqual({});
    const ownerCard = await cardUpdate("DUOWNER", "Couriered the right pair");
    await cardUpdate("DUREPORTER", "Couriered the right pair");
    const card = t.slack.textOf(ownerCard);
    expect(card).toContain("Fixed");
    expect(card).toContain("within the deadline");
    expect(card).toContain("Hand-written note &amp; cocoa");
    expect(card).not.toContain("recovery_extend"); // no buttons on a fixed case

    const row = await t.database.prisma.recoveryCase.findUniqueOrThrow({ where: { id: recoveryCase.id } });
    expect(row).toMatchObject({ status: "resolved", resolvedBy: "UOWNER", fixSummary: "Couriered the right pair" });
    // The reporter hears it is fixed.
    const notice = await t.slack.waitFor(() =>
      t.slack.postsTo("DUREPORTER").find((c) => t.slack.textOf(c).includes("was fixed by <@UOWNER>")),
    );
    expect(t.slack.textOf(notice)).toContain("within the deadline");
    expect(
      await t.database.prisma.recoveryReminder.count({ where: { caseId: recoveryCase.id, status: "pending" } }),
    ).toBe(0);

    // A stale button on a fixed case tells the person and opens nothing.
    t.slack.reset();
    await click("UREPORTER", "recovery_update", recoveryCase.id);
    expect(await ephemeralTo("UREPORTER")).toContain("already marked fixed");
    expect(t.slack.callsTo("views.open")).toHaveLength(0);
  });

  it("Add customer update (reporter), Extend (manager) and Reassign keep the timeline and the cards current", async () => {
    const recoveryCase = await openByCommand();

    await click("UREPORTER", "recovery_update", recoveryCase.id);
    await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    clock.advance(HOUR);
    await submit(
      "UREPORTER",
      "recovery_update_modal",
      { update: textValue("Called them: new pair ships today") },
      recoveryCase.id,
    );
    await cardUpdate("DUOWNER", "customer update: Called them: new pair ships today");

    // Extend by a manager: a deadline in the past stays in the modal with an error.
    t.slack.reset();
    const pastExtend = await submit(
      "UMANAGER",
      "recovery_extend_modal",
      { new_deadline: dateTimeValue(new Date(START.getTime())), reason: textValue("courier") },
      recoveryCase.id,
    );
    expect(pastExtend.errors?.new_deadline).toContain("in the past");
    const newDue = new Date(START.getTime() + 48 * HOUR);
    expect(
      await submit(
        "UMANAGER",
        "recovery_extend_modal",
        { new_deadline: dateTimeValue(newDue), reason: textValue("Courier strike") },
        recoveryCase.id,
      ),
    ).toEqual({});
    const extended = await cardUpdate("DUOWNER", "Courier strike");
    expect(t.slack.textOf(extended)).toContain("10:00 Wed"); // new deadline, Paris time
    const pending = await t.database.prisma.recoveryReminder.findMany({
      where: { caseId: recoveryCase.id, status: "pending" },
      orderBy: { dueAt: "asc" },
    });
    expect(pending.at(-1)).toMatchObject({ kind: "escalation", dueAt: newDue });

    // Reassign: the new owner is told at once; the old owner's card shows the new owner.
    t.slack.reset();
    const self = await submit(
      "UOWNER",
      "recovery_reassign_modal",
      { new_owner: userValue("UOWNER"), note: textValue("") },
      recoveryCase.id,
    );
    expect(self.errors?.new_owner).toContain("already own");
    await submit(
      "UOWNER",
      "recovery_reassign_modal",
      { new_owner: userValue("UNEWOWNER"), note: textValue("You know this customer") },
      recoveryCase.id,
    );
    const newOwnerDm = await t.slack.waitFor(() => t.slack.postsTo("DUNEWOWNER")[0]);
    expect(t.slack.textOf(newOwnerDm)).toContain("now yours");
    await cardUpdate("DUOWNER", "*Owner*\\n<@UNEWOWNER>");
    expect((await latestCase()).ownerId).toBe("UNEWOWNER");
    // Both decisions are in the audit trail: who, what, before → after.
    const audit = await t.database.prisma.auditEntry.findMany({
      where: { target: `OOPS-${recoveryCase.number}` },
      orderBy: { createdAt: "asc" },
    });
    expect(audit).toMatchObject([
      { actorId: "UMANAGER", action: "case.extend", after: { dueAt: newDue.toISOString() } },
      { actorId: "UOWNER", action: "case.reassign", before: { ownerId: "UOWNER" }, after: { ownerId: "UNEWOWNER" } },
    ]);

    // The old owner is now just a bystander.
    await click("UOWNER", "recovery_extend", recoveryCase.id);
    expect(await ephemeralTo("UOWNER")).toContain("Only the owner (<@UNEWOWNER>)");
  });

  it("lists your open cases soonest first, and every case for managers only", async () => {
    await t.database.prisma.recoveryCase.updateMany({ where: { status: "open" }, data: { status: "resolved" } });
    await openByCommand("<@UOWNER|owen> Later Ltd: late delivery");
    clock.advance(-2 * HOUR); // opened earlier, so due sooner
    await openByCommand("<@UOWNER|owen> Sooner Inc: wrong size");
    clock.set(new Date(START.getTime() + HOUR));

    const mine = await oops("list", "UOWNER");
    expect(mine).toContain("Your open recoveries (2)");
    expect(mine.indexOf("Sooner Inc")).toBeLessThan(mine.indexOf("Later Ltd"));
    expect(mine).toContain("in 21 h — 08:00 Tue");

    expect(await oops("list", "USTRANGER")).toContain("You have no open recoveries");
    expect(await oops("list all", "USTRANGER")).toContain("Only Delight managers");
    const all = await oops("list all", "UMANAGER");
    expect(all).toContain("Open recoveries (2)");
    expect(all).toContain("<@UOWNER>");
  });

  it("runs the scheduler through the app: one reminder per due time even with a second instance", async () => {
    await t.database.prisma.recoveryCase.updateMany({ where: { status: "open" }, data: { status: "resolved" } });
    await t.database.prisma.recoveryReminder.updateMany({
      where: { status: "pending" },
      data: { status: "cancelled" },
    });
    const recoveryCase = await openByCommand();
    const second = await startTestApp({ database: t.database, slack: t.slack, clock });
    try {
      t.slack.reset();
      clock.advance(12 * HOUR);
      const [a, b] = await Promise.all([t.delight.scheduler.tick(), second.delight.scheduler.tick()]);
      expect(a.enqueued + b.enqueued).toBe(1);
      await t.slack.waitFor(() => t.slack.postsTo("DUOWNER")[0]);
      await Promise.all([t.delight.workers.drain(), second.delight.workers.drain()]);
      const reminder = t.slack.postsTo("DUOWNER");
      expect(reminder).toHaveLength(1);
      expect(t.slack.textOf(reminder[0]!)).toContain("Reminder:");
      expect(t.slack.textOf(reminder[0]!)).toContain(`OOPS-${recoveryCase.number}`);
    } finally {
      await second.stop();
    }
  });

  it("quotes back everything a long, invalid /oops typed", async () => {
    const long = `Acme ${"very ".repeat(200)}broken order END-OF-INPUT`;
    const reply = await oops(long);
    expect(reply).toContain("Name the owner first");
    expect(reply).toContain("END-OF-INPUT");
  });

  it("Reassign: when the new owner can't be messaged, the cards still update and the reassigner is told", async () => {
    const recoveryCase = await openByCommand();
    t.slack.reset();
    // Slack refuses for good (a brief 5xx would just be retried by the outbox).
    t.slack.addUser({ id: "UFAREWELL", name: "Fay" });
    t.slack.on("conversations.open", (args) =>
      args.users === "UFAREWELL"
        ? { ok: false, error: "user_disabled" }
        : { ok: true, channel: { id: `D${String(args.users)}` } },
    );
    try {
      await submit(
        "UOWNER",
        "recovery_reassign_modal",
        { new_owner: userValue("UFAREWELL"), note: textValue("") },
        recoveryCase.id,
      );
      await cardUpdate("DUOWNER", "*Owner*\\n<@UFAREWELL>");
      const told = await t.slack.waitFor(() =>
        t.slack.postsTo("DUOWNER").find((c) => t.slack.textOf(c).includes("didn't let me message <@UFAREWELL>")),
      );
      expect(told).toBeTruthy();
    } finally {
      t.slack.on("conversations.open", (args) => ({ ok: true, channel: { id: `D${String(args.users)}` } }));
    }
  });

  it("opens one case when Slack resends the same modal view", async () => {
    const before = await t.database.prisma.recoveryCase.count();
    const values: Values = {
      owner: userValue("UOWNER"),
      customer: textValue("Hooli"),
      description: textValue("Double charged"),
      link: { value: { type: "url_text_input", value: "" } },
      deadline: dateTimeValue(null),
    };
    await Promise.all([
      submit("UREPORTER", "recovery_open", values, "", "VRESENT"),
      submit("UREPORTER", "recovery_open", values, "", "VRESENT"),
    ]);
    await t.slack.waitFor(() => t.slack.postsTo("DUOWNER")[0]);
    await submit("UREPORTER", "recovery_open", values, "", "VRESENT");
    await waitForDb(async () => (await latestCase()).cardMessages.length === 2);
    expect(await t.database.prisma.recoveryCase.count()).toBe(before + 1);
    expect(t.slack.postsTo("DUOWNER")).toHaveLength(1);
    // A resubmission that lost the race on the unique key is not an error for the reporter.
    expect(t.slack.postsTo("DUREPORTER").filter((c) => t.slack.textOf(c).includes("couldn't save"))).toHaveLength(0);
  });

  it("DMs the reporter everything they typed when the modal's case can't be saved", async () => {
    const prisma = t.database.prisma;
    await prisma.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION delight_test_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql`,
    );
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER delight_test_fail BEFORE INSERT ON "RecoveryCase" FOR EACH ROW EXECUTE FUNCTION delight_test_fail()`,
    );
    try {
      const description = `The parcel went to the old address ${"and back ".repeat(150)}THE-END`;
      const reply = await submit("UREPORTER", "recovery_open", {
        owner: userValue("UOWNER"),
        customer: textValue("Pied Piper & Co"),
        description: textValue(description),
        link: { value: { type: "url_text_input", value: "https://tickets.example/7" } },
        deadline: dateTimeValue(null),
      });
      expect(reply).toEqual({});
      const dm = t.slack.textOf(await t.slack.waitFor(() => t.slack.postsTo("DUREPORTER")[0]));
      expect(dm).toContain("couldn't save");
      expect(dm).toContain("Pied Piper &amp; Co");
      expect(dm).toContain("THE-END");
      expect(dm).toContain("https://tickets.example/7");
      expect(dm).toContain("<@UOWNER>");

      // The same from /oops: the reply quotes the command back.
      const commandReply = await oops(`<@UOWNER|owen> Pied Piper: ${"lost ".repeat(100)}LAST-WORD`);
      expect(commandReply).toContain("couldn't save");
      expect(commandReply).toContain("LAST-WORD");
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER delight_test_fail ON "RecoveryCase"`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION delight_test_fail()`);
    }
  });
});
