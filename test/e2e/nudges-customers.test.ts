// Nudges from what customers say and when their milestones come, end to end: a customer's
// praise (a signed webhook to the real /hooks endpoint) brings the praised person the
// customer's words and two ideas; renewals and anniversaries bring the customer's owner three.
// The model here always fails, so every idea comes from the built-in catalogue. Exactly once
// under replays and retries; an owner Slack doesn't know is counted and messaged no one.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { insightsBlocks } from "../../src/features/insights/blocks.ts";
import { cachedInsights } from "../../src/features/insights/delivery.ts";
import { utcDay } from "../../src/features/insights/service.ts";
import { customerSignalFigures } from "../../src/features/nudges/figures.ts";
import { MILESTONES_JOB } from "../../src/features/nudges/milestones.ts";
import { DELIVER_NUDGE_JOB } from "../../src/features/nudges/service.ts";
import { recordGestureUse } from "../../src/features/surprises/service.ts";
import { signStandardWebhook } from "../../src/features/signals/signatures.ts";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { databaseTargets } from "../support/databases.ts";
import { OpenAIStandIn } from "../support/openai-stand-in.ts";
import { buttonClick } from "../support/payloads.ts";
import { drainJobs, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

// 10:00 in Paris (UTC+1).
const MORNING = new Date("2026-11-23T09:00:00Z");
const DAY = 24 * 3_600_000;

describe.each(databaseTargets())("customer nudges on $name", (target) => {
  let t: TestApp;
  const model = new OpenAIStandIn();
  const clock = new TestClock(MORNING);
  let generic: { id: string; secret: string };

  beforeAll(async () => {
    const baseUrl = await model.start();
    model.behaviour = { kind: "status", status: 500 };
    t = await startTestApp({
      clock,
      admins: ["UADMIN"],
      databaseUrl: await target.create(),
      env: {
        PUBLIC_URL: "https://delight.example.com",
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: baseUrl,
        OPENAI_TIMEOUT_MS: "3000",
      },
      users: [
        { id: "UADMIN", name: "Ada", tz: "Europe/Paris" },
        { id: "UALEX", name: "Alex", email: "alex@example.com", tz: "Europe/Paris" },
        { id: "UOLGA", name: "Olga", email: "olga@example.com", tz: "Europe/Paris" },
      ],
    });
    const answer = await t.sender.command("/delight-admin", "connect generic", "UADMIN");
    const [, id] = /\/hooks\/generic\/([A-Za-z0-9_-]+)`/.exec(answer.body) ?? [];
    const [, secret] = /`(whsec_[A-Za-z0-9+/=]+)`/.exec(answer.body) ?? [];
    generic = { id: id ?? "", secret: secret ?? "" };
    expect(generic.id && generic.secret).toBeTruthy();
  });
  afterAll(async () => {
    await t.stop();
    await model.stop();
    await target.cleanup();
  });
  beforeEach(() => {
    t.slack.reset();
    clock.set(MORNING);
  });

  const text = (call: RecordedCall | undefined) => (call ? JSON.stringify(call.args) : "");
  const dmsTo = (userId: string, words: string) => t.slack.postsTo(`D${userId}`).filter((c) => text(c).includes(words));

  async function signal(body: Record<string, unknown>, eventId: string) {
    const raw = JSON.stringify(body);
    const headers = signStandardWebhook(generic.secret, eventId, Math.floor(clock.now().getTime() / 1000), raw);
    const response = await fetch(`${t.url}/hooks/generic/${generic.id}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: raw,
    });
    expect(response.status).toBe(200);
    await drainJobs(t);
  }

  async function tickAt(at: Date) {
    clock.set(at);
    await t.delight.scheduler.tickMilestones();
    await drainJobs(t);
    await t.delight.scheduler.tickNudges();
    await drainJobs(t);
  }

  const praise = (customer: string, comment: string) => ({
    type: "feedback",
    occurred_at: clock.now().toISOString(),
    customer: { name: customer },
    score: { kind: "nps", value: 10 },
    comment,
    agent_email: "alex@example.com",
  });

  it("praise brings the praised person the customer's words, escaped, and two ideas; a replay brings nothing more", async () => {
    await signal(praise("Acme Corp", "Alex was <b>amazing</b> @channel"), "msg_praise_1");
    await signal(praise("Acme Corp", "Alex was <b>amazing</b> @channel"), "msg_praise_1");
    await tickAt(new Date(MORNING.getTime() + 60_000));
    const nudges = dmsTo("UALEX", "praised you");
    expect(nudges).toHaveLength(1);
    const dm = text(nudges[0]);
    expect(dm).toContain("Alex was &lt;b&gt;amazing&lt;/b&gt;");
    expect(dm).not.toContain("<b>");
    expect(dm).not.toContain("@channel");
    expect(dm.match(/surprise_use_\d/g)).toHaveLength(2);
    expect(dm).toContain("nudge_not_now");
    expect(dm).toContain("Stop suggesting for this customer");
    // The model failed: the catalogue answered, and the person can't tell but by the footnote.
    expect(model.requests.length).toBeGreaterThan(0);
    expect(dm).toContain("built-in catalogue");
    const row = await t.database.prisma.nudge.findFirstOrThrow({ where: { kind: "praise", userId: "UALEX" } });
    expect(row).toMatchObject({ status: "sent" });
    expect(row.customerId).toBeTruthy();

    // "Use this" on a praise idea is the surprise feature's own form.
    const use = await t.sender.interaction(
      buttonClick({
        userId: "UALEX",
        actionId: "surprise_use_1",
        value: `${row.requestId}:1`,
        responseUrl: t.slack.responseUrl("use"),
      }),
    );
    expect(use.status).toBe(200);
    await t.slack.waitFor(() => t.slack.callsTo("views.open")[0]);

    await tickAt(new Date(MORNING.getTime() + 10 * 60_000));
    expect(dmsTo("UALEX", "praised you")).toHaveLength(1);
  });

  it("praise in the evening waits for 09:00 in the person's time zone; 'Stop suggesting' mutes that customer", async () => {
    clock.set(new Date("2026-11-24T19:30:00Z")); // 20:30 in Paris
    await signal(praise("Globex", "Quick and kind, thank you"), "msg_praise_2");
    await tickAt(new Date("2026-11-24T19:31:00Z"));
    expect(dmsTo("UALEX", "praised you")).toHaveLength(0);
    const waiting = await t.database.prisma.nudge.findFirstOrThrow({
      where: { subjectKey: { startsWith: "praise:" }, status: "pending" },
    });
    expect(waiting).toMatchObject({ reason: "quiet-hours", dueAt: new Date("2026-11-25T08:00:00Z") });
    await tickAt(new Date("2026-11-25T08:00:00Z"));
    expect(dmsTo("UALEX", "praised you")).toHaveLength(1);

    const sent = await t.database.prisma.nudge.findUniqueOrThrow({ where: { id: waiting.id } });
    const stop = await t.sender.interaction(
      buttonClick({
        userId: "UALEX",
        actionId: "nudge_stop_customer",
        value: sent.id,
        responseUrl: t.slack.responseUrl("stop"),
      }),
    );
    expect(stop.status).toBe(200);
    await drainJobs(t);
    clock.set(new Date("2026-11-25T09:00:00Z"));
    await signal(praise("Globex", "Again, brilliant"), "msg_praise_3");
    await tickAt(new Date("2026-11-25T09:01:00Z"));
    expect(dmsTo("UALEX", "praised you")).toHaveLength(1);
    const muted = await t.database.prisma.nudge.findFirstOrThrow({
      where: { kind: "praise", status: "dropped" },
    });
    expect(muted.reason).toBe("muted");
  });

  it("the owner is nudged 14 days before a renewal and on the anniversary, exactly once however often it runs", async () => {
    const day = new Date("2026-12-01T08:30:00Z"); // 09:30 in Paris
    clock.set(day);
    await signal(
      {
        type: "customer",
        occurred_at: day.toISOString(),
        customer: {
          name: "Initech",
          owner_email: "olga@example.com",
          interests: ["cycling"],
          customer_since: "2023-12-01",
          renewal_at: "2026-12-15",
        },
      },
      "msg_initech",
    );
    await tickAt(new Date(day.getTime() + 60_000));
    const renewal = dmsTo("UOLGA", "renews on 2026-12-15");
    const anniversary = dmsTo("UOLGA", "3 years with Initech");
    expect(renewal).toHaveLength(1);
    expect(anniversary).toHaveLength(1);
    expect(text(renewal[0]).match(/surprise_use_\d/g)).toHaveLength(3);
    expect(text(anniversary[0]).match(/surprise_use_\d/g)).toHaveLength(3);

    // The planning job retried, the delivery retried after a crash between the DM and its
    // record, and the next days still inside the renewal's window: nothing more.
    await t.delight.workers.enqueue(
      MILESTONES_JOB,
      { teamId: TEAM_ID, day: "2026-12-01" },
      { key: "retry-plan", teamId: TEAM_ID },
    );
    const sent = await t.database.prisma.nudge.findFirstOrThrow({ where: { kind: "renewal" } });
    await t.database.prisma.nudge.update({ where: { id: sent.id }, data: { status: "sending" } });
    await t.delight.workers.enqueue(DELIVER_NUDGE_JOB, { nudgeId: sent.id }, { key: "retry-deliver", teamId: TEAM_ID });
    await drainJobs(t);
    await tickAt(new Date(day.getTime() + 2 * 60_000));
    await tickAt(new Date(day.getTime() + DAY));
    await tickAt(new Date(day.getTime() + 2 * DAY));
    expect(dmsTo("UOLGA", "renews on")).toHaveLength(1);
    expect(dmsTo("UOLGA", "years with")).toHaveLength(1);
    expect(await t.database.prisma.nudge.count({ where: { kind: { in: ["renewal", "anniversary"] } } })).toBe(2);
    expect((await t.database.prisma.nudge.findUniqueOrThrow({ where: { id: sent.id } })).status).toBe("sent");
  });

  it("an owner nobody in Slack has is counted, and no one is messaged", async () => {
    const day = new Date("2026-12-10T09:00:00Z");
    clock.set(day);
    await signal(
      {
        type: "customer",
        occurred_at: day.toISOString(),
        customer: {
          name: "Hooli",
          owner_email: "gone@example.com",
          customer_since: "2020-12-10",
          renewal_at: "2027-06-01",
          tier: "<vip> @here",
          interests: ["tea"],
          notes: "Loves <b>green tea</b>",
        },
      },
      "msg_hooli",
    );
    await tickAt(new Date(day.getTime() + 60_000));
    const row = await t.database.prisma.nudge.findFirstOrThrow({ where: { kind: "anniversary", status: "dropped" } });
    expect(row).toMatchObject({ reason: "owner-not-in-slack", userId: "" });
    expect(t.slack.callsTo("chat.postMessage").filter((c) => text(c).includes("Hooli"))).toHaveLength(0);

    // `/surprise customer` shows the record's new fields, escaped.
    const before = t.slack.responses().length;
    expect((await t.sender.command("/surprise", "customer Hooli", "UADMIN")).status).toBe(200);
    await drainJobs(t);
    const shown = JSON.stringify((await t.slack.waitFor(() => t.slack.responses()[before], 15_000)).args);
    expect(shown).toContain("*Tier:* &lt;vip&gt; @\u200Bhere");
    expect(shown).toContain("*Interests:* tea");
    expect(shown).toContain("*Owner:* gone@example.com");
    expect(shown).toContain("*Customer since:* 2020-12-10");
    expect(shown).toContain("*Renewal:* 2027-06-01");
    expect(shown).toContain("Loves &lt;b&gt;green tea&lt;/b&gt;");
    expect(shown).not.toContain("<b>");
  });

  it("milestone nudges share the daily limit of 3 and obey /delight prefs nudges off", async () => {
    const day = new Date("2026-12-12T09:00:00Z"); // 10:00 in Paris
    clock.set(day);
    for (const [i, name] of ["Stark", "Wayne", "Tyrell", "Cyberdyne"].entries()) {
      await signal(
        {
          type: "customer",
          occurred_at: day.toISOString(),
          customer: { name, owner_email: "olga@example.com", customer_since: `${2019 + i}-12-12` },
        },
        `msg_limit_${i}`,
      );
    }
    await tickAt(new Date(day.getTime() + 60_000));
    expect(dmsTo("UOLGA", "years with")).toHaveLength(3);
    const waiting = await t.database.prisma.nudge.findFirstOrThrow({
      where: { userId: "UOLGA", kind: "anniversary", status: "pending" },
    });
    expect(waiting).toMatchObject({ reason: "daily-limit", dueAt: new Date("2026-12-13T08:00:00Z") });

    expect((await t.sender.command("/delight", "prefs nudges off", "UOLGA")).body).toContain("Nudges are off");
    await tickAt(new Date("2026-12-13T08:00:00Z"));
    expect(dmsTo("UOLGA", "years with")).toHaveLength(3);
    expect(await t.database.prisma.nudge.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({
      status: "dropped",
      reason: "off",
    });
    await t.sender.command("/delight", "prefs nudges on", "UOLGA");
  });

  it("the digest and insights count signals, customer nominations, and nudges sent and acted on", async () => {
    const now = new Date("2026-12-11T09:00:00Z");
    clock.set(now);
    // "Use this" on the first praise nudge's idea, three days after it: acted on.
    const praised = await t.database.prisma.nudge.findFirstOrThrow({
      where: { kind: "praise", status: "sent" },
      orderBy: { sentAt: "asc" },
    });
    const used = await recordGestureUse(t.database.prisma, new Date(MORNING.getTime() + 3 * DAY), {
      teamId: TEAM_ID,
      requestId: praised.requestId ?? "",
      index: 0,
      userId: "UALEX",
      costCents: null,
      sourceViewId: "VUSED1",
    });
    expect(used.ok).toBe(true);
    // A detractor today opens a recovery from the signal.
    await signal(
      {
        type: "feedback",
        occurred_at: now.toISOString(),
        customer: { name: "Umbrella" },
        score: { kind: "nps", value: 2 },
        comment: "Late again",
        agent_email: "alex@example.com",
      },
      "msg_detractor",
    );
    const figures = await customerSignalFigures(t.database.prisma, TEAM_ID, new Date(MORNING.getTime() - DAY), now);
    expect(figures).toEqual({
      signalsReceived: 6,
      recoveriesOpened: 1,
      recoveriesFixed: 0,
      recoveriesFixedOnTime: 0,
      customerNominations: 3,
      nudgesSent: 4,
      nudgesActedOn: 1,
    });

    // The digest's week (4–11 December): Hooli's update and the detractor, in one compact line.
    const before = t.slack.responses().length;
    expect((await t.sender.command("/delight", "digest preview", "UADMIN")).status).toBe(200);
    const preview = JSON.stringify((await t.slack.waitFor(() => t.slack.responses()[before], 15_000)).args);
    expect(preview).toContain("Customer signals: *2* received · *1* recovery opened");
    expect(preview).not.toContain("nudges sent");

    // Insights (last 90 days) show the whole line above the charts.
    await t.database.prisma.insightsCharts.create({
      data: { teamId: TEAM_ID, day: utcDay(now), audience: "user:UADMIN", mode: "text", fileIds: [], charts: [] },
    });
    const view = await cachedInsights(t.database.prisma, TEAM_ID, "UADMIN", now);
    const blocks = JSON.stringify(insightsBlocks(view ?? { mode: "text", fileIds: [], charts: [] }));
    expect(blocks).toContain("*6* received");
    expect(blocks).toContain("*3* nominations by customers");
    expect(blocks).toContain("*4* nudges sent, *1* acted on");
  });
});
