// The sandbox as a person uses it, in Chromium (playwright-core + Debian's chromium): the real
// app over the real protocol, driven only through the page's accessible names.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Sandbox } from "../../src/sandbox/start.ts";
import { hasChromium, launchChromium, openSandboxPage, screenshot, startQuietSandbox } from "../support/browser.ts";

describe.skipIf(!hasChromium)("the sandbox in Chromium", { timeout: 90_000 }, () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    sandbox = await startQuietSandbox();
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  beforeEach(async () => {
    page = await openSandboxPage(browser, sandbox, { pageErrors, timeoutMs: 15_000 });
  });

  afterEach(async () => {
    await page?.close();
    // A failed scenario must not leave its modal over the next one.
    sandbox.slack.workspace.modals.clear();
  });

  async function as(
    person: "Sam Rivera (staff)" | "Alex Chen (staff)" | "Maria Lopez (manager)" | "Jordan Lee (admin)",
  ) {
    await page.getByLabel("Acting as").selectOption({ label: person });
  }
  async function openChannel(name: string) {
    await page.getByRole("link", { name: `#${name}`, exact: true }).click();
  }
  async function send(channel: string, text: string) {
    const box = page.getByRole("textbox", { name: `Message #${channel}` });
    await box.fill(text);
    await box.press("Enter");
  }
  const messages = () => page.getByRole("log");
  const shot = (name: string) => screenshot(page, name);

  it("nominates in #general, approves in the thread as the manager, posts the story and DMs the nominee", async () => {
    await as("Sam Rivera (staff)");
    await openChannel("general");
    const box = page.getByRole("textbox", { name: "Message #general" });
    await box.fill("/");
    await page.getByRole("option").filter({ hasText: "/oops" }).waitFor();
    await send("general", "/delight @alex Stayed late to re-ship Mrs Chen's order with a handwritten note #listen");
    await messages().getByText("Only visible to you").first().waitFor();

    await openChannel("delight-approvals");
    await messages().getByText("nominated").first().waitFor();
    await as("Maria Lopez (manager)");
    await messages().getByRole("button", { name: "1 reply" }).first().click();
    const thread = page.getByRole("complementary", { name: "Thread" });
    await thread.getByRole("button", { name: "Approve", exact: true }).click();
    await messages().getByText("Approved").first().waitFor();
    await shot("approved");

    await openChannel("customer-wins");
    await messages().getByText("Mrs Chen's order").first().waitFor();
    await as("Alex Chen (staff)");
    await page.getByRole("link", { name: "Delight — Messages" }).click();
    await messages()
      .getByText(/approved/i)
      .first()
      .waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("shows the modal's field error, keeps the input, then submits", async () => {
    await as("Sam Rivera (staff)");
    await openChannel("general");
    await send("general", "/delight");
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByLabel(/^Customer/).fill("Mr Okafor");
    await dialog.getByRole("button", { name: "Nominate" }).click();
    await dialog.getByRole("alert").getByText("Pick at least one person").waitFor();
    expect(await dialog.getByLabel(/^Customer/).inputValue()).toBe("Mr Okafor");
    await shot("modal-errors");
    await dialog.getByLabel("Who delighted a customer?").selectOption({ label: "Alex Chen (staff)" });
    await dialog.getByLabel("The story").fill("Called the customer back on a Sunday to fix the booking");
    await dialog.getByRole("button", { name: "Nominate" }).click();
    await dialog.waitFor({ state: "hidden" });
    await openChannel("delight-approvals");
    await messages().getByText("Called the customer back on a Sunday").first().waitFor();
  });

  it("keeps what was typed in a modal when the app updates it (views.update), as Slack does", async () => {
    // The shortcut's form is updated with the message's permalink a moment after it opens; a
    // person quick enough to type first must not lose it.
    await as("Sam Rivera (staff)");
    await openChannel("general");
    await send("general", "/delight");
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByLabel("The story").fill("Typed before the update");
    const open = [...sandbox.slack.workspace.modals.values()].flat().at(-1)!;
    sandbox.slack.workspace.replaceView(open.id, {
      ...open.view,
      title: { type: "plain_text", text: "Updated form" },
    });
    await dialog.getByText("Updated form").waitFor();
    expect(await dialog.getByLabel("The story").inputValue()).toBe("Typed before the update");
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  it("turns a message into a nomination (shortcut), offers @people while typing, and approves with a ✅ reaction", async () => {
    await as("Sam Rivera (staff)");
    await openChannel("general");
    const box = page.getByRole("textbox", { name: "Message #general" });
    await box.fill("Thanks @al");
    await page.getByRole("option").filter({ hasText: "@alex" }).getByRole("button").click();
    expect(await box.inputValue()).toBe("Thanks @alex ");
    await box.fill("Thank you so much, you saved our launch! (a customer)");
    await box.press("Enter");
    const message = messages().getByRole("article").filter({ hasText: "you saved our launch" });
    await message.hover();
    await message.getByRole("button", { name: "More message actions" }).click();
    await message.getByRole("menuitem", { name: "Nominate for delight" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.getByLabel("The story").inputValue()).toContain("you saved our launch");
    await dialog.getByLabel("Who delighted a customer?").selectOption({ label: "Alex Chen (staff)" });
    await dialog.getByRole("button", { name: "Nominate" }).click();
    await dialog.waitFor({ state: "hidden" });

    await as("Maria Lopez (manager)");
    await openChannel("delight-approvals");
    const card = messages().getByRole("article").filter({ hasText: "you saved our launch" });
    await card.hover();
    await card.getByRole("button", { name: "React with ✅" }).click();
    await card.getByText("Approved").waitFor();
  });

  it("shows user text as text: a story with <script> and <img onerror> stays inert", async () => {
    await as("Sam Rivera (staff)");
    await openChannel("general");
    await send(
      "general",
      "/delight @alex Fixed it <script>window.pwned=1</script> <img src=x onerror=window.pwned=2> #listen",
    );
    await openChannel("delight-approvals");
    await messages().getByText("<script>window.pwned=1</script>").first().waitFor();
    await messages().getByText("<img src=x onerror=window.pwned=2>").first().waitFor();
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator("img[src=x]").count()).toBe(0);
  });

  it("/oops, then +1 day: the owner's reminder and the escalation to managers", async () => {
    await as("Sam Rivera (staff)");
    await openChannel("general");
    await send("general", "/oops @alex Acme Corp: the invoice was sent to the wrong address twice");
    await as("Alex Chen (staff)");
    await page.getByRole("link", { name: "Delight — Messages" }).click();
    await messages()
      .getByText(/OOPS-\d+/)
      .first()
      .waitFor();
    expect(
      await messages()
        .getByText(/overdue/i)
        .count(),
    ).toBe(0);
    await page.getByRole("button", { name: "+1 day" }).click();
    await messages()
      .getByText(/is overdue/i)
      .first()
      .waitFor({ timeout: 30_000 });
    await shot("oops-overdue");
    await as("Maria Lopez (manager)");
    await openChannel("delight-approvals");
    await messages()
      .getByText(/overdue/i)
      .first()
      .waitFor();
  });

  it("/surprise: the answer stays, the three ideas follow as a new message below it", async () => {
    await as("Sam Rivera (staff)");
    await openChannel("general");
    await send("general", "/surprise Acme Corp: the invoice went to the wrong address twice");
    await messages()
      .getByText(/Surprise ideas for Acme Corp/)
      .first()
      .waitFor();
    // A slash command's response_url can't replace its answer, in Slack as here: both show.
    await messages()
      .getByText(/three ideas are on the way/)
      .first()
      .waitFor();
    await messages().getByRole("button", { name: "Use this" }).first().waitFor();
    await shot("surprise");
  });

  it("a manager's App Home shows the charts once Slack has processed them", async () => {
    await as("Maria Lopez (manager)");
    await page.getByRole("link", { name: "Delight — Home" }).click();
    await page
      .getByRole("main")
      .getByRole("img", { name: /Bar chart of approved delight stories per person/ })
      .waitFor({ timeout: 45_000 });
    expect(
      await page
        .getByRole("main")
        .getByText(/charts are being drawn/)
        .count(),
    ).toBe(0);
    await shot("home-charts");
  });

  it("App Home shows the open case", async () => {
    await as("Alex Chen (staff)");
    await page.getByRole("link", { name: "Delight — Home" }).click();
    await page
      .getByRole("main")
      .getByText(/OOPS-\d+/)
      .first()
      .waitFor();
    await shot("home");
  });

  it("a digest scheduled and time-travelled to", async () => {
    await as("Jordan Lee (admin)");
    await openChannel("general");
    await send("general", "/delight-admin digest add #digest friday 16:00 Europe/Paris");
    await messages().getByText("Only visible to you").first().waitFor();
    await page.getByRole("button", { name: "Next digest" }).click();
    await openChannel("digest");
    await messages().getByRole("article").first().waitFor({ timeout: 20_000 });
    await shot("digest");
  });

  it("shows a Block Kit violation in the developer panel", async () => {
    // What a bug in the app would send: a section over Slack's 3,000 characters.
    const response = await fetch(`${sandbox.url}api/chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer xoxb-sandbox" },
      body: JSON.stringify({
        channel: "C0GENERAL",
        text: "too long",
        blocks: [{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }],
      }),
    });
    expect(await response.json()).toMatchObject({ ok: false, error: "invalid_blocks" });
    const panel = page.getByRole("region", { name: "Developer panel" });
    await panel.getByText("invalid_blocks").first().waitFor();
    await panel
      .getByText(/at most 3000 characters/)
      .first()
      .waitFor();
    await shot("developer-panel");
  });
});
