// node-cron drives the tick; start/stop are idempotent and stop waits for a running tick.
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import type { Db } from "../../src/db/database.ts";
import { createScheduler } from "../../src/scheduler/scheduler.ts";
import type { SchedulerDeps } from "../../src/scheduler/due-reminders.ts";
import { TestClock } from "../support/test-app.ts";

function stubDeps(onQuery: (now: Date) => void): SchedulerDeps {
  const prisma = {
    // The due query: its first value is the tick's time.
    $queryRaw: async (query: { values: unknown[] }) => {
      onQuery(query.values[0] as Date);
      return [];
    },
  } as unknown as Db;
  return {
    prisma,
    jobs: { enqueue: async () => ({ id: "", created: true }) },
    clock: new TestClock(new Date("2026-11-23T09:00:00Z")),
    logger: createLogger("error"),
  };
}

describe("createScheduler", () => {
  it("ticks on its cron schedule with the injected clock's time, and stops", async () => {
    const seen: Date[] = [];
    // Every second here (node-cron's optional seconds field); the app uses every minute.
    const scheduler = createScheduler(
      stubDeps((now) => seen.push(now)),
      "* * * * * *",
    );
    scheduler.start();
    scheduler.start(); // idempotent
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    await scheduler.stop();
    const ticks = seen.length;
    expect(ticks).toBeGreaterThanOrEqual(1);
    expect(seen[0]?.toISOString()).toBe("2026-11-23T09:00:00.000Z");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(seen.length).toBe(ticks);
    await scheduler.stop(); // idempotent
  });

  it("runs a tick on demand", async () => {
    let queried = 0;
    const scheduler = createScheduler(stubDeps(() => (queried += 1)));
    expect(await scheduler.tick()).toEqual({ due: 0, enqueued: 0 });
    expect(queried).toBe(1);
  });
});
