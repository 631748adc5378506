// Nominations and approval in threads, end to end: the real app, signed requests, the Slack
// stand-in. One app for the file; the stand-in's record is reset between tests.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { queueWaitingCards } from "../../src/features/nominations/cards.ts";
import { saveNomination } from "../../src/features/nominations/intake.ts";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import { buttonClick, messageShortcut, reactionAdded, threadReply, viewSubmission } from "../support/payloads.ts";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { SIGNING_SECRET, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const APPROVALS = "C0APPROVE";
const STORIES = "C0STORIES";
const workspace = { teamId: TEAM_ID };

describe("nominations", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      admins: ["UADMIN"],
      users: [
        { id: "UADMIN", name: "Ada" },
        { id: "UNINA", name: "Nina" },
        { id: "UALICE", name: "Alice" },
        { id: "UBOB", name: "Bob" },
        { id: "UMARIA", name: "Maria" },
        { id: "ULI", name: "Li" },
        { id: "USAM", name: "Sam" },
        { id: "UROBOT", name: "Robot", is_bot: true },
        { id: "UGONE", name: "Gone", deleted: true },
      ],
    });
    await addManagers(t.database.prisma, workspace, ["UMARIA", "ULI"], "UADMIN");
    await setChannel(t.database.prisma, workspace, "approvals", APPROVALS);
    await setChannel(t.database.prisma, workspace, "stories", STORIES);
  });
  afterAll(() => t.stop());
  beforeEach(() => t.slack.reset());
  // Let the work that follows a decision finish, so it is not counted in the next test.
  afterEach(async () => {
    for (let seen = -1; seen !== t.slack.calls.length;) {
      seen = t.slack.calls.length;
      await settle(80);
    }
  });

  const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));
  const text = (call: RecordedCall | undefined) => (call ? JSON.stringify(call.args) : "");
  const cards = (channel = APPROVALS) => t.slack.postsTo(channel).filter((c) => !c.args.thread_ts);
  const threadPosts = (channel = APPROVALS) => t.slack.postsTo(channel).filter((c) => c.args.thread_ts);
  const dmsTo = (userId: string) => t.slack.postsTo(`D${userId}`);

  /**
   * Sends /delight and returns the answer's text: the ack itself for help and input errors,
   * otherwise (after "Got it…") the reply the job sends to response_url.
   */
  async function delight(commandText: string, userId = "UNINA", sender: SignedSlackClient = t.sender) {
    // Each nomination gets its own creation time, so "the latest" is well defined.
    (t.clock as TestClock).advance(60_000);
    const before = t.slack.responses().length;
    const response = await sender.command("/delight", commandText, userId);
    expect(response.status).toBe(200);
    if (response.body && !response.body.includes("Got it")) {
      expect(JSON.parse(response.body)).toMatchObject({ response_type: "ephemeral" });
      return response.body;
    }
    const reply = await t.slack.waitFor(() => t.slack.responses()[before]);
    expect(reply.args.response_type).toBe("ephemeral");
    return text(reply);
  }

  /** Nominates and waits for the card and its controls; returns the nomination row. */
  async function nominateAndWaitForCard(commandText = "<@UALICE|alice> rebuilt Acme's order overnight #attention") {
    const reply = await delight(commandText);
    expect(reply).toContain("waiting for a manager's approval");
    const nomination = await t.database.prisma.nomination.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    await t.slack.waitFor(() => threadPosts().some((c) => c.args.thread_ts === nomination.approvalMessageTs));
    return t.database.prisma.nomination.findUniqueOrThrow({ where: { id: nomination.id } });
  }

  function click(userId: string, actionId: string, nominationId: string, responseId = "click") {
    return t.sender.interaction(
      buttonClick({ userId, actionId, value: nominationId, responseUrl: t.slack.responseUrl(responseId) }),
    );
  }

  it("creates a nomination from /delight and posts the card, with the buttons in its thread", async () => {
    const n = await nominateAndWaitForCard(
      "<@UALICE|alice> <@UBOB|bob> stayed late to rebuild Acme's order #attention #delight",
    );
    expect(n).toMatchObject({
      status: "pending",
      nominatorId: "UNINA",
      nomineeIds: ["UALICE", "UBOB"],
      story: "stayed late to rebuild Acme's order",
      values: ["attention", "delight"],
      approvalChannelId: APPROVALS,
    });
    expect(n.intakeKey).toBeTruthy();
    expect(cards()).toHaveLength(1);
    const card = text(cards()[0]);
    expect(card).toContain("<@UNINA> nominated <@UALICE> and <@UBOB>");
    expect(card).toContain("rebuild Acme");
    const controls = threadPosts()[0]!;
    expect(controls.args.thread_ts).toBe(n.approvalMessageTs);
    expect(text(controls)).toContain("nomination_approve");
    expect(text(controls)).toContain("nomination_reject");
    expect(n.controlsMessageTs).toBeTruthy();
  });

  it("explains usage with examples on /delight help", async () => {
    const reply = await delight("help");
    expect(reply).toContain("/delight @alice");
    expect(reply).toContain("#listen");
  });

  it("refuses bad nominations with a friendly message quoting the input, and saves nothing", async () => {
    const before = await t.database.prisma.nomination.count();
    const cases: Array<[string, string]> = [
      ["great job on the Acme call", "Start with the people"],
      ["<@UALICE|alice> #listen", "Tell the story"],
      ["<@UNINA|nina> I fixed it myself", "can't nominate yourself"],
      ["<@UROBOT|robot> answered instantly", "apps can't be recognised"],
      ["<@UGONE|gone> was great", "<@UGONE> is no longer in this workspace"],
      [`<@UALICE|alice> ${"so good ".repeat(300)}`, "keep it under"],
    ];
    for (const [input, expected] of cases) {
      const reply = await delight(input);
      expect(reply).toContain(expected);
      expect(reply).toContain("You typed");
    }
    // The quote escapes what was typed.
    const quoted = await delight("<!channel> please look");
    expect(quoted).not.toContain("<!channel>");
    expect(await t.database.prisma.nomination.count()).toBe(before);
    expect(t.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("says on the card when the same nominator keeps nominating the same person (3+ in 30 days), blocking nothing", async () => {
    const now = t.clock.now().getTime();
    const day = 24 * 60 * 60_000;
    // Two earlier nominations of Bob by Nina in the window, one just outside it.
    for (const age of [2, 20, 31]) {
      await t.database.prisma.nomination.create({
        data: {
          teamId: TEAM_ID,
          nominatorId: "UNINA",
          nomineeIds: ["UBOB"],
          story: "earlier",
          values: [],
          status: "approved",
          createdAt: new Date(now - age * day),
        },
      });
    }
    const n = await nominateAndWaitForCard("<@UBOB|bob> <@UALICE|alice> fixed the Acme invoice again #recovery");
    const card = t.slack
      .callsTo("chat.postMessage")
      .find((c) => c.args.ts === undefined && text(c).includes("fixed the Acme invoice"));
    // The two seeded in the window, this one, and any earlier test's nomination of Bob by Nina.
    expect(text(card)).toMatch(/<@UNINA> has nominated <@UBOB> [3-9] times in the last 30 days/);
    expect(n.status).toBe("pending");
  });

  it("approves from the thread button: story shared, nominees and nominator told, card updated", async () => {
    const n = await nominateAndWaitForCard();
    t.slack.reset();
    expect((await click("UMARIA", "nomination_approve", n.id)).status).toBe(200);
    await t.slack.waitFor(() => dmsTo("UNINA").some((c) => text(c).includes("Thank you")));
    await settle();

    const row = await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ status: "approved", decidedBy: "UMARIA", storyChannelId: STORIES });
    // The decision is in the audit trail, written with it.
    expect(await t.database.prisma.auditEntry.findMany({ where: { target: n.id } })).toMatchObject([
      { actorId: "UMARIA", action: "nomination.approve", before: { status: "pending" }, after: { status: "approved" } },
    ]);
    const stories = t.slack.postsTo(STORIES);
    expect(stories).toHaveLength(1);
    expect(text(stories[0])).toContain("<@UALICE>");
    expect(text(stories[0])).toContain("approved by <@UMARIA>");
    expect(text(stories[0])).toContain("Attention");
    expect(dmsTo("UALICE")).toHaveLength(1);
    expect(text(dmsTo("UALICE")[0])).toContain("recognised");
    expect(dmsTo("UNINA").map(text).join()).toContain("Thank you");
    const updates = t.slack.callsTo("chat.update");
    expect(updates.map((u) => u.args.ts)).toEqual(expect.arrayContaining([n.approvalMessageTs, n.controlsMessageTs]));
    expect(text(updates.find((u) => u.args.ts === n.approvalMessageTs))).toContain("Approved");
    expect(text(updates.find((u) => u.args.ts === n.controlsMessageTs))).not.toContain("nomination_approve");
    // The thread records it.
    expect(threadPosts().some((c) => text(c).includes("Approved"))).toBe(true);
  });

  it("refuses a non-manager's click: ephemeral refusal, nothing changes, nothing posted", async () => {
    const n = await nominateAndWaitForCard();
    t.slack.reset();
    await click("USAM", "nomination_approve", n.id, "sam");
    const reply = await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === "sam"));
    expect(reply.args.response_type).toBe("ephemeral");
    expect(text(reply)).toContain("Only managers can approve");
    await click("USAM", "nomination_reject", n.id, "sam2");
    await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === "sam2"));
    await settle();
    expect(t.slack.callsTo("chat.postMessage")).toHaveLength(0);
    expect(t.slack.callsTo("chat.update")).toHaveLength(0);
    expect(t.slack.callsTo("views.open")).toHaveLength(0);
    expect((await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe("pending");
  });

  it("lets exactly one of two managers clicking at once decide; one story post", async () => {
    const n = await nominateAndWaitForCard();
    t.slack.reset();
    await Promise.all([
      click("UMARIA", "nomination_approve", n.id, "maria"),
      click("ULI", "nomination_approve", n.id, "li"),
      click("UMARIA", "nomination_approve", n.id, "maria-again"),
    ]);
    await t.slack.waitFor(() => t.slack.postsTo(STORIES).length > 0 && dmsTo("UNINA").length > 0);
    await settle(300);
    expect(t.slack.postsTo(STORIES)).toHaveLength(1);
    expect(dmsTo("UALICE")).toHaveLength(1);
    const row = await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } });
    // The manager who lost is told who decided.
    const loser = row.decidedBy === "UMARIA" ? "li" : "maria";
    if (loser === "li") {
      const late = await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === "li"));
      expect(text(late)).toContain("already approved by <@UMARIA>");
    }
  });

  it("tells a late click who decided", async () => {
    const n = await nominateAndWaitForCard();
    await click("UMARIA", "nomination_approve", n.id, "first");
    await t.slack.waitFor(() => t.slack.postsTo(STORIES).length > 0);
    t.slack.reset();
    await click("ULI", "nomination_approve", n.id, "late");
    const late = await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === "late"));
    expect(text(late)).toContain("already approved by <@UMARIA>");
    await settle();
    expect(t.slack.postsTo(STORIES)).toHaveLength(0);
  });

  it("approves on a manager's ✅ reaction once, even when Slack retries the event", async () => {
    const n = await nominateAndWaitForCard();
    t.slack.reset();
    const event = reactionAdded({ userId: "ULI", channel: APPROVALS, ts: n.approvalMessageTs! });
    await t.sender.event(event, { eventId: "EvREACT1" });
    await t.sender.event(event, { eventId: "EvREACT1", retryNum: 1, retryReason: "http_timeout" });
    await t.sender.event(event, { eventId: "EvREACT1", retryNum: 2, retryReason: "http_timeout" });
    await t.slack.waitFor(() => t.slack.postsTo(STORIES).length > 0 && dmsTo("UNINA").length > 0);
    await settle(300);
    expect(t.slack.postsTo(STORIES)).toHaveLength(1);
    expect(t.slack.callsTo("chat.postEphemeral")).toHaveLength(0);
    const row = await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ status: "approved", decidedBy: "ULI" });
  });

  it("ignores other reactions and refuses a non-manager's ✅ without changing anything", async () => {
    const n = await nominateAndWaitForCard();
    t.slack.reset();
    await t.sender.event(
      reactionAdded({ userId: "UMARIA", channel: APPROVALS, ts: n.approvalMessageTs!, reaction: "tada" }),
    );
    await t.sender.event(reactionAdded({ userId: "USAM", channel: APPROVALS, ts: n.approvalMessageTs! }));
    const refusal = await t.slack.waitFor(() => t.slack.callsTo("chat.postEphemeral")[0]);
    expect(refusal.args).toMatchObject({ user: "USAM", channel: APPROVALS, thread_ts: n.approvalMessageTs });
    expect(text(refusal)).toContain("Only managers can approve");
    await settle();
    expect(t.slack.callsTo("chat.postMessage")).toHaveLength(0);
    expect((await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe("pending");
  });

  it("approves on a manager's “approve” reply in the card's thread", async () => {
    const n = await nominateAndWaitForCard();
    t.slack.reset();
    await t.sender.event(
      threadReply({ userId: "USAM", channel: APPROVALS, threadTs: n.approvalMessageTs!, text: "approve" }),
    );
    await t.slack.waitFor(() => t.slack.callsTo("chat.postEphemeral")[0]);
    await t.sender.event(
      threadReply({ userId: "UMARIA", channel: APPROVALS, threadTs: n.approvalMessageTs!, text: "Approved!" }),
    );
    await t.slack.waitFor(() => t.slack.postsTo(STORIES).length > 0);
    const row = await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ status: "approved", decidedBy: "UMARIA" });
  });

  it("rejects with a reason from a modal; the nominator gets the reason by DM", async () => {
    const n = await nominateAndWaitForCard();
    t.slack.reset();
    await click("UMARIA", "nomination_reject", n.id);
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("nomination_reject_modal");

    const submit = (reason: string, userId = "UMARIA") =>
      t.sender.interaction(
        viewSubmission({
          userId,
          callbackId: view.callback_id,
          privateMetadata: view.private_metadata,
          values: { reason: { type: "plain_text_input", value: reason } },
        }),
      );
    const empty = await submit("  ");
    expect(JSON.parse(empty.body)).toMatchObject({ response_action: "errors", errors: { reason: expect.any(String) } });
    // private_metadata comes back from Slack: one that is not the app's is read as such, not thrown on.
    for (const privateMetadata of ["{not json", JSON.stringify({ nominationId: 42 }), "x".repeat(3001)]) {
      const garbled = await t.sender.interaction(
        viewSubmission({
          userId: "UMARIA",
          callbackId: view.callback_id,
          privateMetadata,
          values: { reason: { type: "plain_text_input", value: "a reason" } },
        }),
      );
      expect(garbled.body).toContain("can't find that nomination");
    }
    const notManager = await submit("nope", "USAM");
    expect(notManager.body).toContain("Only managers");
    expect((await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe("pending");

    const done = await submit("Lovely, but it was an internal customer <!here>");
    expect(done.status).toBe(200);
    const rejectedDm = await t.slack.waitFor(() => dmsTo("UNINA").find((c) => text(c).includes("wasn't approved")));
    const row = await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ status: "rejected", decidedBy: "UMARIA" });
    const dm = text(rejectedDm);
    expect(dm).toContain("internal customer");
    expect(dm).not.toContain("<!here>");
    await settle();
    expect(t.slack.postsTo(STORIES)).toHaveLength(0);
    expect(text(t.slack.callsTo("chat.update").find((u) => u.args.ts === n.approvalMessageTs))).toContain(
      "Not approved",
    );
  });

  it("escapes <!channel> inside a story everywhere it is posted", async () => {
    const n = await nominateAndWaitForCard(
      "<@UALICE|alice> told the whole floor <!channel> and &lt;!everyone&gt; that Acme was saved #delight",
    );
    await click("UMARIA", "nomination_approve", n.id);
    await t.slack.waitFor(() => t.slack.postsTo(STORIES).length > 0 && dmsTo("UALICE").length > 0);
    const everything = t.slack.calls.map(text).join("\n");
    expect(everything).toContain("told the whole floor");
    expect(everything).not.toContain("<!channel>");
    expect(everything).not.toContain("<!everyone>");
    // Shown as harmless text: "@" + zero-width space + "channel".
    expect(text(t.slack.postsTo(STORIES)[0])).toContain("@\u200Bchannel");
  });

  it("opens the modal on /delight alone, shows field errors, and creates the nomination on submit", async () => {
    const before = t.slack.responses().length;
    await t.sender.command("/delight", "", "UNINA");
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    expect(opened.args.view).toMatchObject({ callback_id: "nominate_modal" });
    expect(t.slack.responses()).toHaveLength(before);

    const form = (values: Record<string, Record<string, unknown>>, userId = "UNINA") =>
      t.sender.interaction(viewSubmission({ userId, callbackId: "nominate_modal", values }));
    const full = {
      nominees: { type: "multi_users_select", selected_users: ["UBOB"] },
      customer: { type: "plain_text_input", value: "Acme <!here>" },
      story: { type: "plain_text_input", value: "Drove the spare part to Acme <@UMARIA> <!channel>" },
      values: { type: "checkboxes", selected_options: [{ value: "delight" }, { value: "recovery" }] },
      link: { type: "plain_text_input", value: "https://support.example.com/t/42" },
    };
    const bad = await form({ ...full, story: { type: "plain_text_input", value: "" }, link: { value: "nope" } });
    expect(JSON.parse(bad.body)).toMatchObject({
      response_action: "errors",
      errors: { story: expect.any(String), link: expect.stringContaining("https://") },
    });
    const self = await form({ ...full, nominees: { selected_users: ["UNINA", "UBOB"] } });
    expect(JSON.parse(self.body)).toMatchObject({ errors: { nominees: expect.stringContaining("yourself") } });
    const bot = await form({ ...full, nominees: { selected_users: ["UROBOT"] } });
    expect(JSON.parse(bot.body)).toMatchObject({ errors: { nominees: expect.stringContaining("@Robot") } });
    expect(t.slack.callsTo("chat.postMessage")).toHaveLength(0);

    (t.clock as TestClock).advance(60_000);
    const ok = await form(full);
    expect(ok.status).toBe(200);
    expect(ok.body).not.toContain("errors");
    await t.slack.waitFor(() => dmsTo("UNINA").some((c) => text(c).includes("waiting for a manager")));
    const n = await t.database.prisma.nomination.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(n).toMatchObject({
      nomineeIds: ["UBOB"],
      customer: "Acme <!here>",
      values: ["delight", "recovery"],
      link: "https://support.example.com/t/42",
    });
    const card = text(cards()[0]);
    expect(card).toContain("https://support.example.com/t/42");
    expect(card).not.toContain("<!channel>");
    expect(card).not.toContain("<!here>");
    // Typed in a modal, "<@UMARIA>" is text, not a mention.
    expect(card).not.toContain("<@UMARIA>");
    expect(dmsTo("UNINA").map(text).join()).toContain("waiting for a manager's approval");
  });

  it("turns a message into a prefilled nomination with its permalink (message shortcut)", async () => {
    await t.sender.interaction(
      messageShortcut({
        userId: "UNINA",
        callbackId: "nominate_message",
        channel: "C0SUPPORT",
        message: {
          ts: "1700000123.000200",
          text: "Thank you <@UALICE|alice> &amp; team, you saved our launch!",
          user: "UCUSTOMER",
        },
        responseUrl: t.slack.responseUrl("shortcut"),
      }),
    );
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    const updated = await t.slack.waitFor(() => t.slack.callsTo("views.update")[0]);
    const permalinkCall = t.slack.callsTo("chat.getPermalink")[0]!;
    expect(permalinkCall.args).toMatchObject({ channel: "C0SUPPORT", message_ts: "1700000123.000200" });
    // The form opens first (the trigger_id expires in seconds); the link is added after.
    const order = (call: RecordedCall) => t.slack.calls.indexOf(call);
    expect(order(opened)).toBeLessThan(order(permalinkCall));
    expect(order(permalinkCall)).toBeLessThan(order(updated));
    const view = JSON.stringify(opened.args.view);
    expect(view).toContain("nominate_modal");
    expect(view).toContain("Thank you @alice & team, you saved our launch!");
    expect(view).toContain('"initial_users":["UALICE"]');
    expect(updated.args.view_id).toMatch(/^V/);
    const withLink = JSON.stringify(updated.args.view);
    expect(withLink).toContain("https://delight-test.slack.com/archives/C0SUPPORT/p1700000123000200");
    expect(withLink).toContain("Thank you @alice & team, you saved our launch!");
  });

  it("shows names, not ids, for the bare mentions of a real message in the shortcut's form", async () => {
    await t.sender.interaction(
      messageShortcut({
        userId: "UNINA",
        callbackId: "nominate_message",
        channel: "C0SUPPORT",
        message: { ts: "1700000124.000300", text: "Huge thanks to <@UALICE> and <@UNKNOWN1>!", user: "UCUSTOMER" },
        responseUrl: t.slack.responseUrl("shortcut"),
      }),
    );
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    const view = JSON.stringify(opened.args.view);
    expect(view).toContain("Huge thanks to @Alice and @UNKNOWN1!");
    expect(view).not.toContain("@UALICE");
    expect(view).toContain('"initial_users":["UALICE","UNKNOWN1"]');
  });

  it("quotes the whole of a refused /delight back, however long", async () => {
    const story = `${"so good ".repeat(400)}and that is the END`;
    const reply = await delight(`<@UALICE|alice> ${story}`);
    expect(reply).toContain("keep it under");
    expect(reply).toContain("and that is the END");
    expect(reply.match(/so good/g)).toHaveLength(400);
  });

  it("creates one nomination when the same form is submitted twice", async () => {
    const before = await t.database.prisma.nomination.count();
    const submit = () =>
      t.sender.interaction(
        viewSubmission({
          userId: "UNINA",
          callbackId: "nominate_modal",
          viewId: "VSAMEFORM1",
          values: {
            nominees: { type: "multi_users_select", selected_users: ["UBOB"] },
            story: { type: "plain_text_input", value: "Found the lost parcel twice over" },
          },
        }),
      );
    (t.clock as TestClock).advance(60_000);
    expect((await submit()).status).toBe(200);
    expect((await submit()).status).toBe(200);
    await t.slack.waitFor(() => dmsTo("UNINA").length >= 1);
    await t.delight.workers.drain();
    // One nomination, one card, one confirmation: the second submission is the same job.
    expect(dmsTo("UNINA")).toHaveLength(1);
    expect(await t.database.prisma.nomination.count()).toBe(before + 1);
    expect(cards().filter((c) => text(c).includes("lost parcel twice"))).toHaveLength(1);
  });

  it("keeps a submitted form when saving it fails: the job saves it on its retry, once", async () => {
    const before = await t.database.prisma.nomination.count();
    const spy = vi
      .spyOn(t.delight.deps.prisma.nomination, "create")
      .mockRejectedValueOnce(new Error("database unavailable"));
    try {
      const story = `${"A long & careful story. ".repeat(80)}Signed, Nina <3`;
      const response = await t.sender.interaction(
        viewSubmission({
          userId: "UNINA",
          callbackId: "nominate_modal",
          values: {
            nominees: { type: "multi_users_select", selected_users: ["UBOB"] },
            story: { type: "plain_text_input", value: story },
          },
        }),
      );
      expect(response.status).toBe(200);
      // The first run failed; the retry (a few seconds later) saves it and confirms by DM.
      await t.slack.waitFor(() => dmsTo("UNINA").find((c) => text(c).includes("waiting for a manager")), 15_000);
    } finally {
      spy.mockRestore();
    }
    expect(await t.database.prisma.nomination.count()).toBe(before + 1);
    const saved = await t.database.prisma.nomination.findFirstOrThrow({
      where: { story: { contains: "Signed, Nina" } },
    });
    expect(saved.story).toContain("Signed, Nina &lt;3");
    expect(cards().filter((c) => text(c).includes("Signed, Nina"))).toHaveLength(1);
  });

  it("approves on an “approve” reply also sent to the channel (thread_broadcast)", async () => {
    const n = await nominateAndWaitForCard();
    t.slack.reset();
    await t.sender.event({
      ...threadReply({ userId: "UMARIA", channel: APPROVALS, threadTs: n.approvalMessageTs!, text: "approve" }),
      subtype: "thread_broadcast",
    });
    await t.slack.waitFor(() => t.slack.postsTo(STORIES).length > 0);
    const row = await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ status: "approved", decidedBy: "UMARIA" });
  });

  it("doesn't tell a manager 'nothing was changed' when a follow-up fails after the decision; the retry finishes it once", async () => {
    const n = await nominateAndWaitForCard();
    t.slack.reset();
    // Reading the settings (for the stories channel) fails once, after the decision is saved.
    const spy = vi
      .spyOn(t.delight.deps.prisma.workspace, "findUnique")
      .mockRejectedValueOnce(new Error("database hiccup"));
    try {
      await click("UMARIA", "nomination_approve", n.id, "approve-hiccup");
      await t.slack.waitFor(() => dmsTo("UNINA").some((c) => text(c).includes("Thank you")), 15_000);
      await settle();
    } finally {
      spy.mockRestore();
    }
    expect(t.slack.responses().map(text).join()).not.toContain("nothing was changed");
    const row = await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ status: "approved", storyChannelId: STORIES });
    expect(t.slack.postsTo(STORIES)).toHaveLength(1);
    expect(dmsTo("UNINA").filter((c) => text(c).includes("Thank you"))).toHaveLength(1);
    expect(dmsTo("UALICE")).toHaveLength(1);
  });

  it("refuses a manager deciding on their own nomination", async () => {
    const n = await nominateAndWaitForCard("<@UMARIA|maria> calmed the Acme CEO #empathize");
    t.slack.reset();
    await click("UMARIA", "nomination_approve", n.id, "own");
    const reply = await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === "own"));
    expect(text(reply)).toContain("another manager");
    expect((await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } })).status).toBe("pending");
  });
});

describe("nominations without an approvals channel", () => {
  let t: TestApp;
  let fresh: SignedSlackClient;
  const FRESH_TEAM = "T0FRESH";
  beforeAll(async () => {
    t = await startTestApp({
      admins: ["UADMIN"],
      users: [{ id: "UADMIN" }, { id: "UNINA" }, { id: "UALICE" }, { id: "UBOB" }],
    });
    fresh = new SignedSlackClient(t.url, SIGNING_SECRET, FRESH_TEAM, `${t.slack.url}respond/`);
  });
  afterAll(() => t.stop());

  it("keeps the nomination pending, tells how to set a channel, and posts it once one is set", async () => {
    const before = t.slack.responses().length;
    await fresh.command("/delight", "<@UALICE|alice> found the lost parcel #attention", "UNINA");
    const reply = await t.slack.waitFor(() => t.slack.responses()[before]);
    expect(JSON.stringify(reply.args)).toContain("/delight-admin channel approvals #channel");
    const kept = await t.database.prisma.nomination.findFirstOrThrow({ where: { teamId: FRESH_TEAM } });
    expect(kept).toMatchObject({ status: "pending", approvalMessageTs: null });
    expect(t.slack.callsTo("chat.postMessage")).toHaveLength(0);

    const adminReply = await fresh.command("/delight-admin", "channel approvals <#C0FRESHAPP|approvals>", "UADMIN");
    expect(adminReply.body).toContain("Posting 1 waiting nomination");
    await t.slack.waitFor(() => t.slack.postsTo("C0FRESHAPP").length >= 2);
    const posted = await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: kept.id } });
    expect(posted.approvalChannelId).toBe("C0FRESHAPP");
    expect(posted.approvalMessageTs).toBeTruthy();

    // Setting the channel again does not post it a second time.
    await fresh.command("/delight-admin", "channel approvals <#C0FRESHAPP|approvals>", "UADMIN");
    await t.delight.workers.drain();
    expect(t.slack.postsTo("C0FRESHAPP").filter((c) => !c.args.thread_ts)).toHaveLength(1);
  });

  it("posts each waiting card exactly once when the waiting cards are queued several times at once", async () => {
    const team = { teamId: "T0RACE" };
    const deps = t.delight.deps;
    for (let i = 0; i < 8; i++) {
      await saveNomination(deps, {
        workspace: team,
        nominatorId: "UNINA",
        nomineeIds: ["UALICE"],
        story: `story ${i}`,
        values: [],
      });
    }
    await setChannel(t.database.prisma, team, "approvals", "C0RACE");
    const queued = await Promise.all(["a", "b", "c"].map((run) => queueWaitingCards(deps, team.teamId, run)));
    expect(queued).toEqual([8, 8, 8]);
    await t.slack.waitFor(() => t.slack.postsTo("C0RACE").filter((c) => c.args.thread_ts).length >= 8, 20_000);
    await t.delight.workers.drain(20_000);
    expect(t.slack.postsTo("C0RACE").filter((c) => !c.args.thread_ts)).toHaveLength(8);
    const rows = await t.database.prisma.nomination.findMany({ where: { teamId: "T0RACE" } });
    expect(new Set(rows.map((r) => r.approvalMessageTs)).size).toBe(8);
  });

  it("posts waiting cards once when two app instances are told the approvals channel at once", async () => {
    const second = await startTestApp({ database: t.database, slack: t.slack, admins: ["UADMIN"] });
    try {
      const team = "T0TWIN";
      const senders = [t, second].map(
        (app) => new SignedSlackClient(app.url, SIGNING_SECRET, team, `${t.slack.url}respond/`),
      );
      const start = t.slack.responses().length;
      for (let i = 0; i < 6; i++) {
        await senders[i % 2]!.command("/delight", `<@UALICE|alice> twin story ${i}`, "UNINA");
      }
      await t.slack.waitFor(() => t.slack.responses().length >= start + 6);
      expect(await t.database.prisma.nomination.count({ where: { teamId: team, approvalMessageTs: null } })).toBe(6);
      const answers = await Promise.all(
        senders.map((sender) => sender.command("/delight-admin", "channel approvals <#C0TWIN|approvals>", "UADMIN")),
      );
      for (const answer of answers) expect(answer.body).toContain("Nominations now go to");
      await t.slack.waitFor(() => t.slack.postsTo("C0TWIN").filter((c) => c.args.thread_ts).length >= 6, 15_000);
      await Promise.all([t.delight.workers.drain(), second.delight.workers.drain()]);
      expect(t.slack.postsTo("C0TWIN").filter((c) => !c.args.thread_ts)).toHaveLength(6);
      const rows = await t.database.prisma.nomination.findMany({ where: { teamId: team } });
      expect(rows.every((r) => r.approvalChannelId === "C0TWIN" && r.approvalMessageTs)).toBe(true);
    } finally {
      await second.stop();
    }
  });

  it("retries a card Slack failed to take (5xx), looking first whether it arrived: one card", async () => {
    const team = { teamId: "T0FLAKY" };
    const flaky = new SignedSlackClient(t.url, SIGNING_SECRET, team.teamId, `${t.slack.url}respond/`);
    await setChannel(t.database.prisma, team, "approvals", "C0FLAKY");
    t.slack.fail("chat.postMessage", { status: 500 });
    const before = t.slack.responses().length;
    await flaky.command("/delight", "<@UBOB|bob> drove the spare part over", "UNINA");
    const reply = await t.slack.waitFor(() => t.slack.responses()[before], 15_000);
    expect(JSON.stringify(reply.args)).toContain("waiting for a manager's approval");
    expect(t.slack.callsTo("conversations.history").some((c) => c.args.channel === "C0FLAKY")).toBe(true);
    expect(t.slack.postsTo("C0FLAKY").filter((c) => !c.args.thread_ts)).toHaveLength(2); // the failed try and the post
    expect(t.slack.messages.get("C0FLAKY")?.filter((m) => !m.thread_ts)).toHaveLength(1);
  });

  it("after the answer to a card post is lost (Slack posted it, then failed), adopts that card instead of posting another", async () => {
    const team = { teamId: "T0CRASH" };
    const crashy = new SignedSlackClient(t.url, SIGNING_SECRET, team.teamId, `${t.slack.url}respond/`);
    await setChannel(t.database.prisma, team, "approvals", "C0CRASH");
    t.slack.fail("chat.postMessage", { status: 502, afterDelivery: true });
    const before = t.slack.responses().length;
    await crashy.command("/delight", "<@UBOB|bob> answered at 3 a.m.", "UNINA");
    await t.slack.waitFor(() => t.slack.responses()[before], 15_000);
    const row = await t.database.prisma.nomination.findFirstOrThrow({ where: { teamId: team.teamId } });
    const posted = t.slack.messages.get("C0CRASH") ?? [];
    const cardsUp = posted.filter((m) => !m.thread_ts);
    expect(cardsUp).toHaveLength(1);
    expect(cardsUp[0]?.metadata).toMatchObject({
      event_type: "delight_nomination",
      event_payload: { nomination_id: row.id },
    });
    expect(row).toMatchObject({ approvalChannelId: "C0CRASH", approvalMessageTs: cardsUp[0]?.ts });
    const history = t.slack.callsTo("conversations.history").at(-1)!;
    expect(String(history.args.include_all_metadata)).toBe("true");
    // The buttons went into the adopted card's thread.
    expect(posted.filter((m) => m.thread_ts === cardsUp[0]?.ts)).toHaveLength(1);
  });
});
