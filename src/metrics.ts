// Prometheus metrics at GET /metrics: how fast we ack, how much work waits, how often Slack
// told us to slow down, and whether the event loop keeps up. One registry per app, so tests
// and several apps in one process don't collide. Served on METRICS_PORT (loopback unless
// METRICS_HOST says otherwise), or on PORT to a scraper holding METRICS_TOKEN: never openly
// on the port Slack reaches.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "@slack/bolt";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { JobStore } from "./jobs/durable-queue.ts";
import type { Db } from "./db/database.ts";

export interface Metrics {
  registry: Registry;
  ackSeconds: Histogram<"kind">;
  slackWrites: Counter<"method">;
  rateLimited: Counter<"lane_kind">;
  deadWrites: Counter<"method">;
  jobRuns: Counter<"kind" | "outcome">;
  jobLagSeconds: Histogram;
}

/** How long the figures read from the database serve scrapes before they are read again. */
export const DB_GAUGES_MAX_AGE_MS = 15_000;

interface DatabaseFigures {
  outboxDepth: number;
  oldestPendingAt: Date | null;
  outboxDead: number;
  jobsWaiting: number;
  oldestDueAt: Date | null;
}

type MetricsDeps = { prisma: Db; jobs: Pick<JobStore, "backlog"> };

/** The database's figures, read at most every DB_GAUGES_MAX_AGE_MS; a failed read fails the scrapes until the next. */
class DatabaseSnapshot {
  private last: { at: number; figures: Promise<DatabaseFigures> } | undefined;

  constructor(
    private readonly deps: MetricsDeps,
    private readonly now: () => number,
  ) {}

  get(): Promise<DatabaseFigures> {
    const now = this.now();
    if (!this.last || now - this.last.at >= DB_GAUGES_MAX_AGE_MS) {
      const figures = this.read();
      figures.catch(() => undefined); // each scrape that awaits it sees the failure
      this.last = { at: now, figures };
    }
    return this.last.figures;
  }

  private async read(): Promise<DatabaseFigures> {
    const waiting = { status: { in: ["pending" as const, "sending" as const] } };
    const [outboxDepth, oldest, outboxDead, backlog] = await Promise.all([
      this.deps.prisma.slackWrite.count({ where: waiting }),
      this.deps.prisma.slackWrite.findFirst({
        where: waiting,
        orderBy: { createdAt: "asc" },
        select: { createdAt: true },
      }),
      this.deps.prisma.slackWrite.count({ where: { status: "dead" } }),
      this.deps.jobs.backlog(),
    ]);
    return {
      outboxDepth,
      oldestPendingAt: oldest?.createdAt ?? null,
      outboxDead,
      jobsWaiting: backlog.waiting,
      oldestDueAt: backlog.oldestDueAt,
    };
  }
}

export function createMetrics(deps: MetricsDeps, now: () => number = Date.now): Metrics {
  const registry = new Registry();
  // Includes nodejs_eventloop_lag_seconds and the event-loop delay percentiles.
  collectDefaultMetrics({ register: registry, prefix: "delight_", eventLoopMonitoringPrecision: 20 });
  const ackSeconds = new Histogram({
    name: "delight_ack_seconds",
    help: "Time from a Slack request reaching the app to its ack",
    labelNames: ["kind"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [registry],
  });
  const slackWrites = new Counter({
    name: "delight_slack_writes_total",
    help: "Writes to Slack sent through the outbox",
    labelNames: ["method"],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: "delight_slack_rate_limited_total",
    help: "429 answers from Slack",
    labelNames: ["lane_kind"],
    registers: [registry],
  });
  const deadWrites = new Counter({
    name: "delight_slack_writes_dead_total",
    help: "Writes to Slack given up (dead-lettered)",
    labelNames: ["method"],
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: "delight_job_runs_total",
    help: "Job runs by kind and outcome",
    labelNames: ["kind", "outcome"],
    registers: [registry],
  });
  const jobLagSeconds = new Histogram({
    name: "delight_job_lag_seconds",
    help: "How long a job waited past its due time before a worker started it",
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  // The figures that need the database are read together, at most every DB_GAUGES_MAX_AGE_MS
  // whatever the scrape rate (each read is five queries on PGlite's single connection, which
  // the acks share), and by one scrape when several arrive at once.
  const snapshot = new DatabaseSnapshot(deps, now);
  const fromDatabase = (name: string, help: string, read: (s: DatabaseFigures, nowMs: number) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(read(await snapshot.get(), now()));
      },
    });
  const ageSeconds = (at: Date | null, nowMs: number) => (at ? Math.max(0, (nowMs - at.getTime()) / 1000) : 0);
  fromDatabase(
    "delight_outbox_depth",
    "Writes to Slack waiting to be sent (pending or being sent)",
    (s) => s.outboxDepth,
  );
  fromDatabase("delight_outbox_oldest_pending_seconds", "Age of the oldest write to Slack still waiting", (s, n) =>
    ageSeconds(s.oldestPendingAt, n),
  );
  fromDatabase("delight_outbox_dead", "Writes to Slack dead-lettered and not retried yet", (s) => s.outboxDead);
  fromDatabase("delight_jobs_waiting", "Jobs queued or running", (s) => s.jobsWaiting);
  fromDatabase("delight_jobs_oldest_due_seconds", "How long the oldest due job has been waiting for a worker", (s, n) =>
    ageSeconds(s.oldestDueAt, n),
  );
  return { registry, ackSeconds, slackWrites, rateLimited, deadWrites, jobRuns, jobLagSeconds };
}

export interface MetricsAccess {
  /** The bearer token a scraper must send, if any. */
  token?: string;
  logger: Pick<Logger, "error">;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** GET /metrics: checks the bearer token (when one is set), answers 500 without internals on a failure. */
export function metricsHandler(metrics: Metrics, access: MetricsAccess) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (access.token !== undefined) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
      if (!given || !sameSecret(given, access.token)) {
        res.writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="metrics"' });
        res.end("A bearer token (METRICS_TOKEN) is needed for /metrics.\n");
        return;
      }
    }
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        res.end(text);
      },
      (error: unknown) => {
        access.logger.error("GET /metrics failed", error instanceof Error ? error.message : String(error));
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("Metrics are unavailable right now.\n");
      },
    );
  };
}

/** METRICS_PORT: a server of its own that serves /metrics only. Resolves with the port it listens on. */
export async function startMetricsServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: { port: number; host: string },
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === "/metrics" && (req.method === "GET" || req.method === "HEAD")) return handler(req, res);
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("Only GET /metrics is served here.\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
