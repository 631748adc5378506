// The state of the imitated Slack workspace (channels, people, messages, threads, reactions,
// ephemerals, modals, Home tabs, files) and the operations on it that the Web API's answers
// (workspace.ts), the relay of clicks and submissions and the sandbox UI share.
import { blockProblems } from "./block-kit-rules.ts";
import { SlackFiles, type StoredFile } from "./slack-files.ts";
export type { StoredFile } from "./slack-files.ts";

export const BOT_USER_ID = "UDELIGHTBOT";
export const BOT_ID = "BDELIGHT";
export const TEAM_ID = "T0TEAM";

export interface StandInUser {
  id: string;
  name?: string;
  real_name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
  tz?: string;
  /** profile.email: users.info shows it, users.lookupByEmail finds the person by it. */
  email?: string;
  /** Enterprise Grid: the person's organisation-wide roles (users.info's `enterprise_user`). */
  enterprise_user?: { enterprise_id?: string; is_admin?: boolean; is_owner?: boolean };
  /** The person's workspace (users.info's `team_id`); unset: TEAM_ID, and no workspace check. */
  team_id?: string;
}

export interface Reaction {
  name: string;
  users: string[];
}

/** A message the imitation holds, for conversations.history / replies and the sandbox UI. */
export interface StoredMessage {
  ts: string;
  thread_ts?: string;
  text?: unknown;
  metadata?: unknown;
  blocks?: unknown;
  /** Who posted it: the bot's user id for the app's messages. */
  user?: string;
  reactions?: Reaction[];
  files?: StoredFile[];
  edited?: boolean;
}

export interface Ephemeral {
  channel: string;
  user: string;
  ts: string;
  thread_ts?: string;
  text?: unknown;
  blocks?: unknown;
}

export interface OpenView {
  id: string;
  user: string;
  view: Record<string, unknown>;
  /**
   * Slack's view hash: new on every open, push and update. views.update with another hash is
   * refused with hash_conflict (docs.slack.dev/reference/methods/views.update: "Error returned
   * when the provided hash doesn't match the current stored value").
   */
  hash: string;
  /** Per-field errors from `response_action: errors`, by block id. */
  errors?: Record<string, string>;
}

export interface ChannelInfo {
  id: string;
  name: string;
  is_private?: boolean;
  /** A direct message with the app: the person's id. */
  user?: string;
  /** The channel's workspace; unset: TEAM_ID, and no workspace check. */
  team?: string;
}

/** A refused call, for the sandbox's developer panel. */
export interface ApiProblem {
  at: number;
  method: string;
  error: string;
  details: string[];
}

type Answer = Record<string, unknown>;

export const fail = (error: string, extra: Answer = {}): Answer => ({ ok: false, error, ...extra });

export class WorkspaceState {
  readonly users = new Map<string, StandInUser>();
  readonly channels = new Map<string, ChannelInfo>();
  /** Channels the app is a member of; conversations.info answers from it. */
  readonly memberOf = new Set<string>();
  /** Members of each channel, for conversations.members (the sandbox's channels: everyone). */
  readonly channelMembers = new Map<string, string[]>();
  /** Messages per channel (thread replies included), oldest first. */
  readonly messages = new Map<string, StoredMessage[]>();
  readonly ephemerals: Ephemeral[] = [];
  /** Open modal stacks per person, top last. */
  readonly modals = new Map<string, OpenView[]>();
  readonly homes = new Map<string, OpenView>();
  /** Uploaded files, their processing and alt text (slack-files.ts). */
  readonly fileStore = new SlackFiles(() => this.nextTs().replace(".", ""));
  readonly files = this.fileStore.files;
  readonly problems: ApiProblem[] = [];
  /** trigger_id → the person whose click or command made it (views.open opens their modal). */
  readonly triggers = new Map<string, string>();
  // Message timestamps count up from the real time, so "oldest" look-ups behave like Slack's.
  private tsCounter = Math.floor(Date.now() / 1000);
  private idCounter = 0;
  baseUrl = "";

  constructor() {
    this.users.set(BOT_USER_ID, { id: BOT_USER_ID, name: "delight", real_name: "Delight", is_bot: true });
  }

  nextTs(): string {
    this.tsCounter += 1;
    return `${this.tsCounter}.000100`;
  }

  nextId(prefix: string): string {
    this.idCounter += 1;
    return `${prefix}${Date.now().toString(36).toUpperCase()}${this.idCounter}`;
  }

  /** A fresh view hash, in the shape of Slack's ("156772938.1827394"). */
  newViewHash(): string {
    this.idCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${this.idCounter}`;
  }

  /** Records a refused call and returns Slack's answer for it. */
  refuse(method: string, error: string, details: string[]): Answer {
    this.problems.push({ at: Date.now(), method, error, details });
    return fail(error, { response_metadata: { messages: details.map((d) => `[ERROR] ${d}`) } });
  }

  store(channel: string, message: StoredMessage): StoredMessage {
    this.messages.set(channel, [...(this.messages.get(channel) ?? []), message]);
    return message;
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  dmChannelOf(user: string): string {
    const id = `D${user}`;
    const team = this.users.get(user)?.team_id;
    if (!this.channels.has(id))
      this.channels.set(id, { id, name: this.users.get(user)?.name ?? user, user, ...(team ? { team } : {}) });
    return id;
  }

  /** The workspace a person belongs to (one imitation holds every workspace; ids never collide). */
  teamOf(user: string): string {
    return this.users.get(user)?.team_id ?? TEAM_ID;
  }

  /**
   * A workspace's token names a channel or person of another workspace: Slack answers as if
   * it did not exist there (`channel_not_found`, `user_not_found`). Only for channels and
   * people whose workspace is said (the sandbox's); an org-wide token is not checked.
   */
  foreignTo(teamId: string, args: Answer): string | undefined {
    for (const key of ["channel", "channel_id"]) {
      const team = typeof args[key] === "string" ? this.channels.get(args[key])?.team : undefined;
      if (team && team !== teamId) return "channel_not_found";
    }
    for (const key of ["user", "user_id"]) {
      const team = typeof args[key] === "string" ? this.users.get(args[key])?.team_id : undefined;
      if (team && team !== teamId) return "user_not_found";
    }
    return undefined;
  }

  /** What Slack would refuse in a message's blocks: Block Kit's rules, and files not ready to show. */
  messageProblems(blocks: unknown): string[] {
    return [...blockProblems(blocks, "message"), ...this.fileStore.referenceProblems(blocks, "/blocks")];
  }

  /** An open modal by view id. */
  findModal(viewId: string): OpenView | undefined {
    for (const stack of this.modals.values()) {
      const open = stack.find((v) => v.id === viewId);
      if (open) return open;
    }
    return undefined;
  }

  /** Replaces an open modal (by view id), keeping its id; it gets a new hash. */
  replaceView(viewId: string, view: Answer): OpenView | undefined {
    for (const stack of this.modals.values()) {
      const open = stack.find((v) => v.id === viewId);
      if (open) {
        open.hash = this.newViewHash();
        open.view = { ...view, id: viewId, hash: open.hash };
        delete open.errors;
        return open;
      }
    }
    return undefined;
  }

  react(message: StoredMessage, name: string, user: string): boolean {
    const reactions = (message.reactions ??= []);
    const existing = reactions.find((r) => r.name === name);
    if (existing?.users.includes(user)) return false;
    if (existing) existing.users.push(user);
    else reactions.push({ name, users: [user] });
    return true;
  }

  /** The bytes of an upload URL's POST. */
  receiveUpload(id: string, bytes: Buffer, contentType: string): void {
    this.fileStore.receive(id, bytes, contentType);
  }
}
