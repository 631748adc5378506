// Builds the Bolt app with every feature registered. main.ts runs it for real; tests and the
// benchmark start it on a free port against a local stand-in for Slack's Web API.
import type { Server } from "node:http";
import { App, LogLevel, webApi, type Logger } from "@slack/bolt";
import { ConsoleLogger } from "@slack/logger";
import { systemClock, type Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Database } from "./db/database.ts";
import type { AppDeps } from "./deps.ts";
import { registerAdminFeature } from "./features/admin/listeners.ts";
import { registerDigestFeature } from "./features/digest/listeners.ts";
import { registerHomeFeature } from "./features/home/listeners.ts";
import { registerNominationsFeature, startNominationsSweeper } from "./features/nominations/listeners.ts";
import { registerRecoveriesFeature } from "./features/recoveries/listeners.ts";
import { registerStoriesFeature } from "./features/stories/listeners.ts";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.ts";
import { createInlineJobQueue, createInlineOutbox } from "./jobs/inline.ts";
import { userFacingErrors } from "./slack/errors.ts";
import { createRoleLookup, SlackUsers } from "./slack/roles.ts";

export interface DelightAppOptions {
  config: Config;
  database: Database;
  clock?: Clock;
  logger?: Logger;
  /** Overrides for the Web API client (tests shorten retries). */
  slackClientOptions?: Partial<webApi.WebClientOptions>;
}

export interface DelightApp {
  app: App;
  deps: AppDeps;
  /** Recovery reminders and escalations; main.ts starts it, tests call tick() or run two. */
  scheduler: Scheduler;
  /** Starts the receiver. HTTP mode resolves with the port it listens on. */
  start(port?: number): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

const LOG_LEVELS: Record<Config["logLevel"], LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

// A failed Web API call is retried a few times within seconds; anything longer is the
// scheduler's job (it retries on its next tick), so listeners never hang for minutes.
const DEFAULT_RETRY_CONFIG = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true };

export function createLogger(level: Config["logLevel"]): Logger {
  const logger = new ConsoleLogger();
  logger.setLevel(LOG_LEVELS[level]);
  logger.setName("delight");
  return logger;
}

export function createDelightApp(options: DelightAppOptions): DelightApp {
  const { config, database } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const socketMode = Boolean(config.slack.appToken);

  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: DEFAULT_RETRY_CONFIG,
    ...options.slackClientOptions,
  };
  const app = new App({
    token: config.slack.botToken,
    signingSecret: config.slack.signingSecret,
    appToken: config.slack.appToken,
    socketMode,
    logger,
    deferInitialization: true,
    clientOptions,
    // Socket Mode: its own client (apps.connections.open) must reach the same API URL, and
    // /healthz is served on PORT like in HTTP mode.
    ...(socketMode ? { installerOptions: { port: config.port, clientOptions } } : {}),
    customRoutes: [
      {
        path: "/healthz",
        method: ["GET"],
        handler: (_req, res) => {
          void database.isHealthy().then((healthy) => {
            res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
            res.end(JSON.stringify({ ok: healthy, database: database.kind }));
          });
        },
      },
    ],
  });

  const users = new SlackUsers(app.client);
  const deps: AppDeps = {
    config,
    prisma: database.prisma,
    clock: options.clock ?? systemClock,
    logger,
    users,
    roles: createRoleLookup({ prisma: database.prisma, users, configuredAdmins: config.admins }),
    jobs: createInlineJobQueue(createInlineOutbox(app.client), logger),
  };

  app.use(userFacingErrors(logger));
  app.error(async (error) => {
    // Errors that escaped the middleware above (for example a failed ack).
    const original = (error as { original?: unknown }).original ?? error;
    logger.error(
      "Unhandled Bolt error",
      error.code,
      original instanceof Error ? (original.stack ?? original.message) : original,
    );
  });

  registerAdminFeature(app, deps);
  registerNominationsFeature(app, deps);
  registerHomeFeature(app, deps);
  registerRecoveriesFeature(app, deps);
  registerDigestFeature(app, deps);
  registerStoriesFeature(app, deps);

  // The scheduler gets its own Web API client that fails fast (a 429 is not waited out
  // inside a tick, one quick retry otherwise): the row keeps the error and Slack's
  // Retry-After, and a later tick sends it.
  const schedulerClient = new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger,
    timeout: 10_000,
    retryConfig: { retries: 1, factor: 2, minTimeout: 500, maxTimeout: 2_000, randomize: true },
    ...options.slackClientOptions,
    rejectRateLimitedCalls: true,
  });
  const scheduler = createScheduler({
    prisma: database.prisma,
    client: schedulerClient,
    clock: deps.clock,
    logger,
    users,
    jobs: deps.jobs,
  });

  let started = false;
  let schedules: Array<{ stop(): Promise<void> }> = [];
  return {
    app,
    deps,
    scheduler,
    async start(port = config.port) {
      await app.init();
      schedules = [startNominationsSweeper(deps, app.client)];
      if (socketMode) {
        // apps.connections.open uses the app-level token: mark its failures so the start-up
        // message names SLACK_APP_TOKEN rather than the bot token.
        await app.start().catch((error: unknown) => {
          throw Object.assign(error instanceof Error ? error : new Error(String(error)), { during: "socket-mode" });
        });
        started = true;
        return {};
      }
      const server = (await app.start(port)) as Server;
      started = true;
      const address = server.address();
      return { port: typeof address === "object" && address ? address.port : port };
    },
    async stop() {
      await Promise.all(schedules.map((schedule) => schedule.stop()));
      schedules = [];
      await scheduler.stop();
      if (started) await app.stop();
      started = false;
    },
  };
}
