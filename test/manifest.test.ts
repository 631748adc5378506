// manifest.yml must describe the app the code registers: every slash command both ways,
// request URLs on /slack/events, and the scopes the code's Web API calls need.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BOT_SCOPES } from "../src/slack/installations/oauth.ts";

const root = path.resolve(import.meta.dirname, "..");

interface Manifest {
  features: {
    slash_commands?: Array<{
      command: string;
      url: string;
      should_escape?: boolean;
      usage_hint?: string;
      description?: string;
    }>;
    shortcuts?: Array<{ callback_id: string; type: string }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { request_url: string };
    event_subscriptions: { request_url: string; bot_events: string[] };
  };
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => path.join(e.parentPath, e.name));
}

describe("manifest.yml", async () => {
  const manifest = parse(await readFile(path.join(root, "manifest.yml"), "utf8")) as Manifest;
  const files = (await sourceFiles(path.join(root, "src"))).filter(
    (f) => !f.includes(`${path.sep}generated${path.sep}`),
  );
  const source = (await Promise.all(files.map((f) => readFile(f, "utf8")))).join("\n");

  it("lists exactly the slash commands the app registers, with escaping on", () => {
    const registered = [...source.matchAll(/router\.command\(\s*"([^"]+)"/g)].map((m) => m[1]).sort();
    const listed = (manifest.features.slash_commands ?? []).map((c) => c.command).sort();
    expect(listed).toEqual(registered);
    for (const command of manifest.features.slash_commands ?? []) {
      expect(command.should_escape, command.command).toBe(true);
      expect(command.url).toMatch(/\/slack\/events$/);
    }
  });

  it("describes /surprise with its usage hint", () => {
    const surprise = (manifest.features.slash_commands ?? []).find((c) => c.command === "/surprise");
    expect(surprise?.usage_hint).toMatch(/Customer: what happened/);
    expect(surprise?.usage_hint).toMatch(/customer <name>/);
    expect(surprise?.usage_hint).toMatch(/note <name>/);
    expect(surprise?.description?.length).toBeLessThanOrEqual(100);
  });

  it("describes /dumbrule and /holdingback with their usage hints", () => {
    const commands = manifest.features.slash_commands ?? [];
    const dumbrule = commands.find((c) => c.command === "/dumbrule");
    expect(dumbrule?.usage_hint).toMatch(/<rule>: <why it hurts customers>/);
    expect(dumbrule?.usage_hint).toMatch(/list/);
    expect(dumbrule?.description).toMatch(/rule/i);
    const holdingback = commands.find((c) => c.command === "/holdingback");
    expect(holdingback?.usage_hint).toMatch(/form/);
    expect(holdingback?.description).toMatch(/holding you back/i);
    for (const command of [dumbrule, holdingback]) {
      expect(command?.description?.length).toBeLessThanOrEqual(100);
      expect(command?.usage_hint?.length).toBeLessThanOrEqual(100);
    }
  });

  it("lists the bot events the app listens to", () => {
    const events = [...source.matchAll(/router\.event\(\s*"([^"]+)"/g)].map((m) => m[1]);
    const subscribed = manifest.settings.event_subscriptions.bot_events;
    for (const event of events) {
      // The "message" listener needs the channel flavours of the event.
      if (event === "message")
        expect(subscribed).toEqual(expect.arrayContaining(["message.channels", "message.groups"]));
      else expect(subscribed).toContain(event);
    }
  });

  it("lists the shortcuts the app registers", () => {
    const callbackIds = [...source.matchAll(/router\.shortcut\(\s*\{\s*callback_id:\s*([A-Z_]+|"[^"]+")/g)].map(
      (m) => m[1],
    );
    expect((manifest.features.shortcuts ?? []).length).toBe(callbackIds.length);
    for (const id of callbackIds) {
      const literal = id?.startsWith('"') ? id.slice(1, -1) : source.match(new RegExp(`${id} = "([^"]+)"`))?.[1];
      expect(manifest.features.shortcuts?.map((s) => s.callback_id)).toContain(literal);
    }
  });

  // What each Web API method and event the code uses needs, from Slack's reference
  // (docs.slack.dev/reference/methods/<method> and /events/<event>, "Scopes" / "Required
  // scopes"; checked there for each). Where a method takes one scope per kind of conversation,
  // the ones listed are for the conversations Delight uses it on.
  const METHOD_SCOPES: Record<string, string[]> = {
    "auth.test": [], // Bolt at start-up; the digest's workspace URL
    "chat.postMessage": ["chat:write"],
    "chat.update": ["chat:write"],
    "chat.delete": ["chat:write"],
    "chat.postEphemeral": ["chat:write"],
    "chat.getPermalink": [], // "No scope required"
    "conversations.open": ["im:write"], // DMs with one person
    "conversations.join": ["channels:join"],
    "conversations.info": ["channels:read", "groups:read"], // channels an admin names, public or private
    "conversations.members": ["channels:read", "groups:read"], // the stories channel
    // The outbox looks for an in-doubt post in channels, private channels and DMs.
    "conversations.history": ["channels:history", "groups:history", "im:history"],
    "conversations.replies": ["channels:history", "groups:history", "im:history"],
    "users.info": ["users:read"],
    "users.list": ["users:read"],
    "users.lookupByEmail": ["users:read.email"], // customer signals: the agent named by email
    "views.open": [],
    "views.publish": [],
    "views.update": [],
    "views.push": [],
    "files.getUploadURLExternal": ["files:write"],
    "files.completeUploadExternal": ["files:write"],
    "files.info": ["files:read"],
  };
  const EVENT_SCOPES: Record<string, string[]> = {
    app_home_opened: [],
    reaction_added: ["reactions:read"],
    message: ["channels:history", "groups:history"], // message.channels, message.groups
    user_change: ["users:read"],
    team_join: ["users:read"],
    // Distribution mode's uninstall clean-up: "No scope required" for both.
    app_uninstalled: [],
    tokens_revoked: [],
  };
  const SLACK_GROUPS = "chat|conversations|users|views|reactions|files|team|auth|apps|pins|bookmarks|usergroups";
  const methodsUsed = new Set([
    ...[...source.matchAll(new RegExp(`client\\s*\\.\\s*(${SLACK_GROUPS})\\s*\\.\\s*([a-zA-Z]+)\\s*\\(`, "g"))].map(
      (m) => `${m[1]}.${m[2]}`,
    ),
    ...[...source.matchAll(/apiCall\(\s*"([a-z]+\.[a-zA-Z.]+)"/g)].map((m) => m[1] ?? ""),
    // Bolt calls auth.test when it starts without a bot id.
    "auth.test",
  ]);
  const eventsUsed = new Set([...source.matchAll(/router\.event\(\s*"([^"]+)"/g)].map((m) => m[1] ?? ""));

  it("knows the scopes of every Web API method and event the code uses", () => {
    expect(methodsUsed.size).toBeGreaterThan(10);
    for (const method of methodsUsed) expect(METHOD_SCOPES, `add ${method} to the table`).toHaveProperty([method]);
    for (const event of eventsUsed) expect(EVENT_SCOPES, `add ${event} to the table`).toHaveProperty([event]);
    // filesUploadV2 sends alt text as `alt_text`, which files.getUploadURLExternal does not document.
    expect(source).not.toContain(".filesUploadV2(");
  });

  it("asks for exactly the scopes the code uses: no more, no fewer", () => {
    const needed = new Set(["commands"]);
    for (const method of methodsUsed) for (const scope of METHOD_SCOPES[method] ?? []) needed.add(scope);
    for (const event of eventsUsed) for (const scope of EVENT_SCOPES[event] ?? []) needed.add(scope);
    const requested = manifest.oauth_config.scopes.bot;
    expect(new Set(requested).size, "a scope listed twice").toBe(requested.length);
    expect([...requested].sort()).toEqual([...needed].sort());
  });

  it("asks Slack for the same scopes when installed with Add to Slack (BOT_SCOPES)", () => {
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it("subscribes to the events the directory is kept by", () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(["user_change", "team_join"]),
    );
  });

  it("points interactivity and events at /slack/events", () => {
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.event_subscriptions.request_url).toMatch(/\/slack\/events$/);
  });
});
