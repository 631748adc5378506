// A local stand-in for Slack's Web API. It records every call, answers like Slack, and can
// be told to fail a method (429 with Retry-After, or 5xx) to exercise retries.
// It also serves response_url posts under /respond/<id>.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

export interface StandInUser {
  id: string;
  name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
  tz?: string;
}

interface Fault {
  status: number;
  retryAfterSeconds?: number;
  slackError?: string;
  times: number;
  /** The call takes effect (a message is posted) but the answer is the fault: an in-doubt write. */
  afterDelivery?: boolean;
}

/** A message the stand-in holds, for conversations.history and conversations.replies. */
export interface StoredMessage {
  ts: string;
  thread_ts?: string;
  text?: unknown;
  metadata?: unknown;
}

interface ChannelRateLimit {
  perSecond: number;
  burst: number;
}

export const BOT_USER_ID = "UDELIGHTBOT";
export const TEAM_ID = "T0TEAM";

type Handler = (args: Record<string, unknown>) => Record<string, unknown>;

export class SlackStandIn {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<string, StandInUser>();
  /** Members of each channel, for conversations.members. */
  readonly channelMembers = new Map<string, string[]>();
  /** Bytes posted to each upload URL (files.uploadV2), by file id. */
  readonly uploads = new Map<string, Buffer>();
  /** Channels the app is a member of; conversations.info answers from it. */
  readonly memberOf = new Set<string>();
  private readonly faults = new Map<string, Fault>();
  /** Messages posted per channel, oldest first. */
  readonly messages = new Map<string, StoredMessage[]>();
  /** Answers 429 (per channel, like Slack's chat.postMessage limit) past this rate. */
  private channelRateLimit?: ChannelRateLimit;
  private readonly channelBuckets = new Map<string, number>();
  /** Every Web API call answers 503 until this time (ms since the epoch). */
  private downUntil = 0;
  /** 429 answers given, per method. */
  readonly rateLimitedCalls: RecordedCall[] = [];
  private readonly handlers = new Map<string, Handler>();
  private server?: Server;
  // Message timestamps count up from the real time, so "oldest" look-ups behave like Slack's.
  private tsCounter = Math.floor(Date.now() / 1000);
  url = "";

  constructor() {
    this.users.set(BOT_USER_ID, { id: BOT_USER_ID, name: "delight", is_bot: true });
  }

  addUser(user: StandInUser): this {
    this.users.set(user.id, { tz: "Europe/Paris", ...user });
    return this;
  }

  /** Makes the next `times` calls of `method` fail. */
  fail(method: string, fault: Omit<Fault, "times"> & { times?: number }): void {
    this.faults.set(method, { times: 1, ...fault });
  }

  /** Overrides the answer of one method. */
  on(method: string, handler: Handler): void {
    this.handlers.set(method, handler);
  }

  /** Back to the stand-in's own answer for a method overridden with `on`. */
  off(method: string): void {
    this.handlers.delete(method);
  }

  /** Limits chat.postMessage per channel like Slack: `perSecond` with a short `burst`; beyond it, 429 + Retry-After. */
  limitPostsPerChannel(limit: ChannelRateLimit | undefined): void {
    this.channelRateLimit = limit;
    this.channelBuckets.clear();
  }

  /** Every Web API call answers 503 for the next `ms` milliseconds. */
  goDown(ms: number): void {
    this.downUntil = Date.now() + ms;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Posts (chat.postMessage) to a channel. */
  postsTo(channel: string): RecordedCall[] {
    return this.callsTo("chat.postMessage").filter((c) => c.args.channel === channel);
  }

  responses(): RecordedCall[] {
    return this.callsTo("response_url");
  }

  /** Everything the app sent, as one string, for "contains" assertions. */
  textOf(call: RecordedCall): string {
    return JSON.stringify(call.args);
  }

  reset(): void {
    this.calls.length = 0;
    this.rateLimitedCalls.length = 0;
    this.faults.clear();
  }

  /** GCRA per channel: the delay before this post would be allowed (0 = now), taking the slot if allowed. */
  private channelDelayMs(channel: string): number {
    const limit = this.channelRateLimit;
    if (!limit) return 0;
    const interval = 1000 / limit.perSecond;
    const now = Date.now();
    const tat = Math.max(this.channelBuckets.get(channel) ?? now, now);
    const allowedAt = tat - (limit.burst - 1) * interval;
    if (allowedAt > now) return allowedAt - now;
    this.channelBuckets.set(channel, tat + interval);
    return 0;
  }

  /** Resolves once `predicate` holds for the recorded calls (polls; fails after timeoutMs). */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting; calls so far: ${this.calls.map((c) => c.method).join(", ")}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  responseUrl(id = "r1"): string {
    return `${this.url}respond/${id}`;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((bytes) => {
        const raw = bytes.toString("utf8");
        const path = (req.url ?? "").split("?")[0] ?? "";
        if (path.startsWith("/upload/")) {
          // files.uploadV2's second step: the file's bytes, posted to the URL we handed out.
          const fileId = path.slice("/upload/".length);
          void fileBytes(bytes, req.headers["content-type"] ?? "").then((file) => {
            this.uploads.set(fileId, file);
            this.calls.push({ method: "upload", args: { file_id: fileId, bytes: file.length }, at: Date.now() });
            res.writeHead(200, { "content-type": "text/plain" });
            res.end(`OK - ${file.length}`);
          });
          return;
        }
        const isResponseUrl = path.startsWith("/respond/");
        const method = isResponseUrl ? "response_url" : path.replace(/^\/api\//, "");
        const args = parseArgs(raw, req.headers["content-type"] ?? "");
        if (isResponseUrl) args.response_id = path.slice("/respond/".length);
        const call = { method, args, at: Date.now() };
        this.calls.push(call);

        if (!isResponseUrl && Date.now() < this.downUntil) {
          res.writeHead(503, { "content-type": "text/plain" });
          res.end("Service Unavailable");
          return;
        }
        if (method === "chat.postMessage") {
          const delay = this.channelDelayMs(String(args.channel));
          if (delay > 0) {
            this.rateLimitedCalls.push(call);
            res.writeHead(429, { "content-type": "application/json", "retry-after": String(Math.ceil(delay / 1000)) });
            res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
            return;
          }
        }

        const fault = this.faults.get(method);
        if (fault && fault.times > 0) {
          fault.times -= 1;
          if (fault.afterDelivery) this.answer(method, args);
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
          res.writeHead(fault.status, headers);
          res.end(
            JSON.stringify({
              ok: false,
              error: fault.slackError ?? (fault.status === 429 ? "ratelimited" : "internal_error"),
            }),
          );
          return;
        }
        const body = isResponseUrl ? { ok: true } : this.answer(method, args);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      });
    });
    // Keep idle connections longer than the app's client does, as Slack does: otherwise a
    // request on a socket the server is just closing fails with "fetch failed".
    this.server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/`;
    return `${this.url}api/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  private shown(message: StoredMessage, args: Record<string, unknown>): Record<string, unknown> {
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true";
    return {
      type: "message",
      ts: message.ts,
      thread_ts: message.thread_ts,
      text: message.text,
      ...(withMetadata ? { metadata: message.metadata } : {}),
    };
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${this.tsCounter}.000100`;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const custom = this.handlers.get(method);
    if (custom) return custom(args);
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://delight-test.slack.com/",
          team: "Test",
          user: "delight",
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: "BDELIGHT",
        };
      case "chat.postMessage": {
        const ts = this.nextTs();
        const channel = String(args.channel);
        const stored: StoredMessage = { ts, text: args.text, metadata: args.metadata };
        if (typeof args.thread_ts === "string") stored.thread_ts = args.thread_ts;
        this.messages.set(channel, [...(this.messages.get(channel) ?? []), stored]);
        return { ok: true, channel: args.channel, ts, message: { text: args.text, thread_ts: args.thread_ts } };
      }
      case "conversations.history": {
        const oldest = Number(args.oldest ?? 0);
        const all = (this.messages.get(String(args.channel)) ?? []).filter(
          (m) => !m.thread_ts && Number(m.ts) >= oldest,
        );
        return { ok: true, has_more: false, messages: [...all].reverse().map((m) => this.shown(m, args)) };
      }
      case "conversations.replies": {
        const thread = String(args.ts);
        const all = (this.messages.get(String(args.channel)) ?? []).filter(
          (m) => m.ts === thread || m.thread_ts === thread,
        );
        return { ok: true, has_more: false, messages: all.map((m) => this.shown(m, args)) };
      }
      case "files.getUploadURLExternal": {
        const fileId = `F${this.nextTs().replace(".", "")}`;
        return { ok: true, upload_url: `${this.url}upload/${fileId}`, file_id: fileId };
      }
      case "conversations.members":
        return { ok: true, members: this.channelMembers.get(String(args.channel)) ?? [], response_metadata: {} };
      case "users.list":
        return {
          ok: true,
          members: [...this.users.values()].map((u) => ({
            ...u,
            name: u.name ?? u.id.toLowerCase(),
            real_name: u.name,
            profile: { display_name: u.name },
          })),
          response_metadata: {},
        };
      case "files.completeUploadExternal": {
        const files = (Array.isArray(args.files) ? args.files : []) as Array<{ id?: string; title?: string }>;
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      case "chat.update":
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case "chat.postEphemeral":
        return { ok: true, message_ts: this.nextTs() };
      case "chat.getPermalink":
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://delight-test.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace(".", "")}`,
        };
      case "conversations.open": {
        const user = (typeof args.users === "string" ? args.users : "").split(",")[0];
        return { ok: true, channel: { id: `D${user}` } };
      }
      case "conversations.info": {
        const channel = String(args.channel);
        return {
          ok: true,
          channel: { id: channel, is_member: this.memberOf.has(channel), is_private: channel.startsWith("G") },
        };
      }
      case "conversations.join":
        this.memberOf.add(String(args.channel));
        return { ok: true, channel: { id: args.channel } };
      case "users.info": {
        const user = this.users.get(String(args.user));
        if (!user) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            ...user,
            name: user.name ?? user.id.toLowerCase(),
            real_name: user.name,
            tz: user.tz,
            profile: { display_name: user.name },
          },
        };
      }
      case "views.open":
      case "views.update":
      case "views.push":
      case "views.publish":
        return { ok: true, view: { id: `V${this.nextTs().replace(".", "")}`, ...(args.view as object) } };
      case "reactions.add":
        return { ok: true };
      default:
        return { ok: true };
    }
  }
}

/** The file in an upload: the multipart form's file field, or the raw body. */
async function fileBytes(body: Buffer, contentType: string): Promise<Buffer> {
  if (!contentType.includes("multipart/form-data")) return body;
  const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  for (const value of form.values()) {
    if (typeof value !== "string") return Buffer.from(await value.arrayBuffer());
  }
  return body;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// The Web API client sends form fields, with objects (blocks, view) JSON-encoded;
// response_url posts are JSON.
function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
