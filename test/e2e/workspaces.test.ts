// Distribution mode with two workspaces installed through "Add to Slack": each one's
// nominations and cards go out with its own token only (the imitation knows which
// installation each token belongs to), and no job or outbox row holds a token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import type { RecordedCall } from "../../src/sandbox/slack-imitation.ts";
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
});
