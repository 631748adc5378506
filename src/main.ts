// Process entry: configuration, database, app, schedules, graceful shutdown.
import { ConfigError, loadConfig, sandboxRequested, type Config } from "./config.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { describeDatabaseUrl, parseDatabaseUrl } from "./db/adapters.ts";
import { isSandboxDataDir, SANDBOX_IN_PRODUCTION } from "./sandbox/database.ts";
import { explainStartFailure } from "./startup-errors.ts";

// A deploy sends SIGTERM and kills ~15-30 s later (Kubernetes' default grace is 30 s, many
// platforms use 10-15 s). Running jobs get JOB_GRACE_MS to finish, then go back to the queue
// for the next process; the whole shutdown never takes longer than SHUTDOWN_DEADLINE_MS.
const JOB_GRACE_MS = 8_000;
const SHUTDOWN_DEADLINE_MS = 13_000;

function describeDatabase(config: Config): string {
  return describeDatabaseUrl(config.databaseUrl);
}

function describeMetrics(config: Config, metricsPort: number | undefined): string {
  const where = [
    metricsPort !== undefined ? `http://${config.metrics.host}:${metricsPort}/metrics` : null,
    config.metrics.token ? "GET /metrics on this port with METRICS_TOKEN" : null,
  ].filter(Boolean);
  return where.length > 0
    ? `metrics: ${where.join(" and ")}`
    : "metrics: not served (set METRICS_PORT or METRICS_TOKEN)";
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--sandbox") && process.env.NODE_ENV === "production") {
    // Whatever the flags: the sandbox's workers would take a real workspace's jobs.
    console.error(SANDBOX_IN_PRODUCTION);
    process.exit(1);
  }
  if (sandboxRequested(process.env, args)) {
    // No Slack yet (or `npm run sandbox`): a local Slack-like workspace on loopback.
    const { runSandbox } = await import("./sandbox/run.ts");
    return runSandbox(args);
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const target = parseDatabaseUrl(config.databaseUrl);
  if (isSandboxDataDir(target.dataDir)) {
    console.error(
      `DATABASE_URL points at ${target.dataDir}, the sandbox's database (made-up people and demo data). Point DATABASE_URL at the real database (unset for ./data, file:<dir>, or postgres://…).`,
    );
    process.exit(1);
  }
  // Start opening the database (connect, check migrations: mostly waiting on I/O), and load
  // Bolt and the features meanwhile rather than one after the other (start-up time).
  const opening = openDatabase(config.databaseUrl, { createInChildProcess: true });
  opening.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  const { createDelightApp, createLogger } = await import("./app.ts");
  const logger = createLogger(config.logLevel);

  let database: Database;
  try {
    database = await opening;
  } catch (error) {
    console.error(
      `Delight can't open its database (${describeDatabase(config)}): ${(error as Error).message}\n` +
        "Check DATABASE_URL (unset for the embedded database in ./data, or postgres://user:password@host:5432/db) and that the server is reachable.",
    );
    process.exit(1);
  }
  if (database.appliedMigrations.length > 0) {
    logger.info(`Applied database migrations: ${database.appliedMigrations.join(", ")}`);
  }

  const delight = createDelightApp({ config, database, logger });
  let port: number | undefined;
  let metricsPort: number | undefined;
  try {
    ({ port, metricsPort } = await delight.start());
  } catch (error) {
    console.error(explainStartFailure(error, config));
    await database.close().catch(() => undefined);
    process.exit(1);
  }
  delight.scheduler.start();
  logger.info(
    config.slack.appToken
      ? `Delight is running in Socket Mode; database: ${describeDatabase(config)}; ${describeMetrics(config, metricsPort)}`
      : `Delight is listening on port ${port} (POST /slack/events, GET /healthz); database: ${describeDatabase(config)}; ${describeMetrics(config, metricsPort)}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C means "now": the first one is still waiting for jobs.
      if (signal === "SIGINT") process.exit(1);
      return;
    }
    stopping = true;
    const started = Date.now();
    logger.info(`${signal} received: no new requests; finishing or handing back running jobs…`);
    // Whatever hangs (a job ignoring the grace period, a database that does not answer),
    // the process is gone before an orchestrator's kill: exiting closes every socket, so no
    // PostgreSQL session outlives it either.
    const deadline = setTimeout(() => {
      logger.error(`Shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    let clean = true;
    await delight.stop(JOB_GRACE_MS).catch((e: unknown) => {
      clean = false;
      logger.warn("Error while stopping the app", String(e));
    });
    await database.close().catch((e: unknown) => {
      clean = false;
      logger.warn("Error while closing the database", String(e));
    });
    clearTimeout(deadline);
    logger.info(`Stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.exit(clean ? 0 : 1);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error("Delight stopped because of an unexpected error:", error instanceof Error ? error.message : error);
  process.exit(1);
});
