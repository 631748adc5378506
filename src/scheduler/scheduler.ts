// The in-process schedule: node-cron ticks every minute and runs the due-reminder tick and
// the digest tick. Every instance runs one; the ticks only enqueue, and job keys make each
// delivery one job (due-reminders.ts, due-digests.ts).
import { createTask, type ScheduledTask } from "node-cron";
import { runDailyMilestones, utcDate } from "../features/nudges/milestones.ts";
import { runDueNudges } from "../features/nudges/service.ts";
import { runDueDigests, type DigestTickResult } from "./due-digests.ts";
import { newInstanceId, runDueReminders, type SchedulerDeps, type TickResult } from "./due-reminders.ts";

export interface Scheduler {
  readonly instanceId: string;
  /** Starts ticking every minute (idempotent). */
  start(): void;
  /** Stops ticking and waits for a running tick to finish. */
  stop(): Promise<void>;
  /** Runs one reminder tick now, at the clock's time (tests, and node-cron's callback). */
  tick(): Promise<TickResult>;
  /** Runs one digest tick now (enqueues the due weekly digests). */
  tickDigests(): Promise<DigestTickResult>;
  /** Runs one nudge tick now (enqueues the due nudges, src/features/nudges). */
  tickNudges(): Promise<number>;
  /** Runs the daily milestone step now: one planning job per workspace and UTC day (nudges/milestones.ts). */
  tickMilestones(): Promise<number>;
}

export const EVERY_MINUTE = "* * * * *";

export function createScheduler(deps: SchedulerDeps, cronExpression = EVERY_MINUTE): Scheduler {
  const instanceId = deps.instanceId ?? newInstanceId();
  const tickDeps = { ...deps, instanceId };
  let task: ScheduledTask | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const tick = (): Promise<TickResult> => {
    const run = runDueReminders(tickDeps, deps.clock.now());
    running = run.catch(() => undefined);
    return run;
  };
  const tickDigests = (): Promise<DigestTickResult> => {
    const run = runDueDigests({ prisma: deps.prisma, jobs: deps.jobs, logger: deps.logger }, deps.clock.now());
    running = run.catch(() => undefined);
    return run;
  };

  const tickNudges = (): Promise<number> => {
    const run = runDueNudges({ prisma: deps.prisma, jobs: deps.jobs }, deps.clock.now());
    running = run.catch(() => undefined);
    return run;
  };

  // Once a day per instance is enough to look; the job keys make it once per day in all.
  let milestonesDay: string | null = null;
  const tickMilestones = async (): Promise<number> => {
    const now = deps.clock.now();
    if (milestonesDay === utcDate(now)) return 0;
    const run = runDailyMilestones({ prisma: deps.prisma, jobs: deps.jobs }, now);
    running = run.catch(() => undefined);
    const planned = await run;
    milestonesDay = utcDate(now);
    return planned;
  };

  return {
    instanceId,
    start() {
      if (task) return;
      task = createTask(
        cronExpression,
        async () => {
          try {
            await tick();
          } catch (error) {
            // The database may be briefly unreachable: the next tick tries again.
            deps.logger.error("Recovery reminder tick failed", error instanceof Error ? error.message : error);
          }
          try {
            await tickDigests();
          } catch (error) {
            deps.logger.error("Digest tick failed", error instanceof Error ? error.message : error);
          }
          try {
            await tickNudges();
          } catch (error) {
            deps.logger.error("Nudge tick failed", error instanceof Error ? error.message : error);
          }
          try {
            await tickMilestones();
          } catch (error) {
            deps.logger.error("Milestone tick failed", error instanceof Error ? error.message : error);
          }
        },
        { name: `schedules-${instanceId}`, noOverlap: true },
      );
      void task.start();
    },
    async stop() {
      const stopping = task;
      task = undefined;
      if (stopping) {
        await stopping.stop();
        await stopping.destroy();
      }
      await running;
    },
    tick,
    tickDigests,
    tickNudges,
    tickMilestones,
  };
}
