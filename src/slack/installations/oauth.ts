// Distribution mode's part of the Bolt App options: Bolt's OAuth (`@slack/oauth`'s
// InstallProvider) with our installation store, our pages, and Slack's (or the imitation's)
// authorize URL. https://docs.slack.dev/tools/bolt-js/concepts/authenticating-oauth/
import { webApi, type AppOptions, type Installation, type Logger } from "@slack/bolt";
import type { Clock } from "../../clock.ts";
import type { DistributionConfig } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import { createInstallationChanges } from "./changes.ts";
import { TokenCipher } from "./cipher.ts";
import { failurePage, installedPage, installFailureOf, installPage, sendHtml } from "./pages.ts";
import { Installations, type RefreshedToken } from "./store.ts";

export const INSTALL_PATH = "/slack/install";
export const REDIRECT_PATH = "/slack/oauth_redirect";

/** The bot scopes Delight asks for: the same list as manifest.yml (test/manifest.test.ts checks). */
export const BOT_SCOPES = [
  "commands",
  "chat:write",
  "im:write",
  "users:read",
  // Customer signals name the agent by email (users.lookupByEmail).
  "users:read.email",
  "channels:read",
  "groups:read",
  "channels:join",
  "channels:history",
  "groups:history",
  "im:history",
  "reactions:read",
  "files:write",
  "files:read",
];

export interface OAuthSetup {
  installations: Installations;
  /** The logger to give Bolt (it hands it to the InstallProvider): see quietHandledFailures. */
  boltLogger: Logger;
  appOptions: Pick<
    AppOptions,
    "clientId" | "clientSecret" | "stateSecret" | "scopes" | "installationStore" | "installerOptions"
  >;
}

export interface OAuthSetupOptions {
  distribution: DistributionConfig;
  prisma: Db;
  clock: Clock;
  logger: Logger;
  /** Where oauth.v2.access is (SLACK_API_URL), and the client's other options. */
  clientOptions: webApi.WebClientOptions;
  /** PostgreSQL's connection string: installation changes are heard from other instances (changes.ts). */
  postgresUrl?: string;
  /** Socket Mode serves the install pages on PORT (Bolt's installer server). */
  port?: number;
  /** After an installation is stored (welcome DM, first admin): errors are logged, the page still says "installed". */
  onInstalled?(installation: Installation): Promise<void>;
}

export function createOAuthSetup(options: OAuthSetupOptions): OAuthSetup {
  const { distribution, logger } = options;
  const cipher = new TokenCipher(distribution.encryption.current, distribution.encryption.old);
  if (!distribution.encryption.fromEnvironment) {
    logger.warn(
      "DELIGHT_ENCRYPTION_KEY is not set: tokens are encrypted with a development key derived from SLACK_STATE_SECRET. Set DELIGHT_ENCRYPTION_KEY (`openssl rand -base64 32`) before real use; production refuses to start without it.",
    );
  }
  // oauth.v2.access for token rotation (https://docs.slack.dev/reference/methods/oauth.v2.access:
  // client_id, client_secret, grant_type=refresh_token, refresh_token).
  const refresh = async (refreshToken: string): Promise<RefreshedToken> => {
    const client = new webApi.WebClient(undefined, { ...options.clientOptions, logger });
    const answer = await client.oauth.v2.access({
      client_id: distribution.clientId,
      client_secret: distribution.clientSecret,
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    });
    if (!answer.access_token || !answer.refresh_token || answer.expires_in === undefined) {
      throw new Error("oauth.v2.access answered a refresh without a token");
    }
    return { access_token: answer.access_token, refresh_token: answer.refresh_token, expires_in: answer.expires_in };
  };
  const installations = new Installations({
    prisma: options.prisma,
    cipher,
    clock: options.clock,
    logger,
    refresh,
    changes: createInstallationChanges({ prisma: options.prisma, logger, postgresUrl: options.postgresUrl }),
  });
  const handled = new WeakSet<object>();
  return {
    installations,
    boltLogger: quietHandledFailures(logger, handled),
    appOptions: {
      clientId: distribution.clientId,
      clientSecret: distribution.clientSecret,
      stateSecret: distribution.stateSecret,
      scopes: BOT_SCOPES,
      installationStore: installations,
      installerOptions: {
        installPath: INSTALL_PATH,
        redirectUriPath: REDIRECT_PATH,
        authorizationUrl: distribution.authorizeUrl,
        clientOptions: options.clientOptions,
        ...(options.port !== undefined ? { port: options.port } : {}),
        renderHtmlForInstallPath: installPage,
        callbackOptions: {
          successAsync: async (installation, _options, _req, res) => {
            await options.onInstalled?.(installation).catch((error: unknown) => {
              logger.error("Delight was installed, but its welcome could not be recorded", String(error));
            });
            logger.info(
              `Delight was installed (${installation.isEnterpriseInstall ? `org ${installation.enterprise?.id}` : `workspace ${installation.team?.id}`})`,
            );
            sendHtml(res, 200, installedPage(installation, distribution.appRedirectUrl));
          },
          failure: (error, _options, _req, res) => {
            handled.add(error);
            const failure = installFailureOf(error);
            logInstallFailure(logger, failure, error);
            sendHtml(res, failure.kind === "unknown" ? 500 : 400, failurePage(failure, INSTALL_PATH));
          },
        },
      },
    },
  };
}

/** Slack tokens (bot, user, refresh, config), should an error message ever quote one. */
const TOKEN = /\bxox[a-z]*[.-][A-Za-z0-9.-]+/g;

/**
 * One line per install that did not complete, at the level it deserves: a person who clicked
 * Cancel on Slack's page made a choice (info); a bad or expired state, Slack refusing the code,
 * or Delight failing are the operator's business (error). The code and Slack's error only, and
 * a short message for an unknown failure: never the request, the grant code, a token or a stack.
 */
function logInstallFailure(
  logger: Logger,
  failure: ReturnType<typeof installFailureOf>,
  error: { code?: string; message?: string },
): void {
  switch (failure.kind) {
    case "denied":
      logger.info("An installation was cancelled on Slack's page (access_denied): nothing was installed");
      return;
    case "expired":
      logger.error(
        `An installation did not complete: its state was missing, expired or from another browser (${error.code})`,
      );
      return;
    case "slack":
      logger.error(`An installation did not complete: Slack refused it (${failure.slackError})`);
      return;
    case "unknown": {
      const message = (error.message ?? "").split("\n")[0]?.replace(TOKEN, "[token]").slice(0, 300);
      logger.error(
        `An installation did not complete: ${error.code ?? "unknown error"}${message ? `: ${message}` : ""}`,
      );
      return;
    }
  }
}

/**
 * @slack/oauth's handleCallback logs each failure with `logger.error(error)` (a stack trace, at
 * error level, even for a person who clicked Cancel) and then, synchronously, hands the same
 * error to `callbackOptions.failure`, which logs it in one line (logInstallFailure). So a
 * lone Error is held back for a microtask: if the failure callback has seen it by then, the
 * library's line is dropped; otherwise it is logged as it was. Not only coded errors: the
 * library gives an unexpected error its code (UnknownError) after logging it.
 */
export function quietHandledFailures(inner: Logger, handled: WeakSet<object>): Logger {
  return {
    debug: (...args: unknown[]) => inner.debug(...args),
    info: (...args: unknown[]) => inner.info(...args),
    warn: (...args: unknown[]) => inner.warn(...args),
    error: (...args: unknown[]) => {
      const only = args[0];
      if (args.length !== 1 || !(only instanceof Error)) return inner.error(...args);
      queueMicrotask(() => {
        if (!handled.has(only)) inner.error(only);
      });
    },
    setLevel: (level) => inner.setLevel(level),
    getLevel: () => inner.getLevel(),
    setName: (name) => inner.setName(name),
  };
}
