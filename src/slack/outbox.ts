// Every write to Slack goes through the outbox: one row per write, keyed by an idempotency
// key, so the same key is written once however often the caller runs (a retried job, a
// second instance). Writes are paced per channel and per workspace, honour Retry-After, back
// off on 5xx and network errors, and a write that may have reached Slack before a crash is
// looked for (by its message metadata) before it is sent again.
//
// Keys: one key names one write. Use the job's key as a prefix and say what the write is
// ("nomination:<id>:card"); a write that must happen again later (a card refreshed after
// each action) needs a new key each time (for example with the event count or job id).
import type { webApi } from "@slack/bolt";

export interface PostedMessage {
  channel: string;
  ts: string;
}

export type MessageArgs = webApi.ChatPostMessageArguments;
export type UpdateArgs = webApi.ChatUpdateArguments;
export type EphemeralArgs = webApi.ChatPostEphemeralArguments;

export interface ResponseUrlMessage {
  text: string;
  blocks?: webApi.KnownBlock[];
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
  delete_original?: boolean;
}

export interface FileToUpload {
  filename: string;
  content: Buffer | string;
  title?: string;
  /** For images: shown to screen readers. */
  altText?: string;
}

export interface Outbox {
  /** chat.postMessage; resolves with where it went (the first result for a repeated key). */
  postMessage(key: string, args: MessageArgs): Promise<PostedMessage>;
  /** chat.update */
  update(key: string, args: UpdateArgs): Promise<void>;
  /** chat.postEphemeral */
  postEphemeral(key: string, args: EphemeralArgs): Promise<void>;
  /** chat.delete */
  deleteMessage(key: string, args: { channel: string; ts: string }): Promise<void>;
  /** conversations.open + chat.postMessage to one person. */
  directMessage(
    key: string,
    userId: string,
    message: { text: string; blocks?: webApi.KnownBlock[] | undefined; metadata?: MessageArgs["metadata"] },
  ): Promise<PostedMessage>;
  /** views.publish (App Home). */
  publishView(key: string, args: webApi.ViewsPublishArguments): Promise<void>;
  /** A reply through a command's or action's response_url (ephemeral by default). */
  respond(key: string, responseUrl: string, message: ResponseUrlMessage): Promise<void>;
  /**
   * files.getUploadURLExternal (with each file's alt text) + completeUploadExternal into a
   * channel or DM. With `forBlocks`, resolves only once Slack has processed the files, so a
   * block may show them (`slack_file`); if that takes too long the job is run again later.
   */
  uploadFiles(
    key: string,
    args: { channelId: string; threadTs?: string; initialComment?: string; files: FileToUpload[]; forBlocks?: boolean },
  ): Promise<{ fileIds: string[] }>;
  /**
   * Sends a recorded write again from its stored arguments (a dead letter an admin retries,
   * whose job is over). Refused with `not_kept` for a response_url reply or a file upload:
   * the URL and the files' contents are not stored.
   */
  resend(key: string): Promise<void>;
}

/** Writes `resend` can repeat from what the outbox stores. */
export const RESENDABLE_METHODS: ReadonlySet<string> = new Set([
  "chat.postMessage",
  "chat.update",
  "chat.postEphemeral",
  "chat.delete",
  "views.publish",
  // A DM whose conversation Slack would not open: sent again as a DM.
  "conversations.open",
]);

/** Slack refused a write for good (channel_not_found, not_in_channel, invalid_blocks…). */
export class SlackWriteRefused extends Error {
  constructor(
    readonly method: string,
    readonly slackError: string,
  ) {
    super(`Slack refused ${method}: ${slackError}`);
    this.name = "SlackWriteRefused";
  }
}
