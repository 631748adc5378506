// The in-process schedule: node-cron ticks every minute and runs the due-reminder tick.
// Every instance runs one; the tick only enqueues, and job keys make each delivery one job.
import { createTask, type ScheduledTask } from "node-cron";
import { newInstanceId, runDueReminders, type SchedulerDeps, type TickResult } from "./due-reminders.ts";

export interface Scheduler {
  readonly instanceId: string;
  /** Starts ticking every minute (idempotent). */
  start(): void;
  /** Stops ticking and waits for a running tick to finish. */
  stop(): Promise<void>;
  /** Runs one tick now, at the clock's time (tests, and node-cron's callback). */
  tick(): Promise<TickResult>;
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
        },
        { name: `recovery-reminders-${instanceId}`, noOverlap: true },
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
  };
}
