// The sandbox's "Customer signals" panel in Chromium (playwright-core + Debian's chromium): a
// newcomer presses the vendor's buttons and sees a recovery open itself, a nomination by the
// customer arrive, and a nudge come in once the case is fixed. Each button sends a webhook
// signed as the vendor signs it to the app's real /hooks/ endpoint.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Sandbox } from "../../src/sandbox/start.ts";
import { hasChromium, launchChromium, openSandboxPage, screenshot, startQuietSandbox } from "../support/browser.ts";

describe.skipIf(!hasChromium)("the sandbox's Customer signals panel in Chromium", { timeout: 120_000 }, () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    sandbox = await startQuietSandbox();
    // Nudges only come 09:00–18:00 in the person's time zone (Europe/Paris): start the story
    // at 10:30 there on a later day if the machine's clock is outside those hours.
    const now = sandbox.clock.now();
    const parisHour = Number(
      new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone: "Europe/Paris" }).format(now),
    );
    if (parisHour < 9 || parisHour >= 15) {
      const next = new Date(now);
      next.setUTCDate(next.getUTCDate() + 1);
      next.setUTCHours(9, 30, 0, 0);
      sandbox.clock.advanceTo(next);
    }
    browser = await launchChromium();
    page = await openSandboxPage(browser, sandbox, { pageErrors });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  const panel = () => page.getByRole("region", { name: "Customer signals" });
  const messages = () => page.getByRole("log");
  const status = () => page.getByRole("status");
  const shot = (name: string) => screenshot(page, name);
  const as = (person: string) => page.getByLabel("Acting as").selectOption({ label: person });

  it("a bad Zendesk rating opens a recovery for the ticket's agent; fixed without a surprise, a nudge comes in", async () => {
    await panel().getByRole("button", { name: "Zendesk: bad rating" }).click();
    await status().getByText("Sent (HTTP 200)").waitFor();
    await as("Alex Chen (staff)");
    await page.getByRole("link", { name: "Delight — Messages" }).click();
    await messages()
      .getByText(/Opened from Zendesk ticket #\d+/)
      .first()
      .waitFor();
    await messages().getByText("The replacement part never arrived").first().waitFor();
    await shot("signals-recovery");

    await messages().getByRole("button", { name: "Fixed", exact: true }).first().click();
    const form = page.getByRole("dialog");
    await form.getByLabel("What was done?").fill("Couriered the part the same afternoon and called Jo.");
    await form.getByRole("button", { name: "Fixed", exact: true }).click();
    await form.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "+1 hour" }).click();
    await messages()
      .getByText(/Now turn the OOPS into a WOW/)
      .first()
      .waitFor({ timeout: 30_000 });
    await shot("signals-nudge");
  });

  it("a glowing Zendesk rating becomes a nomination by the customer; an NPS detractor and a customer update go in", async () => {
    await panel().getByRole("button", { name: "Zendesk: glowing rating" }).click();
    await status().getByText("Sent (HTTP 200)").waitFor();
    await as("Maria Lopez (manager)");
    await page.getByRole("link", { name: "#delight-approvals", exact: true }).click();
    await messages()
      .getByText(/Globex \(via Zendesk\)/)
      .first()
      .waitFor();
    await shot("signals-nomination");

    await panel().getByRole("button", { name: "NPS detractor (generic)" }).click();
    await status().getByText("Sent (HTTP 200)").waitFor();
    await panel().getByRole("button", { name: "Customer update" }).click();
    await status().getByText("Sent (HTTP 200)").waitFor();
    const prisma = sandbox.database.prisma;
    // Answered once recorded; the app's workers do the rest just after.
    await expect
      .poll(() => prisma.recoveryCase.count({ where: { customer: "Initech", ownerId: "U0SAM" } }), { timeout: 10_000 })
      .toBe(1);
    await expect
      .poll(() => prisma.customer.findFirst({ where: { normalizedName: "acme corp" } }), { timeout: 10_000 })
      .toMatchObject({ tier: "gold", ownerEmail: "sam@sandbox.example" });
    expect(pageErrors).toEqual([]);
  });

  it("imports customers from a CSV chosen in the form's file input", async () => {
    await as("Jordan Lee (admin)");
    await page.getByRole("link", { name: "#general", exact: true }).click();
    const box = page.getByRole("textbox", { name: "Message #general" });
    await box.fill("/delight-admin import customers");
    await box.press("Enter");
    const form = page.getByRole("dialog");
    await form.getByLabel("CSV file").setInputFiles({
      name: "customers.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("name,external_id,tier,interests\nUmbrella Corp,UMB-1,gold,chess;golf\nBroken,,,\n,,,\n"),
    });
    await form.getByText("customers.csv").waitFor();
    await shot("import-form");
    await form.getByRole("button", { name: "Import", exact: true }).click();
    await form.waitFor({ state: "detached" });
    await page.getByRole("link", { name: "Delight — Messages" }).click();
    await messages()
      .getByText(/Customers imported from/)
      .first()
      .waitFor();
    await messages()
      .getByText(/line 4: no name and no external_id/)
      .first()
      .waitFor();
    await shot("import-answer");
    expect(
      await sandbox.database.prisma.customer.findFirst({ where: { normalizedName: "umbrella corp" } }),
    ).toMatchObject({ tier: "gold", interests: ["chess", "golf"] });
    expect(pageErrors).toEqual([]);
  });
});
