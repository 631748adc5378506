// A local imitation of Slack's Web API, shared by the tests and the sandbox (`npm start`
// without Slack). It records every call, answers like Slack from the workspace's state
// (workspace.ts), refuses unknown methods and Block Kit that Slack would refuse, and can be
// told to fail a method (429 with Retry-After, or 5xx) to exercise retries. It also serves
// response_url posts under /respond/<id> and file upload URLs under /upload/<id>.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { systemClock, type Clock } from "../clock.ts";
import { ResponseUrls, type IssuedResponseUrl, type ResponseEffect, type ResponseUrlOrigin } from "./response-urls.ts";
import { KNOWN_METHODS, Workspace, type StandInUser } from "./workspace.ts";
import { basicAuth, fileBytes, parseArgs, readBody } from "./http-body.ts";
import { OAuthImitation } from "./oauth.ts";
import { servePages } from "./oauth-page.ts";
import { RateLimits, type ChannelRateLimit } from "./rate-limits.ts";

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** For a response_url post: what Slack did with it. */
  effect?: ResponseEffect;
  /**
   * Whose token the call used, for a token the imitation issued through OAuth: the workspace
   * id, or `E:<enterprise id>` for an org-wide install's token. Never the token itself.
   */
  tokenOf?: string;
}

interface Fault {
  status: number;
  retryAfterSeconds?: number;
  slackError?: string;
  times: number;
  /** The call takes effect (a message is posted) but the answer is the fault: an in-doubt write. */
  afterDelivery?: boolean;
}

export { BOT_USER_ID, TEAM_ID, type StandInUser, type StoredMessage } from "./workspace.ts";
export type { ResponseUrlOrigin } from "./response-urls.ts";

type Handler = (args: Record<string, unknown>) => Record<string, unknown>;

export class SlackStandIn {
  readonly calls: RecordedCall[] = [];
  /** The workspace's state: people, channels, messages, views… (shared with the sandbox UI). */
  readonly workspace = new Workspace();
  readonly users = this.workspace.users;
  /** Channels the app is a member of; conversations.info answers from it. */
  readonly memberOf = this.workspace.memberOf;
  /** Members of each channel, for conversations.members. */
  readonly channelMembers = this.workspace.channelMembers;
  /** Bytes posted to each upload URL (files.uploadV2), by file id. */
  readonly uploads = new Map<string, Buffer>();
  private readonly faults = new Map<string, Fault>();
  /** Messages posted per channel (thread replies included), oldest first. */
  readonly messages = this.workspace.messages;
  /** Where response_url posts land in the sandbox (by response id); tests only record them. */
  onResponse?: (
    responseId: string,
    body: Record<string, unknown>,
    issued: IssuedResponseUrl,
    effect: ResponseEffect,
  ) => void;
  /** Response URLs issued with commands, clicks and shortcuts: their uses and age. */
  readonly responseUrlStates = new ResponseUrls(() => this.clock);
  /** The time response URLs expire by: the app's clock in the sandbox and the tests. */
  clock: Clock = systemClock;
  /** Tier 2 limits and the per-channel pace of chat.postMessage (rate-limits.ts). */
  private readonly limits = new RateLimits();
  /** Calls per minute allowed for tiered read methods (Tier 2); beyond, 429 + Retry-After. */
  readonly tierLimits = this.limits.tierLimits;
  /** Every Web API call answers 503 until this time (ms since the epoch). */
  private downUntil = 0;
  /** 429 answers given, per method. */
  readonly rateLimitedCalls: RecordedCall[] = [];
  private readonly handlers = new Map<string, Handler>();
  /** "Add to Slack": the authorize page and oauth.v2.access, and every token issued (oauth.ts). */
  readonly oauth = new OAuthImitation(() => this.clock.now().getTime());
  private server?: Server;
  url = "";

  addUser(user: StandInUser): this {
    this.users.set(user.id, { tz: "Europe/Paris", ...user });
    return this;
  }

  /** How long Slack takes to process an upload before its file can be shown (default about 2 s). */
  set fileProcessingMs(ms: number) {
    this.workspace.fileStore.processingMs = ms;
  }

  /**
   * A person chooses a file in a form's file_input: stored like Slack, and returned as the file
   * object the view_submission's state carries (or Slack's refusal: over 10 MB, empty).
   */
  userUpload(user: string, name: string, bytes: Buffer): Record<string, unknown> | { error: string } {
    const stored = this.workspace.fileStore.userUpload({ user, name, bytes });
    if ("error" in stored) return stored;
    return this.workspace.fileStore.fileObject(stored.file, this.url, this.workspace.teamOf(user));
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
    this.limits.limitPostsPerChannel(limit);
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

  /** Issues a response_url (a click's unless said otherwise), valid from now by the imitation's clock. */
  responseUrl(id = "r1", origin: ResponseUrlOrigin = { kind: "action" }): string {
    this.responseUrlStates.issue(id, origin);
    return `${this.url}respond/${id}`;
  }

  /** Whether a request path is Slack's side (Web API, response_url, file uploads). */
  static serves(path: string): boolean {
    return /^\/(api|respond|upload|oauth|files-pri)\//.test(path) || path === "/app_redirect";
  }

  /** Answers one request to the Web API, a response_url or an upload URL. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    void readBody(req).then((rawBytes) => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      if (path.startsWith("/upload/")) {
        // files.uploadV2's second step: the file's bytes, posted to the URL we handed out.
        const fileId = path.slice("/upload/".length);
        void fileBytes(rawBytes, req.headers["content-type"] ?? "").then((file) => {
          this.uploads.set(fileId, file.bytes);
          this.workspace.receiveUpload(fileId, file.bytes, file.contentType);
          this.calls.push({ method: "upload", args: { file_id: fileId, bytes: file.bytes.length }, at: Date.now() });
          res.writeHead(200, { "content-type": "text/plain" });
          res.end(`OK - ${file.bytes.length}`);
        });
        return;
      }
      if (path.startsWith("/files-pri/")) return this.download(req, res, path);
      // The browser's visit to Slack's authorize page (Allow or Cancel, then back to the app).
      if (servePages(req, res, rawBytes, this.oauth, this.url)) {
        if (path === "/oauth/v2/authorize") this.calls.push({ method: "oauth/v2/authorize", args: {}, at: Date.now() });
        return;
      }
      const raw = rawBytes.toString("utf8");
      const isResponseUrl = path.startsWith("/respond/");
      const method = isResponseUrl ? "response_url" : path.replace(/^\/api\//, "");
      const args = parseArgs(raw, req.headers["content-type"] ?? "");
      if (isResponseUrl) args.response_id = path.slice("/respond/".length);
      const call: RecordedCall = { method, args, at: Date.now() };
      this.calls.push(call);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      // A token sent in the body is read, never kept in the record (the developer panel shows it).
      const bodyToken = typeof args.token === "string" && !isResponseUrl ? args.token : undefined;
      if (bodyToken !== undefined) delete args.token;
      const tokenCheck =
        isResponseUrl || method === "oauth.v2.access" ? {} : this.oauth.check(token ?? bodyToken ?? "");
      if (tokenCheck.issued) {
        call.tokenOf = tokenCheck.issued.isEnterpriseInstall
          ? `E:${tokenCheck.issued.enterpriseId}`
          : (tokenCheck.issued.teamId ?? undefined);
      }

      // Another workspace's channel or person, named with this workspace's token: not found.
      const issued = tokenCheck.issued;
      const foreign =
        issued?.teamId && !issued.isEnterpriseInstall && !tokenCheck.error
          ? this.workspace.foreignTo(issued.teamId, args)
          : undefined;
      if (foreign) {
        const answer = this.workspace.refuse(method, foreign, [
          `${method} with ${issued?.teamId ?? ""}'s token named a channel or person of another workspace`,
        ]);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
        return;
      }

      if (!isResponseUrl && Date.now() < this.downUntil) {
        res.writeHead(503, { "content-type": "text/plain" });
        res.end("Service Unavailable");
        return;
      }
      const tierDelay = this.limits.tierDelayMs(method);
      if (tierDelay > 0) {
        this.rateLimitedCalls.push(call);
        res.writeHead(429, { "content-type": "application/json", "retry-after": String(Math.ceil(tierDelay / 1000)) });
        res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      if (method === "chat.postMessage") {
        const delay = this.limits.channelDelayMs(String(args.channel));
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
      if (isResponseUrl) {
        const answer = this.respond(call);
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(JSON.stringify(answer.body));
        return;
      }
      // A token Slack no longer takes (uninstalled, revoked, expired): refused, whatever the method.
      if (tokenCheck.issued && tokenCheck.error) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error: tokenCheck.error }));
        return;
      }
      const body =
        method === "oauth.v2.access"
          ? this.oauth.access(args, basicAuth(req.headers.authorization))
          : method === "auth.test" && tokenCheck.issued
            ? this.authTestFor(tokenCheck.issued)
            : this.answer(method, args, issued?.isEnterpriseInstall ? undefined : (issued?.teamId ?? undefined));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
  }

  /**
   * url_private / url_private_download: the bytes, for a request with a token Slack takes
   * (`Authorization: Bearer`). Without one, Slack answers its sign-in page (HTML, status 200),
   * not the file: an app must check what it got.
   */
  private download(req: IncomingMessage, res: ServerResponse, path: string): void {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const check = this.oauth.check(token);
    const file = this.workspace.fileStore.byPrivatePath(path);
    this.calls.push({
      method: "files-pri",
      args: { file_id: file?.id ?? null, authorized: Boolean(token) },
      at: Date.now(),
    });
    // Rotating bot tokens (xoxe.xoxb-1-…) are bot tokens too.
    if (req.method !== "GET" || !token || !/^(xoxe\.)?xox[bp]-/.test(token) || check.error) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<!DOCTYPE html><html><body>Sign in to Slack to see this file.</body></html>");
      return;
    }
    if (!file?.bytes) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("file_not_found");
      return;
    }
    res.writeHead(200, {
      "content-type": file.contentType ?? "application/octet-stream",
      "content-length": String(file.bytes.length),
    });
    res.end(file.bytes);
  }

  /** A post to a response_url: Slack's rules in response-urls.ts; shown by the sandbox's relay. */
  private respond(call: RecordedCall): { status: number; body: Record<string, unknown> } {
    const answer = this.responseUrlStates.post(call.args, this.workspace);
    call.effect = answer.effect;
    if (answer.issued) this.onResponse?.(String(call.args.response_id), call.args, answer.issued, answer.effect);
    return answer;
  }

  /** Serves the imitation on its own loopback port (tests); the sandbox mounts handle() instead. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    // Keep idle connections longer than the app's client does, as Slack does: otherwise a
    // request on a socket the server is just closing fails with "fetch failed".
    this.server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.setUrl(`http://127.0.0.1:${port}/`);
    return `${this.url}api/`;
  }

  /** The base URL the imitation is reachable at (upload and response URLs are made from it). */
  setUrl(url: string): void {
    this.url = url;
    this.workspace.baseUrl = url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  /** auth.test for a token issued through OAuth: the workspace (or org) it belongs to. */
  private authTestFor(issued: { teamId: string | null; enterpriseId: string | null; isEnterpriseInstall: boolean }) {
    const base = this.workspace.answer("auth.test", {});
    return {
      ...base,
      team_id: issued.teamId ?? "",
      ...(issued.enterpriseId ? { enterprise_id: issued.enterpriseId } : {}),
      is_enterprise_install: issued.isEnterpriseInstall,
      url: issued.isEnterpriseInstall ? "https://delight-org.enterprise.slack.com/" : base.url,
    };
  }

  private answer(method: string, args: Record<string, unknown>, asTeam?: string): Record<string, unknown> {
    const custom = this.handlers.get(method);
    if (custom) return custom(args);
    if (!KNOWN_METHODS.has(method))
      return this.workspace.refuse(method, "unknown_method", [`${method} is not a Web API method`]);
    return this.workspace.answer(method, args, asTeam);
  }
}
