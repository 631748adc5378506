// The digest part of the scheduler tick (every minute, every instance). It only finds which
// (schedule, slot) pairs are due and enqueues a job for each; the job claims the DigestRun
// row and posts (features/digest/delivery.ts), so two instances ticking together post once.
//
// A pair is due when its latest slot has passed, came after the schedule took effect, is at
// most 24 hours old (catch-up after downtime) and has no run that is done, being posted or
// waiting for a retry. A slot missed by more than 24 hours is marked skipped (and logged) once.
// Cost: one query whatever the number of schedules, then arithmetic per schedule.
import type { Logger } from "@slack/bolt";
import type { Db } from "../db/database.ts";
import { scheduledSlotKey, skipRun } from "../features/digest/delivery.ts";
import { DIGEST_POST_JOB, type DigestPostPayload } from "../features/digest/model.ts";
import { CATCH_UP_WINDOW_MS, DAY_MS, latestSlotsAt, weekEndingAt } from "../features/digest/schedule.ts";
import type { JobQueue } from "../jobs/queue.ts";

export interface DigestTickDeps {
  prisma: Db;
  jobs: Pick<JobQueue, "enqueue">;
  logger: Logger;
}

export interface DigestTickResult {
  /** Schedules whose latest slot may still need a digest (the rest were left out in SQL). */
  candidates: number;
  enqueued: number;
  skipped: number;
}

interface ScheduleWithLatestRun {
  id: string;
  teamId: string;
  channelId: string;
  weekday: number;
  hour: number;
  minute: number;
  timezone: string;
  effectiveFrom: Date;
  /** The channel's newest scheduled run of the last 8 days, if any. */
  runSlotKey: string | null;
  runStatus: string | null;
  runClaimedUntil: Date | null;
}

export async function runDueDigests(deps: DigestTickDeps, now: Date): Promise<DigestTickResult> {
  // One query (raw: mapping 1,000 rows through the query builder cost more than the rest of
  // the tick). Left out in SQL: schedules whose newest run is done, less than 6 days old and
  // made under the schedule as it is now. Their next slot is about 7 days after that run's,
  // so it cannot have come yet; in a normal minute almost every schedule is one of them.
  const schedules = await deps.prisma.$queryRaw<ScheduleWithLatestRun[]>`
    SELECT s.id, s."teamId", s."channelId", s.weekday, s.hour, s.minute, s.timezone, s."effectiveFrom",
           r."slotKey" AS "runSlotKey", r.status::text AS "runStatus", r."claimedUntil" AS "runClaimedUntil"
    FROM "DigestSchedule" s
    LEFT JOIN LATERAL (
      SELECT "slotKey", status, "claimedUntil", "periodEnd", "createdAt" FROM "DigestRun" d
      WHERE d."teamId" = s."teamId" AND d."channelId" = s."channelId"
        AND d."slotKey" LIKE 'scheduled:%' AND d."periodEnd" >= ${new Date(now.getTime() - 8 * DAY_MS)}
      ORDER BY d."periodEnd" DESC LIMIT 1
    ) r ON true
    WHERE (r.status IS NULL
       OR NOT (r.status IN ('posted', 'skipped', 'failed') AND r."periodEnd" > ${new Date(now.getTime() - 6 * DAY_MS)}
               AND r."createdAt" >= s."effectiveFrom"))
      -- An uninstalled workspace gets no digest (nor a job that would fail for want of a token).
      AND NOT EXISTS (SELECT 1 FROM "SlackUninstall" u WHERE u."teamId" = s."teamId")`;
  const result: DigestTickResult = { candidates: schedules.length, enqueued: 0, skipped: 0 };
  if (schedules.length === 0) return result;

  // One job per pair per minute: a run that is waiting (private channel, Slack error) gets a
  // fresh job on a later tick, while the same minute on two instances shares the key.
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
  const latestSlotOf = latestSlotsAt(now);

  for (const schedule of schedules) {
    let slot: Date;
    try {
      slot = latestSlotOf(schedule);
    } catch (error) {
      deps.logger.warn(`Digest schedule ${schedule.id} has a bad timezone`, String(error));
      continue;
    }
    if (slot.getTime() < new Date(schedule.effectiveFrom).getTime()) continue;
    const slotKey = scheduledSlotKey(slot);
    const run =
      schedule.runSlotKey === slotKey ? { status: schedule.runStatus, claimedUntil: schedule.runClaimedUntil } : null;
    if (run?.status === "posted" || run?.status === "skipped" || run?.status === "failed") continue;
    // Being posted (lease running) or waiting for its retry time.
    if (run?.claimedUntil && new Date(run.claimedUntil).getTime() > now.getTime()) continue;

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
