// "Add to Slack" as a browser does it, against a test app and the Slack imitation: the flow
// itself is src/sandbox/install-flow.ts (the sandbox installs its workspaces with it too).
import type { PendingInstall } from "../../src/sandbox/oauth.ts";
import * as flow from "../../src/sandbox/install-flow.ts";
import type { TestApp } from "./test-app.ts";

export type { InstallOutcome } from "../../src/sandbox/install-flow.ts";

/** The "Add to Slack" link of the install page, and the state cookie it set. */
export function openInstallPage(t: Pick<TestApp, "url">): Promise<flow.InstallStart> {
  return flow.openInstallPage(t.url);
}

/** Follows Slack's authorize page to the app's redirect URL and returns the page the person sees. */
export function finishInstall(
  t: Pick<TestApp, "slack">,
  start: flow.InstallStart,
  install: PendingInstall,
): Promise<flow.InstallOutcome> {
  return flow.finishInstall(t.slack.oauth, start, install);
}

export function installWorkspace(
  t: Pick<TestApp, "url" | "slack">,
  install: PendingInstall,
): Promise<flow.InstallOutcome> {
  return flow.installWorkspace(t.url, t.slack.oauth, install);
}
