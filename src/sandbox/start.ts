// Starts Delight in sandbox mode: the real app (Bolt's HTTP receiver, the database, jobs,
// schedules) on a loopback port, and the sandbox server playing Slack on PORT, loopback only.
//
// The app runs in distribution mode ("Add to Slack"), not with a bot token: one app then
// serves several workspaces, each with its own token, as it does for customers. The first
// workspace is installed at start through the same OAuth flow a person follows (the app's
// /slack/install → the imitation's authorize page → /slack/oauth_redirect, state cookie
// included; install-flow.ts); the second is installed by clicking "Add to Slack" in the
// developer panel. Tokens rotate (12 hours, as Slack's): time travel past that makes the
// app refresh them at send time.
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
import { installWorkspace } from "./install-flow.ts";
import { OAuthImitation } from "./oauth.ts";
import { CHANNELS, FIRST_WORKSPACE, PEOPLE, SECOND_WORKSPACE } from "./people.ts";
import { SandboxRelay } from "./relay.ts";
import { SandboxServer } from "./server.ts";
import { SANDBOX_EMAILS, SandboxSignals } from "./signals.ts";
import { SignedSlackClient } from "./signed-requests.ts";
import { SlackStandIn } from "./slack-imitation.ts";

const HOUR_MS = 60 * 60_000;
/** Slack's rotating tokens last 12 hours (https://docs.slack.dev/authentication/using-token-rotation). */
const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
// The sandbox's own OAuth secrets: it never runs in production, and the tokens it keeps are
// the imitation's. Fixed, so a sandbox database kept on disk (SANDBOX_DATABASE_URL) stays readable.
const SANDBOX_STATE_SECRET = "delight-sandbox-state-secret-not-for-production";
const SANDBOX_ENCRYPTION_KEY = Buffer.alloc(32, "delight-sandbox").toString("base64");
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
 * The configuration of a sandbox run: distribution mode with the imitation's app credentials,
 * a per-run signing secret, the Web API served by the sandbox, and the sandbox's own database
 * (sandbox/database.ts), never DATABASE_URL.
 */
export function sandboxConfig(
  env: NodeJS.ProcessEnv,
  apiUrl: string,
  port: number,
  databaseUrl: string,
  app: { clientId: string; clientSecret: string } = new OAuthImitation(),
): Config {
  const kept = Object.fromEntries(
    Object.entries(env).filter(
      ([key]) => !key.startsWith("SLACK_") && !key.endsWith("DATABASE_URL") && !key.startsWith("DELIGHT_ENCRYPTION"),
    ),
  );
  return loadConfig({
    ...kept,
    SLACK_CLIENT_ID: app.clientId,
    SLACK_CLIENT_SECRET: app.clientSecret,
    SLACK_STATE_SECRET: SANDBOX_STATE_SECRET,
    DELIGHT_ENCRYPTION_KEY: SANDBOX_ENCRYPTION_KEY,
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
  // Both workspaces exist in Slack from the start; Delight is installed in the second later.
  for (const [teamId, people, channels] of [
    [FIRST_WORKSPACE.teamId, PEOPLE, CHANNELS],
    [SECOND_WORKSPACE.teamId, SECOND_WORKSPACE.people, SECOND_WORKSPACE.channels],
  ] as const) {
    for (const person of Object.values(people)) {
      const email = (SANDBOX_EMAILS as Record<string, string | undefined>)[person.id];
      slack.addUser({ ...person, team_id: teamId, ...(email ? { email } : {}) });
      slack.workspace.dmChannelOf(person.id);
    }
    for (const channel of Object.values(channels))
      slack.workspace.channels.set(channel.id, { ...channel, team: teamId });
  }
  slack.oauth.tokenLifetimeSeconds = TOKEN_LIFETIME_SECONDS;
  // What Slack's authorize page offers the person clicking "Add to Slack" (the installer).
  slack.oauth.choices = [
    { teamId: SECOND_WORKSPACE.teamId, teamName: SECOND_WORKSPACE.name, userId: SECOND_WORKSPACE.people.admin.id },
    { teamId: FIRST_WORKSPACE.teamId, teamName: FIRST_WORKSPACE.name, userId: FIRST_WORKSPACE.installer.id },
  ].map((choice) => ({ ...choice, userName: slack.users.get(choice.userId)?.real_name }));

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
  // Customer signals and "Add to Slack" at the sandbox's address reach the app's real endpoints.
  const forwardToApp = (req: IncomingMessage, res: ServerResponse) => {
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
      const schedules = await late.database.prisma.digestSchedule.findMany();
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
    forwardToApp,
    workspaces: () =>
      [FIRST_WORKSPACE, SECOND_WORKSPACE].map((w) => ({
        id: w.teamId,
        name: w.name,
        installed: slack.oauth.isInstalled(w.teamId),
      })),
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
  // The app's redirect URL (OAuth & Permissions), reached through the sandbox's address.
  slack.oauth.redirectUrl = `${url}slack/oauth_redirect`;

  const config = sandboxConfig(env, `${url}api/`, port, ownDatabase.url, slack.oauth);
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openDatabase(config.databaseUrl);
  const delight = createDelightApp({ config, database, clock, logger, pacing: SANDBOX_PACING });
  const { port: appPort } = await delight.start(0, "127.0.0.1");
  late.appPort = appPort;
  // Each workspace's requests are signed and sent as Slack sends them for that workspace.
  const senders = new Map<string, SignedSlackClient>();
  const senderFor = (teamId: string): SignedSlackClient => {
    let sender = senders.get(teamId);
    if (!sender) {
      sender = new SignedSlackClient(
        `http://127.0.0.1:${appPort}`,
        config.slack.signingSecret ?? "",
        teamId,
        `${url}respond/`,
      );
      senders.set(teamId, sender);
    }
    return sender;
  };
  late.relay = new SandboxRelay(slack, senderFor);
  late.delight = delight;
  late.database = database;
  late.signals = new SandboxSignals({ prisma: database.prisma, config, clock, publicUrl: config.publicUrl ?? url });
  delight.scheduler.start();
  const installed = await installWorkspace(url.replace(/\/$/, ""), slack.oauth, {
    teamId: FIRST_WORKSPACE.teamId,
    teamName: FIRST_WORKSPACE.name,
    userId: FIRST_WORKSPACE.installer.id,
  });
  if (installed.status !== 200) {
    await delight.stop().catch(() => undefined);
    await database.close().catch(() => undefined);
    await server.close();
    throw new Error(`the sandbox could not install Delight in its workspace (HTTP ${installed.status})`);
  }
  await settle();
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
