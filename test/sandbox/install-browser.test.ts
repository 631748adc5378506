// "Add to Slack" in the sandbox, in Chromium: from the developer panel a person installs
// Delight into the second workspace through the app's real OAuth endpoints (the install page,
// Slack's authorize page played by the sandbox, Allow, the success page), comes back as that
// workspace's installer, and sees a workspace of its own: its channels, its Home, its cards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { SECOND_WORKSPACE } from "../../src/sandbox/people.ts";
import type { Sandbox } from "../../src/sandbox/start.ts";
import { hasChromium, launchChromium, openSandboxPage, screenshot, startQuietSandbox } from "../support/browser.ts";

const GLOBEX = SECOND_WORKSPACE;

describe.skipIf(!hasChromium)("Add to Slack in the sandbox, in Chromium", { timeout: 120_000 }, () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    sandbox = await startQuietSandbox();
    browser = await launchChromium();
    page = await openSandboxPage(browser, sandbox, { pageErrors });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  const shot = (name: string) => screenshot(page, name);
  const actingAs = () => page.getByLabel("Acting as");
  const sidebar = () => page.getByRole("navigation", { name: "Workspace" });
  const main = () => page.getByRole("main");
  const send = async (channel: string, text: string) => {
    const box = page.getByRole("textbox", { name: `Message #${channel}` });
    await box.fill(text);
    await box.press("Enter");
  };

  it("installs Delight into Globex with Add to Slack, and Globex's people see a workspace of their own", async () => {
    const panel = page.getByRole("region", { name: "Workspaces" });
    await panel.getByText("Delight not installed").waitFor();
    // Nobody of Globex can be acted as before Delight is installed there.
    expect(await actingAs().locator("option", { hasText: "Globex" }).count()).toBe(0);

    await panel.getByRole("link", { name: "Add to Slack" }).click();
    await page.getByRole("heading", { name: "Delight for Slack" }).waitFor();
    await shot("install-page");
    await page.getByRole("link", { name: "Add to Slack" }).click();
    await page.getByRole("heading", { name: /requesting permission/ }).waitFor();
    expect(await page.getByLabel("Workspace").inputValue()).toBe(GLOBEX.teamId);
    await shot("install-authorize");
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("heading", { name: /Delight is installed in Globex/ }).waitFor();
    await shot("install-success");

    // "Open Delight in Slack": back in the sandbox as the installer, on Delight's Home.
    await page.getByRole("link", { name: "Open Delight in Slack" }).click();
    await actingAs().waitFor();
    expect(await actingAs().inputValue()).toBe(GLOBEX.people.admin.id);
    expect(new URL(page.url()).search).toBe("");
    await sidebar().getByText("Globex", { exact: true }).waitFor();
    await main()
      .getByText(/Set up Delight/)
      .waitFor();
    await page
      .getByRole("region", { name: "Workspaces" })
      .getByText("Delight not installed")
      .waitFor({ state: "hidden" });
    await shot("install-globex-home");
    // Only Globex's channels.
    await sidebar().getByRole("link", { name: "#globex-approvals" }).waitFor();
    expect(await sidebar().getByRole("link", { name: "#delight-approvals" }).count()).toBe(0);
    // The installer's welcome DM, with the setup checklist.
    await sidebar().getByRole("link", { name: "Delight — Messages" }).click();
    await page
      .getByRole("log")
      .getByText(/Welcome to Delight/)
      .first()
      .waitFor();

    // Hana sets Globex up; Omar nominates; the card goes to Globex's approvals channel.
    await sidebar().getByRole("link", { name: "#general", exact: true }).click();
    await send("general", "/delight-admin channel approvals #globex-approvals");
    await send("general", "/delight-admin managers add @priya");
    await actingAs().selectOption({ label: "Omar Haddad (Globex staff)" });
    await send("general", "/delight @hana Rebuilt a Globex customer's dashboard overnight #listen");
    await page.getByRole("log").getByText("Only visible to you").first().waitFor();
    await sidebar().getByRole("link", { name: "#globex-approvals" }).click();
    await page.getByRole("log").getByText("nominated").first().waitFor();
    await shot("install-globex-card");

    // Sam, of the first workspace: his own channels, no Globex card, his own Home.
    await actingAs().selectOption({ label: "Sam Rivera (staff)" });
    await sidebar().getByText("Northwind", { exact: true }).waitFor();
    await sidebar().getByRole("link", { name: "#delight-approvals" }).click();
    expect(await page.getByRole("log").getByText("Globex customer").count()).toBe(0);
    expect(await sidebar().getByRole("link", { name: "#globex-approvals" }).count()).toBe(0);
    await sidebar().getByRole("link", { name: "Delight — Home" }).click();
    await main().getByText("Recognition you received").waitFor();
    await shot("install-first-workspace-home");

    for (const card of sandbox.slack.postsTo(GLOBEX.channels.approvals.id)) expect(card.tokenOf).toBe(GLOBEX.teamId);
    expect(pageErrors).toEqual([]);
    expect(sandbox.slack.workspace.problems).toEqual([]);
  });
});
