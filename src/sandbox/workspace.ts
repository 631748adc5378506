// The imitated Slack workspace: its state (workspace-state.ts) and the Web API methods' answers
// computed from it. The tests' stand-in and the browser sandbox share it: one imitation of
// Slack's Web API.
import { viewProblems } from "./block-kit-rules.ts";
import { answerUsers, page } from "./directory.ts";
import {
  BOT_ID,
  BOT_USER_ID,
  fail,
  TEAM_ID,
  WorkspaceState,
  type OpenView,
  type StandInUser,
  type StoredMessage,
} from "./workspace-state.ts";

export {
  BOT_ID,
  BOT_USER_ID,
  TEAM_ID,
  type ApiProblem,
  type ChannelInfo,
  type Ephemeral,
  type OpenView,
  type Reaction,
  type StandInUser,
  type StoredFile,
  type StoredMessage,
} from "./workspace-state.ts";

/** Every method the imitation knows; anything else gets `unknown_method`, as from Slack. */
export const KNOWN_METHODS = new Set([
  "auth.test",
  "chat.postMessage",
  "chat.update",
  "chat.delete",
  "chat.postEphemeral",
  "chat.getPermalink",
  "conversations.history",
  "conversations.replies",
  "conversations.info",
  "conversations.join",
  "conversations.open",
  "conversations.members",
  "users.info",
  "users.list",
  "users.lookupByEmail",
  "views.open",
  "views.update",
  "views.push",
  "views.publish",
  "reactions.add",
  "reactions.remove",
  "files.getUploadURLExternal",
  "files.completeUploadExternal",
  "files.info",
  "team.info",
  "apps.connections.open",
]);

type Answer = Record<string, unknown>;

/** The workspace's state, and what each Web API method answers from it (and does to it). */
export class Workspace extends WorkspaceState {
  private shown(message: StoredMessage, args: Answer): Answer {
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true";
    return {
      type: "message",
      ts: message.ts,
      thread_ts: message.thread_ts,
      text: message.text,
      user: message.user,
      blocks: message.blocks,
      reactions: message.reactions,
      ...(withMetadata ? { metadata: message.metadata } : {}),
    };
  }

  private checkMessage(method: string, args: Answer): Answer | undefined {
    if (method === "chat.postMessage" && !args.text && !args.blocks && !args.attachments)
      return this.refuse(method, "no_text", ["text or blocks is required"]);
    const problems = this.messageProblems(args.blocks);
    return problems.length > 0 ? this.refuse(method, "invalid_blocks", problems) : undefined;
  }

  private openView(method: string, args: Answer, user: string): Answer {
    const hash = this.newViewHash();
    const view = { ...(args.view as Answer), id: this.nextId("V"), hash } as Answer;
    const open: OpenView = { id: String(view.id), user, view, hash };
    const stack = method === "views.push" ? (this.modals.get(user) ?? []) : [];
    this.modals.set(user, [...stack, open]);
    return { ok: true, view };
  }

  /** asTeam: the workspace of the token used (users.list lists that workspace's people only). */
  answer(method: string, args: Answer, asTeam?: string): Answer {
    const ofTeam = (u: StandInUser) => !asTeam || !u.team_id || u.team_id === asTeam;
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://delight-test.slack.com/",
          team: "Test",
          user: "delight",
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
        };
      case "team.info":
        return { ok: true, team: { id: TEAM_ID, name: "Test", domain: "delight-test" } };
      case "chat.postMessage": {
        const refused = this.checkMessage(method, args);
        if (refused) return refused;
        const ts = this.nextTs();
        const channel = String(args.channel);
        const stored: StoredMessage = { ts, text: args.text, metadata: args.metadata, blocks: args.blocks };
        stored.user = BOT_USER_ID;
        if (typeof args.thread_ts === "string") stored.thread_ts = args.thread_ts;
        this.store(channel, stored);
        return { ok: true, channel: args.channel, ts, message: { text: args.text, thread_ts: args.thread_ts } };
      }
      case "chat.update": {
        const refused = this.checkMessage(method, args);
        if (refused) return refused;
        const message = this.find(String(args.channel), String(args.ts));
        // docs.slack.dev/reference/methods/chat.update: `message_not_found`, "No message exists
        // with the requested timestamp" (a deleted message, or a ts of another channel).
        if (!message)
          return this.refuse(method, "message_not_found", [`no message ${String(args.ts)} in ${String(args.channel)}`]);
        if (args.text !== undefined) message.text = args.text;
        if (args.blocks !== undefined) message.blocks = args.blocks;
        if (args.metadata !== undefined) message.metadata = args.metadata;
        message.edited = true;
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      }
      case "chat.delete": {
        const channel = String(args.channel);
        const list = this.messages.get(channel);
        if (list)
          this.messages.set(
            channel,
            list.filter((m) => m.ts !== args.ts),
          );
        return { ok: true, channel, ts: args.ts };
      }
      case "chat.postEphemeral": {
        const refused = this.checkMessage(method, args);
        if (refused) return refused;
        const ts = this.nextTs();
        this.ephemerals.push({
          channel: String(args.channel),
          user: String(args.user),
          ts,
          thread_ts: typeof args.thread_ts === "string" ? args.thread_ts : undefined,
          text: args.text,
          blocks: args.blocks,
        });
        return { ok: true, message_ts: ts };
      }
      case "chat.getPermalink":
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://delight-test.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace(".", "")}`,
        };
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
      case "conversations.open": {
        const user = (typeof args.users === "string" ? args.users : "").split(",")[0] ?? "";
        return { ok: true, channel: { id: this.dmChannelOf(user) } };
      }
      case "conversations.info": {
        const channel = String(args.channel);
        const known = this.channels.get(channel);
        if (this.hiddenFromApp(channel)) return fail("channel_not_found");
        return {
          ok: true,
          channel: {
            id: channel,
            name: known?.name,
            is_member: this.memberOf.has(channel),
            is_private: known?.is_private ?? channel.startsWith("G"),
            is_im: channel.startsWith("D"),
          },
        };
      }
      case "users.info":
      case "users.lookupByEmail":
      case "users.list":
        return answerUsers(method, args, this.users, [...this.users.values()].filter(ofTeam));
      case "conversations.join":
        this.memberOf.add(String(args.channel));
        return { ok: true, channel: { id: args.channel } };
      case "conversations.members": {
        const channel = String(args.channel);
        if (this.hiddenFromApp(channel)) return fail("channel_not_found");
        const everyone = () => [...this.users.values()].filter((u) => !u.deleted && ofTeam(u)).map((u) => u.id);
        const members = this.channelMembers.get(channel) ?? (this.channels.has(channel) ? everyone() : []);
        return page(members, args, "members", (id) => id);
      }
      case "views.open":
      case "views.push":
      case "views.update":
      case "views.publish": {
        const problems = [...viewProblems(args.view), ...this.fileStore.referenceProblems(args.view, "/view")];
        if (problems.length > 0) return this.refuse(method, "invalid_blocks", problems);
        if (method === "views.publish") {
          const user = String(args.user_id);
          const hash = this.newViewHash();
          const view = { ...(args.view as Answer), id: this.homes.get(user)?.id ?? this.nextId("V"), hash };
          this.homes.set(user, { id: String(view.id), user, view, hash });
          return { ok: true, view };
        }
        if (method === "views.update") {
          // A stale hash: the view changed since the app read it (another update, a submission
          // answered with errors). Not the app's mistake, so not one of the sandbox's problems.
          const current = this.findModal(String(args.view_id));
          if (current && args.hash !== undefined && args.hash !== current.hash) return fail("hash_conflict");
          const updated = this.replaceView(String(args.view_id), args.view as Answer);
          const view = updated?.view ?? { id: this.nextId("V"), ...(args.view as object) };
          return { ok: true, view };
        }
        const user = this.triggers.get(String(args.trigger_id));
        if (!user) return { ok: true, view: { id: this.nextId("V"), ...(args.view as object) } };
        return this.openView(method, args, user);
      }
      case "reactions.add": {
        const message = this.find(String(args.channel), String(args.timestamp));
        if (message) this.react(message, String(args.name), BOT_USER_ID);
        return { ok: true };
      }
      case "files.getUploadURLExternal": {
        const made = this.fileStore.newUpload(args);
        if ("error" in made) return this.refuse(method, made.error, made.details);
        return { ok: true, upload_url: `${this.baseUrl}upload/${made.file.id}`, file_id: made.file.id };
      }
      case "files.completeUploadExternal":
        return this.completeUpload(args);
      case "files.info":
        return this.fileStore.info(String(args.file));
      default:
        return { ok: true };
    }
  }

  private completeUpload(args: Answer): Answer {
    const files = (Array.isArray(args.files) ? args.files : []) as Array<{ id?: string; title?: string }>;
    const channel = typeof args.channel_id === "string" ? args.channel_id : undefined;
    const stored = this.fileStore.complete(files, channel);
    if (channel) {
      this.store(channel, {
        ts: this.nextTs(),
        text: typeof args.initial_comment === "string" ? args.initial_comment : "",
        user: BOT_USER_ID,
        files: stored,
        ...(typeof args.thread_ts === "string" ? { thread_ts: args.thread_ts } : {}),
      });
    }
    return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
  }

  /**
   * A private channel the app is not in: Slack answers channel_not_found, not is_private
   * (the app cannot see it at all), for conversations.info and conversations.members alike.
   */
  private hiddenFromApp(channel: string): boolean {
    const isPrivate = this.channels.get(channel)?.is_private ?? channel.startsWith("G");
    return isPrivate && !this.memberOf.has(channel);
  }
}
