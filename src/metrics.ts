// Prometheus metrics at GET /metrics: how fast we ack, how much work waits, how often Slack
// told us to slow down, and whether the event loop keeps up. One registry per app, so tests
// and several apps in one process don't collide.
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

export function createMetrics(deps: { prisma: Db; jobs: JobStore }): Metrics {
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
  new Gauge({
    name: "delight_outbox_depth",
    help: "Writes to Slack waiting to be sent (pending or being sent)",
    registers: [registry],
    async collect() {
      this.set(await deps.prisma.slackWrite.count({ where: { status: { in: ["pending", "sending"] } } }));
    },
  });
  new Gauge({
    name: "delight_outbox_oldest_pending_seconds",
    help: "Age of the oldest write to Slack still waiting",
    registers: [registry],
    async collect() {
      const oldest = await deps.prisma.slackWrite.findFirst({
        where: { status: { in: ["pending", "sending"] } },
        orderBy: { createdAt: "asc" },
        select: { createdAt: true },
      });
      this.set(oldest ? (Date.now() - oldest.createdAt.getTime()) / 1000 : 0);
    },
  });
  new Gauge({
    name: "delight_outbox_dead",
    help: "Writes to Slack dead-lettered and not retried yet",
    registers: [registry],
    async collect() {
      this.set(await deps.prisma.slackWrite.count({ where: { status: "dead" } }));
    },
  });
  new Gauge({
    name: "delight_jobs_waiting",
    help: "Jobs queued or running",
    registers: [registry],
    async collect() {
      this.set((await deps.jobs.backlog()).waiting);
    },
  });
  new Gauge({
    name: "delight_jobs_oldest_due_seconds",
    help: "How long the oldest due job has been waiting for a worker",
    registers: [registry],
    async collect() {
      const { oldestDueAt } = await deps.jobs.backlog();
      this.set(oldestDueAt ? Math.max(0, (Date.now() - oldestDueAt.getTime()) / 1000) : 0);
    },
  });
  return { registry, ackSeconds, slackWrites, rateLimited, deadWrites, jobRuns, jobLagSeconds };
}
