// "Add to Slack" as a browser does it, against the app and the Slack imitation:
// GET /slack/install (the state cookie) → Slack's authorize page → GET /slack/oauth_redirect
// with the code, the state and the cookie.
import type { PendingInstall } from "../../src/sandbox/oauth.ts";
import type { TestApp } from "./test-app.ts";

export interface InstallOutcome {
  status: number;
  html: string;
}

/** The "Add to Slack" link of the install page, and the state cookie it set. */
export async function openInstallPage(t: Pick<TestApp, "url">): Promise<{ authorizeUrl: string; cookie: string }> {
  const page = await fetch(`${t.url}/slack/install`);
  const html = await page.text();
  const href = /id="add-to-slack" href="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !href) throw new Error(`No "Add to Slack" button (HTTP ${page.status})`);
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { authorizeUrl: href.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))), cookie };
}

/** Follows Slack's authorize page to the app's redirect URL and returns the page the person sees. */
export async function finishInstall(
  t: Pick<TestApp, "slack">,
  start: { authorizeUrl: string; cookie: string },
  install: PendingInstall,
): Promise<InstallOutcome> {
  t.slack.oauth.next = install;
  const slackPage = await fetch(start.authorizeUrl, { redirect: "manual" });
  const location = slackPage.headers.get("location");
  if (slackPage.status !== 302 || !location) {
    throw new Error(`Slack's authorize page refused: ${slackPage.status} ${await slackPage.text()}`);
  }
  const back = await fetch(location, { headers: start.cookie ? { cookie: start.cookie } : {}, redirect: "manual" });
  return { status: back.status, html: await back.text() };
}

export async function installWorkspace(
  t: Pick<TestApp, "url" | "slack">,
  install: PendingInstall,
): Promise<InstallOutcome> {
  return finishInstall(t, await openInstallPage(t), install);
}
