// "Add to Slack" (distribution mode), end to end: the install page, Slack's authorize page
// (the imitation), the redirect back with the state cookie, the installation stored with its
// tokens encrypted, and the pages a person sees when something goes wrong.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { finishInstall, installWorkspace, openInstallPage } from "../support/install.ts";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import type { RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { drainJobs, SIGNING_SECRET, startTestApp, type TestApp } from "../support/test-app.ts";

describe("Add to Slack", () => {
  let t: TestApp;
  const logged: string[] = [];
  beforeAll(async () => {
    // Everything the app logs, at debug level, is searched for tokens below.
    for (const level of ["debug", "info", "warn", "error", "log"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(" "));
      });
    }
    t = await startTestApp({
      distribution: true,
      env: { LOG_LEVEL: "debug" },
      users: [
        { id: "UINSTALLER", name: "Ines" },
        { id: "UNOTADMIN", name: "Noel" },
      ],
    });
  });
  afterAll(async () => {
    await t.stop();
    vi.restoreAllMocks();
  });
  beforeEach(() => t.slack.reset());

  let welcome: RecordedCall[] = [];
  const issuedTokens = () => [...t.slack.oauth.tokens.keys()];

  it("shows an install page whose button goes to Slack with the scopes and a state, and sets the state cookie", async () => {
    const start = await openInstallPage(t);
    const url = new URL(start.authorizeUrl);
    expect(url.pathname).toBe("/oauth/v2/authorize");
    expect(url.searchParams.get("client_id")).toBe(t.slack.oauth.clientId);
    expect(url.searchParams.get("scope")?.split(",")).toContain("chat:write");
    expect(url.searchParams.get("state")).toBeTruthy();
    expect(start.cookie).toBe(`slack-app-oauth-state=${url.searchParams.get("state")}`);
  });

  it("installs a workspace: a success page that says what to do next, and tokens encrypted in the database", async () => {
    const outcome = await installWorkspace(t, { teamId: "T0ACME", teamName: "Acme", userId: "UINSTALLER" });
    expect(outcome.status).toBe(200);
    expect(outcome.html).toContain("Delight is installed in Acme");
    expect(outcome.html).toContain("Open Delight in Slack");
    expect(t.slack.callsTo("oauth.v2.access")).toHaveLength(1);

    const rows = await t.database.query(`SELECT * FROM "SlackInstallation"`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: "T:T0ACME", teamId: "T0ACME", installerUserId: "UINSTALLER" });
    const dump = JSON.stringify(rows);
    const [token] = issuedTokens();
    expect(token).toMatch(/^xoxb-/);
    expect(dump).not.toContain(token);
    expect(dump).not.toMatch(/xox[bpe]/);
    // The installer's welcome DM (sent by a job): checked below.
    await drainJobs(t);
    welcome = t.slack.postsTo("DUINSTALLER");
    // The store reads it back.
    await expect(t.delight.installations?.botTokenFor("T0ACME")).resolves.toBe(token);
  });

  it("welcomes the installer with a DM and a setup checklist, and makes them the workspace's first admin", async () => {
    const dms = welcome;
    expect(dms).toHaveLength(1);
    expect(dms[0]?.tokenOf).toBe("T0ACME");
    const dm = JSON.stringify(dms[0]?.args);
    expect(dm).toContain("Welcome to Delight");
    expect(dm).toContain(":white_square: Approvals channel");
    expect(dm).toContain("slack://app?team=T0ACME&id=A0DELIGHT&tab=home");

    const admin = new SignedSlackClient(t.url, SIGNING_SECRET, "T0ACME", `${t.slack.url}respond/`, (id) =>
      t.slack.responseUrl(id, { kind: "command" }),
    );
    const shown = await admin.command("/delight-admin", "channel approvals <#C0APPROVALS|approvals>", "UINSTALLER");
    expect(shown.status).toBe(200);
    expect(shown.body).not.toMatch(/only .*admins/i);
    await drainJobs(t);
    expect(
      (await t.database.prisma.workspace.findUniqueOrThrow({ where: { teamId: "T0ACME" } })).approvalsChannelId,
    ).toBe("C0APPROVALS");
    const someoneElse = await admin.command("/delight-admin", "channel approvals <#C0OTHER|other>", "UNOTADMIN");
    expect(someoneElse.status).toBe(200);
    expect(someoneElse.body).toContain("Only Slack workspace admins");
    expect(
      (await t.database.prisma.workspace.findUniqueOrThrow({ where: { teamId: "T0ACME" } })).approvalsChannelId,
    ).toBe("C0APPROVALS");
  });

  /** What was logged since `from`, once @slack/oauth's held-back lines (if any) have had their turn. */
  const loggedSince = async (from: number) => {
    await new Promise((resolve) => setImmediate(resolve));
    return logged.slice(from);
  };
  /** Lines about the installation at info level and above (debug has Bolt's own chatter). */
  const installLines = (lines: string[]) =>
    lines.filter((line) => !line.startsWith("[DEBUG]") && /installation|oauth/i.test(line));

  it("says so when the person cancels on Slack's page, and nothing is installed", async () => {
    const from = logged.length;
    const outcome = await installWorkspace(t, { teamId: "T0DENY", userId: "U1", deny: true });
    expect(outcome.status).toBe(400);
    expect(outcome.html).toContain("Delight was not installed");
    expect(outcome.html).toContain('href="/slack/install"');
    expect(t.slack.callsTo("oauth.v2.access")).toHaveLength(0);
    // A person declining is not the app failing: one info line, no error, no stack trace.
    const lines = await loggedSince(from);
    expect(installLines(lines)).toEqual([expect.stringMatching(/^\[INFO\] +delight An installation was cancelled/)]);
    expect(lines.join("\n")).not.toContain("[ERROR]");
    expect(lines.join("\n")).not.toMatch(/^\s+at /m);
  });

  it("refuses a state from another browser (or an expired one) with a page that says to start again", async () => {
    const from = logged.length;
    const start = await openInstallPage(t);
    const outcome = await finishInstall(t, { ...start, cookie: "" }, { teamId: "T0CSRF", userId: "U1" });
    expect(outcome.status).toBe(400);
    expect(outcome.html).toContain("This install link has expired");
    expect(t.slack.callsTo("oauth.v2.access")).toHaveLength(0);
    const lines = await loggedSince(from);
    expect(installLines(lines)).toEqual([
      expect.stringMatching(
        /^\[ERROR\] +delight An installation did not complete: its state .*slack_oauth_invalid_state/,
      ),
    ]);
    expect(lines.join("\n")).not.toMatch(/^\s+at /m);
  });

  it("shows Slack's error, never a stack trace, when Slack refuses the code", async () => {
    const from = logged.length;
    t.slack.fail("oauth.v2.access", { status: 200, slackError: "invalid_code" });
    const outcome = await installWorkspace(t, { teamId: "T0FAIL", userId: "U1" });
    expect(outcome.status).toBe(400);
    expect(outcome.html).toContain("Slack did not complete the installation");
    expect(outcome.html).toContain("invalid_code");
    expect(outcome.html).not.toMatch(/\bat .*\.(ts|js):\d+/);
    const rows = await t.database.query(`SELECT id FROM "SlackInstallation" WHERE id = 'T:T0FAIL'`);
    expect(rows).toHaveLength(0);
    // The operator's business: at error level, in one line, with Slack's error and no stack trace.
    const lines = await loggedSince(from);
    expect(lines.filter((line) => line.startsWith("[ERROR]"))).toEqual([
      expect.stringMatching(/An installation did not complete: Slack refused it \(invalid_code\)/),
    ]);
    expect(lines.join("\n")).not.toMatch(/^\s+at /m);
  });

  it("answers a request for a workspace where Delight is not installed as Bolt does (401), with one quiet log line", async () => {
    const from = logged.length;
    const stranger = new SignedSlackClient(t.url, SIGNING_SECRET, "T0NOBODY", `${t.slack.url}respond/`, (id) =>
      t.slack.responseUrl(id, { kind: "command" }),
    );
    const command = await stranger.command("/delight", "<@UNOTADMIN|noel> hello", "UINSTALLER");
    expect(command.status).toBe(401);
    const event = await stranger.send(
      JSON.stringify({
        token: "legacy-verification-token",
        team_id: "T0NOBODY",
        api_app_id: "A0DELIGHT",
        type: "event_callback",
        event_id: "EvNOBODY",
        event_time: Math.floor(Date.now() / 1000),
        event: { type: "app_home_opened", user: "UINSTALLER", tab: "home" },
        authorizations: [{ team_id: "T0NOBODY", user_id: "UDELIGHTBOT", is_bot: true }],
      }),
      "application/json",
    );
    expect(event.status).toBe(401);
    const lines = logged.slice(from).join("\n");
    expect(lines).toContain("Delight is not installed there");
    expect(lines).not.toContain("Unhandled Bolt error");
    expect(lines).not.toMatch(/^\s+at /m);
    expect(t.slack.calls.filter((c) => c.method !== "response_url")).toEqual([]);
  });

  it("never logs a token", () => {
    expect(logged.length).toBeGreaterThan(0);
    const all = logged.join("\n");
    for (const token of issuedTokens()) expect(all).not.toContain(token);
    expect(all).not.toMatch(/xox[bpe][.-][A-Za-z0-9-]{6,}/);
  });
});
