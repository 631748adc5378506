// The digest part of the scheduler tick (every minute, every instance). It only finds which
// (schedule, slot) pairs are due and enqueues a job for each; the job claims the DigestRun
// row and posts (features/digest/delivery.ts), so two instances ticking together post once.
//
// A pair is due when its latest slot has passed, came after the schedule took effect, is at
// most 24 hours old (catch-up after downtime) and has no run that is done, being posted or
// waiting for a retry. A slot missed by more than 24 hours is marked skipped (and logged) once.
// Cost: two queries whatever the number of schedules, then arithmetic per schedule.
import type { Logger } from "@slack/bolt";
import type { Db } from "../db/database.ts";
import { scheduledSlotKey, skipRun } from "../features/digest/delivery.ts";
import { DIGEST_POST_JOB, type DigestPostPayload } from "../features/digest/model.ts";
import { CATCH_UP_WINDOW_MS, DAY_MS, latestSlotAtOrBefore, weekEndingAt } from "../features/digest/schedule.ts";
import type { JobQueue } from "../jobs/queue.ts";

export interface DigestTickDeps {
  prisma: Db;
  jobs: Pick<JobQueue, "enqueue">;
  logger: Logger;
}

export interface DigestTickResult {
  schedules: number;
  enqueued: number;
  skipped: number;
}

export async function runDueDigests(deps: DigestTickDeps, now: Date): Promise<DigestTickResult> {
  const schedules = await deps.prisma.digestSchedule.findMany({
    select: {
      id: true,
      teamId: true,
      channelId: true,
      weekday: true,
      hour: true,
      minute: true,
      timezone: true,
      effectiveFrom: true,
    },
  });
  const result: DigestTickResult = { schedules: schedules.length, enqueued: 0, skipped: 0 };
  if (schedules.length === 0) return result;

  // Runs of the last 8 days cover every latest slot (at most 7 days old).
  const runs = await deps.prisma.digestRun.findMany({
    where: { periodEnd: { gte: new Date(now.getTime() - 8 * DAY_MS) }, slotKey: { startsWith: "scheduled:" } },
    select: { teamId: true, channelId: true, slotKey: true, status: true, claimedUntil: true },
  });
  const runByKey = new Map(runs.map((r) => [`${r.teamId}|${r.channelId}|${r.slotKey}`, r]));
  // One job per pair per minute: a run that is waiting (private channel, Slack error) gets a
  // fresh job on a later tick, while the same minute on two instances shares the key.
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();

  for (const schedule of schedules) {
    let slot: Date;
    try {
      slot = latestSlotAtOrBefore(schedule, now);
    } catch (error) {
      deps.logger.warn(`Digest schedule ${schedule.id} has a bad timezone`, String(error));
      continue;
    }
    if (slot.getTime() < schedule.effectiveFrom.getTime()) continue;
    const slotKey = scheduledSlotKey(slot);
    const run = runByKey.get(`${schedule.teamId}|${schedule.channelId}|${slotKey}`);
    if (run?.status === "posted" || run?.status === "skipped") continue;
    // Being posted (lease running) or waiting for its retry time.
    if (run?.claimedUntil && run.claimedUntil.getTime() > now.getTime()) continue;

    if (now.getTime() - slot.getTime() > CATCH_UP_WINDOW_MS) {
      const input = {
        teamId: schedule.teamId,
        channelId: schedule.channelId,
        slotKey,
        scheduleId: schedule.id,
        period: weekEndingAt(slot, schedule.timezone),
      };
      if (await skipRun(deps, input, "missed by more than 24 hours", now)) {
        result.skipped += 1;
        deps.logger.warn(
          `Skipped the weekly digest for channel ${schedule.channelId} (team ${schedule.teamId}) due ${slot.toISOString()}: the app was not running within 24 hours of it. The next one goes out on schedule.`,
        );
      }
      continue;
    }

    const payload: DigestPostPayload = {
      teamId: schedule.teamId,
      scheduleId: schedule.id,
      channelId: schedule.channelId,
      slot: slot.toISOString(),
    };
    await deps.jobs.enqueue(DIGEST_POST_JOB, payload, {
      key: `digest:${schedule.id}:${slot.toISOString()}:${minute}`,
      teamId: schedule.teamId,
    });
    result.enqueued += 1;
  }
  return result;
}
