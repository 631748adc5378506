// Socket Mode: with SLACK_APP_TOKEN set, the app connects to the WebSocket URL that
// apps.connections.open returns, acks each envelope, and still serves /healthz on PORT.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { refuseJobInserts } from "../support/failures.ts";
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

  it("leaves an event envelope unacknowledged when its work could not be recorded; acks the redelivery", async () => {
    const sendHomeOpened = (id: string, retry: number) =>
      app.send(
        id,
        "events_api",
        {
          team_id: TEAM_ID,
          api_app_id: "A0DELIGHT",
          type: "event_callback",
          event_id: "EvSOCKETHOME1",
          event_time: Math.floor(Date.now() / 1000),
          event: { type: "app_home_opened", user: "UADMIN", channel: "DUADMIN", tab: "home", event_ts: "1.0" },
          authorizations: [{ team_id: TEAM_ID, user_id: "UDELIGHTBOT", is_bot: true }],
        },
        { accepts_response_payload: false, retry_attempt: retry, retry_reason: retry > 0 ? "timeout" : "" },
      );
    // The connection is live: a command envelope goes round first.
    app.send(
      "env-ping",
      "slash_commands",
      slashCommandPayload({
        userId: "UADMIN",
        command: "/delight-admin",
        text: "help",
        responseUrl: `${app.slack.url}respond/socket-ping`,
        triggerId: "t2",
      }),
    );
    await app.ackOf("env-ping");
    const restore = await refuseJobInserts(app.database.prisma, "home.publish");
    try {
      sendHomeOpened("env-home-1", 0);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    } finally {
      await restore();
    }
    // Not acknowledged: Slack delivers it again.
    expect(app.received.find((m) => m.envelope_id === "env-home-1")).toBeUndefined();
    sendHomeOpened("env-home-2", 1);
    await app.ackOf("env-home-2");
    await app.slack.waitFor(() => app.slack.callsTo("views.publish").find((c) => c.args.user_id === "UADMIN"), 10_000);
  });

  it("serves /healthz on PORT", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
  });
});
