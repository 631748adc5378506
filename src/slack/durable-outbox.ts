// The outbox (see outbox.ts for the contract) on our database: what each Slack method's write
// is (its pacing lanes, how it is sent, and how an in-doubt one is found), run through the
// write engine in outbox-writer.ts, which makes each write happen once.
//
// In doubt: a send that ended without a clear answer (5xx, network error, the process
// killed mid-send) leaves `maybeSent` set. The next attempt of a message first looks for it
// in the channel (every message we post carries its key in its metadata) and adopts it
// instead of posting a second one. Updates, deletes and App Home are safe to
// repeat; an ephemeral message, a response_url reply or a file upload can't be looked up
// and is sent again (at worst a repeated private note).
//
// How a failure is read lives in write-failures.ts; the look-ups around a send (the in-doubt
// message, processed files) and the response_url post in delivery-checks.ts.
import type { Logger, webApi } from "@slack/bolt";
import type { Db } from "../db/database.ts";
import { RetryLater } from "../jobs/queue.ts";
import {
  RESENDABLE_METHODS,
  SlackWriteRefused,
  type EphemeralArgs,
  type FileToUpload,
  type MessageArgs,
  type Outbox,
  type PostedMessage,
  type ResponseUrlMessage,
  type UpdateArgs,
} from "./outbox.ts";
import { filesShown, findPostedMessage, postToResponseUrl } from "./delivery-checks.ts";
import { uploadExternal } from "./files.ts";
import { OutboxWriter, type OutboxHooks, type WriteSpec } from "./outbox-writer.ts";
import type { Lane, Pacer } from "./pacer.ts";
import { classifyFailure } from "./write-failures.ts";

export type { DeadWriteInfo, OutboxHooks } from "./outbox-writer.ts";
export { MAX_WRITE_ATTEMPTS } from "./outbox-writer.ts";

export const OUTBOX_EVENT_TYPE = "delight_outbox";

/** When uploaded files are still being processed, look again this soon. */
const FILES_RECHECK_MS = 5_000;
export interface DurableOutboxOptions {
  prisma: Db;
  /** A client that does not retry by itself and fails fast on 429 (`retries: 0`, `rejectRateLimitedCalls`). */
  client: webApi.WebClient;
  /**
   * Distribution mode: each workspace's client like `client` (its token resolved at send
   * time, slack/clients.ts); every write of a workspace goes through its own.
   */
  clientFor?(teamId: string | null): webApi.WebClient;
  pacer: Pacer;
  logger: Logger;
  hooks?: OutboxHooks;
  /** response_url requests (tests may point elsewhere). */
  fetch?: typeof fetch;
}

export class DurableOutbox {
  private readonly dmChannels = new Map<string, string>();
  private readonly writer: OutboxWriter;

  constructor(private readonly options: DurableOutboxOptions) {
    this.writer = new OutboxWriter(options);
  }

  /** The client a workspace's writes go through. */
  private clientOf(teamId: string | null): webApi.WebClient {
    return this.options.clientFor ? this.options.clientFor(teamId) : this.options.client;
  }

  /** The outbox a job uses: its writes are recorded against its workspace. */
  forTeam(teamId: string | null): Outbox {
    const client = this.clientOf(teamId);
    const LANE_RATES = this.options.pacer.rates;
    const channelLanes = (teamId: string | null, channel: string, method: string): Lane[] => {
      const lanes: Lane[] = [{ name: `channel:${channel}`, rate: LANE_RATES.channel }];
      if (method === "chat.update") lanes.push({ name: `method:${teamId}:chat.update`, rate: LANE_RATES.tier3 });
      lanes.push({ name: `team:${teamId}`, rate: LANE_RATES.workspace });
      return lanes;
    };
    const post = (key: string, args: MessageArgs): Promise<PostedMessage> => {
      const channel = args.channel;
      const metadata = {
        event_type: args.metadata?.event_type ?? OUTBOX_EVENT_TYPE,
        event_payload: { ...(args.metadata?.event_payload ?? {}), outbox_key: key },
      };
      const withKey = { ...args, metadata } as MessageArgs;
      return this.write(teamId, {
        key,
        method: "chat.postMessage",
        lanes: channelLanes(teamId, channel, "chat.postMessage"),
        args: withKey,
        send: async () => {
          const posted = await client.chat.postMessage(withKey);
          if (!posted.ts) throw new Error("chat.postMessage returned no ts");
          return { channel: posted.channel ?? channel, ts: posted.ts };
        },
        lookUp: async (since) => {
          const ts = await findPostedMessage(this.clientOf(teamId), this.options.logger, {
            channel,
            threadTs: args.thread_ts,
            key,
            since,
          });
          return ts ? { channel, ts } : null;
        },
      });
    };
    const outbox: Outbox = {
      postMessage: post,
      update: (key, args: UpdateArgs) =>
        this.write(teamId, {
          key,
          method: "chat.update",
          lanes: channelLanes(teamId, args.channel, "chat.update"),
          args,
          send: async () => void (await client.chat.update(args)),
        }),
      postEphemeral: (key, args: EphemeralArgs) =>
        this.write(teamId, {
          key,
          method: "chat.postEphemeral",
          lanes: channelLanes(teamId, args.channel, "chat.postEphemeral"),
          args,
          send: async () => void (await client.chat.postEphemeral(args)),
          // The person left the channel: nobody to tell.
          alreadyDone: new Set(["user_not_in_channel"]),
          doneResult: undefined,
        }),
      deleteMessage: (key, args) =>
        this.write(teamId, {
          key,
          method: "chat.delete",
          lanes: channelLanes(teamId, args.channel, "chat.update"),
          args,
          send: async () => void (await client.chat.delete(args)),
          alreadyDone: new Set(["message_not_found"]),
          doneResult: undefined,
        }),
      directMessage: async (key, userId, message) => {
        const channel = await this.dmChannel(teamId, userId).catch(async (error: unknown) => {
          if (error instanceof SlackWriteRefused) await this.recordRefusedDm(teamId, key, userId, message, error);
          throw error;
        });
        return post(key, {
          channel,
          text: message.text,
          blocks: message.blocks,
          metadata: message.metadata,
        });
      },
      publishView: (key, args) =>
        this.write(teamId, {
          key,
          method: "views.publish",
          lanes: [{ name: `method:${teamId}:views.publish`, rate: LANE_RATES.tier4 }],
          args,
          send: async () => void (await client.views.publish(args)),
        }),
      respond: (key, responseUrl, message: ResponseUrlMessage) =>
        this.write(teamId, {
          key,
          method: "response_url",
          lanes: [],
          args: { response_url: "(kept out of the database)", ...message },
          send: () => postToResponseUrl(this.options.fetch ?? fetch, responseUrl, message),
        }),
      uploadFiles: async (key, args) => {
        const uploaded = await this.write(teamId, {
          key,
          method: "files.uploadV2",
          lanes: [
            { name: `channel:${args.channelId}`, rate: LANE_RATES.channel },
            { name: `method:${teamId}:files`, rate: LANE_RATES.tier4 },
          ],
          args: { ...args, files: args.files.map(describeFile) },
          send: () => uploadExternal(client, { ...args, files: args.files.map(asBytes) }, this.options.fetch),
        });
        // Run again (the upload's key is sent: it is not repeated) rather than show a file too early.
        if (
          args.forBlocks &&
          !(await filesShown(this.clientOf(teamId), this.options.logger, uploaded.fileIds, args.channelId))
        ) {
          throw new RetryLater(new Date(Date.now() + FILES_RECHECK_MS), "uploaded files still being processed");
        }
        return uploaded;
      },
      resend: async (key) => {
        const row = await this.options.prisma.slackWrite.findUnique({ where: { key } });
        if (!row) return;
        if (!RESENDABLE_METHODS.has(row.method)) throw new SlackWriteRefused(row.method, "not_kept");
        // The stored arguments are the ones the first attempt sent; the same key claims the same row.
        const args = row.args as never;
        switch (row.method) {
          case "chat.postMessage":
            await outbox.postMessage(key, args);
            return;
          case "chat.update":
            return outbox.update(key, args);
          case "chat.postEphemeral":
            return outbox.postEphemeral(key, args);
          case "chat.delete":
            return outbox.deleteMessage(key, args);
          case "views.publish":
            return outbox.publishView(key, args);
          case "conversations.open": {
            // A DM whose conversation Slack would not open (recordRefusedDm).
            const dm = row.args as unknown as { user: string; text: string; blocks?: webApi.KnownBlock[] };
            await outbox.directMessage(key, dm.user, { text: dm.text, blocks: dm.blocks });
            return;
          }
        }
      },
    };
    return outbox;
  }

  private write<T>(teamId: string | null, spec: WriteSpec<T>): Promise<T> {
    return this.writer.write(teamId, spec);
  }

  /**
   * The DM channel with a person. Slack refusing it for good throws SlackWriteRefused (the
   * caller records it); a 429 is waited out (RetryLater); any other failure is the job's
   * failure, counted and backed off like one (not a deferral: a job must not retry, and
   * redo its work, every few seconds for ever).
   */
  private async dmChannel(teamId: string | null, userId: string): Promise<string> {
    const known = this.dmChannels.get(`${teamId}:${userId}`);
    if (known) return known;
    try {
      const opened = await this.clientOf(teamId).conversations.open({ users: userId });
      const channel = opened.channel?.id;
      if (!channel) throw new Error(`conversations.open returned no channel for ${userId}`);
      this.dmChannels.set(`${teamId}:${userId}`, channel);
      return channel;
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === "refused") throw new SlackWriteRefused("conversations.open", failure.code);
      if (failure.kind === "rate-limited") {
        throw new RetryLater(new Date(Date.now() + failure.retryAfterMs), "conversations.open rate-limited");
      }
      throw new Error(`conversations.open failed: ${failure.message}`);
    }
  }

  /**
   * A DM Slack would not open a conversation for (the person left, say) is a dead letter
   * like any refused write: admins see it in `/delight-admin outbox`, and it is kept so
   * `outbox retry` can send it.
   */
  private async recordRefusedDm(
    teamId: string | null,
    key: string,
    userId: string,
    message: { text: string; blocks?: webApi.KnownBlock[] | undefined },
    refusal: SlackWriteRefused,
  ): Promise<void> {
    const args = { user: userId, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) };
    const created = await this.options.prisma.slackWrite.createMany({
      data: [
        {
          key,
          teamId,
          method: "conversations.open",
          lane: `user:${userId}`,
          args: args as never,
          status: "dead",
          attempts: 1,
          lastError: refusal.slackError,
        },
      ],
      skipDuplicates: true,
    });
    if (created.count === 0) return;
    await this.options.hooks?.onDead?.({
      teamId,
      key,
      method: "conversations.open",
      error: refusal.slackError,
      target: userId,
    });
    this.options.logger.error(
      `Outbox: conversations.open for ${key} failed for good (${refusal.slackError}); admins see it in /delight-admin outbox`,
    );
  }
}

/** File contents as bytes. */
function asBytes(file: FileToUpload) {
  return { ...file, content: typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content };
}

function describeFile(file: FileToUpload) {
  return { filename: file.filename, title: file.title, altText: file.altText, bytes: Buffer.byteLength(file.content) };
}
