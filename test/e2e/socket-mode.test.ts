// Socket Mode: with SLACK_APP_TOKEN set, the app connects to the WebSocket URL that
// apps.connections.open returns, acks each envelope, and still serves /healthz on PORT.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { createDelightApp, createLogger, type DelightApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { SlackStandIn, TEAM_ID } from "../../src/sandbox/slack-imitation.ts";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

describe("Socket Mode", () => {
  const slack = new SlackStandIn();
  let wss: WebSocketServer;
  let socket: WebSocket | undefined;
  const received: Array<Record<string, unknown>> = [];
  let delight: DelightApp;
  let database: Database;
  let port: number;

  beforeAll(async () => {
    wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    const wsPort = (wss.address() as { port: number }).port;
    wss.on("connection", (ws) => {
      socket = ws;
      ws.on("message", (data: Buffer) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
      ws.send(JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A0DELIGHT" } }));
    });
    const apiUrl = await slack.start();
    slack.on("apps.connections.open", () => ({ ok: true, url: `ws://127.0.0.1:${wsPort}/link` }));
    port = await freePort();
    const config = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_APP_TOKEN: "xapp-test",
      SLACK_API_URL: apiUrl,
      PORT: String(port),
      DELIGHT_ADMINS: "UADMIN",
      DATABASE_URL: "memory://",
      LOG_LEVEL: "error",
    });
    database = await openDatabase(config.databaseUrl);
    delight = createDelightApp({ config, database, logger: createLogger("error") });
    await delight.start();
  });

  afterAll(async () => {
    await delight.stop();
    await database.close();
    wss.close();
    await slack.stop();
  });

  it("connects through apps.connections.open at SLACK_API_URL", async () => {
    await slack.waitFor(() => socket);
    expect(slack.callsTo("apps.connections.open")).toHaveLength(1);
  });

  it("acks a slash command envelope and runs the command", async () => {
    socket?.send(
      JSON.stringify({
        envelope_id: "env-1",
        type: "slash_commands",
        accepts_response_payload: true,
        payload: {
          team_id: TEAM_ID,
          user_id: "UADMIN",
          command: "/delight-admin",
          text: "sla 8h",
          response_url: `${slack.url}respond/socket`,
          trigger_id: "t1",
          channel_id: "C1",
        },
      }),
    );
    // The answer rides on the ack of the envelope.
    const ack = await slack.waitFor(() => received.find((m) => m.envelope_id === "env-1"));
    expect(JSON.stringify(ack)).toContain("8 hours");
    const workspace = await database.prisma.workspace.findUnique({ where: { teamId: TEAM_ID } });
    expect(workspace?.slaMinutes).toBe(480);
  });

  it("serves /healthz on PORT", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
  });
});
