import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

const valid = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "secret" };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("accepts the minimal HTTP-mode configuration with defaults", () => {
    const config = loadConfig(valid);
    expect(config.port).toBe(3000);
    expect(config.slack.appToken).toBeUndefined();
    expect(config.logLevel).toBe("info");
    expect(config.admins).toEqual([]);
  });

  it("names each missing variable and how to set it", () => {
    const found = problems({});
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^SLACK_BOT_TOKEN is missing.*OAuth & Permissions/);
    expect(found[1]).toMatch(/^SLACK_SIGNING_SECRET is missing.*SLACK_APP_TOKEN/);
  });

  it("needs no signing secret in Socket Mode", () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" });
    expect(config.slack.appToken).toBe("xapp-1");
  });

  it("explains malformed values", () => {
    const found = problems({
      ...valid,
      SLACK_BOT_TOKEN: "xoxp-user-token",
      SLACK_APP_TOKEN: "xoxb-wrong",
      PORT: "http",
      DATABASE_URL: "mysql://db",
      DELIGHT_ADMINS: "U1ABC, alice",
      LOG_LEVEL: "loud",
      SLACK_API_URL: "not a url",
    });
    expect(found.map((p) => p.split(" ")[0]).sort()).toEqual([
      "DATABASE_URL",
      "DELIGHT_ADMINS",
      "LOG_LEVEL",
      "PORT",
      "SLACK_API_URL",
      "SLACK_APP_TOKEN",
      "SLACK_BOT_TOKEN",
    ]);
  });

  it("parses the optional variables", () => {
    const config = loadConfig({
      ...valid,
      SLACK_API_URL: "http://127.0.0.1:9999/api",
      PORT: "8080",
      DATABASE_URL: "postgres://u:p@localhost:5432/delight",
      DELIGHT_ADMINS: "U1ABC, W2DEF",
      OPENAI_API_KEY: "sk-test",
      LOG_LEVEL: "debug",
    });
    expect(config.slack.apiUrl).toBe("http://127.0.0.1:9999/api/");
    expect(config.port).toBe(8080);
    expect(config.admins).toEqual(["U1ABC", "W2DEF"]);
    expect(config.openai).toEqual({ apiKey: "sk-test", baseUrl: undefined, model: "gpt-4o-mini" });
  });

  it("explains a PostgreSQL URL whose password needs percent-encoding", () => {
    expect(problems({ ...valid, DATABASE_URL: "postgres://u:pa#ss@db:5432/delight" })[0]).toMatch(
      /^DATABASE_URL .*percent-encode/,
    );
  });

  it("takes PUBLIC_URL without its trailing slash, and explains a malformed one", () => {
    expect(loadConfig(valid).publicUrl).toBeUndefined();
    expect(loadConfig({ ...valid, PUBLIC_URL: "https://delight.example.com/" }).publicUrl).toBe(
      "https://delight.example.com",
    );
    expect(problems({ ...valid, PUBLIC_URL: "delight.example.com" })[0]).toMatch(/^PUBLIC_URL .*https:\/\//);
    expect(problems({ ...valid, PUBLIC_URL: "ftp://delight.example.com" })[0]).toMatch(/^PUBLIC_URL/);
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ ...valid, PORT: "", DATABASE_URL: " " }).port).toBe(3000);
  });

  describe("distribution mode", () => {
    const oauth = {
      SLACK_CLIENT_ID: "1234.5678",
      SLACK_CLIENT_SECRET: "client-secret",
      SLACK_STATE_SECRET: "a-long-state-secret-0123456789",
      SLACK_SIGNING_SECRET: "secret",
    };
    const key = Buffer.alloc(32, 7).toString("base64");

    it("is chosen by SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET without SLACK_BOT_TOKEN", () => {
      const config = loadConfig({ ...oauth, DELIGHT_ENCRYPTION_KEY: key, SLACK_API_URL: "http://127.0.0.1:9/api/" });
      expect(config.slack.botToken).toBeUndefined();
      expect(config.slack.distribution).toMatchObject({ clientId: "1234.5678", uninstallRetentionDays: 30 });
      expect(config.slack.distribution?.encryption.current.equals(Buffer.alloc(32, 7))).toBe(true);
      expect(config.slack.distribution?.authorizeUrl).toBe("http://127.0.0.1:9/oauth/v2/authorize");
      expect(loadConfig(valid).slack.distribution).toBeUndefined();
    });

    it("names what is missing, and refuses both modes at once", () => {
      expect(problems({ SLACK_CLIENT_ID: "1.2", SLACK_SIGNING_SECRET: "s" })).toEqual([
        expect.stringMatching(/^SLACK_CLIENT_SECRET, SLACK_STATE_SECRET are missing for "Add to Slack"/),
      ]);
      expect(problems({ ...oauth, SLACK_BOT_TOKEN: "xoxb-1" })).toEqual([
        expect.stringMatching(/^SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID.*Choose one mode/),
      ]);
    });

    it("needs DELIGHT_ENCRYPTION_KEY in production: one clear error", () => {
      expect(problems({ ...oauth, NODE_ENV: "production" })).toEqual([
        expect.stringMatching(/^DELIGHT_ENCRYPTION_KEY is missing.*openssl rand -base64 32/),
      ]);
      expect(problems({ ...oauth, NODE_ENV: "production", DELIGHT_ENCRYPTION_KEY: key })).toEqual([]);
      // Outside production a development key is derived, and said so (fromEnvironment false).
      expect(loadConfig(oauth).slack.distribution?.encryption.fromEnvironment).toBe(false);
    });

    it("checks the keys: 32 bytes of base64, old keys too", () => {
      expect(problems({ ...oauth, DELIGHT_ENCRYPTION_KEY: "c2hvcnQ=" })[0]).toMatch(
        /^DELIGHT_ENCRYPTION_KEY must be 32 bytes in base64/,
      );
      expect(
        problems({ ...oauth, DELIGHT_ENCRYPTION_KEY: key, DELIGHT_ENCRYPTION_OLD_KEYS: `${key},nope` })[0],
      ).toMatch(/^DELIGHT_ENCRYPTION_OLD_KEYS must be comma-separated keys/);
      const old = Buffer.alloc(32, 1).toString("base64");
      const config = loadConfig({ ...oauth, DELIGHT_ENCRYPTION_KEY: key, DELIGHT_ENCRYPTION_OLD_KEYS: ` ${old} ` });
      expect(config.slack.distribution?.encryption.old).toHaveLength(1);
    });
  });
});
