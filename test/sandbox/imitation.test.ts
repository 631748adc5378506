// The Web API imitation's own rules (shared by the tests and the sandbox), the sandbox's
// start-up decision and its reading of manifest.yml.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxRequested } from "../../src/config.ts";
import { blockProblems, viewProblems } from "../../src/sandbox/block-kit-rules.ts";
import { readManifest } from "../../src/sandbox/manifest.ts";
import { SandboxRelay } from "../../src/sandbox/relay.ts";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import { SlackStandIn } from "../../src/sandbox/slack-imitation.ts";

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const button = (actionId: string, text = "Go") => ({
  type: "button",
  action_id: actionId,
  text: { type: "plain_text", text },
});

describe("Block Kit rules", () => {
  it("accepts what the app sends: sections, fields, context, actions, input blocks in a modal", () => {
    expect(
      blockProblems(
        [section("hi"), { type: "divider" }, { type: "actions", elements: [button("a"), button("b")] }],
        "message",
      ),
    ).toEqual([]);
    const modal = {
      type: "modal",
      title: { type: "plain_text", text: "Nominate for delight" },
      submit: { type: "plain_text", text: "Nominate" },
      blocks: [
        {
          type: "input",
          block_id: "one",
          label: { type: "plain_text", text: "Who" },
          element: { type: "multi_users_select", action_id: "input" },
        },
        {
          type: "input",
          block_id: "two",
          label: { type: "plain_text", text: "Story" },
          element: { type: "plain_text_input", action_id: "input" },
        },
      ],
    };
    expect(viewProblems(modal)).toEqual([]);
  });

  it("refuses what Slack refuses: too many blocks, long texts, duplicate ids, missing fields", () => {
    expect(
      blockProblems(
        Array.from({ length: 51 }, () => section("x")),
        "message",
      ),
    ).toContain("blocks: at most 50 blocks (has 51)");
    expect(blockProblems([section("x".repeat(3001))], "message")[0]).toMatch(/at most 3000 characters/);
    expect(
      blockProblems([{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }], "message")[0],
    ).toMatch(/150/);
    expect(blockProblems([{ type: "actions", elements: [button("same"), button("same")] }], "message")[0]).toMatch(
      /duplicate action_id/,
    );
    expect(blockProblems([{ type: "actions", elements: [button("a", "b".repeat(76))] }], "message")[0]).toMatch(/75/);
    expect(blockProblems([{ type: "section" }], "message")).toEqual(["blocks[0]: needs text or fields"]);
    expect(blockProblems([{ type: "image", image_url: "https://x/y.png" }], "message")[0]).toMatch(/alt_text/);
    expect(blockProblems([{ type: "image", alt_text: "chart", slack_file: { id: "F1" } }], "message")).toEqual([]);
    expect(blockProblems([{ type: "bogus" }], "message")[0]).toMatch(/unknown block type/);
    expect(viewProblems({ type: "modal", title: { type: "plain_text", text: "t".repeat(25) }, blocks: [] })[0]).toMatch(
      /24/,
    );
  });
});

describe("the Web API imitation", () => {
  const slack = new SlackStandIn();
  let api = "";
  beforeAll(async () => {
    api = await slack.start();
  });
  afterAll(() => slack.stop());

  const call = async (method: string, args: Record<string, unknown>) =>
    (await (
      await fetch(`${api}${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(args),
      })
    ).json()) as Record<string, unknown>;

  it("answers unknown_method for a method Slack does not have, and records it for the developer panel", async () => {
    expect(await call("chat.postMessageNow", { channel: "C1", text: "x" })).toMatchObject({
      ok: false,
      error: "unknown_method",
    });
    expect(slack.workspace.problems.at(-1)).toMatchObject({ method: "chat.postMessageNow", error: "unknown_method" });
  });

  it("refuses invalid blocks without posting, and posts valid ones", async () => {
    expect(await call("chat.postMessage", { channel: "C1", text: "x", blocks: [{ type: "section" }] })).toMatchObject({
      ok: false,
      error: "invalid_blocks",
    });
    expect(slack.messages.get("C1")).toBeUndefined();
    expect(await call("chat.postMessage", { channel: "C1", text: "x", blocks: [section("ok")] })).toMatchObject({
      ok: true,
    });
    expect(slack.messages.get("C1")).toHaveLength(1);
  });

  it("takes file uploads (files.uploadV2's three steps) and posts the file to the channel", async () => {
    const url = (await call("files.getUploadURLExternal", { filename: "stories.csv", length: 5 })) as {
      upload_url: string;
      file_id: string;
    };
    await fetch(url.upload_url, { method: "POST", body: "a,b\n" });
    await call("files.completeUploadExternal", { files: [{ id: url.file_id, title: "Stories" }], channel_id: "C2" });
    expect(slack.workspace.files.get(url.file_id)?.bytes?.toString()).toBe("a,b\n");
    expect(slack.messages.get("C2")?.[0]?.files?.[0]?.title).toBe("Stories");
    expect(await call("conversations.members", { channel: "C2" })).toMatchObject({ ok: true });
  });
});

describe("the sandbox's relay", () => {
  it("escapes typed @names and #channels as Slack does for should_escape commands", () => {
    const slack = new SlackStandIn();
    slack.addUser({ id: "U0ALEX", name: "alex" });
    slack.workspace.channels.set("C0GENERAL", { id: "C0GENERAL", name: "general" });
    const relay = new SandboxRelay(
      slack,
      new SignedSlackClient("http://127.0.0.1:1", "s", "T", "http://127.0.0.1:1/respond/"),
    );
    expect(relay.escape("@alex fixed it in #general <b> & more #listen @nobody")).toBe(
      "<@U0ALEX|alex> fixed it in <#C0GENERAL|general> &lt;b&gt; &amp; more #listen @nobody",
    );
  });
});

describe("start-up mode", () => {
  it("runs the sandbox without Slack variables outside production, or when asked", () => {
    expect(sandboxRequested({})).toBe(true);
    expect(sandboxRequested({ NODE_ENV: "development" })).toBe(true);
    expect(sandboxRequested({ NODE_ENV: "production" })).toBe(false);
    expect(sandboxRequested({ SLACK_BOT_TOKEN: "xoxb-1" })).toBe(false);
    expect(sandboxRequested({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }, ["--sandbox"])).toBe(true);
  });

  it("offers the commands and message shortcuts of manifest.yml", () => {
    const manifest = readManifest(path.resolve(import.meta.dirname, "../../manifest.yml"));
    expect(manifest.commands.map((c) => c.command)).toEqual(
      expect.arrayContaining(["/delight", "/oops", "/surprise", "/delight-admin"]),
    );
    expect(manifest.shortcuts).toContainEqual({
      name: "Nominate for delight",
      callbackId: "nominate_message",
      type: "message",
    });
  });
});

describe("the sandbox server", () => {
  it("answers pages of its loopback address only, and actions only as JSON", async () => {
    const { startSandbox } = await import("../../src/sandbox/start.ts");
    const { createLogger } = await import("../../src/app.ts");
    const sandbox = await startSandbox({ port: 0, env: { LOG_LEVEL: "error" }, logger: createLogger("error") });
    try {
      const port = new URL(sandbox.url).port;
      const { request } = await import("node:http");
      const status = (headers: Record<string, string>, method = "GET", path = "/") =>
        new Promise<number>((resolve, reject) => {
          const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end(method === "POST" ? '{"type":"demo"}' : undefined);
        });
      expect(await status({ host: `127.0.0.1:${port}` })).toBe(200);
      expect(await status({ host: `evil.example:${port}` })).toBe(403);
      expect(await status({ host: `127.0.0.1:${port}`, "content-type": "text/plain" }, "POST", "/sandbox/act")).toBe(
        415,
      );
    } finally {
      await sandbox.stop();
    }
  }, 60_000);
});
