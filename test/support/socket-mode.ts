// Socket Mode without Slack: apps.connections.open (on the Slack stand-in) returns the URL of
// a local WebSocket server, which says hello, sends envelopes and records the app's acks.
import { WebSocketServer, type WebSocket } from "ws";
import { createDelightApp, createLogger, type DelightApp } from "../../src/app.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { SlackStandIn, TEAM_ID, type StandInUser } from "../../src/sandbox/slack-imitation.ts";

export interface SocketModeApp {
  slack: SlackStandIn;
  delight: DelightApp;
  database: Database;
  /** Every message the app sent on the socket (acks carry the envelope_id). */
  received: Array<Record<string, unknown>>;
  /** Sends an envelope, as Slack does (`extra`: envelope fields such as retry_attempt). */
  send(envelopeId: string, type: string, payload: Record<string, unknown>, extra?: Record<string, unknown>): void;
  /** The app's ack of an envelope, once it came. */
  ackOf(envelopeId: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startSocketModeApp(
  options: { env?: Record<string, string>; users?: StandInUser[]; logLevel?: Config["logLevel"] } = {},
): Promise<SocketModeApp> {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const wsPort = (wss.address() as { port: number }).port;
  let socket: WebSocket | undefined;
  const received: Array<Record<string, unknown>> = [];
  wss.on("connection", (ws) => {
    socket = ws;
    ws.on("message", (data: Buffer) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
    ws.send(JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A0DELIGHT" } }));
  });
  const slack = new SlackStandIn();
  const apiUrl = await slack.start();
  for (const user of options.users ?? []) slack.addUser(user);
  slack.on("apps.connections.open", () => ({ ok: true, url: `ws://127.0.0.1:${wsPort}/link` }));
  const logLevel = options.logLevel ?? "error";
  const config = loadConfig({
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_APP_TOKEN: "xapp-test",
    SLACK_API_URL: apiUrl,
    DATABASE_URL: "memory://",
    LOG_LEVEL: logLevel,
    ...options.env,
  });
  const database = await openDatabase(config.databaseUrl);
  const delight = createDelightApp({ config, database, logger: createLogger(logLevel) });
  await delight.start();
  await slack.waitFor(() => socket);
  return {
    slack,
    delight,
    database,
    received,
    send(envelopeId, type, payload, extra = {}) {
      socket?.send(
        JSON.stringify({ envelope_id: envelopeId, type, accepts_response_payload: true, payload, ...extra }),
      );
    },
    ackOf: (envelopeId) => slack.waitFor(() => received.find((m) => m.envelope_id === envelopeId)),
    async stop() {
      await delight.stop();
      await database.close();
      wss.close();
      await slack.stop();
    },
  };
}

/** A slash command's payload as Socket Mode delivers it. */
export function slashCommandPayload(input: {
  userId: string;
  command: string;
  text: string;
  triggerId: string;
  responseUrl: string;
}): Record<string, unknown> {
  return {
    team_id: TEAM_ID,
    user_id: input.userId,
    command: input.command,
    text: input.text,
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
    channel_id: "C1",
  };
}
