// The ack path end to end: work recorded before the ack survives a restart, a repeated
// command within a minute is recognised, an out-of-date button is answered, /metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.ts";
import { setChannel } from "../../src/features/admin/settings.ts";
import { buttonClick, viewSubmission } from "../support/payloads.ts";
import { databaseTargets } from "../support/databases.ts";
import { SlackStandIn, TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const APPROVALS = "C0DURABLE";
const METRICS_TOKEN = "test-metrics-token-0123456789";
const users = [
  { id: "UNINA", name: "Nina" },
  { id: "UALICE", name: "Alice" },
];

describe.each(databaseTargets())("durable intake on $name", (target) => {
  const slack = new SlackStandIn();
  beforeAll(() => slack.start());
  afterAll(async () => {
    await slack.stop();
    await target.cleanup();
  });

  it("finishes work acknowledged by an app that stopped before doing it, in the next app on the database", async () => {
    const databaseUrl = await target.create();
    const first = await startTestApp({ slack, users, databaseUrl });
    await setChannel(first.database.prisma, { teamId: TEAM_ID }, "approvals", APPROVALS);
    // This instance acknowledges but never gets to run the work (as if killed right after the ack).
    await first.delight.workers.stop(0);
    const response = await first.sender.command(
      "/delight",
      "<@UALICE|alice> kept the store open late #delight",
      "UNINA",
    );
    expect(response.status).toBe(200);
    expect(response.body).toContain("Got it");
    await first.stop();
    expect(slack.postsTo(APPROVALS)).toHaveLength(0);

    const database = await openDatabase(databaseUrl);
    const second = await startTestApp({ slack, users, database });
    try {
      await slack.waitFor(() => slack.postsTo(APPROVALS).length >= 2, 15_000);
      await second.delight.workers.drain();
      expect(slack.postsTo(APPROVALS).filter((c) => !c.args.thread_ts)).toHaveLength(1);
      const reply = slack.responses().find((r) => JSON.stringify(r.args).includes("waiting for a manager"));
      expect(reply).toBeDefined();
      expect(await database.prisma.nomination.count()).toBe(1);
    } finally {
      await second.stop();
      await database.close();
    }
  });
});

describe("the ack path", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ users, env: { METRICS_TOKEN } });
    await setChannel(t.database.prisma, { teamId: TEAM_ID }, "approvals", APPROVALS);
  });
  afterAll(() => t.stop());

  it("takes the same /delight from the same person once within a minute, and says so", async () => {
    const text = "<@UALICE|alice> found the lost order on a Sunday #attention";
    const first = await t.sender.command("/delight", text, "UNINA");
    const again = await t.sender.command("/delight", text, "UNINA");
    expect(first.body).toContain("Got it");
    expect(again.body).toContain("already received this nomination");
    await t.slack.waitFor(() => t.slack.postsTo(APPROVALS).length >= 2);
    await t.delight.workers.drain();
    expect(await t.database.prisma.nomination.count({ where: { story: { contains: "lost order" } } })).toBe(1);
  });

  it("acknowledges a button it no longer knows and tells the person it is out of date", async () => {
    const started = Date.now();
    const response = await t.sender.interaction(
      buttonClick({
        userId: "UNINA",
        actionId: "retired_button_v0",
        value: "x",
        responseUrl: t.slack.responseUrl("old"),
      }),
    );
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    const told = await t.slack.waitFor(() => t.slack.responses().find((r) => r.args.response_id === "old"));
    expect(JSON.stringify(told.args)).toContain("out of date");
  });

  it("answers a form it no longer knows by replacing it with an out-of-date notice", async () => {
    const response = await t.sender.interaction(
      viewSubmission({ userId: "UNINA", callbackId: "retired_form_v0", values: {} }),
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ response_action: "update" });
    expect(response.body).toContain("out of date");
  });

  it("serves Prometheus metrics: ack latency, outbox depth, jobs waiting, 429s, event-loop delay", async () => {
    const metrics = await (
      await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    for (const name of [
      "delight_ack_seconds_bucket",
      "delight_outbox_depth",
      "delight_outbox_oldest_pending_seconds",
      "delight_jobs_waiting",
      "delight_slack_rate_limited_total",
      "delight_job_lag_seconds",
      "delight_nodejs_eventloop_lag_seconds",
    ]) {
      expect(metrics).toContain(name);
    }
  });
});
