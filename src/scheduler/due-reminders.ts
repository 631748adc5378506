// One scheduler tick for recovery reminders and escalations. node-cron calls it every minute
// on every instance; tests and the benchmark call it directly with their own `now`.
//
// Exactly once, across restarts and instances, comes from the database:
//  1. find due rows with the (status, dueAt) index, at most `batchSize` of them, so a tick
//     costs the same however many not-yet-due rows exist;
//  2. claim each row with a conditional update (still pending, lease free) — only one
//     instance's update matches; the lease lets another instance take over a row whose
//     claimer died mid-send;
//  3. send, then mark it sent only if we still hold it. A failed send releases the claim
//     (or keeps it until Slack's Retry-After) so a later tick retries it: nothing is dropped.
//     Only a target Slack says can never receive (deactivated user, archived channel) is
//     final at once: someone else is told instead (see notify.ts).
// The one gap is a crash between Slack accepting the message and step 3: the row is sent
// again after the lease. That is the best a database and an external API allow.
import { randomUUID } from "node:crypto";
import type { Logger, webApi } from "@slack/bolt";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/database.ts";
import type { RecoveryReminder } from "../generated/prisma/client.ts";
import { deliverReminder, unreachableReason } from "../features/recoveries/notify.ts";
import type { SlackUsers } from "../slack/roles.ts";

export interface SchedulerDeps {
  prisma: Db;
  /** Web API client for deliveries; give it `rejectRateLimitedCalls: true` so a 429 fails fast. */
  client: webApi.WebClient;
  clock: Clock;
  logger: Logger;
  users: Pick<SlackUsers, "profile">;
  /** Written to claimedBy; one per scheduler instance. */
  instanceId?: string;
  /** Most rows handled per tick (the rest wait for the next tick). */
  batchSize?: number;
  /** How long a claim holds before another instance may take the row over. */
  leaseMs?: number;
  /** After this many failed sends a row is given up (cancelled, lastError kept). */
  maxAttempts?: number;
}

export interface TickResult {
  /** Rows this instance claimed. */
  claimed: number;
  sent: number;
  skipped: number;
  failed: number;
}

export const DEFAULT_BATCH_SIZE = 100;
/** A tick stops after this many failed sends in a row. */
export const MAX_FAILURES_IN_A_ROW = 3;
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** With the back-off below, about 10 hours of retries. */
export const DEFAULT_MAX_ATTEMPTS = 48;

function retryAfterMs(error: unknown): number | null {
  const seconds = (error as { retryAfter?: unknown } | null)?.retryAfter;
  return typeof seconds === "number" && seconds > 0 ? seconds * 1000 : null;
}

function describeError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

/**
 * Runs one tick. `tickStart` picks which rows are due; every claim, lease check and "sent"
 * mark reads the clock again, because a tick can run for minutes (slow Slack, big batch) and
 * a lease counted from the tick's start would already have run out for its later rows —
 * letting another instance claim and send them a second time.
 */
export async function runDueReminders(deps: SchedulerDeps, tickStart: Date): Promise<TickResult> {
  const instanceId = deps.instanceId ?? "anonymous";
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const result: TickResult = { claimed: 0, sent: 0, skipped: 0, failed: 0 };
  const leaseFree = (now: Date) => ({ OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] });
  // Past this much tick time no new row is claimed: the rest wait for the next tick, and a
  // row claimed late still has at least half a lease to be delivered in.
  const claimWindowEnd = tickStart.getTime() + leaseMs / 2;

  const due = await deps.prisma.recoveryReminder.findMany({
    where: { status: "pending", dueAt: { lte: tickStart }, ...leaseFree(tickStart) },
    orderBy: { dueAt: "asc" },
    take: deps.batchSize ?? DEFAULT_BATCH_SIZE,
    select: { id: true },
  });

  let failuresInARow = 0;
  for (const { id } of due) {
    // Slack looks down: leave the rest unclaimed for a later tick instead of spending this
    // one on timeouts (a tick that runs long delays everything due after it).
    if (failuresInARow >= MAX_FAILURES_IN_A_ROW) break;
    const claimedAt = deps.clock.now();
    if (claimedAt.getTime() >= claimWindowEnd) break;
    // Claim just before sending, so the lease only has to cover one delivery.
    const claim = await deps.prisma.recoveryReminder.updateMany({
      where: { id, status: "pending", ...leaseFree(claimedAt) },
      data: {
        claimedBy: instanceId,
        claimedUntil: new Date(claimedAt.getTime() + leaseMs),
        attempts: { increment: 1 },
      },
    });
    if (claim.count === 0) continue; // another instance has it
    result.claimed += 1;
    const reminder = await deps.prisma.recoveryReminder.findUniqueOrThrow({ where: { id } });
    const mine = { id, status: "pending" as const, claimedBy: instanceId };
    try {
      const outcome = await deliverReminder(deps, reminder, claimedAt);
      if (outcome.sent) {
        await deps.prisma.recoveryReminder.updateMany({
          where: mine,
          data: { status: "sent", sentAt: deps.clock.now(), claimedUntil: null, lastError: null },
        });
        result.sent += 1;
      } else {
        await deps.prisma.recoveryReminder.updateMany({
          where: mine,
          data: { status: "cancelled", claimedUntil: null, lastError: `skipped: ${outcome.skipped}` },
        });
        result.skipped += 1;
      }
      failuresInARow = 0;
    } catch (error) {
      const unreachable = unreachableReason(error);
      if (unreachable) {
        // Slack said the target can never receive (deactivated, archived…): final, not a
        // sign that Slack is down, so it neither retries nor stops the tick.
        deps.logger.warn(`Gave up on a recovery ${reminder.kind}: ${unreachable}`, { reminderId: reminder.id });
        await deps.prisma.recoveryReminder.updateMany({
          where: mine,
          data: { status: "cancelled", claimedUntil: null, lastError: `undeliverable: ${unreachable}` },
        });
        result.skipped += 1;
        continue;
      }
      result.failed += 1;
      failuresInARow += 1;
      await releaseAfterFailure(deps, reminder, error, deps.clock.now(), maxAttempts);
    }
  }
  return result;
}

async function releaseAfterFailure(
  deps: SchedulerDeps,
  reminder: RecoveryReminder,
  error: unknown,
  now: Date,
  maxAttempts: number,
): Promise<void> {
  const message = describeError(error);
  const mine = { id: reminder.id, status: "pending" as const, claimedBy: reminder.claimedBy };
  if (reminder.attempts >= maxAttempts) {
    deps.logger.error(
      `Gave up on a recovery ${reminder.kind} after ${reminder.attempts} attempts`,
      { reminderId: reminder.id, caseId: reminder.caseId },
      message,
    );
    await deps.prisma.recoveryReminder.updateMany({
      where: mine,
      data: { status: "cancelled", claimedUntil: null, lastError: `gave up: ${message}` },
    });
    return;
  }
  deps.logger.warn(
    `Could not send a recovery ${reminder.kind}; it will be retried on a later tick`,
    { reminderId: reminder.id, caseId: reminder.caseId, attempt: reminder.attempts },
    message,
  );
  // The first retry is on the next tick; later ones back off (1, 2, … 15 minutes) so an
  // hour-long Slack outage is ridden out; a 429 waits at least Slack's Retry-After.
  const backoff = Math.min(reminder.attempts - 1, 15) * 60_000;
  const wait = Math.max(backoff, retryAfterMs(error) ?? 0);
  await deps.prisma.recoveryReminder.updateMany({
    where: mine,
    data: { claimedUntil: wait > 0 ? new Date(now.getTime() + wait) : null, lastError: message },
  });
}

export function newInstanceId(): string {
  return `instance-${randomUUID()}`;
}
