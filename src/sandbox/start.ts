// Starts Delight in sandbox mode: the real app (Bolt's HTTP receiver, the database, jobs,
// schedules) on a loopback port, and the sandbox server playing Slack on PORT, loopback only.
import { randomBytes } from "node:crypto";
import { request, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "@slack/bolt";
import { createDelightApp, createLogger, type DelightApp } from "../app.ts";
import { loadConfig, type Config } from "../config.ts";
import { openDatabase, type Database } from "../db/database.ts";
import { nextSlotAfter } from "../features/digest/schedule.ts";
import { OffsetClock } from "./clock.ts";
import { sandboxDatabase } from "./database.ts";
import { seedDemo, setUpWorkspace } from "./demo.ts";
import { readManifest } from "./manifest.ts";
import { CHANNELS, PEOPLE } from "./people.ts";
import { SandboxRelay } from "./relay.ts";
import { SandboxServer } from "./server.ts";
import { SANDBOX_EMAILS, SandboxSignals } from "./signals.ts";
import { SignedSlackClient } from "./signed-requests.ts";
import { SlackStandIn } from "./slack-imitation.ts";
import { TEAM_ID } from "./workspace.ts";

const HOUR_MS = 60 * 60_000;
const MANIFEST = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "manifest.yml");

// A sandbox has one person clicking: messages go out quickly rather than at Slack's pace.
const SANDBOX_PACING = {
  channel: { perSecond: 20, burst: 20 },
  workspace: { perSecond: 50, burst: 50 },
  tier3: { perSecond: 50, burst: 50 },
  tier4: { perSecond: 50, burst: 50 },
};

export interface SandboxOptions {
  env?: NodeJS.ProcessEnv;
  /** Port of the sandbox (the browser's address); 0 picks a free one. Default: PORT or 3000. */
  port?: number;
  demo?: boolean;
  /** false: a workspace nobody has set up yet (no managers, no channels), to set up by clicking. */
  setUp?: boolean;
  logger?: Logger;
}

export interface Sandbox {
  url: string;
  /** Which database the sandbox uses (always its own), for its start-up line. */
  databaseDescription: string;
  delight: DelightApp;
  database: Database;
  config: Config;
  slack: SlackStandIn;
  clock: OffsetClock;
  /** Stops the app (jobs get graceMs), the database and the server. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The configuration of a sandbox run: a per-run signing secret, the Web API served by the
 * sandbox, and the sandbox's own database (sandbox/database.ts), never DATABASE_URL.
 */
export function sandboxConfig(env: NodeJS.ProcessEnv, apiUrl: string, port: number, databaseUrl: string): Config {
  const kept = Object.fromEntries(
    Object.entries(env).filter(([key]) => !key.startsWith("SLACK_") && !key.endsWith("DATABASE_URL")),
  );
  return loadConfig({
    ...kept,
    SLACK_BOT_TOKEN: "xoxb-sandbox",
    SLACK_SIGNING_SECRET: randomBytes(32).toString("hex"),
    SLACK_API_URL: apiUrl,
    // Webhook URLs (/delight-admin connect) point at the sandbox, which forwards /hooks/ to the app.
    PUBLIC_URL: apiUrl.replace(/\/api\/$/, ""),
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DELIGHT_ADMINS: [PEOPLE.admin.id, ...(env.DELIGHT_ADMINS ?? "").split(",").filter(Boolean)].join(","),
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const env = options.env ?? process.env;
  // Before anything listens: never in production, never on the app's database.
  const ownDatabase = sandboxDatabase(env);
  const slack = new SlackStandIn();
  for (const person of Object.values(PEOPLE)) {
    const email = (SANDBOX_EMAILS as Record<string, string | undefined>)[person.id];
    slack.addUser(email ? { ...person, email } : person);
    slack.workspace.dmChannelOf(person.id);
  }
  for (const channel of Object.values(CHANNELS)) slack.workspace.channels.set(channel.id, channel);

  const clock = new OffsetClock();
  // Response URLs expire 30 minutes after they were issued, by the app's clock (time travel too).
  slack.clock = clock;
  const manifest = readManifest(MANIFEST);
  // The app and its relay exist once the server has its port (the Web API URL needs it).
  const late: {
    relay?: SandboxRelay;
    delight?: DelightApp;
    database?: Database;
    appPort?: number;
    signals?: SandboxSignals;
  } = {};
  // Customer signals sent to the sandbox's address reach the app's real /hooks/ endpoint.
  const forwardHooks = (req: IncomingMessage, res: ServerResponse) => {
    if (!late.appPort) {
      res.writeHead(503, { "retry-after": "5" }).end();
      return;
    }
    const upstream = request(
      { host: "127.0.0.1", port: late.appPort, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
    });
    req.pipe(upstream);
  };
  const settle = async () => {
    await late.delight?.workers.drain(15_000).catch(() => undefined);
  };
  const travel = async (to: "hour" | "day" | "digest"): Promise<string> => {
    const delight = late.delight;
    if (!delight || !late.database) return "not started";
    if (to === "hour") clock.advance(HOUR_MS);
    if (to === "day") clock.advance(24 * HOUR_MS);
    let note = "";
    if (to === "digest") {
      const schedules = await late.database.prisma.digestSchedule.findMany({ where: { teamId: TEAM_ID } });
      const next = schedules.map((s) => nextSlotAfter(s, clock.now())).sort((a, b) => a.getTime() - b.getTime())[0];
      if (!next) return "No digest is scheduled: /delight-admin digest add #digest friday 16:00";
      clock.advanceTo(new Date(next.getTime() + 60_000));
      note = `Moved to the next digest (${next.toISOString()})`;
    }
    await delight.scheduler.tick();
    await delight.scheduler.tickDigests();
    await delight.scheduler.tickMilestones();
    await delight.scheduler.tickNudges();
    return note || `Now ${clock.now().toISOString()}`;
  };
  const server = new SandboxServer({
    slack,
    manifest,
    forwardHooks,
    settle,
    get relay(): SandboxRelay {
      if (!late.relay) throw new Error("The sandbox is still starting");
      return late.relay;
    },
    controls: {
      now: () => clock.now(),
      travel,
      seedDemo: async () => {
        if (late.relay) await seedDemo(late.relay, slack, settle);
      },
      sendSignal: (kind) => late.signals?.send(kind) ?? Promise.resolve("The sandbox is still starting."),
    },
  });
  const port = options.port ?? Number(env.PORT ?? 3000);
  const url = await server.listen(port);
  slack.setUrl(url);

  const config = sandboxConfig(env, `${url}api/`, port, ownDatabase.url);
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openDatabase(config.databaseUrl);
  const delight = createDelightApp({ config, database, clock, logger, pacing: SANDBOX_PACING });
  const { port: appPort } = await delight.start(0, "127.0.0.1");
  late.appPort = appPort;
  const sender = new SignedSlackClient(
    `http://127.0.0.1:${appPort}`,
    config.slack.signingSecret ?? "",
    TEAM_ID,
    `${url}respond/`,
  );
  late.relay = new SandboxRelay(slack, sender);
  late.delight = delight;
  late.database = database;
  late.signals = new SandboxSignals({ prisma: database.prisma, config, clock, publicUrl: config.publicUrl ?? url });
  delight.scheduler.start();
  if (options.setUp !== false) await setUpWorkspace(late.relay, settle, slack);
  if (options.demo) await seedDemo(late.relay, slack, settle);

  return {
    url,
    databaseDescription: ownDatabase.description,
    delight,
    database,
    config,
    slack,
    clock,
    async stop(graceMs?: number) {
      await delight.stop(graceMs);
      await database.close();
      await server.close();
    },
  };
}
