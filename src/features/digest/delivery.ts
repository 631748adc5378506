// Posting a digest exactly once per channel and period. The database decides: a DigestRun row
// per (workspace, channel, slot) is created once, claimed with a conditional update (with a
// lease) before anything is posted, and marked posted with the message ts after. Two
// instances, a job that runs twice, Slack retries and restarts all find the row taken or done.
// The post itself goes through the outbox with a key per period, so even a crash between
// Slack's answer and the "posted" mark does not post twice once the durable outbox is in.
//
// The message (intro included) is built once per run and stored on it: a post that fails
// is retried with back-off (1, 2, 4 … minutes, at most an hour) from the stored message, so
// the stories are not gathered, nor the model asked, again. A post Slack refuses for good
// (the channel archived, the app removed) marks the run failed at once and an admin is told.
import type { webApi } from "@slack/bolt";
import type { AppDeps } from "../../deps.ts";
import type { DigestRun } from "../../generated/prisma/client.ts";
import { RetryLater, type Transaction } from "../../jobs/queue.ts";
import { SlackWriteRefused, type Outbox } from "../../slack/outbox.ts";
import type { DigestMessage } from "./blocks.ts";
import { buildDigest, type Period } from "./service.ts";

type WebClient = webApi.WebClient;
export type DeliveryDeps = Pick<AppDeps, "prisma" | "clock" | "logger" | "config" | "users">;

/** Longer than building and posting one digest takes, model included. */
export const RUN_LEASE_MS = 5 * 60_000;
/** After the first failure the run waits this long, then twice as long after each further one. */
export const RETRY_DELAY_MS = 60_000;
export const MAX_RETRY_DELAY_MS = 60 * 60_000;

/** The wait after the run's n-th attempt failed: 1, 2, 4 … minutes, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
}
export const DIGEST_EVENT_TYPE = "delight_digest";

export type DeliveryOutcome =
  | { kind: "posted"; channelId: string; ts: string; storyCount: number }
  | { kind: "already-done" }
  | { kind: "taken" }
  | { kind: "not-in-channel"; channelId: string }
  /** Slack refused it for good: the run is failed and not tried again (`code`: Slack's error). */
  | { kind: "refused"; channelId: string; code: string }
  | { kind: "failed"; error: string };

export function scheduledSlotKey(slot: Date): string {
  return `scheduled:${slot.toISOString()}`;
}

/** Creates the run row if it does not exist (one INSERT … ON CONFLICT DO NOTHING) and returns it. */
export async function ensureRun(
  prisma: DeliveryDeps["prisma"],
  input: { teamId: string; channelId: string; slotKey: string; scheduleId: string | null; period: Period },
  /** The injected clock's time (the tick compares it with the schedule's effectiveFrom). */
  now: Date,
): Promise<DigestRun> {
  await prisma.digestRun.createMany({
    data: [
      {
        createdAt: now,
        teamId: input.teamId,
        channelId: input.channelId,
        slotKey: input.slotKey,
        scheduleId: input.scheduleId,
        periodStart: input.period.start,
        periodEnd: input.period.end,
      },
    ],
    skipDuplicates: true,
  });
  return prisma.digestRun.findUniqueOrThrow({
    where: {
      teamId_channelId_slotKey: { teamId: input.teamId, channelId: input.channelId, slotKey: input.slotKey },
    },
  });
}

/** Claims the run for this attempt; null when it is done or someone else holds it. */
async function claimRun(deps: DeliveryDeps, runId: string): Promise<DigestRun | null> {
  const now = deps.clock.now();
  const leaseFree = { OR: [{ claimedUntil: null }, { claimedUntil: { lte: now } }] };
  const { count } = await deps.prisma.digestRun.updateMany({
    where: { id: runId, status: { in: ["pending", "claimed"] }, ...leaseFree },
    data: { status: "claimed", claimedUntil: new Date(now.getTime() + RUN_LEASE_MS), attempts: { increment: 1 } },
  });
  return count === 1 ? deps.prisma.digestRun.findUnique({ where: { id: runId } }) : null;
}

type Membership = "member" | "private" | "archived";

/** Joins a public channel (idempotent); a private one needs a person to /invite the app. */
async function ensureMember(client: WebClient, channelId: string): Promise<Membership> {
  try {
    const info = await client.conversations.info({ channel: channelId });
    if (info.channel?.is_member) return "member";
    if (info.channel?.is_private) return "private";
    await client.conversations.join({ channel: channelId });
    return "member";
  } catch (error) {
    const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
    // Not visible to the app at all: a private channel it was never invited to.
    if (code === "channel_not_found" || code === "method_not_supported_for_channel_type") return "private";
    if (code === "is_archived") return "archived";
    throw error;
  }
}

export function inviteMessage(channelId: string): string {
  return `:wave: The weekly Delight digest for <#${channelId}> is due, but I'm not in that channel and can't join it myself (it's private). Type \`/invite @Delight\` in <#${channelId}> and I'll post the digest within a minute.`;
}

/** The message a run stores (text and blocks), as built by buildDigest. */
function storedMessage(run: DigestRun): DigestMessage | null {
  const message = run.message as { text?: unknown; blocks?: unknown } | null;
  return message && typeof message.text === "string" && Array.isArray(message.blocks)
    ? (message as DigestMessage)
    : null;
}

/**
 * Claims the run and posts its digest. Never throws for Slack's or the model's problems: the
 * run is released with the error and a later tick (or the caller) tries again, after a
 * back-off; a refusal no retry can change fails the run for good. `followUp` is recorded in
 * the same transaction that marks the run posted (the insights in its thread), so the post
 * is never recorded without it.
 */
export async function deliverRun(
  deps: DeliveryDeps,
  client: WebClient,
  outbox: Outbox,
  run: DigestRun,
  options: {
    timezone: string;
    postKey: string;
    tellAdmins?: string[];
    followUp?: (tx: Transaction, posted: { channelId: string; ts: string }) => Promise<unknown>;
  },
): Promise<DeliveryOutcome> {
  if (run.status === "posted" || run.status === "skipped" || run.status === "failed") return { kind: "already-done" };
  const claimed = await claimRun(deps, run.id);
  if (!claimed) return { kind: "taken" };
  const mine = { id: run.id, status: "claimed" as const };
  const release = (data: { claimedUntil: Date | null; lastError: string }) =>
    deps.prisma.digestRun.updateMany({ where: mine, data: { status: "pending", ...data } });
  const fail = (code: string) =>
    deps.prisma.digestRun.updateMany({
      where: mine,
      data: { status: "failed", claimedUntil: null, lastError: `Slack refused it: ${code}` },
    });
  try {
    const membership = await ensureMember(client, run.channelId);
    if (membership === "archived") {
      await fail("is_archived");
      return { kind: "refused", channelId: run.channelId, code: "is_archived" };
    }
    if (membership !== "member") {
      const told = claimed.adminsToldAt !== null;
      if (!told && options.tellAdmins) {
        for (const admin of new Set(options.tellAdmins)) {
          await outbox.directMessage(`digest:${run.id}:invite:${admin}`, admin, { text: inviteMessage(run.channelId) });
        }
        await deps.prisma.digestRun.updateMany({ where: mine, data: { adminsToldAt: deps.clock.now() } });
      }
      // Try again at the next tick: someone may /invite the app any minute.
      await release({ claimedUntil: null, lastError: "not in channel (private)" });
      return { kind: "not-in-channel", channelId: run.channelId };
    }
    let message = storedMessage(claimed);
    let storyCount = claimed.storyCount ?? 0;
    if (!message) {
      const built = await buildDigest(deps, client, {
        teamId: run.teamId,
        period: { start: run.periodStart, end: run.periodEnd },
        timezone: options.timezone,
      });
      message = built.message;
      storyCount = built.data.storyCount;
      await deps.prisma.digestRun.updateMany({
        where: mine,
        data: { message: { text: message.text, blocks: message.blocks } as never, storyCount },
      });
    }
    const posted = await outbox.postMessage(options.postKey, {
      channel: run.channelId,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { run_id: run.id } },
    });
    await deps.prisma.$transaction(async (tx) => {
      const marked = await tx.digestRun.updateMany({
        where: mine,
        data: {
          status: "posted",
          messageTs: posted.ts,
          postedAt: deps.clock.now(),
          storyCount,
          claimedUntil: null,
          lastError: null,
        },
      });
      if (marked.count === 1) await options.followUp?.(tx, { channelId: posted.channel, ts: posted.ts });
    });
    return { kind: "posted", channelId: posted.channel, ts: posted.ts, storyCount };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    if (error instanceof SlackWriteRefused) {
      // Dead in the outbox (refused, or it gave up after ~20 minutes): the admins were told
      // (a refusal) and see it in /delight-admin outbox; `outbox retry` can send it.
      deps.logger.warn("Slack refused a digest post for good; not trying again", { runId: run.id }, message);
      await fail(error.slackError).catch(() => undefined);
      return { kind: "refused", channelId: run.channelId, code: error.slackError };
    }
    // A paced or rate-limited outbox says when; otherwise back off.
    const retryAt =
      error instanceof RetryLater ? error.at : new Date(deps.clock.now().getTime() + retryDelayMs(claimed.attempts));
    deps.logger.warn("Could not post a digest; a later tick tries again", { runId: run.id }, message);
    await release({ claimedUntil: retryAt, lastError: message }).catch(() => undefined);
    return { kind: "failed", error: message };
  }
}

/** Marks a slot that was missed by more than the catch-up window: it is never posted. */
export async function skipRun(
  deps: Pick<AppDeps, "prisma">,
  input: { teamId: string; channelId: string; slotKey: string; scheduleId: string | null; period: Period },
  reason: string,
  now: Date,
): Promise<boolean> {
  const run = await ensureRun(deps.prisma, input, now);
  const { count } = await deps.prisma.digestRun.updateMany({
    // Not one that is being posted right now (claimed, lease running): that one finishes.
    where: {
      id: run.id,
      OR: [{ status: "pending" }, { status: "claimed", claimedUntil: { lte: now } }],
    },
    data: { status: "skipped", lastError: reason },
  });
  return count === 1;
}
