// The runtime contract of PRODUCT.md, parsed once at start-up. A missing or malformed
// variable produces one message naming it and saying how to fix it.
import { createHash } from "node:crypto";
import { z } from "zod";
import { parseDatabaseUrl } from "./db/adapters.ts";

const slackUserId = /^[UW][A-Z0-9]{2,}$/;

/** A key of DELIGHT_ENCRYPTION_KEY: 32 bytes, base64. */
function isKey(value: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, "base64").length === 32;
}

const port = (example: string) =>
  z.coerce
    .number({ error: `must be a port number such as ${example}.` })
    .int({ error: `must be a whole port number such as ${example}.` })
    .min(0, { error: "must be between 0 and 65535." })
    .max(65535, { error: "must be between 0 and 65535." });

const envSchema = z.object({
  // Single-workspace mode. Unset (with SLACK_CLIENT_ID…): distribution mode, see checkSlackMode.
  SLACK_BOT_TOKEN: z
    .string()
    .trim()
    .startsWith("xoxb-", {
      error: "must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token).",
    })
    .optional(),
  // Distribution mode ("Add to Slack"): Basic Information → App Credentials.
  SLACK_CLIENT_ID: z
    .string()
    .trim()
    .regex(/^\d+\.\d+$/, { error: "must be the Client ID from Basic Information → App Credentials (digits.digits)." })
    .optional(),
  SLACK_CLIENT_SECRET: z.string().trim().min(1).optional(),
  SLACK_STATE_SECRET: z
    .string()
    .trim()
    .min(16, { error: "must be at least 16 random characters (for example the output of `openssl rand -hex 32`)." })
    .optional(),
  DELIGHT_ENCRYPTION_KEY: z
    .string()
    .trim()
    .refine((value) => isKey(value), {
      error: "must be 32 bytes in base64 (for example the output of `openssl rand -base64 32`).",
    })
    .optional(),
  // Keys used before DELIGHT_ENCRYPTION_KEY: read with, never written with (key rotation).
  DELIGHT_ENCRYPTION_OLD_KEYS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? "")
        .split(",")
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .refine((keys) => keys.every(isKey), {
      error: "must be comma-separated keys of 32 bytes in base64 (the earlier values of DELIGHT_ENCRYPTION_KEY).",
    }),
  UNINSTALL_RETENTION_DAYS: z.coerce
    .number({ error: "must be a number of days such as 30." })
    .int({ error: "must be a whole number of days such as 30." })
    .min(0, { error: "must be 0 or more (days)." })
    .max(3650, { error: "must be at most 3650 (days)." })
    .default(30),
  SLACK_SIGNING_SECRET: z.string().trim().min(1).optional(),
  SLACK_APP_TOKEN: z
    .string()
    .trim()
    .startsWith("xapp-", {
      error:
        "must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write).",
    })
    .optional(),
  SLACK_API_URL: z
    .url({ error: "must be a URL such as https://slack.com/api/ (leave it unset for Slack's own)." })
    .transform((url) => (url.endsWith("/") ? url : `${url}/`))
    .optional(),
  PORT: port("3000").default(3000),
  // /metrics: on a port of its own (loopback unless METRICS_HOST says otherwise), or on PORT
  // to a scraper that sends METRICS_TOKEN as a bearer token; otherwise not served at all.
  METRICS_PORT: port("9464").optional(),
  METRICS_HOST: z
    .string()
    .trim()
    .regex(/^(?:[A-Za-z0-9.-]+|\[?[0-9A-Fa-f:.]+\]?)$/, {
      error: "must be an address to listen on, such as 127.0.0.1 (the default), 0.0.0.0 or ::1.",
    })
    .transform((host) => host.replace(/^\[|\]$/g, ""))
    .optional(),
  METRICS_TOKEN: z
    .string()
    .trim()
    .min(16, { error: "must be at least 16 characters (for example the output of `openssl rand -hex 32`)." })
    .regex(/^[\x21-\x7E]+$/, { error: "must be printable characters without spaces (a bearer token)." })
    .optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .superRefine((value, ctx) => {
      try {
        const target = parseDatabaseUrl(value);
        if (target.kind === "postgres") new URL(target.connectionString ?? "");
      } catch {
        ctx.addIssue({
          code: "custom",
          message:
            "must be unset (embedded database in ./data), memory:// (in memory), file:<dir>, or postgres://user:password@host:5432/db (percent-encode special characters in the password, such as # as %23).",
        });
      }
    }),
  OPENAI_API_KEY: z.string().trim().min(1).optional(),
  OPENAI_BASE_URL: z.url({ error: "must be a URL such as https://api.openai.com/v1." }).optional(),
  OPENAI_MODEL: z.string().trim().min(1).default("gpt-4o-mini"),
  // The model's whole time budget for one answer (retries included); capped so people always
  // have their surprise ideas within 15 s (src/features/surprises).
  OPENAI_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds such as 10000." })
    .int({ error: "must be a whole number of milliseconds such as 10000." })
    .min(100, { error: "must be at least 100 (milliseconds)." })
    .max(12_000, { error: "must be at most 12000 (milliseconds), so answers arrive within 15 seconds." })
    .optional(),
  DELIGHT_ADMINS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? "")
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .refine((ids) => ids.every((id) => slackUserId.test(id)), {
      error: "must be comma-separated Slack user ids such as U012AB3CD,U045EF6GH (profile → ⋮ → Copy member ID).",
    }),
  // The app's public base URL as senders reach it (webhook URLs of customer signals).
  PUBLIC_URL: z
    .url({ error: "must be the app's public base URL, such as https://delight.example.com." })
    .refine((url) => /^https?:\/\//.test(url), { error: "must start with https:// (or http:// on a private network)." })
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
  LOG_LEVEL: z
    .enum(["debug", "info", "warn", "error"], { error: "must be one of debug, info, warn, error." })
    .default("info"),
});

/** Distribution mode ("Add to Slack"): the app's OAuth credentials and how tokens are kept. */
export interface DistributionConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** AES-256-GCM keys: `current` encrypts, `old` are only read with (DELIGHT_ENCRYPTION_OLD_KEYS). */
  encryption: { current: Buffer; old: Buffer[]; fromEnvironment: boolean };
  /** Slack's authorize page (derived from SLACK_API_URL: GovSlack and the imitation have their own). */
  authorizeUrl: string;
  /** Slack's app_redirect ("Open Delight in Slack" after installing), derived the same way. */
  appRedirectUrl: string;
  /** Days an uninstalled workspace's data is kept before it is deleted. */
  uninstallRetentionDays: number;
}

export interface Config {
  slack: {
    /** Single-workspace mode: the bot token. Unset in distribution mode. */
    botToken?: string;
    /** Distribution mode: set when SLACK_BOT_TOKEN is not. */
    distribution?: DistributionConfig;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
  };

  port: number;
  /** Where /metrics is served: `port` on `host`, and on PORT with `token`; neither: not served. */
  metrics: { port?: number; host: string; token?: string };
  databaseUrl?: string;
  /** timeoutMs: the model's whole time budget for one answer; features apply their default when unset. */
  openai: { apiKey?: string; baseUrl?: string; model: string; timeoutMs?: number };
  admins: string[];
  /** Where senders reach the app (no trailing slash); unset: webhook URLs are shown as paths. */
  publicUrl?: string;
  /**
   * Keys for secrets Delight keeps in its database in either mode (customer signals' signing
   * secrets): DELIGHT_ENCRYPTION_KEY, else a key derived from the Slack secret in use
   * (`fromEnvironment` false). The derived key stays readable once a real key is set.
   */
  secrets: { current: Buffer; old: Buffer[]; fromEnvironment: boolean };
  logLevel: "debug" | "info" | "warn" | "error";
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Delight can't start because of its configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        "Set the variable in the environment (for example `export NAME=value`, or in your process manager), then start again. See README.md → Configuration.",
    );
    this.name = "ConfigError";
  }
}

const SLACK_VARIABLES = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID"];
const OAUTH_VARIABLES = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const;

/**
 * Sandbox mode (src/sandbox): asked for with --sandbox, or chosen when no Slack variable is set
 * outside production. In production a missing variable stays a fatal configuration error.
 */
export function sandboxRequested(env: NodeJS.ProcessEnv = process.env, args: string[] = []): boolean {
  if (args.includes("--sandbox")) return true;
  if (env.NODE_ENV === "production") return false;
  return SLACK_VARIABLES.every((name) => !env[name]?.trim());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset: `FOO= npm start` should behave like not setting FOO.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = envSchema.safeParse(cleaned);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? "environment")} ${issue.message}`);
  problems.push(...slackModeProblems(cleaned));
  if (!cleaned.SLACK_APP_TOKEN && !cleaned.SLACK_SIGNING_SECRET) {
    problems.push(
      "SLACK_SIGNING_SECRET is missing. Set it to the Signing Secret from your Slack app's Basic Information page (HTTP mode), or set SLACK_APP_TOKEN (xapp-…) to use Socket Mode.",
    );
  }
  if (cleaned.METRICS_HOST && !cleaned.METRICS_PORT) {
    problems.push(
      "METRICS_HOST is set without METRICS_PORT. Set METRICS_PORT (for example 9464) to serve /metrics on a port of its own, or unset METRICS_HOST.",
    );
  }
  if (parsed.success && parsed.data.METRICS_PORT !== undefined && parsed.data.METRICS_PORT === parsed.data.PORT) {
    problems.push(
      `METRICS_PORT must differ from PORT (${parsed.data.PORT}), the port Slack reaches. To serve /metrics on PORT, unset METRICS_PORT and set METRICS_TOKEN; scrapers then send it as a bearer token.`,
    );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      distribution: e.SLACK_BOT_TOKEN ? undefined : distributionConfig(e),
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    port: e.PORT,
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST ?? "127.0.0.1", token: e.METRICS_TOKEN },
    databaseUrl: e.DATABASE_URL,
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      timeoutMs: e.OPENAI_TIMEOUT_MS,
    },
    admins: e.DELIGHT_ADMINS,
    publicUrl: e.PUBLIC_URL,
    secrets: secretsKeys(e),
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * Without DELIGHT_ENCRYPTION_KEY, secrets are encrypted with a key derived from the Slack
 * secret the app already depends on (the state secret, the signing secret or the app token),
 * so nothing is ever stored in clear; once DELIGHT_ENCRYPTION_KEY is set, the derived key is
 * kept as an old key, so what it wrote is still read (and written again with the new key).
 */
function secretsKeys(e: z.infer<typeof envSchema>): Config["secrets"] {
  const seed = e.SLACK_STATE_SECRET ?? e.SLACK_SIGNING_SECRET ?? e.SLACK_APP_TOKEN ?? "";
  const derived = createHash("sha256").update(`delight-development-key:${seed}`).digest();
  const old = e.DELIGHT_ENCRYPTION_OLD_KEYS.map((key) => Buffer.from(key, "base64"));
  return e.DELIGHT_ENCRYPTION_KEY
    ? { current: Buffer.from(e.DELIGHT_ENCRYPTION_KEY, "base64"), old: [...old, derived], fromEnvironment: true }
    : { current: derived, old, fromEnvironment: false };
}

/**
 * Single-workspace mode (SLACK_BOT_TOKEN) or distribution mode (SLACK_CLIENT_ID,
 * SLACK_CLIENT_SECRET, SLACK_STATE_SECRET): exactly one of them, complete.
 */
function slackModeProblems(env: Record<string, string | undefined>): string[] {
  const oauthSet = OAUTH_VARIABLES.filter((name) => env[name]);
  if (env.SLACK_BOT_TOKEN) {
    return oauthSet.length > 0
      ? [
          `SLACK_BOT_TOKEN is set together with ${oauthSet.join(", ")}. Choose one mode: SLACK_BOT_TOKEN for one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (without SLACK_BOT_TOKEN) for "Add to Slack".`,
        ]
      : [];
  }
  if (oauthSet.length === 0) {
    return [
      'SLACK_BOT_TOKEN is missing. Set it to the Bot User OAuth Token (xoxb-…) from your Slack app\'s OAuth & Permissions page, or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to install Delight with "Add to Slack".',
    ];
  }
  const missing = OAUTH_VARIABLES.filter((name) => !env[name]);
  const problems =
    missing.length > 0
      ? [
          `${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing for "Add to Slack" (distribution mode). Set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET from Basic Information → App Credentials, and SLACK_STATE_SECRET to random text (\`openssl rand -hex 32\`); or set SLACK_BOT_TOKEN for one workspace.`,
        ]
      : [];
  if (env.NODE_ENV === "production" && !env.DELIGHT_ENCRYPTION_KEY) {
    problems.push(
      "DELIGHT_ENCRYPTION_KEY is missing. In distribution mode Delight keeps each workspace's tokens encrypted: set it to 32 random bytes in base64 (`openssl rand -base64 32`) and keep it safe; without it the stored tokens can't be read.",
    );
  }
  return problems;
}

/**
 * Outside production a missing DELIGHT_ENCRYPTION_KEY is derived from SLACK_STATE_SECRET, so a
 * developer's install works at once (app.ts warns); production refuses to start without one.
 */
function distributionConfig(e: z.infer<typeof envSchema>): DistributionConfig {
  const stateSecret = e.SLACK_STATE_SECRET ?? "";
  const current = e.DELIGHT_ENCRYPTION_KEY
    ? Buffer.from(e.DELIGHT_ENCRYPTION_KEY, "base64")
    : createHash("sha256").update(`delight-development-key:${stateSecret}`).digest();
  return {
    clientId: e.SLACK_CLIENT_ID ?? "",
    clientSecret: e.SLACK_CLIENT_SECRET ?? "",
    stateSecret,
    encryption: {
      current,
      old: e.DELIGHT_ENCRYPTION_OLD_KEYS.map((key) => Buffer.from(key, "base64")),
      fromEnvironment: Boolean(e.DELIGHT_ENCRYPTION_KEY),
    },
    authorizeUrl: authorizeUrlFor(e.SLACK_API_URL),
    appRedirectUrl: appRedirectUrlFor(e.SLACK_API_URL),
    uninstallRetentionDays: e.UNINSTALL_RETENTION_DAYS,
  };
}

/** https://slack.com/api/ → https://slack.com/oauth/v2/authorize (the same host serves both). */
export function authorizeUrlFor(apiUrl: string | undefined): string {
  if (!apiUrl) return "https://slack.com/oauth/v2/authorize";
  return new URL("../oauth/v2/authorize", apiUrl).toString();
}

/** https://slack.com/api/ → https://slack.com/app_redirect (the sandbox's opens its own page). */
export function appRedirectUrlFor(apiUrl: string | undefined): string {
  if (!apiUrl) return "https://slack.com/app_redirect";
  return new URL("../app_redirect", apiUrl).toString();
}
