import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { explainStartFailure } from "../src/startup-errors.ts";

const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", PORT: "3000" });
const slackError = (error: string, extra: object = {}) =>
  Object.assign(new Error(`An API error occurred: ${error}`), { data: { ok: false, error }, ...extra });

describe("explainStartFailure", () => {
  it("names the bot token when auth.test is refused", () => {
    expect(explainStartFailure(slackError("invalid_auth"), config)).toMatch(
      /^Slack rejected SLACK_BOT_TOKEN \(invalid_auth\)/,
    );
  });

  it("names the app-level token when Socket Mode cannot connect", () => {
    const message = explainStartFailure(slackError("invalid_auth", { during: "socket-mode" }), config);
    expect(message).toMatch(/^Slack rejected SLACK_APP_TOKEN \(invalid_auth\).*App-Level Tokens/);
  });

  it("says which port is taken", () => {
    expect(explainStartFailure(Object.assign(new Error("listen"), { code: "EADDRINUSE" }), config)).toContain(
      "port 3000",
    );
  });

  it("names METRICS_PORT when its port is taken", () => {
    const withMetrics = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", METRICS_PORT: "9464" });
    const taken = Object.assign(new Error("listen"), { code: "EADDRINUSE", during: "metrics" });
    expect(explainStartFailure(taken, withMetrics)).toMatch(/127\.0\.0\.1:9464.*METRICS_PORT/);
  });
});
