// Housekeeping for the job, outbox and pacing tables: finished rows are kept a week (so a late retry
// of the same key still finds its answer, and for looking back), then deleted. Dead letters
// stay until an admin retries them. Runs hourly on every instance; deleting is idempotent.
import type { Logger } from "@slack/bolt";
import cron from "node-cron";
import type { Db } from "../db/database.ts";
import { systemClock, type Clock } from "../clock.ts";
import { purgeUninstalledWorkspaces } from "../slack/installations/uninstall.ts";

export const KEEP_FINISHED_MS = 7 * 24 * 60 * 60_000;

/**
 * How long after it was created a dead job may still be retried (`/delight-admin outbox
 * retry`). Its writes were sent after it was created and are remembered for KEEP_FINISHED_MS
 * (their keys are what stops a retry from sending them again); a day's margin covers the
 * retried job's own run. An older job is refused, saying why: retrying it could post again
 * what it had already posted.
 */
export const DEAD_JOB_RETRYABLE_MS = KEEP_FINISHED_MS - 24 * 60 * 60_000;

/**
 * Rows one pruning statement deletes at most. A week of finished work is tens of thousands of
 * rows; deleted in one statement it held embedded PGlite (one statement at a time) for
 * seconds, and every ack arriving meanwhile waited for it. In steps, an ack waits for one step
 * at most (its statements go first between steps: db/statement-lanes.ts).
 */
export const PRUNE_STEP_ROWS = 500;

/** Runs `step` (a DELETE of at most `limit` rows returning how many) until a step deletes fewer. */
async function inSteps(step: (limit: number) => Promise<number>, limit: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await step(limit);
    total += deleted;
    if (deleted < limit) return total;
    // Let whatever queued meanwhile (an ack's statement) run before the next step.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export async function pruneFinishedWork(
  prisma: Db,
  now: Date = new Date(),
  stepRows: number = PRUNE_STEP_ROWS,
): Promise<{ jobs: number; writes: number }> {
  const before = new Date(now.getTime() - KEEP_FINISHED_MS);
  const jobs = await inSteps(
    (limit) =>
      prisma.$executeRawUnsafe(
        `DELETE FROM "Job" WHERE "id" IN (
           SELECT "id" FROM "Job" WHERE "status" = 'done' AND "finishedAt" < $1::timestamp(3) LIMIT ${limit})`,
        before.toISOString(),
      ),
    stepRows,
  );
  const writes = await inSteps(
    (limit) =>
      prisma.$executeRawUnsafe(
        `DELETE FROM "SlackWrite" WHERE "key" IN (
           SELECT "key" FROM "SlackWrite" WHERE "status" = 'sent' AND "sentAt" < $1::timestamp(3) LIMIT ${limit})`,
        before.toISOString(),
      ),
    stepRows,
  );
  // Pacing state of channels quiet for a day (a lane idle that long has its full burst again).
  const idleSince = now.getTime() - 24 * 60 * 60_000;
  await inSteps(
    (limit) =>
      prisma.$executeRawUnsafe(
        `DELETE FROM "SlackPaceLane" WHERE "lane" IN (SELECT "lane" FROM "SlackPaceLane" WHERE "tatMs" < $1 LIMIT ${limit})`,
        idleSince,
      ),
    stepRows,
  );
  await inSteps(
    (limit) =>
      prisma.$executeRawUnsafe(
        `DELETE FROM "SlackRateGate" WHERE "lane" IN (
           SELECT "lane" FROM "SlackRateGate" WHERE "notBefore" < $1::timestamp(3) LIMIT ${limit})`,
        new Date(idleSince).toISOString(),
      ),
    stepRows,
  );
  return { jobs, writes };
}

export function startMaintenance(
  prisma: Db,
  logger: Logger,
  clock: Clock = systemClock,
  /** More housekeeping on the same hourly beat (the features' retention limits). */
  more?: (now: Date) => Promise<void>,
): { stop(): Promise<void> } {
  const task = cron.schedule(
    "17 * * * *",
    async () => {
      try {
        const pruned = await pruneFinishedWork(prisma);
        const purged = await purgeUninstalledWorkspaces(prisma, clock.now());
        if (purged.length > 0) {
          logger.info(`Deleted the data of ${purged.length} workspaces uninstalled longer than their retention`);
        }
        if (pruned.jobs + pruned.writes > 0) {
          logger.info(`Pruned ${pruned.jobs} finished jobs and ${pruned.writes} sent Slack writes older than a week`);
        }
      } catch (error) {
        logger.warn("Pruning finished work failed; it runs again in an hour", String(error));
      }
      try {
        await more?.(clock.now());
      } catch (error) {
        logger.warn("Applying retention limits failed; it runs again in an hour", String(error));
      }
    },
    { noOverlap: true },
  );
  return {
    async stop() {
      await task.destroy();
    },
  };
}
