// Customer signals' place in the app: the webhook endpoint's handler, the job that acts on a
// saved signal, and the admin commands (through the admin listener).
import type { ServerResponse } from "node:http";
import type { AppDeps } from "../../deps.ts";
import type { SlackRouter } from "../../slack/router.ts";
import { registerCustomerImport } from "../customers/import-flow.ts";
import { sealPlainSecrets, secretsCipher } from "./connections.ts";
import { signalHookHandler, type HookRequest } from "./hooks.ts";
import { registerSignalJobs } from "./jobs.ts";

/** Where senders post: Bolt's custom route (path-to-regexp parameters). */
export const SIGNAL_HOOK_PATH = "/hooks/:source/:connectionId";

export function registerSignalsFeature(
  router: SlackRouter,
  deps: AppDeps,
): (req: HookRequest, res: ServerResponse) => void {
  registerSignalJobs(deps, (teamId) => router.clientFor(teamId));
  registerCustomerImport(router, deps);
  if (!deps.config.publicUrl) {
    deps.logger.info(
      "PUBLIC_URL is not set: `/delight-admin connect` shows webhook paths (/hooks/…) without the app's address. Set PUBLIC_URL (such as https://delight.example.com) to show whole URLs.",
    );
  }
  // Connections made before secrets were encrypted are encrypted now (their reads work either way).
  void sealPlainSecrets(deps.prisma, secretsCipher(deps.config))
    .then(({ total, sealed }) => {
      if (sealed > 0) deps.logger.info(`Encrypted the signing secrets of ${sealed} customer signal connection(s).`);
      if (total > 0 && !deps.config.secrets.fromEnvironment) {
        deps.logger.warn(
          "DELIGHT_ENCRYPTION_KEY is not set: customer signals' signing secrets are encrypted with a key derived from your Slack secret, so changing that secret makes them unreadable. Set DELIGHT_ENCRYPTION_KEY (`openssl rand -base64 32`); what the derived key wrote is still read and written again with the new key.",
        );
      }
    })
    .catch((error: unknown) =>
      deps.logger.error(
        "Could not encrypt customer signal connections' secrets",
        error instanceof Error ? error.message : String(error),
      ),
    );
  return signalHookHandler(deps);
}
