// Slack's side of the protocol in the sandbox: what a person does in the browser becomes the
// signed request Slack would send to the app's /slack/events (slash command, block_actions,
// view_submission, message shortcut, events), and the app's answers (ack bodies,
// response_url posts) land in the workspace as Slack would show them.
import { blockProblems, viewErrorsProblems } from "./block-kit-rules.ts";
import type { IssuedResponseUrl, ResponseEffect, ResponseUrlOrigin } from "./response-urls.ts";
import type { SignedSlackClient } from "./signed-requests.ts";
import type { SlackStandIn } from "./slack-imitation.ts";
import { BOT_USER_ID, TEAM_ID, type OpenView, type Workspace } from "./workspace.ts";

type Json = Record<string, unknown>;

export interface ActionInput {
  user: string;
  action: Json;
  channel?: string;
  messageTs?: string;
  ephemeral?: boolean;
  viewId?: string;
  /** The view's current input state (block id → action id → value). */
  state?: Json;
}

export class SandboxRelay {
  private readonly workspace: Workspace;
  private readonly senders: (teamId: string) => SignedSlackClient;

  /**
   * sender: one client, or each workspace's (the sandbox serves two: each request is signed
   * and sent as Slack sends it for the acting person's workspace).
   */
  constructor(
    private readonly slack: SlackStandIn,
    sender: SignedSlackClient | ((teamId: string) => SignedSlackClient),
  ) {
    this.workspace = slack.workspace;
    this.senders = typeof sender === "function" ? sender : () => sender;
    slack.onResponse = (_id, body, issued, effect) => this.applyResponse(body, issued, effect);
  }

  /** A new response_url for a command, click or shortcut: where its posts go and what they may replace. */
  private responseUrl(origin: ResponseUrlOrigin): string {
    return this.slack.responseUrl(this.workspace.nextId("R"), origin);
  }

  /** Requests for what a person does go to the app as from that person's workspace. */
  private senderFor(user: string): SignedSlackClient {
    return this.senders(this.workspace.teamOf(user));
  }

  private team(user: string): Json {
    return { id: this.workspace.teamOf(user), domain: "delight-sandbox" };
  }

  private trigger(user: string): string {
    const id = this.workspace.nextId("trigger-");
    this.workspace.triggers.set(id, user);
    return id;
  }

  private userRef(user: string): Json {
    const name = this.workspace.users.get(user)?.name ?? user.toLowerCase();
    return { id: user, username: name, name, team_id: this.workspace.teamOf(user) };
  }

  private ephemeral(channel: string, user: string, message: Json, threadTs?: string): void {
    this.workspace.ephemerals.push({
      channel,
      user,
      ts: this.workspace.nextTs(),
      thread_ts: threadTs,
      text: message.text,
      blocks: message.blocks,
    });
  }

  /**
   * Turns a typed command's @name and #channel into Slack's escaped mentions (should_escape),
   * among the people and channels of the workspace it was typed in.
   */
  escape(text: string, teamId = TEAM_ID): string {
    const html = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const ws = this.workspace;
    return html
      .replace(/(^|[\s(])@([a-z0-9._-]+)/gi, (whole, before: string, name: string) => {
        const user = [...ws.users.values()].find(
          (u) => u.name?.toLowerCase() === name.toLowerCase() && ws.teamOf(u.id) === teamId,
        );
        return user ? `${before}<@${user.id}|${user.name}>` : whole;
      })
      .replace(/(^|[\s(])#([a-z0-9_-]+)/gi, (whole, before: string, name: string) => {
        const channel = [...ws.channels.values()].find(
          (c) => !c.user && c.name === name.toLowerCase() && (c.team ?? TEAM_ID) === teamId,
        );
        return channel ? `${before}<#${channel.id}|${channel.name}>` : whole;
      });
  }

  async command(user: string, channel: string, typed: string): Promise<void> {
    const [command = ""] = typed.trim().split(/\s+/);
    const text = this.escape(typed.trim().slice(command.length).trim(), this.workspace.teamOf(user));
    const channelName = this.workspace.channels.get(channel)?.name ?? channel;
    const body = new URLSearchParams({
      token: "sandbox",
      team_id: this.workspace.teamOf(user),
      team_domain: "delight-sandbox",
      channel_id: channel,
      channel_name: channel.startsWith("D") ? "directmessage" : channelName,
      user_id: user,
      user_name: this.workspace.users.get(user)?.name ?? user,
      command,
      text,
      api_app_id: "A0DELIGHT",
      is_enterprise_install: "false",
      response_url: this.responseUrl({ kind: "command", channel, user }),
      trigger_id: this.trigger(user),
    }).toString();
    const answer = await this.senderFor(user).send(body, "application/x-www-form-urlencoded");
    this.applyAck(answer, channel, user, command);
  }

  private applyAck(answer: { status: number; body: string }, channel: string, user: string, what: string): void {
    if (answer.status !== 200) {
      this.ephemeral(channel, user, {
        text: `${what} failed with the error "dispatch_failed" (HTTP ${answer.status})`,
      });
      return;
    }
    if (!answer.body.trim()) return;
    let message: Json;
    try {
      message = JSON.parse(answer.body) as Json;
    } catch {
      message = { text: answer.body };
    }
    if (message.response_type === "in_channel") this.postAsBot(channel, message);
    else this.ephemeral(channel, user, message);
  }

  private postAsBot(channel: string, message: Json, threadTs?: string): void {
    const problems = blockProblems(message.blocks, "message");
    if (problems.length > 0) {
      this.workspace.refuse("response", "invalid_blocks", problems);
      return;
    }
    this.workspace.store(channel, {
      ts: this.workspace.nextTs(),
      user: BOT_USER_ID,
      text: message.text,
      blocks: message.blocks,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
  }

  /** A message typed in a channel or thread: stored, then sent to the app as a message event. */
  async message(user: string, channel: string, typed: string, threadTs?: string): Promise<void> {
    const text = this.escape(typed, this.workspace.teamOf(user));
    const ts = this.workspace.nextTs();
    this.workspace.store(channel, { ts, user, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
    await this.senderFor(user).event({
      type: "message",
      channel,
      channel_type: channel.startsWith("D") ? "im" : "channel",
      user,
      text,
      ts,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      event_ts: ts,
    });
  }

  async react(user: string, channel: string, ts: string, name: string): Promise<void> {
    const message = this.workspace.find(channel, ts);
    if (!message || !this.workspace.react(message, name, user)) return;
    await this.senderFor(user).event({
      type: "reaction_added",
      user,
      reaction: name,
      item: { type: "message", channel, ts },
      item_user: message.user ?? BOT_USER_ID,
      event_ts: String(Date.now() / 1000),
    });
  }

  async openHome(user: string): Promise<void> {
    await this.senderFor(user).event({
      type: "app_home_opened",
      user,
      channel: this.workspace.dmChannelOf(user),
      tab: "home",
      event_ts: String(Date.now() / 1000),
    });
  }

  async shortcut(user: string, channel: string, ts: string, callbackId: string): Promise<void> {
    const message = this.workspace.find(channel, ts);
    if (!message) return;
    const answer = await this.senderFor(user).interaction({
      type: "message_action",
      callback_id: callbackId,
      trigger_id: this.trigger(user),
      user: this.userRef(user),
      team: this.team(user),
      channel: { id: channel, name: this.workspace.channels.get(channel)?.name ?? channel },
      message: { type: "message", ts, text: message.text, user: message.user },
      message_ts: ts,
      response_url: this.responseUrl({ kind: "shortcut", channel, user }),
      token: "sandbox",
      action_ts: String(Date.now() / 1000),
    });
    this.applyAck(answer, channel, user, "The shortcut");
  }

  private findView(viewId: string): OpenView | undefined {
    for (const stack of this.workspace.modals.values()) {
      const view = stack.find((v) => v.id === viewId);
      if (view) return view;
    }
    return [...this.workspace.homes.values()].find((v) => v.id === viewId);
  }

  private viewPayload(open: OpenView, state: Json | undefined): Json {
    return {
      ...open.view,
      id: open.id,
      team_id: this.workspace.teamOf(open.user),
      app_id: "A0DELIGHT",
      bot_id: "BDELIGHT",
      hash: open.hash,
      private_metadata: open.view.private_metadata ?? "",
      callback_id: open.view.callback_id ?? "",
      state: { values: state ?? {} },
    };
  }

  async action(input: ActionInput): Promise<void> {
    const base: Json = {
      type: "block_actions",
      user: this.userRef(input.user),
      team: this.team(input.user),
      api_app_id: "A0DELIGHT",
      token: "sandbox",
      trigger_id: this.trigger(input.user),
      actions: [{ ...input.action, action_ts: String(Date.now() / 1000) }],
    };
    const view = input.viewId ? this.findView(input.viewId) : undefined;
    if (view) {
      await this.senderFor(input.user).interaction({
        ...base,
        container: { type: "view", view_id: view.id },
        view: this.viewPayload(view, input.state),
      });
      return;
    }
    const channel = input.channel ?? "";
    const ts = input.messageTs ?? "";
    const message = input.ephemeral
      ? this.workspace.ephemerals.find((e) => e.ts === ts)
      : this.workspace.find(channel, ts);
    await this.senderFor(input.user).interaction({
      ...base,
      container: { type: "message", channel_id: channel, message_ts: ts, is_ephemeral: Boolean(input.ephemeral) },
      channel: { id: channel, name: this.workspace.channels.get(channel)?.name ?? channel },
      message: { type: "message", ts, text: message?.text, blocks: message?.blocks, user: BOT_USER_ID },
      state: { values: input.state ?? {} },
      response_url: this.responseUrl({
        kind: "action",
        channel,
        user: input.user,
        messageTs: ts,
        ephemeral: input.ephemeral,
      }),
    });
  }

  /** Submits the person's top modal; returns its per-field errors when the app refused it. */
  async submit(user: string, viewId: string, state: Json): Promise<void> {
    const stack = this.workspace.modals.get(user) ?? [];
    const open = stack.find((v) => v.id === viewId);
    if (!open) return;
    const answer = await this.senderFor(user).interaction({
      type: "view_submission",
      user: this.userRef(user),
      team: this.team(user),
      api_app_id: "A0DELIGHT",
      token: "sandbox",
      trigger_id: this.trigger(user),
      view: this.viewPayload(open, state),
      response_urls: [],
    });
    open.errors = undefined;
    const response = answer.body.trim() ? (JSON.parse(answer.body) as Json) : {};
    const current = this.workspace.modals.get(user) ?? [];
    switch (response.response_action) {
      case "errors": {
        // Slack shows an error only under an input block of the form; other keys are refused.
        const problems = viewErrorsProblems(open.view, response.errors);
        if (problems.length > 0) {
          this.workspace.refuse("view_submission response", "invalid_errors", problems);
          open.errors = { "": "We had some trouble connecting. Try again?" };
          return;
        }
        open.errors = response.errors as Record<string, string>;
        // Slack does not document whether showing errors changes the view's hash. The sandbox
        // gives a new one, so an update the app began before the person saw these errors (a
        // late channel hint) is refused with hash_conflict instead of wiping them.
        open.hash = this.workspace.newViewHash();
        open.view = { ...open.view, hash: open.hash };
        return;
      }
      case "update":
        this.workspace.replaceView(viewId, response.view as Json);
        return;
      case "push":
        this.workspace.modals.set(user, [
          ...current,
          { id: this.workspace.nextId("V"), user, view: response.view as Json, hash: this.workspace.newViewHash() },
        ]);
        return;
      case "clear":
        this.workspace.modals.delete(user);
        return;
      default:
        this.workspace.modals.set(
          user,
          current.filter((v) => v.id !== viewId),
        );
    }
  }

  close(user: string, viewId: string): void {
    const stack = this.workspace.modals.get(user) ?? [];
    this.workspace.modals.set(
      user,
      stack.filter((v) => v.id !== viewId),
    );
  }

  /** A response_url post the imitation accepted, shown as Slack shows it (see response-urls.ts). */
  private applyResponse(body: Json, issued: IssuedResponseUrl, effect: ResponseEffect): void {
    const { channel, user, messageTs, ephemeral } = issued;
    if (!channel || !user) return;
    if (effect === "deleted" && messageTs) {
      if (ephemeral) {
        const index = this.workspace.ephemerals.findIndex((e) => e.ts === messageTs);
        if (index >= 0) this.workspace.ephemerals.splice(index, 1);
      } else {
        this.workspace.answer("chat.delete", { channel, ts: messageTs });
      }
      return;
    }
    if (effect === "replaced" && messageTs) {
      const original = ephemeral
        ? this.workspace.ephemerals.find((e) => e.ts === messageTs)
        : this.workspace.find(channel, messageTs);
      if (original) {
        original.text = body.text;
        original.blocks = body.blocks;
        return;
      }
    }
    const threadTs = typeof body.thread_ts === "string" ? body.thread_ts : undefined;
    if (body.response_type === "in_channel") this.postAsBot(channel, body, threadTs);
    else this.ephemeral(channel, user, body, threadTs);
  }
}
