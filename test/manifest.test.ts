// manifest.yml must describe the app the code registers: every slash command both ways,
// request URLs on /slack/events, and the scopes the code's Web API calls need.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

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

  it("requests the scopes the code's Web API calls need", () => {
    const needs: Record<string, string> = {
      "chat.postMessage": "chat:write",
      "users.info": "users:read",
      "users.list": "users:read",
      "conversations.open": "im:write",
      "conversations.join": "channels:join",
      "conversations.info": "channels:read",
      "reactions.add": "reactions:write",
      "conversations.replies": "channels:history",
      "conversations.history": "im:history",
    };
    for (const [method, scope] of Object.entries(needs)) {
      const [group, name] = method.split(".");
      if (source.includes(`.${group}.${name}(`)) expect(manifest.oauth_config.scopes.bot, method).toContain(scope);
    }
    if (source.includes(".filesUploadV2(")) expect(manifest.oauth_config.scopes.bot).toContain("files:write");
    expect(manifest.oauth_config.scopes.bot).toContain("commands");
  });

  it("points interactivity and events at /slack/events", () => {
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.event_subscriptions.request_url).toMatch(/\/slack\/events$/);
  });
});
