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
import { registerExportFeature } from "./features/export/listeners.ts";
import { registerInsightsFeature } from "./features/insights/listeners.ts";
import { registerDigestFeature } from "./features/digest/listeners.ts";
import { registerDirectoryFeature } from "./features/directory/listeners.ts";
import { registerDumbRulesFeature } from "./features/dumbrules/listeners.ts";
import { registerHoldingBackFeature } from "./features/holdingback/listeners.ts";
import { registerHomeFeature } from "./features/home/listeners.ts";
import { registerSettingsFeature } from "./features/settings/listeners.ts";
import { registerNominationsFeature } from "./features/nominations/listeners.ts";
import { registerPeopleFeature } from "./features/people/listeners.ts";
import { registerRecoveriesFeature } from "./features/recoveries/listeners.ts";
import { registerSurprisesFeature } from "./features/surprises/listeners.ts";
import { registerStoriesFeature } from "./features/stories/listeners.ts";
import type { HookRequest } from "./features/signals/hooks.ts";
import { registerSignalsFeature, SIGNAL_HOOK_PATH } from "./features/signals/listeners.ts";
import { registerNudgesFeature } from "./features/nudges/listeners.ts";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.ts";
import { newInstanceId } from "./scheduler/due-reminders.ts";
import { JobStore } from "./jobs/durable-queue.ts";
import { startMaintenance } from "./jobs/maintenance.ts";
import { applyRetentionEverywhere } from "./features/retention/service.ts";
import { JobWorkers } from "./jobs/workers.ts";
import { createMetrics, metricsHandler, startMetricsServer, type Metrics } from "./metrics.ts";
import { DurableOutbox } from "./slack/durable-outbox.ts";
import { SlackWriteRefused } from "./slack/outbox.ts";
import { PERMANENT_SLACK_ERRORS, permanentSlackError } from "./slack/refusals.ts";
import { tellAdminsOfRefusal } from "./features/admin/notices.ts";
import { Pacer, type LaneRates } from "./slack/pacer.ts";
import { guardAcks } from "./slack/ack-guard.ts";
import { answerOutOfDate } from "./slack/stale-interactions.ts";
import { answerListenerErrors, describeError, describeRequest } from "./slack/errors.ts";
import { PrivateRequests } from "./slack/private-requests.ts";
import { SlackRouter } from "./slack/router.ts";
import { createRoleLookup, SlackUsers } from "./slack/roles.ts";
import { createOAuthSetup } from "./slack/installations/oauth.ts";
import { SlackClients } from "./slack/clients.ts";
import { registerUninstallEvents } from "./slack/installations/uninstall.ts";
import { enqueueWelcome, registerWelcome } from "./features/admin/welcome.ts";
import { isNotInstalled, type Installations } from "./slack/installations/store.ts";

export interface DelightAppOptions {
  config: Config;
  database: Database;
  clock?: Clock;
  logger?: Logger;
  /** Overrides for the Web API client (tests shorten retries). */
  slackClientOptions?: Partial<webApi.WebClientOptions>;
  /** Workers of this instance (default 8). */
  workerConcurrency?: number;
  /** Pacing of writes to Slack (default: Slack's limits; tests that don't test pacing go faster). */
  pacing?: Partial<LaneRates>;
}

export interface DelightApp {
  app: App;
  deps: AppDeps;
  /** Recovery reminders and escalations; main.ts starts it, tests call tick() or run two. */
  scheduler: Scheduler;
  /** This instance's workers: they run the jobs listeners and schedules record. */
  workers: JobWorkers;
  outbox: DurableOutbox;
  metrics: Metrics;
  /** Distribution mode: the installations (tokens) of every workspace. */
  installations?: Installations;
  /**
   * Starts the receiver. HTTP mode resolves with the port it listens on (on `host` if given:
   * the sandbox uses loopback); `metricsPort` is where METRICS_PORT's server listens.
   */
  start(port?: number, host?: string): Promise<{ port?: number; metricsPort?: number }>;
  /** Stops taking requests, stops the schedules, and gives running jobs `graceMs` to finish. */
  stop(graceMs?: number): Promise<void>;
}

const LOG_LEVELS: Record<Config["logLevel"], LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

// Slack opens a connection per request. In a burst they wait in the kernel's accept queue
// while the event loop is busy; past Node's default of 511 the kernel drops them, and each
// dropped connection costs its sender a one-second SYN retransmit (bench `burst` on
// PostgreSQL: 19 drops, p99 1.1 s). The kernel caps this at net.core.somaxconn.
const LISTEN_BACKLOG = 4096;
/** A new connection within this long means a burst is still coming in (JobStore coalesceWhile). */
const CONNECTIONS_ARRIVING_MS = 25;

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
  // Every logger handed to Bolt and Slack's libraries leaves out what could name the sender of
  // a private request (an anonymous /holdingback answer): see slack/private-requests.ts.
  const privateRequests = new PrivateRequests();
  const logger = privateRequests.logger(options.logger ?? createLogger(config.logLevel));
  const socketMode = Boolean(config.slack.appToken);

  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: DEFAULT_RETRY_CONFIG,
    ...options.slackClientOptions,
  };
  let lastConnectionAt = Number.NEGATIVE_INFINITY;
  const jobStore = new JobStore(database.prisma, {
    query: database.query,
    maxInsertsInFlight: database.kind === "pglite" ? 1 : undefined,
    // While new connections arrive (a burst), rows share inserts (see JobStore).
    coalesceFactor: 4,
    burstInsertsInFlight: database.kind === "pglite" ? 1 : 2,
    coalesceWhile: () => performance.now() - lastConnectionAt < CONNECTIONS_ARRIVING_MS,
  });
  const metrics = createMetrics({ prisma: database.prisma, jobs: jobStore });
  const serveMetrics = metricsHandler(metrics, { token: config.metrics.token, logger });
  let requestsInFlight = 0;
  // Customer signals' webhooks (src/features/signals); set once the features are registered.
  const signalHooks: { handle?: ReturnType<typeof registerSignalsFeature> } = {};
  const clock = options.clock ?? systemClock;
  // Distribution mode ("Add to Slack"): Bolt's OAuth with our installation store, no bot token.
  const oauth = config.slack.distribution
    ? createOAuthSetup({
        distribution: config.slack.distribution,
        prisma: database.prisma,
        clock,
        logger,
        clientOptions,
        postgresUrl:
          database.kind === "postgres" && /^postgres(ql)?:/.test(config.databaseUrl ?? "")
            ? config.databaseUrl
            : undefined,
        port: socketMode ? config.port : undefined,
        // The installer's welcome DM; an org-wide install's goes out under the org's id (its token answers for it).
        onInstalled: async (installation) => {
          const orgWide = Boolean(installation.isEnterpriseInstall);
          const teamId = orgWide ? installation.enterprise?.id : installation.team?.id;
          if (!teamId) return;
          await enqueueWelcome(workers, {
            teamId,
            userId: installation.user.id,
            appId: installation.appId ?? null,
            installedAt: Date.now(),
            ...(orgWide ? { orgWide, orgName: installation.enterprise?.name ?? null } : {}),
          });
        },
      })
    : undefined;
  const app = new App({
    token: config.slack.botToken,
    ...oauth?.appOptions,
    signingSecret: config.slack.signingSecret,
    appToken: config.slack.appToken,
    socketMode,
    // Distribution mode: the same logger, minus @slack/oauth's stack trace for an install that
    // did not complete (the OAuth setup logs it in one line).
    logger: oauth?.boltLogger ?? logger,
    // Without it Bolt sets the logger it is given to INFO, and LOG_LEVEL=debug logs nothing more.
    logLevel: LOG_LEVELS[config.logLevel],
    // The error handler gets the request, so it can tell a private one.
    extendedErrorHandler: true,
    deferInitialization: true,
    // No listener keeps conversation state: skip Bolt's per-request conversation look-up.
    convoStore: false,
    // The router applies Bolt's ignoreSelf to events (one global middleware instead of two).
    ignoreSelf: false,
    clientOptions,
    // Socket Mode: its own client (apps.connections.open) must reach the same API URL, and
    // /healthz is served on PORT like in HTTP mode.
    ...(socketMode && !oauth ? { installerOptions: { port: config.port, clientOptions } } : {}),
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
      {
        path: SIGNAL_HOOK_PATH,
        method: ["POST"],
        handler: (req, res) => {
          if (signalHooks.handle) signalHooks.handle(req as HookRequest, res);
          else res.writeHead(503, { "retry-after": "5" }).end();
        },
      },
      // On the port Slack reaches, /metrics only for a scraper holding METRICS_TOKEN.
      ...(config.metrics.token ? [{ path: "/metrics", method: ["GET"], handler: serveMetrics }] : []),
    ],
  });

  // Each workspace's calls use its own token: the one of SLACK_BOT_TOKEN, or (distribution
  // mode) its installation's, resolved at the time of the call (slack/clients.ts).
  const tokenFor = oauth ? (teamId: string) => oauth.installations.botTokenFor(teamId) : undefined;
  const apiClients = new SlackClients(
    oauth ? { tokenFor, clientOptions: { ...clientOptions, logger } } : { single: app.client },
  );
  const users = new SlackUsers(oauth ? apiClients : app.client);

  // Every write to Slack goes through the outbox, with its own client: no hidden retries (the
  // outbox retries, after checking whether the first try arrived) and 429s fail fast (the
  // outbox waits them out without holding a worker).
  const outboxClientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.slack.apiUrl,
    logger,
    timeout: 10_000,
    ...options.slackClientOptions,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  };
  const outboxClient = new webApi.WebClient(config.slack.botToken, outboxClientOptions);
  const outboxClients = oauth ? new SlackClients({ tokenFor, clientOptions: outboxClientOptions }) : undefined;
  // Slack refusing work for good is told to an admin, once (features/admin/notices.ts).
  const tellAdmins = (refusal: Parameters<ReturnType<typeof tellAdminsOfRefusal>>[0]) =>
    tellAdminsOfRefusal(workers, logger)(refusal);
  const outbox = new DurableOutbox({
    prisma: database.prisma,
    client: outboxClient,
    ...(outboxClients ? { clientFor: (teamId: string | null) => outboxClients.forTeam(teamId) } : {}),
    // Instances behind a load balancer share PostgreSQL: they share the pace too.
    pacer: new Pacer(database.prisma, { rates: options.pacing, shared: database.kind === "postgres" }),
    logger,
    hooks: {
      onSent: (method) => metrics.slackWrites.inc({ method }),
      onRateLimited: (lane) => metrics.rateLimited.inc({ lane_kind: lane.split(":")[0] ?? lane }),
      onDead: async (write) => {
        metrics.deadWrites.inc({ method: write.method });
        if (PERMANENT_SLACK_ERRORS.has(write.error)) {
          await tellAdmins({
            teamId: write.teamId,
            key: write.key,
            code: write.error,
            target: write.target,
            what: write.method,
          });
        }
      },
    },
  });
  const workers = new JobWorkers({
    store: jobStore,
    logger,
    outboxFor: (job) => outbox.forTeam(job.teamId),
    instanceId: newInstanceId(),
    concurrency: options.workerConcurrency,
    isBusy: () => requestsInFlight > 0,
    onDead: async (job, error) => {
      // A refused outbox write has told the admins already (above); this is a direct call's refusal.
      const code = error instanceof SlackWriteRefused ? null : permanentSlackError(error);
      if (code) await tellAdmins({ teamId: job.teamId, key: job.key, code, target: null, what: job.kind });
    },
    onRun: ({ kind, lagSeconds, outcome }) => {
      metrics.jobRuns.inc({ kind, outcome });
      metrics.jobLagSeconds.observe(lagSeconds);
    },
  });
  const deps: AppDeps = {
    config,
    prisma: database.prisma,
    clock,
    logger,
    users,
    roles: createRoleLookup({
      prisma: database.prisma,
      users,
      configuredAdmins: config.admins,
      ...(oauth
        ? { isInstaller: async (teamId, userId) => (await oauth.installations.installerOf(teamId)) === userId }
        : {}),
    }),
    jobs: workers,
  };

  guardAcks(app, {
    histogram: metrics.ackSeconds,
    onUnacked: answerOutOfDate(deps.jobs, logger),
    onLateAck: (error) =>
      logger.warn(
        "An event took longer than Slack's 3 seconds to record; Slack delivers it again (its event id makes that one job)",
        String(error),
      ),
  });
  // Each request's statements go ahead of the background work's on embedded PGlite, oldest
  // request first (db/statement-lanes.ts): acks never queue behind workers or maintenance.
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => database.onAckPath(() => processEvent(event));
  app.error(async ({ error, body }: { error: Error & { code?: string }; body: unknown }) => {
    // A request for a workspace where Delight is not (or no longer) installed: one quiet line,
    // and the error goes back to the receiver, which answers as Bolt does by default (HTTP 401;
    // Socket Mode: acknowledged so Slack does not retry).
    if (isNotInstalled(error)) {
      logger.info(
        `Ignored a request for ${describeRequest(body).team ?? "a workspace"}: Delight is not installed there`,
      );
      throw error;
    }
    // Errors the router did not hand to answerListenerErrors (for example a failed ack).
    const original = (error as { original?: unknown }).original ?? error;
    const isPrivate = privateRequests.isPrivate(body);
    logger.error(
      "Unhandled Bolt error",
      error.code,
      describeRequest(body, privateRequests),
      describeError(original, isPrivate),
    );
  });

  // Features register with the router: one Bolt global middleware that finds their listener.
  const router = new SlackRouter(app.client, privateRequests, oauth ? apiClients : undefined);
  registerAdminFeature(router, deps);
  registerNominationsFeature(router, deps);
  registerHomeFeature(router, deps);
  registerSettingsFeature(router, deps);
  registerRecoveriesFeature(router, deps);
  registerSurprisesFeature(router, deps);
  registerDigestFeature(router, deps);
  registerStoriesFeature(router, deps);
  registerDumbRulesFeature(router, deps);
  registerHoldingBackFeature(router, deps);
  registerExportFeature(router, deps);
  registerInsightsFeature(router, deps);
  registerDirectoryFeature(router, deps);
  signalHooks.handle = registerSignalsFeature(router, deps);
  registerNudgesFeature(router, deps);
  if (oauth) registerWelcome(router, deps);
  if (oauth) {
    registerUninstallEvents(router, {
      prisma: database.prisma,
      installations: oauth.installations,
      clock,
      logger,
      retentionDays: config.slack.distribution?.uninstallRetentionDays ?? 30,
    });
  }
  registerPeopleFeature(router, deps);
  router.mount(app, answerListenerErrors(logger, privateRequests));

  // The scheduler only enqueues a job per due reminder or digest; the workers deliver them.
  const scheduler = createScheduler({ prisma: database.prisma, jobs: workers, clock: deps.clock, logger });

  let started = false;
  let maintenance: { stop(): Promise<void> } | undefined;
  let metricsServer: { port: number; close(): Promise<void> } | undefined;
  // METRICS_PORT: a server of its own, on loopback unless METRICS_HOST says otherwise.
  const startMetrics = async () => {
    const { port: metricsPort, host: metricsHost } = config.metrics;
    if (metricsPort === undefined || metricsServer) return metricsServer?.port;
    metricsServer = await startMetricsServer(serveMetrics, { port: metricsPort, host: metricsHost }).catch(
      (error: unknown) => {
        throw Object.assign(error instanceof Error ? error : new Error(String(error)), { during: "metrics" });
      },
    );
    return metricsServer.port;
  };
  return {
    app,
    deps,
    scheduler,
    workers,
    outbox,
    metrics,
    installations: oauth?.installations,
    async start(port = config.port, host?: string) {
      await app.init();
      workers.start();
      maintenance = startMaintenance(database.prisma, logger, clock, (now) =>
        applyRetentionEverywhere(database.prisma, now, logger),
      );
      if (socketMode) {
        // apps.connections.open uses the app-level token: mark its failures so the start-up
        // message names SLACK_APP_TOKEN rather than the bot token.
        await app.start().catch((error: unknown) => {
          throw Object.assign(error instanceof Error ? error : new Error(String(error)), { during: "socket-mode" });
        });
        started = true;
        return { metricsPort: await startMetrics() };
      }
      const server = (await app.start({ port, ...(host ? { host } : {}), backlog: LISTEN_BACKLOG })) as Server;
      started = true;
      // A burst is coming in: embedded PGlite holds background statements back so that the
      // loop, which accepts one connection per iteration, takes the rest at once (statement-lanes.ts).
      // (A request on a kept-alive connection counts as an arrival too.)
      server.on("connection", () => {
        lastConnectionAt = performance.now();
        database.noteArrival();
      });
      // While requests are being answered, the workers step back (see JobWorkers.isBusy).
      server.on("request", (_req, res) => {
        database.noteArrival();
        requestsInFlight += 1;
        res.once("close", () => {
          requestsInFlight -= 1;
        });
      });
      const address = server.address();
      return { port: typeof address === "object" && address ? address.port : port, metricsPort: await startMetrics() };
    },
    async stop(graceMs?: number) {
      // Stop taking work first, then let the workers finish or hand back what they hold.
      if (started) await app.stop();
      started = false;
      await metricsServer?.close();
      metricsServer = undefined;
      await maintenance?.stop();
      maintenance = undefined;
      await scheduler.stop();
      await workers.stop(graceMs);
      await oauth?.installations.close();
    },
  };
}
