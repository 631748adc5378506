// /surprise end to end with the built-in suggester (no model configured): the real app,
// signed requests, the Slack stand-in, jobs and the outbox.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addManagers, setBudget } from "../../src/features/admin/settings.ts";
import { countSurprisesDelivered } from "../../src/features/surprises/service.ts";
import { appHomeOpened, buttonClick } from "../support/payloads.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import {
  buttonsOf,
  click,
  responsesTo,
  submitForm,
  surprise,
  text,
  titlesOf,
  waitForResponse,
} from "../support/surprises.ts";
import { startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const START = new Date("2026-11-23T09:00:00Z");
const DAY = 24 * 3_600_000;

describe("/surprise with the built-in suggester", () => {
  let t: TestApp;
  const clock = new TestClock(START);

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      users: [
        { id: "UREPORTER", name: "Rita" },
        { id: "UOWNER", name: "Owen" },
        { id: "USTRANGER", name: "Stan" },
        { id: "UMANAGER", name: "Maria" },
      ],
    });
    await setBudget(t.database.prisma, { teamId: TEAM_ID }, { cents: 5000, currency: "USD" });
    await addManagers(t.database.prisma, { teamId: TEAM_ID }, ["UMANAGER"], "UADMIN");
  });
  afterAll(() => t.stop());
  beforeEach(() => t.slack.reset());

  it("acks saying the ideas are on the way, then posts three distinct ideas as a new message, each with Use this, 👍 and 👎", async () => {
    const { ack, responseId } = await surprise(t, "Globex &amp; Co: their order arrived late twice <!channel>");
    expect(ack).toContain("Thinking of something good for Globex &amp; Co");
    // A slash command's response_url can't replace this answer (Slack posts a new message
    // whatever replace_original says), so the answer says where the ideas will come.
    expect(ack).toContain("in a new message just below");
    const answer = await waitForResponse(t, responseId, "Surprise ideas for");
    expect(answer.args.replace_original).not.toBe(true);
    expect(answer.effect).toBe("new_message");
    expect(t.slack.workspace.problems.filter((p) => p.error === "replace_original_ignored")).toEqual([]);
    expect(answer.args.response_type).toBe("ephemeral");
    const titles = titlesOf(answer);
    expect(titles).toHaveLength(3);
    expect(new Set(titles).size).toBe(3);
    const ids = buttonsOf(answer).map((b) => b.action_id);
    expect(ids).toEqual(expect.arrayContaining(["surprise_use_0", "surprise_up_1", "surprise_down_2"]));
    expect(new Set(ids).size).toBe(ids.length);
    const shown = JSON.stringify(answer.args);
    expect(shown).toContain("of your $50.00 budget");
    expect(shown).toContain("Why it fits");
    expect(shown).not.toContain("<!channel>");
    expect(shown).not.toMatch(/error|sorry, i couldn/i);
    const customer = await t.database.prisma.customer.findFirstOrThrow({ where: { normalizedName: "globex & co" } });
    expect(customer.name).toBe("Globex & Co");
  });

  it("builds ideas on an interest outside the catalogue, understood by meaning, and keeps it on the record", async () => {
    const { responseId } = await surprise(t, "Wayne Enterprises: their CFO's order was lost twice; they love sailing");
    const answer = await waitForResponse(t, responseId, "Surprise ideas for");
    const titles = titlesOf(answer);
    expect(titles).toHaveLength(3);
    expect(titles.filter((title) => /sailing|harbour|on the water/i.test(title)).length).toBeGreaterThanOrEqual(2);
    const sections = (answer.args.blocks as Array<{ text?: { text: string } }>)
      .map((b) => b.text?.text ?? "")
      .filter((text) => text.includes("Why it fits"));
    const whys = sections.map((text) => /_Why it fits:_ (.*)\n/.exec(text)?.[1]);
    expect(new Set(whys).size).toBe(3);
    expect(whys.join(" ")).toContain("sailing");
    expect(whys.join(" ")).toContain("order was lost twice");
    const shown = await surprise(t, "customer Wayne Enterprises");
    expect(JSON.stringify((await waitForResponse(t, shown.responseId, "Interests")).args)).toContain("sailing");
  });

  it("keeps notes and interests on one customer record whatever the spelling", async () => {
    const note = await surprise(t, "note  ACME   corp: Loves cycling and oat-milk flat whites. Mail ceo@acme.example");
    await waitForResponse(t, note.responseId, "Noted for");
    await surprise(t, "note acme corp: prefers calls");
    const tier = await surprise(t, "tier Acme Corp: gold");
    await waitForResponse(t, tier.responseId, "is now tier");
    const shown = await surprise(t, "customer Acme Corp");
    const record = JSON.stringify((await waitForResponse(t, shown.responseId, "Interests")).args);
    expect(record).toContain("ACME corp"); // the name as first mentioned
    expect(record).toContain("cycling");
    expect(record).toContain("oat-milk flat whites");
    expect(record).toContain("prefers calls");
    expect(record).toContain("*Tier:* gold");
    expect(await t.database.prisma.customer.count({ where: { normalizedName: "acme corp" } })).toBe(1);

    const unknown = await surprise(t, "customer Nobody Ltd");
    expect(JSON.stringify((await waitForResponse(t, unknown.responseId, "know a customer")).args)).toContain(
      "Nobody Ltd",
    );
  });

  it("guides bad input in the ack, quoting it back", async () => {
    const { ack } = await surprise(t, "note Acme");
    expect(ack).toContain("Name the customer, then a colon");
    expect(ack).toContain("You typed");
    expect((await surprise(t, "help")).ack).toContain("/surprise customer Acme Corp");
  });

  it("opens the form for /surprise alone, keeps field errors in it, and answers where the command was typed", async () => {
    const { responseId } = await surprise(t, "");
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("surprise_request");
    const refused = await submitForm(t, {
      userId: "UOWNER",
      callbackId: "surprise_request",
      values: { surprise_customer: text(""), surprise_budget: text("lots") },
      privateMetadata: view.private_metadata,
    });
    expect(refused.response_action).toBe("errors");
    expect(Object.keys(refused.errors ?? {})).toEqual(["surprise_customer", "surprise_budget"]);
    const accepted = await submitForm(t, {
      userId: "UOWNER",
      callbackId: "surprise_request",
      values: {
        surprise_customer: text("Initech"),
        surprise_occasion: { type: "static_select", selected_option: { value: "milestone" } },
        surprise_context: text("10 years as our customer next week"),
        surprise_interests: text("Coffee, dogs"),
        surprise_budget: text("30"),
      },
      privateMetadata: view.private_metadata,
    });
    expect(accepted.response_action).toBe("update");
    const answer = await waitForResponse(t, responseId, "Surprise ideas for Initech");
    expect(JSON.stringify(answer.args)).toContain("of your $30.00 budget");
    const initech = await t.database.prisma.customer.findFirstOrThrow({ where: { normalizedName: "initech" } });
    expect(initech.interests).toEqual(expect.arrayContaining(["coffee", "dogs"]));
  });

  it("App Home's Surprise idea opens the form and the ideas arrive by DM", async () => {
    await t.sender.interaction(
      buttonClick({ userId: "UOWNER", actionId: "home_surprise_idea", value: "", homeViewId: "VHOME1" }),
    );
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    const view = opened.args.view as { private_metadata: string };
    await submitForm(t, {
      userId: "UOWNER",
      callbackId: "surprise_request",
      values: { surprise_customer: text("Umbrella"), surprise_context: text("thanks for the referral") },
      privateMetadata: view.private_metadata,
    });
    const dm = await t.slack.waitFor(() =>
      t.slack.postsTo("DUOWNER").find((c) => JSON.stringify(c.args).includes("Umbrella")),
    );
    expect(buttonsOf(dm).filter((b) => b.action_id.startsWith("surprise_use_"))).toHaveLength(3);
  });

  it("stores 👍 / 👎 and shows it in the message", async () => {
    const { responseId } = await surprise(t, "Hooli: thanks for the great review");
    const answer = await waitForResponse(t, responseId, "Surprise ideas for");
    const up = buttonsOf(answer).find((b) => b.action_id === "surprise_up_1");
    await click(t, { userId: "UOWNER", actionId: "surprise_up_1", value: up?.value ?? "", responseId: "vote-1" });
    const updated = await waitForResponse(t, "vote-1", "Thanks!");
    expect(updated.args.replace_original).toBe(true);
    const feedback = await t.database.prisma.gestureFeedback.findMany();
    expect(feedback).toEqual([expect.objectContaining({ suggestionIndex: 1, vote: 1, occasion: "thank_you" })]);
    // A change of mind replaces the vote.
    await click(t, { userId: "UOWNER", actionId: "surprise_down_1", value: up?.value ?? "", responseId: "vote-2" });
    await waitForResponse(t, "vote-2", "Noted");
    expect((await t.database.prisma.gestureFeedback.findMany()).map((f) => f.vote)).toEqual([-1]);
  });

  it("/oops → Suggest a surprise → Use this: on the case, in /surprise customer, in App Home and in the digest count", async () => {
    await t.sender.command(
      "/oops",
      "<@UOWNER|owen> Soylent Corp: the invoice went to the wrong address twice",
      "UREPORTER",
      {
        responseId: "oops-1",
      },
    );
    const recoveryCase = await t.slack
      .waitFor(() => t.slack.postsTo("DUOWNER")[0])
      .then(async () => {
        for (;;) {
          const c = await t.database.prisma.recoveryCase.findFirstOrThrow({ orderBy: { number: "desc" } });
          if (c.cardMessages.length >= 2) return c;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      });
    expect(JSON.stringify(t.slack.postsTo("DUOWNER")[0]?.args)).toContain("recovery_suggest_surprise");
    // The case made the customer record.
    const link = await t.database.prisma.customerCase.findUniqueOrThrow({
      where: { caseId: recoveryCase.id },
      include: { customer: true },
    });
    expect(link.customer.name).toBe("Soylent Corp");

    // Someone who is not on the case is refused.
    await click(t, {
      userId: "USTRANGER",
      actionId: "recovery_suggest_surprise",
      value: recoveryCase.id,
      responseId: "case-stranger",
    });
    await waitForResponse(t, "case-stranger", "Only the owner");

    await click(t, {
      userId: "UOWNER",
      actionId: "recovery_suggest_surprise",
      value: recoveryCase.id,
      responseId: "case-1",
    });
    await waitForResponse(t, "case-1", "Thinking of something good for Soylent Corp");
    const answer = await waitForResponse(t, "case-1", "Surprise ideas for");
    expect(answer.args.replace_original).toBe(false); // the case card stays
    expect(JSON.stringify(answer.args)).toContain(`OOPS-${recoveryCase.number}`);
    expect(JSON.stringify(answer.args)).toContain("making up for a mistake");
    const title = titlesOf(answer)[0] ?? "";
    const use = buttonsOf(answer).find((b) => b.action_id === "surprise_use_0");

    await click(t, { userId: "UOWNER", actionId: "surprise_use_0", value: use?.value ?? "", responseId: "use-1" });
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("surprise_use");
    const bad = await submitForm(t, {
      userId: "UOWNER",
      callbackId: "surprise_use",
      values: { surprise_cost: text("about ten") },
      privateMetadata: view.private_metadata,
    });
    expect(bad.errors?.surprise_cost).toContain("actual cost");
    await submitForm(t, {
      userId: "UOWNER",
      callbackId: "surprise_use",
      values: { surprise_cost: text("12.50") },
      privateMetadata: view.private_metadata,
    });
    const recorded = await waitForResponse(t, "use-1", "Recorded");
    expect(recorded.args.replace_original).toBe(true);
    expect(JSON.stringify(recorded.args)).toContain("$12.50");

    // On the case: its surprise, its timeline and every card.
    const updatedCase = await t.database.prisma.recoveryCase.findUniqueOrThrow({
      where: { id: recoveryCase.id },
      include: { timeline: true },
    });
    expect(updatedCase.surpriseGiven).toBeTruthy();
    expect(updatedCase.timeline.map((e) => e.kind)).toContain("surprise");
    await t.slack.waitFor(
      () => t.slack.callsTo("chat.update").filter((c) => JSON.stringify(c.args).includes("surprise given")).length >= 2,
    );

    // In the customer's record, however it is spelled.
    const shown = await surprise(t, "customer  soylent CORP");
    const record = JSON.stringify((await waitForResponse(t, shown.responseId, "Surprises given")).args);
    expect(record).toContain(title.slice(0, 30));
    expect(record).toContain(`OOPS-${recoveryCase.number}`);

    // In App Home.
    await t.sender.event(appHomeOpened("UOWNER"));
    const home = await t.slack.waitFor(() =>
      t.slack.callsTo("views.publish").find((c) => JSON.stringify(c.args).includes("Surprises you gave")),
    );
    expect(JSON.stringify(home.args)).toContain("Soylent Corp");

    // Counted once for the digest, even after the case is fixed with that surprise.
    expect(
      await countSurprisesDelivered(
        t.database.prisma,
        TEAM_ID,
        new Date(START.getTime() - DAY),
        new Date(START.getTime() + DAY),
      ),
    ).toBe(1);

    // Never suggested to this customer again; a second Use this of the same idea records nothing new.
    await click(t, {
      userId: "UOWNER",
      actionId: "recovery_suggest_surprise",
      value: recoveryCase.id,
      responseId: "case-2",
    });
    const again = await waitForResponse(t, "case-2", "Surprise ideas for");
    expect(titlesOf(again)).not.toContain(title);
    await submitForm(t, {
      userId: "UOWNER",
      callbackId: "surprise_use",
      values: { surprise_cost: text("12.50") },
      privateMetadata: view.private_metadata,
    });
    await waitForResponse(t, "use-1", "Already recorded");
    expect(await t.database.prisma.gesture.count()).toBe(1);
    expect(responsesTo(t, "case-2").some((r) => JSON.stringify(r.args).match(/error/i))).toBe(false);
  });

  it("sends the form's ideas by DM when the form stayed open longer than the command's response_url lives", async () => {
    const { responseId } = await surprise(t, "");
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    const view = opened.args.view as { private_metadata: string };
    // Slack: a response_url works for 30 minutes. The person comes back to the form later.
    clock.advance(31 * 60_000);
    try {
      const accepted = await submitForm(t, {
        userId: "UOWNER",
        callbackId: "surprise_request",
        values: { surprise_customer: text("Stark Industries"), surprise_context: text("a year with us") },
        privateMetadata: view.private_metadata,
      });
      expect(JSON.stringify(accepted)).toContain("in your messages from Delight");
      const dm = await t.slack.waitFor(() =>
        t.slack.postsTo("DUOWNER").find((c) => JSON.stringify(c.args).includes("Surprise ideas for Stark Industries")),
      );
      expect(buttonsOf(dm).filter((b) => b.action_id.startsWith("surprise_use_"))).toHaveLength(3);
      await t.delight.workers.drain();
      // Nothing was sent to the expired URL (Slack would have refused it: expired_url).
      expect(responsesTo(t, responseId)).toHaveLength(0);
      expect(await t.database.prisma.slackWrite.count({ where: { status: "dead" } })).toBe(0);
    } finally {
      clock.set(START);
    }
  });

  it("records a 'Use this' form submitted after its response_url expired, and says so by DM", async () => {
    const { responseId } = await surprise(t, "Wayne Enterprises: thanks for the referral");
    const answer = await waitForResponse(t, responseId, "Surprise ideas for");
    const use = buttonsOf(answer).find((b) => b.action_id === "surprise_use_1");
    await click(t, { userId: "UOWNER", actionId: "surprise_use_1", value: use?.value ?? "", responseId: "use-late" });
    const opened = await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);
    const view = opened.args.view as { private_metadata: string };
    clock.advance(45 * 60_000);
    try {
      await submitForm(t, {
        userId: "UOWNER",
        callbackId: "surprise_use",
        values: { surprise_cost: text("20") },
        privateMetadata: view.private_metadata,
      });
      const dm = await t.slack.waitFor(() =>
        t.slack.postsTo("DUOWNER").find((c) => JSON.stringify(c.args).includes("Wayne Enterprises")),
      );
      expect(JSON.stringify(dm.args)).toContain("Recorded");
      await t.delight.workers.drain();
      expect(responsesTo(t, "use-late")).toHaveLength(0);
      expect(await t.database.prisma.gesture.count({ where: { customer: { name: "Wayne Enterprises" } } })).toBe(1);
    } finally {
      clock.set(START);
    }
  });

  it("answers by DM when Slack refuses the response_url (used up), instead of losing the ideas", async () => {
    const { responseId } = await surprise(t, "Cyberdyne: their launch went well");
    t.slack.fail("response_url", { status: 404, slackError: "used_url" });
    const dm = await t.slack.waitFor(() =>
      t.slack.postsTo("DUOWNER").find((c) => JSON.stringify(c.args).includes("Surprise ideas for Cyberdyne")),
    );
    expect(buttonsOf(dm)).not.toHaveLength(0);
    expect(responsesTo(t, responseId)).toHaveLength(1);
  });

  /** A case about Umbrella Corp, reported by UREPORTER and owned by UOWNER (opened once for the tests below). */
  let umbrella: Promise<{ id: string }> | undefined;
  function umbrellaCase() {
    umbrella ??= (async () => {
      await t.sender.command(
        "/oops",
        "<@UOWNER|owen> Umbrella Corp: shipped the confidential prototype to the wrong site",
        "UREPORTER",
        { responseId: "oops-umbrella" },
      );
      await t.slack.waitFor(() => t.slack.postsTo("DUOWNER").find((c) => JSON.stringify(c.args).includes("Umbrella")));
      return t.database.prisma.recoveryCase.findFirstOrThrow({ where: { customer: "Umbrella Corp" } });
    })();
    return umbrella;
  }

  it("shows a customer's case texts only to the case's owner, reporter and managers; others see notes and gestures", async () => {
    await umbrellaCase();
    await surprise(t, "note Umbrella Corp: the team loves board games", "USTRANGER");
    const seenBy = async (userId: string) => {
      const { responseId } = await surprise(t, "customer Umbrella Corp", userId);
      return JSON.stringify((await waitForResponse(t, responseId, "Umbrella Corp")).args);
    };
    for (const allowed of ["UOWNER", "UREPORTER", "UMANAGER"]) {
      expect(await seenBy(allowed)).toContain("confidential prototype");
    }
    const stranger = await seenBy("USTRANGER");
    expect(stranger).not.toContain("confidential prototype");
    expect(stranger).toContain("board games"); // notes and interests are for anyone
    expect(stranger).toContain("details are for the case's owner, reporter and Delight managers");
  });

  it("records Use this on a recovery case only for someone who may act on the case", async () => {
    const recoveryCase = await umbrellaCase();
    // Ideas for the case, asked by its owner; a stranger's Use this (a forwarded button, a
    // forged form) records nothing on the case.
    await click(t, {
      userId: "UOWNER",
      actionId: "recovery_suggest_surprise",
      value: recoveryCase.id,
      responseId: "umb-1",
    });
    const answer = await waitForResponse(t, "umb-1", "Surprise ideas for");
    const use = buttonsOf(answer).find((b) => b.action_id === "surprise_use_0");
    t.slack.reset();
    await click(t, {
      userId: "USTRANGER",
      actionId: "surprise_use_0",
      value: use?.value ?? "",
      responseId: "umb-stranger",
    });
    await waitForResponse(t, "umb-stranger", "Only the owner");
    expect(t.slack.callsTo("views.open")).toHaveLength(0);
    const [requestId, index] = (use?.value ?? "").split(":");
    // Copied from a real form, so it carries when its response_url was issued.
    const forged = JSON.stringify({
      requestId,
      index: Number(index),
      responseUrl: t.slack.responseUrl("umb-forged"),
      issuedAtMs: clock.now().getTime(),
    });
    await submitForm(t, {
      userId: "USTRANGER",
      callbackId: "surprise_use",
      values: { surprise_cost: text("5") },
      privateMetadata: forged,
    });
    await waitForResponse(t, "umb-forged", "Only the owner");
    expect(await t.database.prisma.gesture.count({ where: { caseId: recoveryCase.id } })).toBe(0);
    const after = await t.database.prisma.recoveryCase.findUniqueOrThrow({
      where: { id: recoveryCase.id },
      include: { timeline: true },
    });
    expect(after.surpriseGiven).toBeNull();
    expect(after.timeline.map((e) => e.kind)).not.toContain("surprise");
  });
});
