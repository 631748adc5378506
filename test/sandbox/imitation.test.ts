// The Web API imitation's own rules (shared by the tests and the sandbox), the sandbox's
// start-up decision and its reading of manifest.yml.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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

describe("the Web API imitation, as strict as Slack (issue 19)", () => {
  const slack = new SlackStandIn();
  let api = "";
  const clock = { at: new Date("2026-11-23T09:00:00Z"), now: () => new Date(clock.at) };
  beforeAll(async () => {
    api = await slack.start();
    slack.clock = clock;
  });
  afterAll(() => slack.stop());

  const post = async (url: string, args: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(args),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const call = async (method: string, args: Record<string, unknown>) => (await post(`${api}${method}`, args)).body;
  const image = (id: string) => ({ type: "image", alt_text: "chart", slack_file: { id } });

  async function upload(altTxt?: string) {
    const url = (await call("files.getUploadURLExternal", {
      filename: "chart.png",
      length: 4,
      ...(altTxt !== undefined ? { alt_txt: altTxt } : {}),
    })) as { upload_url: string; file_id: string };
    await fetch(url.upload_url, { method: "POST", headers: { "content-type": "image/png" }, body: "png!" });
    await call("files.completeUploadExternal", { files: [{ id: url.file_id, title: "Chart" }], channel_id: "DUMARIA" });
    return url.file_id;
  }

  it("refuses a slack_file reference until Slack has processed the upload, which files.info shows", async () => {
    const id = await upload();
    const early = await call("chat.postMessage", { channel: "DUMARIA", text: "chart", blocks: [image(id)] });
    expect(early).toMatchObject({ ok: false, error: "invalid_blocks" });
    expect(JSON.stringify(early)).toContain("invalid slack file");
    expect(
      await call("views.publish", { user_id: "UMARIA", view: { type: "home", blocks: [image(id)] } }),
    ).toMatchObject({ ok: false, error: "invalid_blocks" });
    const unprocessed = (await call("files.info", { file: id })) as { file: { mimetype: string; shares: object } };
    expect(unprocessed.file.mimetype).toBe("");
    expect(unprocessed.file.shares).toEqual({});
    let info = unprocessed;
    const started = Date.now();
    while (!info.file.mimetype) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      info = (await call("files.info", { file: id })) as typeof unprocessed;
    }
    // About 2 s: what a real workspace takes for a small image.
    expect(Date.now() - started).toBeGreaterThan(1_200);
    expect(info.file.shares).toEqual({ private: { DUMARIA: [{ ts: "0" }] } });
    expect(await call("chat.postMessage", { channel: "DUMARIA", text: "chart", blocks: [image(id)] })).toMatchObject({
      ok: true,
    });
    // An id Slack never gave out is refused too.
    expect(
      await call("chat.postMessage", { channel: "DUMARIA", text: "chart", blocks: [image("FNOSUCHFILE1")] }),
    ).toMatchObject({ ok: false, error: "invalid_blocks" });
  });

  it("keeps the alt text sent as alt_txt, refuses one over 1,000 characters and records it, and ignores alt_text", async () => {
    const kept = await upload("Bar chart: Alice 2, Bob 1");
    expect(slack.workspace.files.get(kept)?.altTxt).toBe("Bar chart: Alice 2, Bob 1");
    expect(
      await call("files.getUploadURLExternal", { filename: "c.png", length: 4, alt_txt: "x".repeat(1001) }),
    ).toMatchObject({ ok: false, error: "alt_txt_too_large" });
    expect(slack.workspace.problems.at(-1)).toMatchObject({
      method: "files.getUploadURLExternal",
      error: "alt_txt_too_large",
    });
    // @slack/web-api's filesUploadV2 sends `alt_text`, which Slack does not document.
    const url = (await call("files.getUploadURLExternal", { filename: "c.png", length: 4, alt_text: "words" })) as {
      file_id: string;
    };
    expect(slack.workspace.files.get(url.file_id)?.altTxt).toBeUndefined();
  });

  it("posts a new message when a slash command's response_url asks to replace the command's answer", async () => {
    const command = slack.responseUrl("cmd-replace", { kind: "command" });
    expect((await post(command, { text: "Done", replace_original: true })).status).toBe(200);
    expect(slack.responses().at(-1)?.effect).toBe("new_message");
    expect(slack.workspace.problems.at(-1)).toMatchObject({ error: "replace_original_ignored" });
    // A click's response_url may replace the message clicked.
    const click = slack.responseUrl("click-replace");
    await post(click, { text: "Updated", replace_original: true });
    expect(slack.responses().at(-1)?.effect).toBe("replaced");
  });

  it("takes a response_url at most 5 times, and for 30 minutes by the app's clock", async () => {
    const url = slack.responseUrl("five", { kind: "command" });
    for (let i = 0; i < 5; i++) expect((await post(url, { text: `answer ${i}` })).status).toBe(200);
    const sixth = await post(url, { text: "one too many" });
    expect(sixth).toEqual({ status: 404, body: { ok: false, error: "used_url" } });
    expect(slack.responses().at(-1)?.effect).toBe("refused");

    const old = slack.responseUrl("old", { kind: "command" });
    clock.at = new Date(clock.at.getTime() + 29 * 60_000);
    expect((await post(old, { text: "still in time" })).status).toBe(200);
    clock.at = new Date(clock.at.getTime() + 2 * 60_000);
    expect(await post(old, { text: "too late" })).toEqual({ status: 404, body: { ok: false, error: "expired_url" } });
    expect(slack.workspace.problems.at(-1)).toMatchObject({ method: "response_url", error: "expired_url" });
  });

  it("gives users.list and conversations.members Tier 2 limits: 429 with Retry-After past 20 a minute", async () => {
    const tiered = new SlackStandIn();
    const tieredApi = await tiered.start();
    for (const method of ["users.list", "conversations.members"]) {
      const limitedBefore = tiered.rateLimitedCalls.length;
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 21; i++) {
        const response = await fetch(`${tieredApi}${method}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ limit: 10, channel: "C1" }),
        });
        statuses.push(response.status);
        retryAfter = response.headers.get("retry-after") ?? retryAfter;
        await response.arrayBuffer();
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(20);
      expect(statuses.at(-1)).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(tiered.rateLimitedCalls.length - limitedBefore).toBe(1);
    }
    await tiered.stop();
  });

  it("holds a workspace of 5,000 people and pages users.list (at most 1,000 a page)", () => {
    const big = new SlackStandIn();
    for (let i = 0; i < 4_999; i++) big.addUser({ id: `U${String(i).padStart(6, "0")}`, name: `person${i}` });
    const ws = big.workspace;
    expect(ws.answer("users.list", {})).toMatchObject({ ok: false, error: "limit_required" });
    const seen = new Set<string>();
    let cursor = "";
    let pages = 0;
    do {
      const page = ws.answer("users.list", { limit: 5000, ...(cursor ? { cursor } : {}) }) as {
        members: Array<{ id: string }>;
        response_metadata: { next_cursor: string };
      };
      expect(page.members.length).toBeLessThanOrEqual(1000);
      for (const m of page.members) seen.add(m.id);
      cursor = page.response_metadata.next_cursor;
      pages++;
    } while (cursor);
    expect(seen.size).toBe(5_000); // with the app's own bot user
    expect(pages).toBe(5);
  });

  it("answers channel_not_found for a private channel the app is not in (not is_private)", async () => {
    slack.workspace.channels.set("G0SECRET", { id: "G0SECRET", name: "secret", is_private: true });
    expect(await call("conversations.info", { channel: "G0SECRET" })).toEqual({
      ok: false,
      error: "channel_not_found",
    });
    expect(await call("conversations.members", { channel: "G0SECRET" })).toEqual({
      ok: false,
      error: "channel_not_found",
    });
    slack.memberOf.add("G0SECRET");
    expect(await call("conversations.info", { channel: "G0SECRET" })).toMatchObject({
      ok: true,
      channel: { is_private: true, is_member: true },
    });
  });

  it("answers message_not_found to chat.update of a message that does not exist, and updates one that does", async () => {
    const posted = await call("chat.postMessage", { channel: "C0UPDATE", text: "before" });
    expect(await call("chat.update", { channel: "C0UPDATE", ts: "1.000100", text: "after" })).toMatchObject({
      ok: false,
      error: "message_not_found",
    });
    // A message of another channel is not found there either.
    expect(await call("chat.update", { channel: "C0ELSEWHERE", ts: posted.ts, text: "after" })).toMatchObject({
      ok: false,
      error: "message_not_found",
    });
    expect(await call("chat.update", { channel: "C0UPDATE", ts: posted.ts, text: "after" })).toMatchObject({
      ok: true,
    });
    expect(slack.messages.get("C0UPDATE")?.[0]).toMatchObject({ text: "after", edited: true });
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

  it("shows a slash command's later answer as a new message even with replace_original, as Slack does", async () => {
    const slack = new SlackStandIn();
    await slack.start();
    new SandboxRelay(slack, new SignedSlackClient("http://127.0.0.1:1", "s", "T", "http://127.0.0.1:1/respond/"));
    const origin = { kind: "command" as const, channel: "C0GENERAL", user: "U0ALEX" };
    const url = slack.responseUrl("cmd-1", origin);
    slack.workspace.ephemerals.push({ channel: "C0GENERAL", user: "U0ALEX", ts: "1.0", text: "Thinking…" });
    const answer = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "Three ideas", replace_original: true }),
    });
    expect(answer.status).toBe(200);
    expect(slack.workspace.ephemerals.map((e) => e.text)).toEqual(["Thinking…", "Three ideas"]);
    await slack.stop();
  });
});

describe("view hashes, as Slack keeps them", () => {
  const form = (label: string) => ({
    type: "modal",
    callback_id: "form",
    title: { type: "plain_text", text: "Form" },
    submit: { type: "plain_text", text: "Save" },
    blocks: [
      {
        type: "input",
        block_id: "when",
        label: { type: "plain_text", text: label },
        element: { type: "plain_text_input", action_id: "v" },
      },
    ],
  });

  it("gives every open and update a new hash and refuses views.update with a stale one (hash_conflict), quietly", () => {
    const slack = new SlackStandIn();
    slack.workspace.triggers.set("trigger-1", "U0ALEX");
    const opened = slack.workspace.answer("views.open", { trigger_id: "trigger-1", view: form("A") });
    const first = (opened.view as { id: string; hash: string }).hash;
    const id = (opened.view as { id: string }).id;
    expect(first).toMatch(/^\d+\.\d+$/);
    const updated = slack.workspace.answer("views.update", { view_id: id, hash: first, view: form("B") });
    expect(updated).toMatchObject({ ok: true });
    expect((updated.view as { hash: string }).hash).not.toBe(first);
    expect(slack.workspace.answer("views.update", { view_id: id, hash: first, view: form("C") })).toEqual({
      ok: false,
      error: "hash_conflict",
    });
    expect(slack.workspace.findModal(id)?.view).toMatchObject({ blocks: [{ label: { text: "B" } }] });
    // The race the hash is for: not a mistake of the app's, so not one of the sandbox's problems.
    expect(slack.workspace.problems).toEqual([]);
  });

  it("keeps errors shown after a submission: an update the app began before them is refused", async () => {
    // The app answers every submission with an error under the field.
    const app = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ response_action: "errors", errors: { when: "Give a time" } }));
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
    const slack = new SlackStandIn();
    const relay = new SandboxRelay(slack, new SignedSlackClient(appUrl, "s", "T", "http://127.0.0.1:1/respond/"));
    slack.workspace.triggers.set("trigger-2", "U0ALEX");
    const opened = slack.workspace.answer("views.open", { trigger_id: "trigger-2", view: form("A") });
    const { id, hash } = opened.view as { id: string; hash: string };
    await relay.submit("U0ALEX", id, { when: { v: { type: "plain_text_input", value: "never" } } });
    expect(slack.workspace.findModal(id)?.errors).toEqual({ when: "Give a time" });
    // A late update, made with the hash from before Save (a channel hint): the errors stay.
    expect(slack.workspace.answer("views.update", { view_id: id, hash, view: form("A") })).toMatchObject({
      error: "hash_conflict",
    });
    expect(slack.workspace.findModal(id)?.errors).toEqual({ when: "Give a time" });
    await new Promise((resolve) => app.close(resolve));
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
