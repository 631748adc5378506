// Customer signals' place in the app: the webhook endpoint's handler, the job that acts on a
// saved signal, and the admin commands (through the admin listener).
import type { ServerResponse } from "node:http";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { signalHookHandler, type HookRequest } from "./hooks.ts";
import { registerSignalJobs } from "./jobs.ts";

/** Where senders post: Bolt's custom route (path-to-regexp parameters). */
export const SIGNAL_HOOK_PATH = "/hooks/:source/:connectionId";

export function registerSignalsFeature(
  router: SlackRouter,
  deps: AppDeps,
): (req: HookRequest, res: ServerResponse) => void {
  registerSignalJobs(deps, (teamId) => router.clientFor(teamId));
  if (!deps.config.publicUrl) {
    deps.logger.info(
      "PUBLIC_URL is not set: `/delight-admin connect` shows webhook paths (/hooks/…) without the app's address. Set PUBLIC_URL (such as https://delight.example.com) to show whole URLs.",
    );
  }
  return signalHookHandler(deps);
}
