// The sandbox's two workspaces without a browser: the first installed at start through the
// app's real OAuth flow, the second through "Add to Slack" as the browser does it (the app's
// install page, the imitation's authorize page and its Allow/Cancel form, the redirect with
// the state cookie), each then served with its own token, channels and people.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import { SECOND_WORKSPACE } from "../../src/sandbox/people.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/start.ts";

const GLOBEX = SECOND_WORKSPACE;

describe("the sandbox's second workspace, installed with Add to Slack", { timeout: 60_000 }, () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, env: { LOG_LEVEL: "error" }, logger: createLogger("error") });
  }, 60_000);
  afterAll(() => sandbox?.stop());

  const act = async (body: Record<string, unknown>) => {
    const answer = await fetch(`${sandbox.url}sandbox/act`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(200);
  };
  const state = async (user: string) =>
    (await (await fetch(`${sandbox.url}sandbox/state?user=${user}`)).json()) as {
      team: string;
      workspaces: Array<{ id: string; name: string; installed: boolean }>;
      people: Array<{ id: string; team: string }>;
      channels: Array<{ id: string; name: string }>;
      messages: Record<string, unknown[]>;
    };

  /** The browser's way: the app's install page, Slack's authorize page, its form, back to the app. */
  async function addToSlack(decision: "allow" | "cancel") {
    const install = await fetch(`${sandbox.url}slack/install`);
    expect(install.status).toBe(200);
    const cookie = (install.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const href = /id="add-to-slack" href="([^"]+)"/
      .exec(await install.text())?.[1]
      ?.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
    expect(href?.startsWith(`${sandbox.url}oauth/v2/authorize?`)).toBe(true);
    const slackPage = await fetch(href ?? "");
    const html = await slackPage.text();
    expect(html).toContain("Delight is requesting permission");
    expect(html).toContain("Globex — you are Hana Kim (Globex admin)");
    const form = new URLSearchParams();
    for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      form.set(
        name ?? "",
        (value ?? "").replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))),
      );
    form.set("team", GLOBEX.teamId);
    form.set("decision", decision);
    const decided = await fetch(`${sandbox.url}oauth/v2/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      redirect: "manual",
    });
    expect(decided.status).toBe(302);
    const back = await fetch(decided.headers.get("location") ?? "", { headers: { cookie }, redirect: "manual" });
    return { status: back.status, html: await back.text() };
  }

  it("installs its first workspace at start through OAuth, with rotating tokens kept encrypted", async () => {
    const rows = await sandbox.database.query(`SELECT * FROM "SlackInstallation"`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ teamId: "T0TEAM", installerUserId: "U0JORDAN" });
    expect(JSON.stringify(rows)).not.toMatch(/xox[bpe]/);
    expect(sandbox.config.slack.botToken).toBeUndefined();
    expect([...sandbox.slack.oauth.tokens.keys()][0]).toMatch(/^xoxe\.xoxb-1-/);
    const before = await state("U0SAM");
    expect(before.workspaces).toEqual([
      { id: "T0TEAM", name: "Northwind", installed: true },
      { id: GLOBEX.teamId, name: "Globex", installed: false },
    ]);
    // Nobody of a workspace without Delight can be acted as.
    expect(before.people.every((p) => p.team === "T0TEAM")).toBe(true);
  });

  it("installs nothing when the person clicks Cancel on Slack's page", async () => {
    const outcome = await addToSlack("cancel");
    expect(outcome.status).toBe(400);
    expect(outcome.html).toContain("Delight was not installed");
    expect((await state("U0SAM")).workspaces[1]?.installed).toBe(false);
  });

  it("installs the second workspace with Allow, welcomes its installer, and offers its people in Acting as", async () => {
    const outcome = await addToSlack("allow");
    expect(outcome.status).toBe(200);
    expect(outcome.html).toContain("Delight is installed in Globex");
    // "Open Delight in Slack" comes back to the sandbox, as the installer, on Home.
    const open = /id="open-in-slack" href="([^"]+)"/
      .exec(outcome.html)?.[1]
      ?.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
    const redirect = await fetch(open ?? "", { redirect: "manual" });
    expect(redirect.headers.get("location")).toBe(`${sandbox.url}?as=U0HANA#/home`);
    await sandbox.delight.workers.drain(15_000);
    const welcome = sandbox.slack.postsTo("DU0HANA");
    expect(welcome).toHaveLength(1);
    expect(welcome[0]?.tokenOf).toBe(GLOBEX.teamId);
    const after = await state("U0HANA");
    expect(after.team).toBe(GLOBEX.teamId);
    expect(after.people.map((p) => p.id)).toEqual(expect.arrayContaining(["U0SAM", "U0HANA", "U0OMAR"]));
    expect(after.channels.map((c) => c.name).sort()).toEqual(["general", "globex-approvals", "globex-wins", "hana"]);
  });

  it("keeps each workspace's nominations in its own channels, sent with its own token", async () => {
    const hana = GLOBEX.people.admin.id;
    const general = GLOBEX.channels.general.id;
    await act({
      type: "send",
      user: hana,
      channel: general,
      text: "/delight-admin channel approvals #globex-approvals",
    });
    await act({ type: "send", user: hana, channel: general, text: "/delight-admin managers add @priya" });
    sandbox.slack.reset();
    await act({
      type: "send",
      user: GLOBEX.people.staff.id,
      channel: general,
      text: "/delight @hana Rebuilt a Globex customer's dashboard overnight #listen",
    });
    await act({
      type: "send",
      user: "U0SAM",
      channel: "C0GENERAL",
      text: "/delight @alex Fixed Acme's invoice #listen",
    });
    const globexCards = sandbox.slack.postsTo(GLOBEX.channels.approvals.id);
    const teamCards = sandbox.slack.postsTo("C0APPROVALS");
    expect(globexCards.length).toBeGreaterThan(0);
    expect(teamCards.length).toBeGreaterThan(0);
    for (const card of globexCards) expect(card.tokenOf).toBe(GLOBEX.teamId);
    for (const card of teamCards) expect(card.tokenOf).toBe("T0TEAM");
    expect(JSON.stringify(globexCards)).not.toContain("Acme");
    const nominations = await sandbox.database.prisma.nomination.findMany({ select: { teamId: true } });
    expect(nominations.map((n) => n.teamId).sort()).toEqual([GLOBEX.teamId, "T0TEAM"]);
    // Sam's workspace shows none of Globex's channels or messages.
    const sam = await state("U0SAM");
    expect(sam.channels.some((c) => c.id.startsWith("C0GX"))).toBe(false);
    expect(Object.keys(sam.messages).some((id) => id.startsWith("C0GX"))).toBe(false);
    expect(sandbox.slack.workspace.problems).toEqual([]);
  });

  it("refuses a workspace's token for another workspace's channel, as Slack does", async () => {
    const globexToken = [...sandbox.slack.oauth.tokens].find(([, t]) => t.teamId === GLOBEX.teamId && !t.revoked)?.[0];
    const answer = (await (
      await fetch(`${sandbox.url}api/chat.postMessage`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${globexToken}` },
        body: JSON.stringify({ channel: "C0GENERAL", text: "crossed" }),
      })
    ).json()) as { ok: boolean; error?: string };
    expect(answer).toEqual(expect.objectContaining({ ok: false, error: "channel_not_found" }));
    sandbox.slack.workspace.problems.length = 0;
  });

  it("refreshes both workspaces' tokens after they expire (12 hours), with no request in between", async () => {
    const refreshes = sandbox.slack.oauth.refreshes;
    await act({ type: "travel", to: "day" });
    sandbox.slack.reset();
    await act({
      type: "send",
      user: GLOBEX.people.staff.id,
      channel: GLOBEX.channels.general.id,
      text: "/delight @priya Stayed on the phone until the customer's shop reopened #attention",
    });
    await act({
      type: "send",
      user: "U0ALEX",
      channel: "C0GENERAL",
      text: "/delight @sam Drove the part over #attention",
    });
    expect(sandbox.slack.oauth.refreshes - refreshes).toBeGreaterThanOrEqual(2);
    expect(sandbox.slack.postsTo(GLOBEX.channels.approvals.id).length).toBeGreaterThan(0);
    expect(sandbox.slack.postsTo("C0APPROVALS").length).toBeGreaterThan(0);
    expect(JSON.stringify(sandbox.slack.calls)).not.toContain("token_expired");
  });
});
