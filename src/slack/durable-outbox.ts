// The outbox (see outbox.ts for the contract): each write is a `SlackWrite` row keyed by its
// idempotency key. A write is claimed (status sending, with a lease, `maybeSent` recorded
// before anything goes out), paced, sent, and marked sent with Slack's answer. Running the
// same key again returns that answer without writing.
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
import type { Lane, Pacer } from "./pacer.ts";
import { NotInstalled } from "./installations/store.ts";
import { classifyFailure, writeBackoffMs } from "./write-failures.ts";

export const OUTBOX_EVENT_TYPE = "delight_outbox";

/** When uploaded files are still being processed, look again this soon. */
const FILES_RECHECK_MS = 5_000;
/** A short wait for the channel is slept inside the job; a longer one reschedules it. */
const MAX_INLINE_WAIT_MS = 3_000;
const LEASE_MS = 60_000;
/** When a write is in flight elsewhere, look again this soon. */
const IN_FLIGHT_RECHECK_MS = 2_000;
/** Attempts (not counting 429s) before a write is dead-lettered: about 20 minutes of retries. */
export const MAX_WRITE_ATTEMPTS = 30;
/** How far back to look for an in-doubt message (Slack's and our clocks may differ). */
const LOOKUP_MARGIN_MS = 5 * 60_000;

/** A write dead-lettered: Slack refused it for good, or it failed too often. */
export interface DeadWriteInfo {
  teamId: string | null;
  key: string;
  method: string;
  /** Slack's error code (`not_in_channel`…), or "gave_up". */
  error: string;
  /** The channel or person it was for, when known. */
  target: string | null;
}

export interface OutboxHooks {
  onSent?(method: string): void;
  onRateLimited?(lane: string): void;
  /** Awaited (errors are the hook's to handle). */
  onDead?(write: DeadWriteInfo): void | Promise<void>;
}

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

interface WriteSpec<T> {
  key: string;
  method: string;
  lanes: Lane[];
  args: unknown;
  send(): Promise<T>;
  /** For an in-doubt message: the earlier send's result, if it reached Slack. */
  lookUp?(since: Date): Promise<T | null>;
  /** Slack errors that mean the write's effect is already there. */
  alreadyDone?: Set<string>;
  doneResult?: T;
}

const iso = (date: Date) => date.toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DurableOutbox {
  private readonly dmChannels = new Map<string, string>();

  constructor(private readonly options: DurableOutboxOptions) {}

  /** The outbox a job uses: its writes are recorded against its workspace. */
  /** The client a workspace's writes go through. */
  private clientOf(teamId: string | null): webApi.WebClient {
    return this.options.clientFor ? this.options.clientFor(teamId) : this.options.client;
  }

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

  /** Claims, paces, sends and records one write; see the file comment. */
  private async write<T>(teamId: string | null, spec: WriteSpec<T>): Promise<T> {
    const { prisma, pacer, logger, hooks } = this.options;
    const now = new Date();
    const claimed = await prisma.$queryRawUnsafe<
      Array<{ attempts: number; inDoubt: boolean; createdAt: Date | string }>
    >(
      `INSERT INTO "SlackWrite" ("key", "teamId", "method", "lane", "args", "status", "attempts", "maybeSent", "leaseUntil", "createdAt", "nextAttemptAt")
       VALUES ($1, $2, $3, $4, $5::jsonb, 'sending', 1, true, $6::timestamp(3), $7::timestamp(3), $7::timestamp(3))
       ON CONFLICT ("key") DO UPDATE SET
         "status" = 'sending', "attempts" = "SlackWrite"."attempts" + 1,
         "inDoubt" = "SlackWrite"."maybeSent", "maybeSent" = true, "leaseUntil" = EXCLUDED."leaseUntil"
       WHERE ("SlackWrite"."status" = 'pending' AND "SlackWrite"."nextAttemptAt" <= $7::timestamp(3))
          OR ("SlackWrite"."status" = 'sending' AND "SlackWrite"."leaseUntil" < $7::timestamp(3))
       RETURNING "attempts", "inDoubt", "createdAt"`,
      spec.key,
      teamId,
      spec.method,
      spec.lanes[0]?.name ?? spec.method,
      JSON.stringify(spec.args ?? null),
      iso(new Date(now.getTime() + LEASE_MS)),
      iso(now),
    );
    const claim = claimed[0];
    if (!claim) return this.notClaimed<T>(spec);
    const attempts = Number(claim.attempts);

    const release = (data: { maybeSent: boolean; nextAttemptAt: Date; countAttempt: boolean; error?: string }) =>
      prisma.slackWrite.updateMany({
        where: { key: spec.key, status: "sending" },
        data: {
          status: "pending",
          leaseUntil: null,
          maybeSent: data.maybeSent,
          nextAttemptAt: data.nextAttemptAt,
          ...(data.countAttempt ? {} : { attempts: { decrement: 1 } }),
          ...(data.error !== undefined ? { lastError: data.error.slice(0, 1000) } : {}),
        },
      });
    const markSent = async (result: T) => {
      await prisma.slackWrite.updateMany({
        where: { key: spec.key, status: "sending" },
        data: {
          status: "sent",
          result: (result ?? null) as never,
          sentAt: new Date(),
          leaseUntil: null,
          maybeSent: false,
          lastError: null,
        },
      });
      hooks?.onSent?.(spec.method);
      return result;
    };

    // Paced: a short wait here; a long one hands the write back and reschedules the job.
    if (spec.lanes.length > 0) {
      const admission = await pacer.admit(spec.lanes, MAX_INLINE_WAIT_MS);
      if ("deferUntil" in admission) {
        await release({ maybeSent: Boolean(claim.inDoubt), nextAttemptAt: now, countAttempt: false });
        throw new RetryLater(admission.deferUntil, `${spec.method} paced for ${spec.lanes[0]?.name}`);
      }
      if (admission.waitMs > 0) await sleep(admission.waitMs);
    }

    try {
      if (claim.inDoubt && spec.lookUp) {
        const earlier = await spec.lookUp(new Date(new Date(claim.createdAt).getTime() - LOOKUP_MARGIN_MS));
        if (earlier) {
          logger.info(`Outbox: ${spec.method} ${spec.key} had reached Slack before; not sending it again`);
          return await markSent(earlier);
        }
      }
      return await markSent(await spec.send());
    } catch (error) {
      if (error instanceof SlackWriteRefused) throw error;
      if (error instanceof NotInstalled) {
        // Uninstalled (distribution mode): never sent, and not a dead letter to tell anyone about.
        await prisma.slackWrite.updateMany({
          where: { key: spec.key, status: "sending" },
          data: { status: "dead", leaseUntil: null, maybeSent: false, lastError: "uninstalled" },
        });
        throw error;
      }
      const failure = classifyFailure(error);
      if (failure.kind === "refused" && spec.alreadyDone?.has(failure.code)) return markSent(spec.doneResult as T);
      if (failure.kind === "rate-limited") {
        const lane = spec.lanes[0]?.name ?? `method:${teamId}:${spec.method}`;
        hooks?.onRateLimited?.(lane);
        const notBefore = await pacer.rateLimited(lane, failure.retryAfterMs);
        await release({ maybeSent: Boolean(claim.inDoubt), nextAttemptAt: notBefore, countAttempt: false });
        logger.warn(`Slack rate-limited ${spec.method} on ${lane}; waiting ${failure.retryAfterMs / 1000}s`);
        throw new RetryLater(notBefore, `${spec.method} rate-limited`);
      }
      if (failure.kind === "refused" || attempts >= MAX_WRITE_ATTEMPTS) {
        const reason =
          failure.kind === "refused" ? failure.code : `gave up after ${attempts} attempts: ${failure.message}`;
        await prisma.slackWrite.updateMany({
          where: { key: spec.key, status: "sending" },
          data: { status: "dead", leaseUntil: null, lastError: reason.slice(0, 1000) },
        });
        await hooks?.onDead?.({
          teamId,
          key: spec.key,
          method: spec.method,
          error: failure.kind === "refused" ? failure.code : "gave_up",
          target: targetOf(spec.args),
        });
        logger.error(
          `Outbox: ${spec.method} ${spec.key} failed for good (${reason}); admins see it in /delight-admin outbox`,
        );
        throw new SlackWriteRefused(spec.method, failure.kind === "refused" ? failure.code : "gave_up");
      }
      const nextAttemptAt = new Date(Date.now() + writeBackoffMs(attempts));
      await release({
        maybeSent: failure.maybeSent || Boolean(claim.inDoubt),
        nextAttemptAt,
        countAttempt: true,
        error: failure.message,
      });
      logger.warn(`Outbox: ${spec.method} ${spec.key} failed (attempt ${attempts}: ${failure.message}); retrying`);
      throw new RetryLater(nextAttemptAt, `${spec.method} failed: ${failure.message}`);
    }
  }

  /** The row exists and is not ours to send: done, dead, waiting for its retry, or being sent elsewhere. */
  private async notClaimed<T>(spec: WriteSpec<T>): Promise<T> {
    const row = await this.options.prisma.slackWrite.findUnique({ where: { key: spec.key } });
    if (!row) throw new RetryLater(new Date(Date.now() + 1000), `outbox row ${spec.key} vanished`);
    switch (row.status) {
      case "sent":
        return row.result as T;
      case "dead":
        throw new SlackWriteRefused(spec.method, row.lastError ?? "dead");
      case "pending":
        throw new RetryLater(row.nextAttemptAt, `${spec.method} waits for its retry`);
      case "sending": {
        // Usually done within a second; if its sender died, the lease runs out and we take it.
        const soon = Date.now() + IN_FLIGHT_RECHECK_MS;
        const at = Math.min(row.leaseUntil?.getTime() ?? soon, soon);
        throw new RetryLater(new Date(at), `${spec.method} is being sent elsewhere`);
      }
    }
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

/** The channel (or person) a write's arguments name. */
function targetOf(args: unknown): string | null {
  const a = (args ?? {}) as { channel?: unknown; channelId?: unknown; user_id?: unknown; user?: unknown };
  for (const value of [a.channel, a.channelId, a.user_id, a.user]) if (typeof value === "string") return value;
  return null;
}

function describeFile(file: FileToUpload) {
  return { filename: file.filename, title: file.title, altText: file.altText, bytes: Buffer.byteLength(file.content) };
}
