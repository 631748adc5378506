// Digest costs: building the digest of a week with 10,000 approved stories (target < 1 s), and
// one scheduler digest tick with 1,000 configured channels (target < 100 ms), both in steady
// state (every latest slot already posted) and with all 1,000 due in the same minute.
// BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL instead of in-memory PGlite.
import { performance } from "node:perf_hooks";
import { createLogger } from "../src/app.ts";
import { openDatabase } from "../src/db/database.ts";
import { ensureWorkspace } from "../src/features/admin/settings.ts";
import { renderDigest } from "../src/features/digest/blocks.ts";
import { scheduledSlotKey } from "../src/features/digest/delivery.ts";
import { latestSlotAtOrBefore, weekEndingAt } from "../src/features/digest/schedule.ts";
import { gatherDigest } from "../src/features/digest/service.ts";
import type { JobQueue } from "../src/jobs/queue.ts";
import { runDueDigests } from "../src/scheduler/due-digests.ts";
import { seedApprovedStories } from "../test/support/digest-data.ts";

const TEAM = "T0BENCH";
const STORIES = 10_000;
const CHANNELS = 1_000;
const end = new Date("2026-11-27T15:30:00Z");
const period = { start: new Date(end.getTime() - 7 * 24 * 3_600_000), end };
const ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata"];
const VALUES = ["listen", "empathize", "attention", "delight", "recovery"];

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function buildScenario(): Promise<void> {
  const database = await openDatabase(process.env.BENCH_DATABASE_URL ?? "memory://");
  try {
    const seeded = performance.now();
    await seedApprovedStories(database.prisma, {
      teamId: TEAM,
      count: STORIES,
      decidedAt: (i) => new Date(end.getTime() - 1 - Math.floor((i * 7 * 24 * 3_600_000) / STORIES)),
      values: (i) => [VALUES[i % 5]!, VALUES[(i + 2) % 5]!],
      nomineeIds: (i) => [`UPERSON${i % 300}`, `UPERSON${(i * 7) % 300}`],
      story: (i) => `Story ${i}: ${"stayed late to re-ship the order with a handwritten note & a call. ".repeat(6)}`,
    });
    await database.prisma.$executeRawUnsafe("ANALYZE");
    console.log(
      `  seeded ${STORIES} approved stories in one week in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );
    const times: number[] = [];
    let heapPeak = 0;
    let blocks = 0;
    for (let i = -2; i < 5; i++) {
      const heapBefore = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const data = await gatherDigest(database.prisma, {
        teamId: TEAM,
        period,
        timezone: "Europe/Paris",
        workspaceUrl: "https://bench.slack.com/",
      });
      const message = renderDigest(data);
      const elapsed = performance.now() - t0;
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed - heapBefore);
      blocks = message.blocks.length;
      if (i >= 0) times.push(elapsed); // the first runs warm up query plans and the JIT
      if (data.storyCount !== STORIES) throw new Error(`expected ${STORIES} stories, got ${data.storyCount}`);
    }
    const ms = median(times);
    console.log(
      `  build the digest (queries + Block Kit, template intro): median ${ms.toFixed(1)} ms of ${times.length} runs (target < 1000 ms: ${ms < 1000 ? "met" : "MISSED"}); ` +
        `${blocks} blocks; heap growth during a build ≤ ${mb(heapPeak)}; process peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
    );
    if (ms >= 1000) process.exitCode = 1;
  } finally {
    await database.close();
  }
}

async function tickScenario(): Promise<void> {
  const database = await openDatabase(process.env.BENCH_DATABASE_URL ?? "memory://");
  try {
    const prisma = database.prisma;
    await ensureWorkspace(prisma, { teamId: TEAM });
    const schedules = Array.from({ length: CHANNELS }, (_, i) => ({
      teamId: TEAM,
      channelId: `C${String(i).padStart(6, "0")}`,
      weekday: (i % 7) + 1,
      hour: i % 24,
      minute: (i * 7) % 60,
      timezone: ZONES[i % ZONES.length]!,
      createdBy: "UADMIN",
      effectiveFrom: new Date("2026-01-01T00:00:00Z"),
    }));
    await prisma.digestSchedule.createMany({ data: schedules });
    const now = new Date("2026-11-27T15:30:00Z");
    // Steady state: every latest slot is already posted.
    await prisma.digestRun.createMany({
      data: schedules.map((s) => {
        const slot = latestSlotAtOrBefore(s, now);
        const week = weekEndingAt(slot, s.timezone);
        return {
          teamId: TEAM,
          channelId: s.channelId,
          slotKey: scheduledSlotKey(slot),
          periodStart: week.start,
          periodEnd: slot,
          status: "posted" as const,
        };
      }),
    });
    await prisma.$executeRawUnsafe("ANALYZE");
    let enqueued = 0;
    const jobs: Pick<JobQueue, "enqueue"> = {
      enqueue: async () => {
        enqueued += 1;
        return { id: "bench", created: true };
      },
    };
    const deps = { prisma, jobs, logger: createLogger("error") };
    const run = async (label: string, at: Date) => {
      const times: number[] = [];
      for (let i = -3; i < 10; i++) {
        enqueued = 0;
        const t0 = performance.now();
        await runDueDigests(deps, at);
        if (i >= 0) times.push(performance.now() - t0);
      }
      const ms = median(times);
      console.log(
        `  digest tick, ${CHANNELS} channels, ${label}: median ${ms.toFixed(1)} ms (target < 100 ms: ${ms < 100 ? "met" : "MISSED"}), ${enqueued} jobs enqueued`,
      );
      if (ms >= 100) process.exitCode = 1;
    };
    await run("all posted (a normal minute)", now);
    // The worst minute: every channel's slot is now and nothing is posted yet.
    await prisma.digestRun.deleteMany({});
    await prisma.digestSchedule.updateMany({ data: { weekday: 5, hour: 15, minute: 30, timezone: "UTC" } });
    await run("all due at once", now);
  } finally {
    await database.close();
  }
}

export async function runDigestScenario(): Promise<void> {
  console.log(`\nDigest (${process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "PGlite, in memory"})`);
  await buildScenario();
  await tickScenario();
}
