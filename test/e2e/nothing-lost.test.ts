// Nothing acknowledged is lost, on every entry point (issue 18): an event is answered 200
// only once its work is recorded (else Slack retries it, and the retry counts once); a form
// whose saving fails stays open with everything typed; a state change is never saved
// without the job that follows it up. Failures are real database errors (a trigger refuses
// the job's row), on PGlite and PostgreSQL.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { nominationModal } from "../../src/features/nominations/blocks.ts";
import { openCaseModal } from "../../src/features/recoveries/modals.ts";
import { SlackStandIn, TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { databaseTargets } from "../support/databases.ts";
import { whileJobInsertsFail } from "../support/failures.ts";
import { appHomeOpened, buttonClick, reactionAdded, threadReply, viewSubmission } from "../support/payloads.ts";
import { startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const APPROVALS = "C0LOSTAPPR";
const STORIES = "C0LOSTSTORY";
const DUMB = "C0LOSTDUMB";
const users = [
  { id: "UADMIN", name: "Ada" },
  { id: "UNINA", name: "Nina" },
  { id: "UALICE", name: "Alice" },
  { id: "UMARIA", name: "Maria" },
  { id: "UOWNER", name: "Owen" },
  { id: "UREPORTER", name: "Rita" },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const firstInputBlock = (blocks: unknown[]) =>
  (blocks as Array<{ type: string; block_id?: string }>).find((b) => b.type === "input")?.block_id;

describe.each(databaseTargets())("nothing acknowledged is lost, on $name", (target) => {
  const slack = new SlackStandIn();
  let t: TestApp;
  let counter = 0;

  beforeAll(async () => {
    await slack.start();
    t = await startTestApp({
      slack,
      users,
      admins: ["UADMIN"],
      clock: new TestClock(),
      databaseUrl: await target.create(),
    });
    const workspace = { teamId: TEAM_ID };
    await addManagers(t.database.prisma, workspace, ["UMARIA"], "UADMIN");
    await setChannel(t.database.prisma, workspace, "approvals", APPROVALS);
    await setChannel(t.database.prisma, workspace, "stories", STORIES);
    await setChannel(t.database.prisma, workspace, "dumbrules", DUMB);
  }, 60_000); // a database in a directory (and on PostgreSQL, a fresh one): slow on a busy machine
  afterAll(async () => {
    await t.stop();
    await slack.stop();
    await target.cleanup();
  });
  beforeEach(() => slack.reset());

  const text = (call: RecordedCall | undefined) => (call ? JSON.stringify(call.args) : "");
  const stories = (token: string) => slack.postsTo(STORIES).filter((c) => text(c).includes(token));

  /** Runs every job that can run now (retries included) until none is left. */
  async function settle() {
    for (let round = 0; round < 300; round += 1) {
      await t.delight.workers.drain();
      const left = await t.database.prisma.job.count({
        where: { status: { in: ["queued", "running"] }, runAt: { lte: new Date(Date.now() + 60_000) } },
      });
      if (left === 0) return;
      await sleep(50);
    }
    throw new Error("jobs did not settle");
  }

  /** A nomination with its card up; returns its row and the token in its story. */
  async function nominationWithCard() {
    const token = `lost${++counter}x`;
    const response = await t.sender.command(
      "/delight",
      `<@UALICE|alice> ${token} re-shipped it overnight #delight`,
      "UNINA",
    );
    expect(response.body).toContain("Got it");
    await settle();
    const row = await t.database.prisma.nomination.findFirstOrThrow({ where: { story: { contains: token } } });
    expect(row.approvalMessageTs).toBeTruthy();
    return { row, token };
  }

  describe("events: answered only once their work is recorded", () => {
    it("answers a manager's ✅ reaction after the decision job is stored, not before", async () => {
      const { row } = await nominationWithCard();
      const workers = t.delight.workers;
      const enqueue = workers.enqueue.bind(workers);
      // Storing takes a moment (a busy database): the 200 must wait for it.
      const slow = vi.spyOn(workers, "enqueue").mockImplementation(async (kind, payload, options) => {
        await sleep(400);
        return enqueue(kind, payload, options);
      });
      try {
        const response = await t.sender.event(
          reactionAdded({ userId: "UMARIA", channel: APPROVALS, ts: row.approvalMessageTs! }),
          { eventId: "EvLOSTSLOW1" },
        );
        expect(response.status).toBe(200);
        // Had the process died right after this 200, the approval would still be there to do.
        expect(await t.database.prisma.job.findUnique({ where: { key: "event:EvLOSTSLOW1" } })).not.toBeNull();
      } finally {
        slow.mockRestore();
      }
      await settle();
      expect((await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("approved");
    });

    it("answers a ✅ it could not record with an error, so Slack retries it; the retries approve once", async () => {
      const { row, token } = await nominationWithCard();
      const event = reactionAdded({ userId: "UMARIA", channel: APPROVALS, ts: row.approvalMessageTs! });
      const first = await whileJobInsertsFail(t.database.prisma, ["nomination.decide"], () =>
        t.sender.event(event, { eventId: "EvLOSTFAIL1" }),
      );
      // Not a 200: Slack's Events API delivers it again (x-slack-retry-num).
      expect(first.status).toBeGreaterThanOrEqual(500);
      expect((await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("pending");
      const retry = await t.sender.event(event, { eventId: "EvLOSTFAIL1", retryNum: 1, retryReason: "http_error" });
      expect(retry.status).toBe(200);
      const again = await t.sender.event(event, { eventId: "EvLOSTFAIL1", retryNum: 2, retryReason: "http_error" });
      expect(again.status).toBe(200);
      await settle();
      expect(await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
        status: "approved",
        decidedBy: "UMARIA",
      });
      expect(stories(token)).toHaveLength(1);
    });

    it("does the same for an “approve” reply in the card's thread", async () => {
      const { row, token } = await nominationWithCard();
      const reply = threadReply({
        userId: "UMARIA",
        channel: APPROVALS,
        threadTs: row.approvalMessageTs!,
        text: "approve",
      });
      const first = await whileJobInsertsFail(t.database.prisma, ["nomination.decide"], () =>
        t.sender.event(reply, { eventId: "EvLOSTREPLY1" }),
      );
      expect(first.status).toBeGreaterThanOrEqual(500);
      expect((await t.sender.event(reply, { eventId: "EvLOSTREPLY1", retryNum: 1 })).status).toBe(200);
      await settle();
      expect((await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("approved");
      expect(stories(token)).toHaveLength(1);
    });

    it("and for App Home opened (its publish is recorded before the 200)", async () => {
      const first = await whileJobInsertsFail(t.database.prisma, ["home.publish"], () =>
        t.sender.event(appHomeOpened("UNINA"), { eventId: "EvLOSTHOME1" }),
      );
      expect(first.status).toBeGreaterThanOrEqual(500);
      expect((await t.sender.event(appHomeOpened("UNINA"), { eventId: "EvLOSTHOME1", retryNum: 1 })).status).toBe(200);
      await settle();
      expect(slack.callsTo("views.publish").filter((c) => c.args.user_id === "UNINA")).toHaveLength(1);
    });

    it("still answers 200 to events that record nothing (another reaction)", async () => {
      const { row } = await nominationWithCard();
      const jobs = await t.database.prisma.job.count();
      const tada = await t.sender.event(
        reactionAdded({ userId: "UMARIA", channel: APPROVALS, ts: row.approvalMessageTs!, reaction: "tada" }),
      );
      expect(tada.status).toBe(200);
      expect(await t.database.prisma.job.count()).toBe(jobs);
    });
  });

  describe("forms: a failed save keeps the form open with what was typed", () => {
    it("the nomination form: an error under its first field, then the same form saved on the next submit", async () => {
      const view = nominationModal({ channelId: "C0GENERAL" });
      const submission = viewSubmission({
        userId: "UNINA",
        callbackId: "nominate_modal",
        viewId: "VLOSTNOMINATE",
        blocks: view.blocks,
        submit: "Nominate",
        values: {
          nominees: { type: "multi_users_select", selected_users: ["UALICE"] },
          story: { type: "plain_text_input", value: "Lost-form story: she drove the parcel over herself" },
        },
      });
      const failed = await whileJobInsertsFail(t.database.prisma, ["nomination.submit"], () =>
        t.sender.interaction(submission),
      );
      expect(failed.status).toBe(200);
      const answer = JSON.parse(failed.body) as { response_action?: string; errors?: Record<string, string> };
      // Not "out of date, nothing happened" replacing the form: the form stays, with an error.
      expect(answer.response_action).toBe("errors");
      expect(failed.body).not.toContain("out of date");
      const field = firstInputBlock(view.blocks);
      expect(answer.errors?.[field!]).toMatch(/couldn't be saved.*Nothing you typed is lost.*“Nominate” again/);

      const saved = await t.sender.interaction(submission);
      expect(saved).toMatchObject({ status: 200, body: "" });
      await settle();
      expect(await t.database.prisma.nomination.count({ where: { story: { contains: "Lost-form story" } } })).toBe(1);
    });

    it("the /oops form", async () => {
      const view = openCaseModal("24 hours");
      const failed = await whileJobInsertsFail(t.database.prisma, ["recoveries.open-from-view"], () =>
        t.sender.interaction(
          viewSubmission({
            userId: "UREPORTER",
            callbackId: "recovery_open",
            blocks: view.blocks,
            submit: "Open case",
            actionId: "value",
            values: {
              owner: { type: "users_select", selected_user: "UOWNER" },
              customer: { type: "plain_text_input", value: "Acme" },
              description: { type: "plain_text_input", value: "Lost form: wrong invoice address" },
            },
          }),
        ),
      );
      const answer = JSON.parse(failed.body) as { response_action?: string; errors?: Record<string, string> };
      expect(answer.response_action).toBe("errors");
      expect(answer.errors?.[firstInputBlock(view.blocks)!]).toContain("“Open case” again");
    });
  });

  describe("a change is saved with its follow-up, or not at all", () => {
    /** A case opened by /oops, with the owner's card up. */
    async function openCaseWithCard() {
      const before = slack.postsTo("DUOWNER").length;
      await t.sender.command("/oops", `<@UOWNER|owen> Acme ${++counter}: wrong earmuffs shipped`, "UREPORTER");
      await settle();
      expect(slack.postsTo("DUOWNER").length).toBeGreaterThan(before);
      return t.database.prisma.recoveryCase.findFirstOrThrow({ orderBy: { number: "desc" } });
    }

    it("Fixed: a failure recording the follow-up leaves the case open and the form kept; the retry fixes it and updates the cards", async () => {
      const recoveryCase = await openCaseWithCard();
      const fixed = () =>
        t.sender.interaction(
          viewSubmission({
            userId: "UOWNER",
            callbackId: "recovery_fixed_modal",
            viewId: `VLOSTFIX${recoveryCase.id}`,
            privateMetadata: recoveryCase.id,
            actionId: "value",
            values: {
              fix: { type: "plain_text_input", value: "Couriered the right pair" },
              surprise: { type: "plain_text_input", value: "" },
            },
          }),
        );
      const failed = await whileJobInsertsFail(t.database.prisma, ["recoveries.case-changed"], () => fixed());
      expect(failed.body).toContain("couldn't be saved");
      // The whole change was rolled back with its job: nothing half-done.
      expect((await t.database.prisma.recoveryCase.findUniqueOrThrow({ where: { id: recoveryCase.id } })).status).toBe(
        "open",
      );
      const retried = await fixed();
      expect(retried.body).toBe("");
      await settle();
      expect((await t.database.prisma.recoveryCase.findUniqueOrThrow({ where: { id: recoveryCase.id } })).status).toBe(
        "resolved",
      );
      const updates = slack.callsTo("chat.update").filter((c) => text(c).includes("Couriered the right pair"));
      expect(updates.length).toBeGreaterThanOrEqual(2); // the owner's and the reporter's cards
    });

    /** A dumb rule posted in its channel. */
    async function postedRule(rule: string) {
      await t.sender.command("/dumbrule", `${rule}: customers leave angry`, "UREPORTER");
      await settle();
      return t.database.prisma.dumbRule.findFirstOrThrow({ where: { rule } });
    }

    it("a dumb-rule decision: refused with its job, kept in the form, done once on the retry", async () => {
      const rule = await postedRule(`Lost rule ${++counter}`);
      const decide = () =>
        t.sender.interaction(
          viewSubmission({
            userId: "UMARIA",
            callbackId: "dumbrule_kill_modal",
            viewId: `VLOSTKILL${rule.id}`,
            privateMetadata: rule.id,
            values: { dumbrule_note: { value: "Boxes are optional from Monday" } },
          }),
        );
      const failed = await whileJobInsertsFail(t.database.prisma, ["dumbrules.decided"], () => decide());
      expect(failed.body).toContain("couldn't be saved");
      expect((await t.database.prisma.dumbRule.findUniqueOrThrow({ where: { id: rule.id } })).status).toBe("open");
      expect((await decide()).body).toBe("");
      await settle();
      expect((await t.database.prisma.dumbRule.findUniqueOrThrow({ where: { id: rule.id } })).status).toBe("killed");
      expect(slack.postsTo("DUREPORTER").filter((c) => text(c).includes("Boxes are optional"))).toHaveLength(1);
    });

    it("a +1: not counted without its card refresh; the next click counts it and refreshes the card", async () => {
      const rule = await postedRule(`Plus-one rule ${++counter}`);
      const plusOne = () =>
        t.sender.interaction(
          buttonClick({
            userId: "UALICE",
            actionId: "dumbrule_plus_one",
            value: rule.id,
            responseUrl: slack.responseUrl(`lost-plus-${++counter}`),
            message: { channel: DUMB, ts: rule.messageTs ?? "1.0" },
          }),
        );
      await whileJobInsertsFail(t.database.prisma, ["dumbrules.refresh-card"], () => plusOne());
      expect(await t.database.prisma.dumbRuleVote.count({ where: { ruleId: rule.id } })).toBe(0);
      await plusOne();
      await settle();
      expect(await t.database.prisma.dumbRuleVote.count({ where: { ruleId: rule.id } })).toBe(1);
      const refreshed = slack.callsTo("chat.update").filter((c) => c.args.ts === rule.messageTs);
      expect(text(refreshed.at(-1))).toContain("+1 (1)");
      expect(slack.responses().some((r) => text(r).includes("already +1'd"))).toBe(false);
    });
  });
});
