// Token rotation in distribution mode: Slack's rotating bot tokens expire (2 minutes here, 12
// hours in Slack), and Bolt refreshes only when a request comes in. A digest due after the
// token expired, with no request in between, goes out with a refreshed token; two instances
// that need a fresh token at once refresh it once (the second reads the first's).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import { SlackStandIn } from "../../src/sandbox/slack-imitation.ts";
import { databaseTargets } from "../support/databases.ts";
import { seedApprovedStories } from "../support/digest-data.ts";
import { installWorkspace } from "../support/install.ts";
import { drainJobs, SIGNING_SECRET, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

const TEAM = "T0ROTATE";
const DIGEST_CHANNEL = "C0ROTDIGEST";

describe.each(databaseTargets())("token rotation on $name", (target) => {
  const slack = new SlackStandIn();
  const clock = new TestClock(new Date("2026-11-23T09:00:00Z"));
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    await slack.start();
    slack.clock = clock;
    slack.oauth.tokenLifetimeSeconds = 120;
    const users = [
      { id: "UADMIN", name: "Ada" },
      { id: "UALICE", name: "Alice" },
    ];
    a = await startTestApp({
      distribution: true,
      slack,
      clock,
      databaseUrl: await target.create(),
      admins: ["UADMIN"],
      users,
    });
    expect((await installWorkspace(a, { teamId: TEAM, teamName: "Rotate", userId: "UADMIN" })).status).toBe(200);
    b = await startTestApp({ distribution: true, slack, clock, database: a.database, admins: ["UADMIN"] });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await slack.stop();
    await target.cleanup();
  });

  it("stores a rotating token and its refresh token encrypted only", async () => {
    const dump = JSON.stringify(await a.database.query(`SELECT * FROM "SlackInstallation"`));
    expect(dump).not.toMatch(/xoxe/);
  });

  it("posts a digest due after the token expired with a refreshed token, no request in between", async () => {
    const admin = new SignedSlackClient(a.url, SIGNING_SECRET, TEAM, `${slack.url}respond/`, (id) =>
      slack.responseUrl(id, { kind: "command" }),
    );
    const added = await admin.command(
      "/delight-admin",
      `digest add <#${DIGEST_CHANNEL}|digest> monday 09:30 UTC`,
      "UADMIN",
    );
    expect(added.status).toBe(200);
    await drainJobs(a);
    expect(await a.database.prisma.digestSchedule.count({ where: { teamId: TEAM } })).toBe(1);
    await seedApprovedStories(a.database.prisma, {
      teamId: TEAM,
      count: 2,
      decidedAt: (i) => new Date(Date.parse("2026-11-22T10:00:00Z") - i * 3_600_000),
    });
    const refreshesBefore = slack.oauth.refreshes;
    clock.set("2026-11-23T09:30:00Z"); // the install's token expired at 09:02
    slack.reset();
    expect((await a.delight.scheduler.tickDigests()).enqueued).toBe(1);
    await drainJobs(a);
    await drainJobs(b);
    expect(slack.oauth.refreshes - refreshesBefore).toBe(1);
    const posted = slack.workspace.messages.get(DIGEST_CHANNEL) ?? [];
    expect(posted.length).toBeGreaterThan(0);
    // Nothing was refused for an expired token.
    expect(slack.calls.filter((c) => c.tokenOf === TEAM).length).toBeGreaterThan(0);
    expect(JSON.stringify(slack.calls)).not.toContain("token_expired");
  });

  it("refreshes once when two instances need a fresh token at the same time", async () => {
    clock.advance(10 * 60_000);
    const before = slack.oauth.refreshes;
    const [fromA, fromB] = await Promise.all([
      a.delight.installations?.botTokenFor(TEAM),
      b.delight.installations?.botTokenFor(TEAM),
    ]);
    expect(slack.oauth.refreshes - before).toBe(1);
    expect(fromA).toBe(fromB);
    expect(slack.oauth.check(fromA).error).toBeUndefined();
  });
});
