// "Add to Slack" (distribution mode), end to end: the install page, Slack's authorize page
// (the imitation), the redirect back with the state cookie, the installation stored with its
// tokens encrypted, and the pages a person sees when something goes wrong.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { finishInstall, installWorkspace, openInstallPage } from "../support/install.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

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
    t = await startTestApp({ distribution: true, env: { LOG_LEVEL: "debug" } });
  });
  afterAll(async () => {
    await t.stop();
    vi.restoreAllMocks();
  });
  beforeEach(() => t.slack.reset());

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
    // The store reads it back.
    await expect(t.delight.installations?.botTokenFor("T0ACME")).resolves.toBe(token);
  });

  it("says so when the person cancels on Slack's page, and nothing is installed", async () => {
    const outcome = await installWorkspace(t, { teamId: "T0DENY", userId: "U1", deny: true });
    expect(outcome.status).toBe(400);
    expect(outcome.html).toContain("Delight was not installed");
    expect(outcome.html).toContain('href="/slack/install"');
    expect(t.slack.callsTo("oauth.v2.access")).toHaveLength(0);
  });

  it("refuses a state from another browser (or an expired one) with a page that says to start again", async () => {
    const start = await openInstallPage(t);
    const outcome = await finishInstall(t, { ...start, cookie: "" }, { teamId: "T0CSRF", userId: "U1" });
    expect(outcome.status).toBe(400);
    expect(outcome.html).toContain("This install link has expired");
    expect(t.slack.callsTo("oauth.v2.access")).toHaveLength(0);
  });

  it("shows Slack's error, never a stack trace, when Slack refuses the code", async () => {
    t.slack.fail("oauth.v2.access", { status: 200, slackError: "invalid_code" });
    const outcome = await installWorkspace(t, { teamId: "T0FAIL", userId: "U1" });
    expect(outcome.status).toBe(400);
    expect(outcome.html).toContain("Slack did not complete the installation");
    expect(outcome.html).toContain("invalid_code");
    expect(outcome.html).not.toMatch(/\bat .*\.(ts|js):\d+/);
    const rows = await t.database.query(`SELECT id FROM "SlackInstallation" WHERE id = 'T:T0FAIL'`);
    expect(rows).toHaveLength(0);
  });

  it("never logs a token", () => {
    expect(logged.length).toBeGreaterThan(0);
    const all = logged.join("\n");
    for (const token of issuedTokens()) expect(all).not.toContain(token);
    expect(all).not.toMatch(/xox[bpe][.-][A-Za-z0-9-]{6,}/);
  });
});
