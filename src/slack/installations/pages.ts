// The pages a person sees while installing Delight with "Add to Slack": the install page
// (GET /slack/install) and the outcome of GET /slack/oauth_redirect. Each says what
// happened and what to do next; a failure never shows a stack trace or an internal message.
import type { ServerResponse } from "node:http";
import type { Installation } from "@slack/bolt";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Delight</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1d1c1d; line-height: 1.5; }
  h1 { font-size: 1.6rem; }
  .button { display: inline-block; padding: .7rem 1.2rem; border-radius: .4rem; background: #4a154b; color: #fff; text-decoration: none; font-weight: 600; }
  .muted { color: #616061; font-size: .9rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** GET /slack/install: what Delight is, and the "Add to Slack" button (Slack's authorize URL, state included). */
export function installPage(authorizeUrl: string): string {
  return page(
    "Add Delight to Slack",
    `<h1>Delight for Slack</h1>
<p>Make customer delight a habit: nominate colleagues for delight moments, approve recognition in threads, share weekly stories, and turn every OOPS into a WOW within 24 hours.</p>
<p><a class="button" id="add-to-slack" href="${escapeHtml(authorizeUrl)}">Add to Slack</a></p>
<p class="muted">You choose the workspace on Slack's next page. Whoever installs becomes Delight's first admin there. On Enterprise Grid, an org admin can install Delight for the whole organisation.</p>`,
  );
}

/** Where "Open Delight in Slack" goes: the app's Home in the workspace it was installed to. */
function openInSlackUrl(installation: Installation, appRedirectUrl: string): string {
  const team = installation.isEnterpriseInstall ? undefined : installation.team?.id;
  if (!installation.appId) return new URL("/", appRedirectUrl).toString();
  // https://docs.slack.dev/interactivity/deep-linking : app_redirect?app=…&team=… opens the app in that workspace.
  const url = new URL(appRedirectUrl);
  url.searchParams.set("app", installation.appId);
  if (team) url.searchParams.set("team", team);
  return url.toString();
}

/** appRedirectUrl: Slack's app_redirect (https://slack.com/app_redirect; the sandbox serves its own). */
export function installedPage(installation: Installation, appRedirectUrl = "https://slack.com/app_redirect"): string {
  const where = installation.isEnterpriseInstall
    ? `the organisation ${installation.enterprise?.name ?? installation.enterprise?.id ?? ""}`
    : `${installation.team?.name ?? installation.team?.id ?? "your workspace"}`;
  const next = installation.isEnterpriseInstall
    ? "Delight now serves every workspace of the organisation; each keeps its own settings, managers, channels and stories."
    : "Delight has sent you a direct message with a short setup checklist.";
  return page(
    "Delight is installed",
    `<h1>Delight is installed in ${escapeHtml(where)} 🎉</h1>
<p>${escapeHtml(next)} You are its first Delight admin: pick an approvals channel and the managers who approve nominations, and people can start nominating with <code>/delight</code>.</p>
<p><a class="button" id="open-in-slack" href="${escapeHtml(openInSlackUrl(installation, appRedirectUrl))}">Open Delight in Slack</a></p>`,
  );
}

export type InstallFailure = "denied" | "expired" | "slack" | "unknown";

/** Sorts what @slack/oauth's handleCallback threw into what the person can do about it. */
export function installFailureOf(error: { code?: string; message?: string; data?: { error?: unknown } }): {
  kind: InstallFailure;
  slackError?: string;
} {
  const message = error.message ?? "";
  if (error.code === "slack_oauth_installer_authorization_error" && /cancel/i.test(message)) return { kind: "denied" };
  if (error.code === "slack_oauth_invalid_state" || error.code === "slack_oauth_missing_state") {
    return { kind: "expired" };
  }
  if (error.code === "slack_webapi_platform_error") {
    const slackError = typeof error.data?.error === "string" ? error.data.error : "unknown_error";
    return { kind: "slack", slackError };
  }
  return { kind: "unknown" };
}

export function failurePage(failure: { kind: InstallFailure; slackError?: string }, installPath: string): string {
  const retry = `<p><a class="button" id="try-again" href="${escapeHtml(installPath)}">Try again</a></p>`;
  switch (failure.kind) {
    case "denied":
      return page(
        "Delight was not installed",
        `<h1>Delight was not installed</h1>
<p>The installation was cancelled on Slack's page, so nothing was added to your workspace. If that was a mistake, start again and choose <strong>Allow</strong>.</p>${retry}`,
      );
    case "expired":
      return page(
        "This install link has expired",
        `<h1>This install link has expired</h1>
<p>The installation must finish in the same browser within 10 minutes of clicking "Add to Slack". Nothing was installed. Start again from the install page.</p>${retry}`,
      );
    case "slack":
      return page(
        "Slack did not complete the installation",
        `<h1>Slack did not complete the installation</h1>
<p>Slack answered <code>${escapeHtml(failure.slackError ?? "unknown_error")}</code>, so nothing was installed. Start again; if it happens again, ask the person who runs Delight to check its Client ID and Client Secret (<code>SLACK_CLIENT_ID</code>, <code>SLACK_CLIENT_SECRET</code>) and the redirect URL in the Slack app's settings.</p>${retry}`,
      );
    case "unknown":
      return page(
        "Delight could not finish installing",
        `<h1>Delight could not finish installing</h1>
<p>Something went wrong on Delight's side, and nothing was installed. Please try again in a minute; if it keeps happening, the person who runs Delight finds the details in its log.</p>${retry}`,
      );
  }
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    // The pages load nothing from elsewhere and are not to be framed.
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
  });
  res.end(html);
}
