// Starts the real app (HTTP receiver, real database) against the Slack stand-in.
import { createDelightApp, createLogger, type DelightApp } from "../../src/app.ts";
import type { Clock } from "../../src/clock.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import { SlackStandIn, TEAM_ID, type StandInUser } from "../../src/sandbox/slack-imitation.ts";

export const SIGNING_SECRET = "test-signing-secret";
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 42).toString("base64");

/** Pacing for tests that are not about pacing: a busy test channel must not wait 1 s a message. */
const FAST_PACING = {
  channel: { perSecond: 200, burst: 50 },
  workspace: { perSecond: 500, burst: 100 },
  tier3: { perSecond: 200, burst: 50 },
  tier4: { perSecond: 200, burst: 50 },
};

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(private current = new Date("2026-11-23T09:00:00Z")) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date | string): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestAppOptions {
  users?: StandInUser[];
  /** DELIGHT_ADMINS */
  admins?: string[];
  databaseUrl?: string;
  /** Reuse an open database (several app instances on one database). */
  database?: Database;
  slack?: SlackStandIn;
  clock?: Clock;
  env?: Record<string, string>;
  /** Slack's real pacing (1 message a second per channel); default: fast, for tests that don't test pacing. */
  realPacing?: boolean;
  /** Distribution mode ("Add to Slack"): no bot token; workspaces are installed with installWorkspace. */
  distribution?: boolean;
}

export interface TestApp {
  slack: SlackStandIn;
  sender: SignedSlackClient;
  delight: DelightApp;
  database: Database;
  config: Config;
  clock: Clock;
  url: string;
  /** Where METRICS_PORT's server listens, when the test set METRICS_PORT. */
  metricsPort?: number;
  stop(): Promise<void>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const slack = options.slack ?? new SlackStandIn();
  const ownsSlack = !options.slack;
  const apiUrl = ownsSlack ? await slack.start() : `${slack.url}api/`;
  for (const user of options.users ?? []) slack.addUser(user);

  const config = loadConfig({
    ...(options.distribution
      ? {
          SLACK_CLIENT_ID: slack.oauth.clientId,
          SLACK_CLIENT_SECRET: slack.oauth.clientSecret,
          SLACK_STATE_SECRET: "test-state-secret-0123456789",
          DELIGHT_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        }
      : { SLACK_BOT_TOKEN: "xoxb-test-token" }),
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: apiUrl,
    DATABASE_URL: options.databaseUrl ?? "memory://",
    DELIGHT_ADMINS: (options.admins ?? []).join(","),
    LOG_LEVEL: "error",
    ...options.env,
  });
  const database = options.database ?? (await openDatabase(config.databaseUrl));
  const ownsDatabase = !options.database;
  const clock = options.clock ?? new TestClock();
  // Slack's response_url expires 30 minutes after it was issued: by the app's clock here.
  if (ownsSlack) slack.clock = clock;
  const delight = createDelightApp({
    config,
    database,
    clock,
    logger: createLogger(config.logLevel),
    slackClientOptions: { retryConfig: { retries: 0 } },
    ...(options.realPacing ? {} : { pacing: FAST_PACING }),
  });
  const { port, metricsPort } = await delight.start(0);
  const url = `http://127.0.0.1:${port}`;
  if (options.distribution) slack.oauth.redirectUrl = `${url}/slack/oauth_redirect`;
  const sender = new SignedSlackClient(url, SIGNING_SECRET, TEAM_ID, `${slack.url}respond/`, (id) =>
    slack.responseUrl(id, { kind: "command" }),
  );
  return {
    slack,
    sender,
    delight,
    database,
    config,
    clock,
    url,
    metricsPort,
    async stop() {
      await delight.stop();
      if (ownsDatabase) await database.close();
      if (ownsSlack) await slack.stop();
    },
  };
}

/** Runs every job of the app to completion, including one its background loop holds. */
export async function drainJobs(t: Pick<TestApp, "delight" | "database">): Promise<void> {
  for (let round = 0; round < 250; round += 1) {
    await t.delight.workers.drain();
    const pending = await t.database.prisma.job.count({ where: { status: { in: ["queued", "running"] } } });
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("Jobs did not finish");
}
