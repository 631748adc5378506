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
}

export const BOT_USER_ID = "UDELIGHTBOT";
export const TEAM_ID = "T0TEAM";

type Handler = (args: Record<string, unknown>) => Record<string, unknown>;

export class SlackStandIn {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<string, StandInUser>();
  /** Channels the app is a member of; conversations.info answers from it. */
  readonly memberOf = new Set<string>();
  private readonly faults = new Map<string, Fault>();
  private readonly handlers = new Map<string, Handler>();
  private server?: Server;
  private tsCounter = 1_700_000_000;
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
    this.faults.clear();
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
      void readBody(req).then((raw) => {
        const path = (req.url ?? "").split("?")[0] ?? "";
        const isResponseUrl = path.startsWith("/respond/");
        const method = isResponseUrl ? "response_url" : path.replace(/^\/api\//, "");
        const args = parseArgs(raw, req.headers["content-type"] ?? "");
        if (isResponseUrl) args.response_id = path.slice("/respond/".length);
        this.calls.push({ method, args, at: Date.now() });

        const fault = this.faults.get(method);
        if (fault && fault.times > 0) {
          fault.times -= 1;
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
      case "chat.postMessage":
        return {
          ok: true,
          channel: args.channel,
          ts: this.nextTs(),
          message: { text: args.text, thread_ts: args.thread_ts },
        };
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
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
