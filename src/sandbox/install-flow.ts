// "Add to Slack" as a browser does it, against the app and the Slack imitation:
// GET /slack/install (the state cookie) → Slack's authorize page → GET /slack/oauth_redirect
// with the code, the state and the cookie. The sandbox installs its first workspace this way
// at start; the tests install theirs with it (test/support/install.ts).
import type { OAuthImitation, PendingInstall } from "./oauth.ts";

export interface InstallOutcome {
  status: number;
  html: string;
}

export interface InstallStart {
  authorizeUrl: string;
  cookie: string;
}

/** The "Add to Slack" link of the app's install page (at appUrl, no trailing slash), and the state cookie it set. */
export async function openInstallPage(appUrl: string): Promise<InstallStart> {
  const page = await fetch(`${appUrl}/slack/install`);
  const html = await page.text();
  const href = /id="add-to-slack" href="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !href) throw new Error(`No "Add to Slack" button (HTTP ${page.status})`);
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { authorizeUrl: href.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))), cookie };
}

/** Follows Slack's authorize page (Allow, for `install`) to the app's redirect URL: the page the person sees. */
export async function finishInstall(
  oauth: OAuthImitation,
  start: InstallStart,
  install: PendingInstall,
): Promise<InstallOutcome> {
  oauth.next = install;
  try {
    const slackPage = await fetch(start.authorizeUrl, { redirect: "manual" });
    const location = slackPage.headers.get("location");
    if (slackPage.status !== 302 || !location) {
      throw new Error(`Slack's authorize page refused: ${slackPage.status} ${await slackPage.text()}`);
    }
    const back = await fetch(location, { headers: start.cookie ? { cookie: start.cookie } : {}, redirect: "manual" });
    return { status: back.status, html: await back.text() };
  } finally {
    // The next visit shows the page again (the sandbox's "Add to Slack"), unless a test sets it.
    oauth.next = undefined;
  }
}

export async function installWorkspace(
  appUrl: string,
  oauth: OAuthImitation,
  install: PendingInstall,
): Promise<InstallOutcome> {
  return finishInstall(oauth, await openInstallPage(appUrl), install);
}
