// The runtime contract of PRODUCT.md, parsed once at start-up. A missing or malformed
// variable produces one message naming it and saying how to fix it.
import { z } from "zod";
import { parseDatabaseUrl } from "./db/adapters.ts";

const slackUserId = /^[UW][A-Z0-9]{2,}$/;

const port = (example: string) =>
  z.coerce
    .number({ error: `must be a port number such as ${example}.` })
    .int({ error: `must be a whole port number such as ${example}.` })
    .min(0, { error: "must be between 0 and 65535." })
    .max(65535, { error: "must be between 0 and 65535." });

const envSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({
      error: "is missing. Set it to the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page.",
    })
    .trim()
    .startsWith("xoxb-", {
      error: "must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token).",
    }),
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

export interface Config {
  slack: {
    botToken: string;
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

const SLACK_VARIABLES = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"];

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
    logLevel: e.LOG_LEVEL,
  };
}
