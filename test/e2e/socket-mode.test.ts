// Socket Mode: with SLACK_APP_TOKEN set, the app connects to the WebSocket URL that
// apps.connections.open returns, acks each envelope, and still serves /healthz on PORT.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { slashCommandPayload, startSocketModeApp, type SocketModeApp } from "../support/socket-mode.ts";

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
  let app: SocketModeApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    app = await startSocketModeApp({ env: { PORT: String(port), DELIGHT_ADMINS: "UADMIN" } });
  });

  afterAll(async () => {
    await app.stop();
  });

  it("connects through apps.connections.open at SLACK_API_URL", () => {
    expect(app.slack.callsTo("apps.connections.open")).toHaveLength(1);
  });

  it("acks a slash command envelope and runs the command", async () => {
    app.send(
      "env-1",
      "slash_commands",
      slashCommandPayload({
        userId: "UADMIN",
        command: "/delight-admin",
        text: "sla 8h",
        responseUrl: `${app.slack.url}respond/socket`,
        triggerId: "t1",
      }),
    );
    // The answer rides on the ack of the envelope.
    const ack = await app.ackOf("env-1");
    expect(JSON.stringify(ack)).toContain("8 hours");
    const workspace = await app.database.prisma.workspace.findUnique({ where: { teamId: TEAM_ID } });
    expect(workspace?.slaMinutes).toBe(480);
  });

  it("serves /healthz on PORT", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
  });
});
