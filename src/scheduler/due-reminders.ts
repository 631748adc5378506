// One scheduler tick for recovery reminders and escalations. node-cron calls it every minute
// on every instance; tests and the benchmark call it directly with their own `now`.
//
// The tick only finds due rows (with the (status, dueAt) index, at most `batchSize`) and
// enqueues one job per row. The job's key names the row and its due time, so two instances
// ticking at once, or a tick while the job is still waiting for Slack, enqueue one job; the
// job (src/features/recoveries/notify.ts) delivers through the outbox and marks the row sent
// or cancelled. Retries, rate limits and crashes are the job queue's and the outbox's work.
import { randomUUID } from "node:crypto";
import type { Logger } from "@slack/bolt";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/database.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { JobQueue } from "../jobs/queue.ts";
import { REMINDER_JOB, reminderJobKey } from "../features/recoveries/notify.ts";

export interface SchedulerDeps {
  prisma: Db;
  jobs: Pick<JobQueue, "enqueue">;
  clock: Clock;
  logger: Logger;
  /** Names this scheduler (logs). */
  instanceId?: string;
  /** Most rows looked at per tick (the rest wait for the next tick). */
  batchSize?: number;
}

export interface TickResult {
  /** Due rows found. */
  due: number;
  /** Jobs this tick created (a row whose job exists already is not counted). */
  enqueued: number;
}

export const DEFAULT_BATCH_SIZE = 500;

/**
 * The reminders due at `tickStart` that have no job yet, oldest first. A row whose job is
 * waiting (Slack slow) or died (a dead letter, until an admin retries it) stays pending:
 * taking the oldest pending rows regardless let such stuck rows fill every batch and starve
 * the reminders due now. The job key is reminderJobKey's, built in SQL (one index probe of
 * the Job table per due row).
 */
export function dueRemindersQuery(tickStart: Date, limit: number): Prisma.Sql {
  return Prisma.sql`
    SELECT r.id, r."dueAt", r."teamId"
    FROM "RecoveryReminder" r
    WHERE r.status = 'pending' AND r."dueAt" <= ${tickStart}
      -- An uninstalled workspace's reminders wait (a reinstall within the retention brings them back).
      AND NOT EXISTS (SELECT 1 FROM "SlackUninstall" u WHERE u."teamId" = r."teamId")
      AND NOT EXISTS (
        SELECT 1 FROM "Job" j
        WHERE j.key = 'reminder:' || r.id || ':' || (extract(epoch FROM r."dueAt") * 1000)::bigint::text)
    ORDER BY r."dueAt"
    LIMIT ${limit}`;
}

export async function runDueReminders(deps: SchedulerDeps, tickStart: Date): Promise<TickResult> {
  const due = await deps.prisma.$queryRaw<Array<{ id: string; dueAt: Date | string; teamId: string }>>(
    dueRemindersQuery(tickStart, deps.batchSize ?? DEFAULT_BATCH_SIZE),
  );
  // Enqueued together: the queue stores them in one batched insert.
  const results = await Promise.all(
    due.map((row) =>
      deps.jobs.enqueue(
        REMINDER_JOB,
        { reminderId: row.id },
        { key: reminderJobKey({ id: row.id, dueAt: new Date(row.dueAt) }), teamId: row.teamId },
      ),
    ),
  );
  return { due: due.length, enqueued: results.filter((r) => r.created).length };
}

export function newInstanceId(): string {
  return `instance-${randomUUID()}`;
}
