// Exporting 10,000 approved stories (`/delight-admin export stories`): the time to read them
// page by page and write the CSV and the story book, and the process's memory meanwhile
// (RSS sampled every 10 ms, against the RSS just before). Runs in this process, on PGlite in
// memory and on PostgreSQL when reachable; with PGlite the database itself lives in the
// process too, so its RSS includes the database's.
import { performance } from "node:perf_hooks";
import { openDatabase } from "../../src/db/database.ts";
import { buildExportFiles } from "../../src/features/export/jobs.ts";
import { exportRange } from "../../src/features/export/service.ts";
import type { DirectoryEntry } from "../../src/slack/directory.ts";
import { seedApprovedStories } from "../../test/support/digest-data.ts";
import { available, DATABASE_LABEL, freshDatabase, type BenchContext } from "../context.ts";
import { record, recordAtMost } from "../report.ts";

const TEAM = "T0EXPORT";
const STORIES = 10_000;
const VALUES = ["listen", "empathize", "attention", "delight", "recovery"];
const at = new Date("2026-11-26T12:00:00Z");
const mb = (bytes: number) => bytes / 1024 / 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function exportOn(ctx: BenchContext, kind: "pglite-memory" | "postgres"): Promise<void> {
  const target = await freshDatabase(ctx, kind);
  const database = await openDatabase(target.url);
  const label = DATABASE_LABEL[kind];
  try {
    await seedApprovedStories(database.prisma, {
      teamId: TEAM,
      count: STORIES,
      decidedAt: (i) => new Date(at.getTime() - 1 - Math.floor((i * 365 * 24 * 3_600_000) / STORIES)),
      values: (i) => (i % 11 === 0 ? [] : [VALUES[i % 5]!, VALUES[(i + 2) % 5]!]),
      nomineeIds: (i) => [`UPERSON${i % 300}`, `UPERSON${(i * 7) % 300}`],
      customer: (i) => `Customer ${i % 500}, "Ltd"`,
      story: (i) =>
        `${i % 13 === 0 ? "=" : ""}Story ${i}: stayed late, re-shipped the order with a "handwritten" note 🎉\n${"and called the customer back the next morning. ".repeat(5)}`,
    });
    await database.prisma.$executeRawUnsafe("ANALYZE");
    const directory = new Map<string, DirectoryEntry>(
      Array.from({ length: 300 }, (_, i) => [`UPERSON${i}`, { id: `UPERSON${i}`, name: `Person ${i}`, active: true }]),
    );
    const payload = { teamId: TEAM, userId: "UADMIN", responseUrl: "", from: null, to: null, at: at.toISOString() };
    const range = exportRange({ teamId: TEAM, from: null, to: null, at }, "Europe/Paris");
    const times: number[] = [];
    let peakGrowth = 0;
    let heapGrowth = 0;
    let peakRss = 0;
    let sizes = { csv: 0, book: 0, rows: 0 };
    for (let i = -1; i < 3; i++) {
      globalThis.gc?.();
      const before = process.memoryUsage();
      let peak = before.rss;
      let heapPeak = before.heapUsed;
      const sample = () => {
        const now = process.memoryUsage();
        peak = Math.max(peak, now.rss);
        heapPeak = Math.max(heapPeak, now.heapUsed);
      };
      const sampler = setInterval(sample, 10);
      const t0 = performance.now();
      const files = await buildExportFiles(database, {
        payload,
        range,
        timezone: "Europe/Paris",
        directory,
        workspaceUrl: "https://bench.slack.com/",
      });
      const elapsed = performance.now() - t0;
      clearInterval(sampler);
      sample();
      if (files.rows !== STORIES) throw new Error(`exported ${files.rows} stories, expected ${STORIES}`);
      sizes = { csv: files.csv.length, book: files.storyBook.length, rows: files.rows };
      if (i >= 0) {
        times.push(elapsed);
        peakGrowth = Math.max(peakGrowth, peak - before.rss);
        heapGrowth = Math.max(heapGrowth, heapPeak - before.heapUsed);
        peakRss = Math.max(peakRss, peak);
      }
    }
    const seconds = median(times) / 1000;
    console.log(
      `  ${label}: ${STORIES} stories → CSV ${mb(sizes.csv).toFixed(1)} MB + story book ${mb(sizes.book).toFixed(1)} MB in median ${seconds.toFixed(2)} s of ${times.length} runs; ` +
        `RSS grew by at most ${mb(peakGrowth).toFixed(0)} MB during an export (peak ${mb(peakRss).toFixed(0)} MB), JS heap by at most ${mb(heapGrowth).toFixed(0)} MB`,
    );
    recordAtMost("export", `10,000 stories, ${label}: time`, seconds, 10, " s");
    recordAtMost("export", `10,000 stories, ${label}: RSS growth`, mb(peakGrowth), 256, " MB", 0);
    record({
      scenario: "export",
      measure: `10,000 stories, ${label}: JS heap growth`,
      value: `${mb(heapGrowth).toFixed(0)} MB`,
      target: "–",
    });
    record({
      scenario: "export",
      measure: `10,000 stories, ${label}: peak RSS`,
      value: `${mb(peakRss).toFixed(0)} MB`,
      target: "–",
    });
  } finally {
    await database.close();
    await target.dispose();
  }
}

export async function runExport(ctx: BenchContext): Promise<void> {
  console.log("\nExport of 10,000 stories (CSV + Markdown story book, streamed from the database)");
  for (const kind of available(ctx, ["pglite-memory", "postgres"]) as Array<"pglite-memory" | "postgres">) {
    await exportOn(ctx, kind);
  }
}
