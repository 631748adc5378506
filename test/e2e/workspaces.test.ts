// Distribution mode with two workspaces installed through "Add to Slack": each one's
// nominations and cards go out with its own token only (the imitation knows which
// installation each token belongs to), and no job or outbox row holds a token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import type { RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { purgeUninstalledWorkspaces } from "../../src/slack/installations/uninstall.ts";
import { installWorkspace } from "../support/install.ts";
import { drainJobs, SIGNING_SECRET, startTestApp, type TestApp } from "../support/test-app.ts";

const ACME = { teamId: "T0ACME", approvals: "C0ACMEAPPR", admin: "UACMEADMIN", manager: "UACMEMGR" };
const GLOBEX = { teamId: "T0GLOBEX", approvals: "C0GLOBAPPR", admin: "UGLOBADMIN", manager: "UGLOBMGR" };

/** Calls that carry no bot token: the OAuth exchange, the browser's visit, response_url posts, uploads. */
const WITHOUT_TOKEN = new Set(["oauth.v2.access", "oauth/v2/authorize", "response_url", "upload"]);

describe("two workspaces installed with Add to Slack", () => {
  let t: TestApp;
  const senders = new Map<string, SignedSlackClient>();
  beforeAll(async () => {
    t = await startTestApp({
      distribution: true,
      users: [ACME, GLOBEX]
        .flatMap((w) => [
          { id: w.admin, name: `${w.teamId} admin` },
          { id: w.manager, name: `${w.teamId} manager` },
        ])
        .concat([
          { id: "UNINA", name: "Nina" },
          { id: "UALICE", name: "Alice" },
        ]),
    });
    for (const w of [ACME, GLOBEX]) {
      const outcome = await installWorkspace(t, { teamId: w.teamId, teamName: w.teamId, userId: w.admin });
      expect(outcome.status).toBe(200);
      await addManagers(t.database.prisma, { teamId: w.teamId }, [w.manager], w.admin);
      await setChannel(t.database.prisma, { teamId: w.teamId }, "approvals", w.approvals);
      senders.set(
        w.teamId,
        new SignedSlackClient(t.url, SIGNING_SECRET, w.teamId, `${t.slack.url}respond/`, (id) =>
          t.slack.responseUrl(id, { kind: "command" }),
        ),
      );
    }
  });
  afterAll(() => t.stop());

  const sender = (teamId: string) => senders.get(teamId) as SignedSlackClient;

  it("posts each workspace's nomination card with that workspace's token only", async () => {
    t.slack.reset();
    for (const w of [ACME, GLOBEX]) {
      const answer = await sender(w.teamId).command(
        "/delight",
        `<@UALICE|alice> helped a ${w.teamId} customer #attention`,
        "UNINA",
        {
          responseId: `nominate-${w.teamId}`,
        },
      );
      expect(answer.status).toBe(200);
    }
    await drainJobs(t);
    for (const w of [ACME, GLOBEX]) {
      const cards = t.slack.postsTo(w.approvals);
      expect(cards.length).toBeGreaterThan(0);
      for (const card of cards) expect(card.tokenOf).toBe(w.teamId);
      expect(JSON.stringify(cards[0]?.args)).toContain(`${w.teamId} customer`);
    }
    const nominations = await t.database.prisma.nomination.findMany({
      select: { teamId: true, approvalChannelId: true },
    });
    expect(nominations.map((n) => `${n.teamId}:${n.approvalChannelId}`).sort()).toEqual([
      `${ACME.teamId}:${ACME.approvals}`,
      `${GLOBEX.teamId}:${GLOBEX.approvals}`,
    ]);
  });

  it("never calls the Web API without a workspace's own token, nor with the other's", () => {
    const channelOwner = new Map([
      [ACME.approvals, ACME.teamId],
      [GLOBEX.approvals, GLOBEX.teamId],
    ]);
    const calls: RecordedCall[] = t.slack.calls.filter((c) => !WITHOUT_TOKEN.has(c.method));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.tokenOf, `${call.method} without an installation's token`).toBeDefined();
      const owner = channelOwner.get(String(call.args.channel));
      if (owner) expect(call.tokenOf, `${call.method} to ${String(call.args.channel)}`).toBe(owner);
    }
  });

  it("keeps no token in jobs or outbox rows", async () => {
    const tokens = [...t.slack.oauth.tokens.keys()];
    const rows = JSON.stringify([
      await t.database.query(`SELECT * FROM "Job"`),
      await t.database.query(`SELECT * FROM "SlackWrite"`),
    ]);
    expect(rows.length).toBeGreaterThan(100);
    for (const token of tokens) expect(rows).not.toContain(token);
  });

  describe("Enterprise Grid org-wide install", () => {
    const ORG = "E0ORG";
    const teams = [
      { teamId: "T0ORGA", approvals: "C0ORGAAPPR" },
      { teamId: "T0ORGB", approvals: "C0ORGBAPPR" },
    ];
    it("serves two workspaces of the org with the org's token, each with its own settings and data", async () => {
      const outcome = await installWorkspace(t, {
        teamId: "",
        enterpriseId: ORG,
        enterpriseName: "Initech",
        isEnterpriseInstall: true,
        userId: "UORGADMIN",
      });
      expect(outcome.status).toBe(200);
      expect(outcome.html).toContain("Delight is installed in the organisation Initech");
      const rows = await t.database.query<{ id: string; teamId: string | null }>(
        `SELECT id, "teamId" FROM "SlackInstallation" WHERE "enterpriseId" = $1`,
        [ORG],
      );
      expect(rows).toEqual([{ id: `E:${ORG}`, teamId: null }]);
      // The org admin who installed gets the welcome DM too, with the org's token.
      await drainJobs(t);
      const welcome = t.slack.postsTo("DUORGADMIN");
      expect(welcome).toHaveLength(1);
      expect(welcome[0]?.tokenOf).toBe(`E:${ORG}`);
      expect(JSON.stringify(welcome[0]?.args)).toContain("installed for the whole organisation Initech");
      expect(JSON.stringify(welcome[0]?.args)).toContain("https://slack.com/app_redirect?app=A0DELIGHT");
      t.slack.reset();
      for (const w of teams) {
        await addManagers(t.database.prisma, { teamId: w.teamId, enterpriseId: ORG }, ["UORGADMIN"], "UORGADMIN");
        await setChannel(t.database.prisma, { teamId: w.teamId, enterpriseId: ORG }, "approvals", w.approvals);
        const orgSender = new SignedSlackClient(
          t.url,
          SIGNING_SECRET,
          w.teamId,
          `${t.slack.url}respond/`,
          (id) => t.slack.responseUrl(id, { kind: "command" }),
          { enterpriseId: ORG },
        );
        const answer = await orgSender.command("/delight", `<@UALICE|alice> helped an ${w.teamId} customer`, "UNINA", {
          responseId: `org-${w.teamId}`,
        });
        expect(answer.status).toBe(200);
      }
      await drainJobs(t);
      for (const w of teams) {
        const cards = t.slack.postsTo(w.approvals);
        expect(cards.length).toBeGreaterThan(0);
        for (const card of cards) expect(card.tokenOf).toBe(`E:${ORG}`);
        const own = await t.database.prisma.nomination.findMany({ where: { teamId: w.teamId } });
        expect(own).toHaveLength(1);
        expect(own[0]?.story).toContain(w.teamId);
      }
    });
  });

  describe("uninstall", () => {
    const eventFrom = (teamId: string, type: string, extra: Record<string, unknown> = {}, eventTime?: number) =>
      sender(teamId).send(
        JSON.stringify({
          token: "legacy-verification-token",
          team_id: teamId,
          api_app_id: "A0DELIGHT",
          type: "event_callback",
          event_id: `Ev${type}${Math.random().toString(36).slice(2, 8)}`,
          event_time: eventTime ?? Math.floor(Date.now() / 1000),
          event: { type, ...extra },
          authorizations: [{ team_id: teamId, user_id: "UDELIGHTBOT", is_bot: true }],
        }),
        "application/json",
      );
    const acmeRows = async () => {
      const tables = await t.database.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'teamId'`,
      );
      let count = 0;
      for (const { table_name } of tables) {
        const [row] = await t.database.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${table_name}" WHERE "teamId" = $1`,
          [ACME.teamId],
        );
        count += Number(row?.n ?? 0);
      }
      return count;
    };

    it("stops everything for the workspace at once, in either order of the events; the other is unaffected", async () => {
      // Due in an hour by the test's clock and by the job store's (the real one): not claimed
      // by a worker before the uninstall, which cancels what is waiting.
      const later = new Date(Math.max(t.clock.now().getTime(), Date.now()) + 3_600_000);
      await t.delight.deps.jobs.enqueue(
        "directory.sweep",
        { teamId: ACME.teamId },
        { teamId: ACME.teamId, runAt: later },
      );
      await t.database.prisma.slackWrite.create({
        data: {
          key: "acme:pending",
          teamId: ACME.teamId,
          method: "chat.postMessage",
          lane: "x",
          args: {},
          nextAttemptAt: later,
        },
      });
      t.slack.oauth.revoke({ teamId: ACME.teamId });
      expect(
        (await eventFrom(ACME.teamId, "tokens_revoked", { tokens: { oauth: [], bot: ["UDELIGHTBOT"] } })).status,
      ).toBe(200);
      expect((await eventFrom(ACME.teamId, "app_uninstalled")).status).toBe(200);

      expect(await t.database.prisma.slackInstallation.count({ where: { id: `T:${ACME.teamId}` } })).toBe(0);
      const jobs = await t.database.prisma.job.findMany({ where: { teamId: ACME.teamId, kind: "directory.sweep" } });
      expect(jobs.map((j) => [j.status, j.lastError])).toEqual([["dead", "uninstalled"]]);
      const write = await t.database.prisma.slackWrite.findUniqueOrThrow({ where: { key: "acme:pending" } });
      expect([write.status, write.lastError]).toEqual(["dead", "uninstalled"]);
      await expect(t.delight.installations?.botTokenFor(ACME.teamId)).rejects.toThrow(/not installed/);

      t.slack.reset();
      await sender(ACME.teamId).command("/delight", "<@UALICE|alice> after uninstall", "UNINA", { responseId: "gone" });
      await sender(GLOBEX.teamId).command("/delight", "<@UALICE|alice> still here", "UNINA", { responseId: "here" });
      await drainJobs(t);
      expect(t.slack.calls.filter((c) => c.tokenOf === ACME.teamId)).toEqual([]);
      expect(t.slack.postsTo(GLOBEX.approvals).length).toBeGreaterThan(0);
      // Its data is kept for the retention period.
      expect(await t.database.prisma.nomination.count({ where: { teamId: ACME.teamId } })).toBe(1);
    });

    it("a reinstall brings everything back, and a late event about the earlier install changes nothing", async () => {
      const before = Math.floor(Date.now() / 1000) - 5;
      expect((await installWorkspace(t, { teamId: ACME.teamId, teamName: "Acme", userId: ACME.admin })).status).toBe(
        200,
      );
      expect(await t.database.prisma.slackUninstall.count({ where: { teamId: ACME.teamId } })).toBe(0);
      expect((await eventFrom(ACME.teamId, "app_uninstalled", {}, before)).status).toBe(200);
      expect(await t.database.prisma.slackInstallation.count({ where: { id: `T:${ACME.teamId}` } })).toBe(1);

      t.slack.reset();
      await sender(ACME.teamId).command("/delight", "<@UALICE|alice> back again", "UNINA", { responseId: "back" });
      await drainJobs(t);
      const cards = t.slack.postsTo(ACME.approvals);
      expect(cards.length).toBeGreaterThan(0);
      for (const card of cards) expect(card.tokenOf).toBe(ACME.teamId);
      expect(await t.database.prisma.nomination.count({ where: { teamId: ACME.teamId } })).toBe(2);
    });

    it("deletes every row of the workspace after the retention period, and nothing of the others", async () => {
      expect((await eventFrom(ACME.teamId, "app_uninstalled")).status).toBe(200);
      expect(await acmeRows()).toBeGreaterThan(0);
      expect(await purgeUninstalledWorkspaces(t.database.prisma, t.clock.now())).toEqual([]);
      const globexBefore = await t.database.prisma.nomination.count({ where: { teamId: GLOBEX.teamId } });
      const after = new Date(t.clock.now().getTime() + 31 * 24 * 60 * 60_000);
      expect(await purgeUninstalledWorkspaces(t.database.prisma, after)).toEqual([ACME.teamId]);
      expect(await acmeRows()).toBe(0);
      expect(await t.database.prisma.nomination.count({ where: { teamId: GLOBEX.teamId } })).toBe(globexBefore);
      expect(await t.database.prisma.workspace.count({ where: { teamId: GLOBEX.teamId } })).toBe(1);
    });
  });
});
