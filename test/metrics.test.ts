// /metrics: never open on the port Slack reaches (METRICS_PORT on loopback, or METRICS_TOKEN as
// a bearer token on PORT), the database read at most every 15 s whatever the scrape rate, and
// a failure answered 500 without internals.
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import type { Db } from "../src/db/database.ts";
import { createMetrics, DB_GAUGES_MAX_AGE_MS, metricsHandler, startMetricsServer } from "../src/metrics.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

const TOKEN = "scrape-me-0123456789abcdef";

/** A database that counts its queries, and fails when told to. */
function countingDatabase() {
  const state = { queries: 0, fail: false, now: 1_000_000 };
  const query = async <T>(value: T): Promise<T> => {
    state.queries += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (state.fail) throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password="hunter2"');
    return value;
  };
  const prisma = {
    slackWrite: { count: () => query(3), findFirst: () => query({ createdAt: new Date(state.now - 60_000) }) },
  } as unknown as Db;
  const jobs = { backlog: () => query({ waiting: 7, oldestDueAt: null }) };
  return { state, deps: { prisma, jobs } };
}

describe("metrics from the database", () => {
  it("reads the database at most once per 15 s, whatever the scrape rate", async () => {
    const { state, deps } = countingDatabase();
    const metrics = createMetrics(deps, () => state.now);
    await Promise.all(Array.from({ length: 20 }, () => metrics.registry.metrics()));
    const perRead = state.queries;
    expect(perRead).toBeGreaterThan(0);
    expect(perRead).toBeLessThanOrEqual(5);
    for (let i = 0; i < 100; i += 1) {
      state.now += 100;
      await metrics.registry.metrics();
    }
    expect(state.queries).toBe(perRead);
    state.now += DB_GAUGES_MAX_AGE_MS;
    const text = await metrics.registry.metrics();
    expect(state.queries).toBe(2 * perRead);
    expect(text).toMatch(/^delight_outbox_depth 3$/m);
    expect(text).toMatch(/^delight_jobs_waiting 7$/m);
    // Ages are counted to the scrape, not to the read.
    expect(text).toMatch(/^delight_outbox_oldest_pending_seconds 60$/m);
  });

  it("answers 500 without internals when the database fails, and logs why", async () => {
    const { state, deps } = countingDatabase();
    state.fail = true;
    const logged: string[] = [];
    const metrics = createMetrics(deps);
    const logger = { error: (...args: unknown[]) => logged.push(args.join(" ")) };
    const server = await startMetricsServer(metricsHandler(metrics, { logger }), { port: 0, host: "127.0.0.1" });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).not.toMatch(/ECONNREFUSED|10\.0\.0\.5|hunter2|Error|at /);
      expect(logged.join("\n")).toContain("ECONNREFUSED");
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe("where /metrics is served", () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it("is not served on the port Slack reaches without METRICS_TOKEN", async () => {
    t = await startTestApp();
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    expect(t.metricsPort).toBeUndefined();
  });

  it("with METRICS_TOKEN, needs it as a bearer token on PORT", async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: TOKEN } });
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain("delight_outbox_depth");
  });

  it("with METRICS_PORT, is served there on 127.0.0.1 and not on PORT", async () => {
    t = await startTestApp({ env: { METRICS_PORT: "0" } });
    expect(t.metricsPort).toBeGreaterThan(0);
    const response = await fetch(`http://127.0.0.1:${t.metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("delight_outbox_depth");
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
  });
});

describe("metrics configuration", () => {
  const base = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" };
  const problem = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("defaults to nothing served, and to loopback for METRICS_PORT", () => {
    expect(loadConfig(base).metrics).toEqual({ host: "127.0.0.1" });
    expect(loadConfig({ ...base, METRICS_PORT: "9464" }).metrics).toEqual({ port: 9464, host: "127.0.0.1" });
    expect(loadConfig({ ...base, METRICS_PORT: "9464", METRICS_HOST: "0.0.0.0" }).metrics.host).toBe("0.0.0.0");
  });

  it.each([
    [{ METRICS_PORT: "metrics" }, "METRICS_PORT must be a port number"],
    [{ METRICS_PORT: "3000" }, "METRICS_PORT must differ from PORT"],
    [{ METRICS_HOST: "0.0.0.0" }, "METRICS_HOST is set without METRICS_PORT"],
    [{ METRICS_PORT: "9464", METRICS_HOST: "not a host!" }, "METRICS_HOST must be an address"],
    [{ METRICS_TOKEN: "short" }, "METRICS_TOKEN must be at least 16 characters"],
    [{ METRICS_TOKEN: "has spaces in the token" }, "METRICS_TOKEN must be printable characters without spaces"],
  ])("%j: %s", (env, message) => {
    expect(problem(env)).toContain(message);
  });

  it("logs nothing of the token", () => {
    expect(JSON.stringify(createLogger("error"))).not.toContain(TOKEN);
  });
});
