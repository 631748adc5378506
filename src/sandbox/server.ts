// The sandbox's one HTTP server, on loopback only: Slack's side for the app (Web API,
// response_url, uploads: slack-imitation.ts), the browser workspace (static files, Preact and
// htm served from node_modules: no CDN, no build step) and the browser's JSON API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { ManifestCommand, ManifestShortcut } from "./manifest.ts";
import type { SandboxRelay } from "./relay.ts";
import { SlackStandIn, TEAM_ID } from "./slack-imitation.ts";

/** What the browser can ask for besides reading the state; see relay.ts for each. */
export interface SandboxControls {
  travel(to: "hour" | "day" | "digest"): Promise<string>;
  seedDemo(): Promise<void>;
  /** The "Customer signals" panel: one vendor's webhook, signed as the vendor would, to /hooks/…. */
  sendSignal?(kind: SandboxSignalKind): Promise<string>;
  now(): Date;
}

const here = dirname(fileURLToPath(import.meta.url));
// From src/sandbox (tsx) the UI is next door; from dist/sandbox it stays in the sources.
const UI_DIR = [join(here, "ui"), join(here, "..", "..", "src", "sandbox", "ui")].find((dir) => existsSync(dir)) ?? "";
const require = createRequire(import.meta.url);
// A package's folder (its "exports" may not list package.json): up from its main file.
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const VENDOR: Record<string, () => string> = {
  "/vendor/preact.js": () => join(packageDir("preact"), "dist", "preact.module.js"),
  "/vendor/preact-hooks.js": () => join(packageDir("preact"), "hooks", "dist", "hooks.module.js"),
  "/vendor/htm.js": () => join(packageDir("htm"), "dist", "htm.module.js"),
};

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  html: "text/html; charset=utf-8",
};

const user = z.string().regex(/^[UW][A-Z0-9]+$/);

export const SANDBOX_SIGNAL_KINDS = ["zendesk-bad", "zendesk-good", "nps-detractor", "customer-update"] as const;
export type SandboxSignalKind = (typeof SANDBOX_SIGNAL_KINDS)[number];

/** A file chosen in a form's file_input: its bytes in base64 (over 10 MB is refused, like Slack). */
const uploadSchema = z.object({ user, name: z.string().min(1).max(255), base64: z.string().max(15_000_000) });
const actSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("send"),
    user,
    channel: z.string(),
    text: z.string().min(1),
    threadTs: z.string().optional(),
  }),
  z.object({
    type: z.literal("action"),
    user,
    action: z.record(z.string(), z.unknown()),
    channel: z.string().optional(),
    messageTs: z.string().optional(),
    ephemeral: z.boolean().optional(),
    viewId: z.string().optional(),
    state: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ type: z.literal("submit"), user, viewId: z.string(), state: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal("close"), user, viewId: z.string() }),
  z.object({ type: z.literal("shortcut"), user, channel: z.string(), ts: z.string(), callbackId: z.string() }),
  z.object({ type: z.literal("react"), user, channel: z.string(), ts: z.string(), name: z.string() }),
  z.object({ type: z.literal("home"), user }),
  z.object({ type: z.literal("travel"), to: z.enum(["hour", "day", "digest"]) }),
  z.object({ type: z.literal("demo") }),
  z.object({ type: z.literal("signal"), kind: z.enum(SANDBOX_SIGNAL_KINDS) }),
]);

export interface SandboxServerOptions {
  slack: SlackStandIn;
  relay: SandboxRelay;
  controls: SandboxControls;
  manifest: { commands: ManifestCommand[]; shortcuts: ManifestShortcut[] };
  /** Waits until the app has done the work a request started (jobs, outbox). */
  settle(): Promise<void>;
  /**
   * What the sandbox's address passes on to the app: customer signals (POST /hooks/…) and
   * "Add to Slack" (GET /slack/install, /slack/oauth_redirect), so the browser stays on one origin.
   */
  forwardToApp?: (req: IncomingMessage, res: ServerResponse) => void;
  /** The sandbox's workspaces, and whether Delight is installed in each (the imitation's tokens say). */
  workspaces?: () => SandboxWorkspace[];
}

export interface SandboxWorkspace {
  id: string;
  name: string;
  installed: boolean;
}

const APP_PATHS = /^\/(hooks\/|slack\/install$|slack\/oauth_redirect$)/;

export class SandboxServer {
  private server?: Server;
  url = "";

  constructor(private readonly options: SandboxServerOptions) {}

  async listen(port: number): Promise<string> {
    this.server = createServer((req, res) => this.route(req, res));
    this.server.keepAliveTimeout = 120_000;
    // Loopback only: the sandbox signs requests with a secret it also hands to the browser.
    await new Promise<void>((resolve, reject) => {
      this.server?.once("error", reject);
      this.server?.listen(port, "127.0.0.1", resolve);
    });
    const address = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}/`;
    return this.url;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    // Only pages of this machine's loopback address: a name resolving to 127.0.0.1 (DNS
    // rebinding) gets nothing, and actions need a JSON request, which another site's page
    // can't send here without a CORS preflight the sandbox never answers.
    if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(req.headers.host ?? "")) {
      res.writeHead(403, { "content-type": "text/plain" }).end("The Delight sandbox answers on 127.0.0.1 only.");
      return;
    }
    if (
      (path === "/sandbox/act" || path === "/sandbox/upload") &&
      !(req.headers["content-type"] ?? "").startsWith("application/json")
    ) {
      res.writeHead(415, { "content-type": "text/plain" }).end("Send JSON.");
      return;
    }
    if (APP_PATHS.test(path) && this.options.forwardToApp) return this.options.forwardToApp(req, res);
    if (SlackStandIn.serves(path)) return this.options.slack.handle(req, res);
    if (req.method === "GET" && path === "/sandbox/state") return this.sendJson(res, 200, this.state(req));
    if (req.method === "POST" && path === "/sandbox/act") {
      void this.act(req, res);
      return;
    }
    if (req.method === "POST" && path === "/sandbox/upload") {
      void this.upload(req, res);
      return;
    }
    if (req.method === "GET" && path.startsWith("/files/")) return this.sendFile(res, path.slice("/files/".length));
    if (req.method === "GET") {
      try {
        return this.sendStatic(res, path);
      } catch (error) {
        res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
        return;
      }
    }
    res.writeHead(405).end();
  }

  private sendJson(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  }

  private sendStatic(res: ServerResponse, path: string): void {
    const vendor = VENDOR[path];
    const file = vendor
      ? vendor()
      : path === "/"
        ? join(UI_DIR, "index.html")
        : /^\/ui\/[a-z-]+\.(js|css)$/.test(path)
          ? join(UI_DIR, path.slice("/ui/".length))
          : undefined;
    if (!file || !existsSync(file)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      return;
    }
    const type = TYPES[file.split(".").pop() ?? ""] ?? "application/octet-stream";
    res.writeHead(200, {
      "content-type": type,
      "cache-control": "no-store",
      // Nothing from elsewhere: no CDN, no external fonts or scripts; inline script refused.
      "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
      "x-content-type-options": "nosniff",
    });
    // The browser has no bare module names: preact/hooks imports "preact" by its served path.
    res.end(
      vendor ? readFileSync(file, "utf8").replace(/from\s*"preact"/g, 'from"/vendor/preact.js"') : readFileSync(file),
    );
  }

  private sendFile(res: ServerResponse, id: string): void {
    const file = this.options.slack.workspace.files.get(id);
    if (!file?.bytes) {
      res.writeHead(404).end();
      return;
    }
    const byName: Record<string, string> = { png: "image/png", jpg: "image/jpeg", gif: "image/gif", csv: "text/csv" };
    const type = file.contentType?.startsWith("image/")
      ? file.contentType
      : (byName[(file.filename ?? "").split(".").pop() ?? ""] ?? "application/octet-stream");
    res.writeHead(200, { "content-type": type, "x-content-type-options": "nosniff" });
    res.end(file.bytes);
  }

  /**
   * What the acting person sees: the people, channels and messages of their own workspace
   * only; "Acting as" offers the people of every workspace where Delight is installed.
   */
  private state(req: IncomingMessage): unknown {
    const asUser = new URL(req.url ?? "/", "http://sandbox").searchParams.get("user") ?? "";
    const ws = this.options.slack.workspace;
    const stack = ws.modals.get(asUser) ?? [];
    const team = ws.teamOf(asUser);
    const workspaces = this.options.workspaces?.() ?? [{ id: TEAM_ID, name: TEAM_ID, installed: true }];
    const installed = new Set(workspaces.filter((w) => w.installed).map((w) => w.id));
    const channels = [...ws.channels.values()].filter(
      (c) => (!c.user || c.user === asUser) && (c.team ?? TEAM_ID) === team,
    );
    const seen = new Set(channels.map((c) => c.id));
    return {
      now: this.options.controls.now().toISOString(),
      team,
      workspaces,
      users: [...ws.users.values()].filter((u) => u.is_bot || ws.teamOf(u.id) === team),
      people: [...ws.users.values()]
        .filter((u) => !u.is_bot && !u.deleted && installed.has(ws.teamOf(u.id)))
        .map((u) => ({ id: u.id, name: u.name, real_name: u.real_name, team: ws.teamOf(u.id) })),
      channels,
      messages: Object.fromEntries([...ws.messages].filter(([channel]) => seen.has(channel))),
      ephemerals: ws.ephemerals.filter((e) => e.user === asUser),
      modal: stack[stack.length - 1] ?? null,
      home: ws.homes.get(asUser) ?? null,
      problems: ws.problems.slice(-50),
      files: [...ws.files.values()].map((f) => ({ id: f.id, title: f.title, filename: f.filename })),
      commands: this.options.manifest.commands,
      shortcuts: this.options.manifest.shortcuts.filter((s) => s.type === "message"),
    };
  }

  /** A file chosen in a modal's file_input: kept as Slack keeps it; the answer is its file object. */
  private async upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let parsed;
    try {
      parsed = uploadSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    } catch {
      return this.sendJson(res, 400, { ok: false, error: "not JSON" });
    }
    if (!parsed.success) return this.sendJson(res, 400, { ok: false, error: "file_too_large or malformed upload" });
    const { user: by, name, base64 } = parsed.data;
    const file = this.options.slack.userUpload(by, name, Buffer.from(base64, "base64"));
    if ("error" in file) return this.sendJson(res, 400, { ok: false, error: file.error });
    this.sendJson(res, 200, { ok: true, file });
  }

  private async act(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let parsed;
    try {
      parsed = actSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    } catch {
      return this.sendJson(res, 400, { ok: false, error: "not JSON" });
    }
    if (!parsed.success) return this.sendJson(res, 400, { ok: false, error: parsed.error.message });
    const act = parsed.data;
    const { relay, controls } = this.options;
    try {
      let note: string | undefined;
      switch (act.type) {
        case "send":
          if (act.text.trim().startsWith("/") && !act.threadTs) await relay.command(act.user, act.channel, act.text);
          else await relay.message(act.user, act.channel, act.text, act.threadTs);
          break;
        case "action":
          await relay.action(act);
          break;
        case "submit":
          await relay.submit(act.user, act.viewId, act.state);
          break;
        case "close":
          relay.close(act.user, act.viewId);
          break;
        case "shortcut":
          await relay.shortcut(act.user, act.channel, act.ts, act.callbackId);
          break;
        case "react":
          await relay.react(act.user, act.channel, act.ts, act.name);
          break;
        case "home":
          await relay.openHome(act.user);
          break;
        case "travel":
          note = await controls.travel(act.to);
          break;
        case "demo":
          await controls.seedDemo();
          break;
        case "signal":
          note = controls.sendSignal ? await controls.sendSignal(act.kind) : "Customer signals are not set up here.";
          break;
      }
      await this.options.settle();
      this.sendJson(res, 200, { ok: true, note });
    } catch (error) {
      this.sendJson(res, 500, { ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
