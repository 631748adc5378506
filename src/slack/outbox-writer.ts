// The outbox's write engine: each write is a `SlackWrite` row keyed by its idempotency key.
// A write is claimed (status sending, with a lease, `maybeSent` recorded before anything goes
// out), paced, sent, and marked sent with Slack's answer. Running the same key again returns
// that answer without writing. In doubt (a send that ended without a clear answer), the next
// attempt first looks the earlier one up when the write can be looked up (`WriteSpec.lookUp`).
// What each Slack method's write looks like is in durable-outbox.ts; how a failure is read, in
// write-failures.ts.
import type { Logger } from "@slack/bolt";
import type { Db } from "../db/database.ts";
import { RetryLater } from "../jobs/queue.ts";
import { NotInstalled } from "./installations/store.ts";
import { SlackWriteRefused } from "./outbox.ts";
import type { Lane, Pacer } from "./pacer.ts";
import { classifyFailure, writeBackoffMs } from "./write-failures.ts";

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

export interface OutboxWriterOptions {
  prisma: Db;
  pacer: Pacer;
  logger: Logger;
  hooks?: OutboxHooks;
}

/** One write to Slack as the engine runs it. */
export interface WriteSpec<T> {
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

export class OutboxWriter {
  constructor(private readonly options: OutboxWriterOptions) {}

  /** Claims, paces, sends and records one write; see the file comment. */
  async write<T>(teamId: string | null, spec: WriteSpec<T>): Promise<T> {
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
}

/** The channel (or person) a write's arguments name. */
function targetOf(args: unknown): string | null {
  const a = (args ?? {}) as { channel?: unknown; channelId?: unknown; user_id?: unknown; user?: unknown };
  for (const value of [a.channel, a.channelId, a.user_id, a.user]) if (typeof value === "string") return value;
  return null;
}
