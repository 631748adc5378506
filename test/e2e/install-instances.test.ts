// Two app instances on one database (distribution mode), each with its installations cached
// in memory: an uninstall recorded by instance A stops instance B from using the workspace's
// token at once (not when B's cache entry would have expired), and a token refreshed by A is
// the one B uses next. PostgreSQL: LISTEN/NOTIFY between the instances; PGlite: the instances
// share the process (installations/changes.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import { databaseTargets } from "../support/databases.ts";
import { installWorkspace } from "../support/install.ts";
import { drainJobs, SIGNING_SECRET, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";
import { SlackStandIn } from "../../src/sandbox/slack-imitation.ts";

const ACME = "T0ACMEMULTI";
const GLOBEX = "T0GLOBMULTI";

describe.each(databaseTargets())("installations cached by two instances on $name", (target) => {
  const slack = new SlackStandIn();
  const clock = new TestClock(new Date("2026-11-23T09:00:00Z"));
  let a: TestApp;
  let b: TestApp;
  const senderTo = (app: TestApp, teamId: string) =>
    new SignedSlackClient(app.url, SIGNING_SECRET, teamId, `${slack.url}respond/`, (id) =>
      slack.responseUrl(id, { kind: "command" }),
    );

  beforeAll(async () => {
    await slack.start();
    slack.clock = clock;
    slack.oauth.tokenLifetimeSeconds = 12 * 3600;
    const users = [
      { id: "UADMIN", name: "Ada" },
      { id: "UALICE", name: "Alice" },
      { id: "UNINA", name: "Nina" },
    ];
    const databaseUrl = await target.create();
    a = await startTestApp({ distribution: true, slack, clock, databaseUrl, users });
    b = await startTestApp({ distribution: true, slack, clock, databaseUrl, database: a.database });
    for (const teamId of [ACME, GLOBEX]) {
      expect((await installWorkspace(a, { teamId, teamName: teamId, userId: "UADMIN" })).status).toBe(200);
    }
    await drainJobs(a);
  }, 120_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await slack.stop();
    await target.cleanup();
  });

  it("B uses a token A refreshed as soon as A has it", async () => {
    const before = await b.delight.installations?.botTokenFor(ACME);
    clock.advance(12 * 3600_000 - 60_000); // within 5 minutes of expiry: A refreshes
    const refreshed = await a.delight.installations?.botTokenFor(ACME);
    expect(refreshed).not.toBe(before);
    await expect
      .poll(() => b.delight.installations?.botTokenFor(ACME), { timeout: 1_000, interval: 10 })
      .toBe(refreshed);
    expect(slack.oauth.refreshes).toBe(1);
  });

  it("B makes no Web API call with a workspace's token once A recorded its uninstall", async () => {
    // B has both installations cached (its requests and jobs used them).
    for (const teamId of [ACME, GLOBEX]) {
      const answer = await senderTo(b, teamId).command("/delight", `<@UALICE|alice> helped ${teamId}`, "UNINA", {
        responseId: `before-${teamId}`,
      });
      expect(answer.status).toBe(200);
    }
    await drainJobs(b);
    expect(slack.calls.some((c) => c.tokenOf === ACME)).toBe(true);

    // Slack tells A (any instance behind the load balancer). The imitation still accepts the
    // token, so a call B made with it would be recorded.
    const uninstalled = await senderTo(a, ACME).send(
      JSON.stringify({
        token: "legacy-verification-token",
        team_id: ACME,
        api_app_id: "A0DELIGHT",
        type: "event_callback",
        event_id: "EvUNINSTALLMULTI",
        event_time: Math.floor(Date.now() / 1000),
        event: { type: "app_uninstalled" },
        authorizations: [{ team_id: ACME, user_id: "UDELIGHTBOT", is_bot: true }],
      }),
      "application/json",
    );
    expect(uninstalled.status).toBe(200);
    slack.reset();

    // The notification reaches B within milliseconds (its cache would keep the token 30 s).
    await expect
      .poll(
        () =>
          b.delight.installations?.botTokenFor(ACME).then(
            () => "token",
            (e: Error) => e.name,
          ),
        {
          timeout: 500,
          interval: 5,
        },
      )
      .toBe("NotInstalled");
    await senderTo(b, ACME).command("/delight", "<@UALICE|alice> after the uninstall", "UNINA", { responseId: "gone" });
    // A job of each workspace that calls the Web API (users.list).
    for (const teamId of [ACME, GLOBEX]) {
      await b.delight.deps.jobs.enqueue("directory.sweep", { teamId }, { teamId, key: `sweep-after:${teamId}` });
    }
    await drainJobs(b);
    expect(slack.calls.filter((c) => c.tokenOf === ACME)).toEqual([]);
    expect(slack.calls.some((c) => c.tokenOf === GLOBEX)).toBe(true);
  });
});
