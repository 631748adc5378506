// App Home and /delight stats, end to end.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { appHomeOpened, buttonClick, viewSubmission } from "../support/payloads.ts";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const workspace = { teamId: TEAM_ID };
const NOW = new Date("2026-11-23T09:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60_000);

describe("App Home and /delight stats", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      users: [
        { id: "UNINA", name: "Nina" },
        { id: "UALICE", name: "Alice" },
        { id: "UBOB", name: "Bob" },
        { id: "UMARIA", name: "Maria" },
        { id: "USAM", name: "Sam" },
        { id: "UROBOT", name: "Robot", is_bot: true },
        { id: "UGONE", name: "Gone", deleted: true },
      ],
    });
    t.slack.on("users.list", () => ({
      ok: true,
      members: [...t.slack.users.values()].map((u) => ({
        id: u.id,
        name: u.name,
        is_bot: u.is_bot,
        deleted: u.deleted,
      })),
      response_metadata: { next_cursor: "" },
    }));
    await addManagers(t.database.prisma, workspace, ["UMARIA"], "UADMIN");
    await setChannel(t.database.prisma, workspace, "approvals", "C0APPROVE");
    await setChannel(t.database.prisma, workspace, "stories", "C0STORIES");
    const nomination = (data: Record<string, unknown>) =>
      t.database.prisma.nomination.create({
        data: {
          teamId: TEAM_ID,
          nominatorId: "UNINA",
          nomineeIds: ["UALICE"],
          story: "story",
          values: [],
          ...data,
        },
      });
    // Alice: recognised twice this month (listen, delight), once long ago.
    await nomination({
      story: "Listened to Acme for an hour &lt;!channel&gt;",
      values: ["listen", "delight"],
      status: "approved",
      decidedBy: "UMARIA",
      decidedAt: daysAgo(2),
      createdAt: daysAgo(3),
    });
    await nomination({
      story: "Sent a hand-written note",
      values: ["delight"],
      status: "approved",
      decidedBy: "UMARIA",
      decidedAt: daysAgo(5),
      createdAt: daysAgo(6),
    });
    await nomination({
      nomineeIds: ["UBOB"],
      story: "Old one",
      values: ["recovery"],
      status: "approved",
      decidedBy: "UMARIA",
      decidedAt: daysAgo(60),
      createdAt: daysAgo(61),
    });
    // Nina's nominations still waiting.
    await nomination({
      nomineeIds: ["UBOB"],
      story: "Drove the spare part over",
      values: ["attention"],
      approvalChannelId: "C0APPROVE",
      approvalMessageTs: "1.1",
      createdAt: daysAgo(1),
    });
  });
  afterAll(() => t.stop());
  beforeEach(() => t.slack.reset());
  afterEach(async () => {
    for (let seen = -1; seen !== t.slack.calls.length;) {
      seen = t.slack.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
  });

  const text = (call: RecordedCall | undefined) => (call ? JSON.stringify(call.args) : "");
  const blocksOf = (call: RecordedCall) => (call.args.view as { blocks: unknown[] }).blocks;

  async function openHome(userId: string) {
    const before = t.slack.callsTo("views.publish").length;
    await t.sender.event(appHomeOpened(userId));
    return t.slack.waitFor(() => t.slack.callsTo("views.publish")[before]);
  }

  it("publishes once per event, from a job, even when Slack delivers the event twice", async () => {
    await t.sender.event(appHomeOpened("UNINA"), { eventId: "EvHOMETWICE" });
    await t.sender.event(appHomeOpened("UNINA"), { eventId: "EvHOMETWICE" });
    await t.slack.waitFor(() => t.slack.callsTo("views.publish")[0]);
    await t.delight.workers.drain();
    expect(t.slack.callsTo("views.publish")).toHaveLength(1);
    expect(await t.database.prisma.slackWrite.count({ where: { key: "home:EvHOMETWICE:publish" } })).toBe(1);
  });

  it("shows a person what they received and gave, and their nominations waiting", async () => {
    const alice = await openHome("UALICE");
    expect(alice.args.user_id).toBe("UALICE");
    const aliceHome = text(alice);
    expect(aliceHome).toContain("Recognition you received* — 2");
    expect(aliceHome).toContain("Listen 1");
    expect(aliceHome).toContain("Delight 2");
    expect(aliceHome).toContain("hand-written note");
    expect(aliceHome).not.toContain("<!channel>");
    expect(aliceHome).toContain("home_nominate");
    expect(aliceHome).not.toContain("nomination_approve");

    const nina = text(await openHome("UNINA"));
    expect(nina).toContain("Recognition you gave* — 3 approved");
    expect(nina).toContain("Your nominations waiting for approval* — 1");
    expect(nina).toContain("waiting for a manager in <#C0APPROVE>");
  });

  it("shows managers the pending approvals with working buttons, within Block Kit's limits", async () => {
    for (let i = 0; i < 30; i++) {
      await t.database.prisma.nomination.create({
        data: { teamId: TEAM_ID, nominatorId: "USAM", nomineeIds: ["UNINA"], story: `extra ${i}`, values: [] },
      });
    }
    const maria = await openHome("UMARIA");
    expect(blocksOf(maria).length).toBeLessThanOrEqual(100);
    const home = text(maria);
    expect(home).toContain("Waiting for your decision* — 31 nominations");
    expect(home).toContain("nomination_approve");
    expect(home).toContain("21 more");

    const pending = await t.database.prisma.nomination.findFirstOrThrow({
      where: { story: "Drove the spare part over" },
    });
    t.slack.reset();
    await t.sender.interaction(
      buttonClick({ userId: "UMARIA", actionId: "nomination_approve", value: pending.id, homeViewId: "VHOME" }),
    );
    const republished = await t.slack.waitFor(() => t.slack.callsTo("views.publish")[0]);
    expect(text(republished)).toContain("Approved");
    expect(t.slack.postsTo("C0STORIES")).toHaveLength(1);
    expect((await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe(
      "approved",
    );
  });

  it("refuses a non-manager's Approve from App Home and changes nothing", async () => {
    const pending = await t.database.prisma.nomination.findFirstOrThrow({ where: { status: "pending" } });
    await t.sender.interaction(
      buttonClick({ userId: "USAM", actionId: "nomination_approve", value: pending.id, homeViewId: "VHOME2" }),
    );
    const republished = await t.slack.waitFor(() => t.slack.callsTo("views.publish")[0]);
    expect(text(republished)).toContain("Only managers can approve");
    expect(t.slack.callsTo("chat.postMessage")).toHaveLength(0);
    expect((await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe(
      "pending",
    );
  });

  it("rejects from App Home through the reason modal", async () => {
    const pending = await t.database.prisma.nomination.findFirstOrThrow({ where: { status: "pending" } });
    await t.sender.interaction(
      buttonClick({ userId: "UMARIA", actionId: "nomination_reject", value: pending.id, homeViewId: "VHOME3" }),
    );
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    await t.sender.interaction(
      viewSubmission({
        userId: "UMARIA",
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: { reason: { type: "plain_text_input", value: "Not a customer moment" } },
      }),
    );
    const republished = await t.slack.waitFor(() => t.slack.callsTo("views.publish")[0]);
    expect(text(republished)).toContain("Rejected");
    expect((await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe(
      "rejected",
    );
  });

  it("opens the nomination form from the Nominate quick action", async () => {
    await t.sender.interaction(
      buttonClick({ userId: "UNINA", actionId: "home_nominate", value: "", homeViewId: "VH" }),
    );
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    expect(opened.args.view).toMatchObject({ callback_id: "nominate_modal" });
  });

  it("shows the person's open recoveries with their deadlines, soonest first", async () => {
    const repliesBefore = t.slack.responses().length;
    const opened = await t.sender.command("/oops", "<@USAM|sam> Acme &lt;!channel&gt;: parcel lost twice", "UNINA");
    expect(opened.status).toBe(200);
    await t.slack.waitFor(() => t.slack.responses().length > repliesBefore);
    const sam = JSON.stringify((await openHome("USAM")).args.view);
    expect(sam).toContain("Your open recoveries* — 1");
    expect(sam).toMatch(/OOPS-\d+\* Acme/);
    expect(sam).toMatch(/due in 24 h|due in 1 day|due tomorrow/);
    expect(sam).not.toContain("<!channel>");
    // Recoveries someone else owns are not on your Home.
    expect(JSON.stringify((await openHome("UBOB")).args.view)).not.toContain("Your open recoveries");
  });

  it("opens the OOPS form from the Log an OOPS quick action", async () => {
    const before = t.slack.callsTo("views.open").length;
    await t.sender.interaction(
      buttonClick({ userId: "USAM", actionId: "home_log_oops", value: "", homeViewId: "VHOME" }),
    );
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[before]);
    expect((opened.args.view as { callback_id: string }).callback_id).toBe("recovery_open");
  });

  it("/delight stats shows your and the team's counts this month per value", async () => {
    await t.sender.command("/delight", "stats", "UALICE");
    const reply = text(await t.slack.waitFor(() => t.slack.responses()[0]));
    expect(reply).toContain("Delight stats — November 2026");
    expect(reply).toContain("recognised in *2* stories");
    expect(reply).toContain("Delight 2");
    // Not a manager: no list of people.
    expect(reply).not.toContain("Not recognised");
    expect(t.slack.callsTo("users.list")).toHaveLength(0);
  });

  it("/delight stats shows managers who has not been recognised in 30 days (people only)", async () => {
    await t.sender.command("/delight", "stats", "UMARIA");
    const reply = text(await t.slack.waitFor(() => t.slack.responses()[0]));
    expect(reply).toContain("Not recognised in the last 30 days");
    const list = reply.slice(reply.indexOf("Not recognised"));
    // Alice was recognised this month, Bob from App Home in an earlier test.
    for (const id of ["UALICE", "UBOB"]) expect(list).not.toContain(`<@${id}>`);
    for (const id of ["UNINA", "USAM", "UMARIA"]) expect(list).toContain(`<@${id}>`);
    for (const id of ["UROBOT", "UGONE", "UDELIGHTBOT"]) expect(list).not.toContain(`<@${id}>`);
  });
});
