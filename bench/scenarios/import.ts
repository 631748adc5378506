// Importing customers (`/delight-admin import customers`): a 20,000-row CSV (the limit), read
// with the streaming parser and applied in batches, on PGlite in memory and on PostgreSQL when
// reachable; then the same file again (which must change nothing). Time and the process's
// memory meanwhile (RSS and JS heap sampled every 10 ms, against just before). With PGlite the
// database lives in this process, so its RSS includes the database's. The baseline is
// csv-parse alone reading the same bytes, in the same run.
import { Readable } from "node:stream";
import { performance } from "node:perf_hooks";
import { parse } from "csv-parse";
import { openDatabase } from "../../src/db/database.ts";
import { applyCustomerImport } from "../../src/features/customers/import-apply.ts";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, readCustomersCsv } from "../../src/features/customers/import-csv.ts";
import { available, DATABASE_LABEL, freshDatabase, type BenchContext } from "../context.ts";
import { record, recordAtMost } from "../report.ts";

const TEAM = "T0IMPORT";
const mb = (bytes: number) => bytes / 1024 / 1024;
const TIERS = ["gold", "silver", "bronze", "key account"];
const INTERESTS = ["coffee", "cycling", "chess", "golf", "jazz", "books", "hiking"];

export function customersCsv(rows: number): Buffer {
  const lines = ["name,external_id,tier,interests,notes,owner_email,customer_since,renewal_at"];
  for (let i = 0; i < rows; i++) {
    const interests = [INTERESTS[i % 7], INTERESTS[(i * 3) % 7]].join(";");
    const note = i % 4 === 0 ? `"Prefers calls, not email; met at the ${i % 12} summit"` : "";
    const since = `20${String(10 + (i % 15)).padStart(2, "0")}-0${1 + (i % 9)}-1${i % 10}`;
    const renewal = `2027-0${1 + (i % 9)}-2${i % 8}`;
    lines.push(
      `"Customer ${i}, Ltd",CRM-${i},${TIERS[i % 4]},${interests},${note},owner${i % 40}@example.com,${since},${renewal}`,
    );
  }
  return Buffer.from(lines.join("\n"));
}

async function measure<T>(work: () => Promise<T>) {
  globalThis.gc?.();
  const before = process.memoryUsage();
  let rss = before.rss;
  let heap = before.heapUsed;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  };
  const sampler = setInterval(sample, 10);
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  sample();
  return { result, seconds, rssGrowth: rss - before.rss, heapGrowth: heap - before.heapUsed, peakRss: rss };
}

async function importOn(ctx: BenchContext, kind: "pglite-memory" | "postgres", file: Buffer, baseline: number) {
  const target = await freshDatabase(ctx, kind);
  const database = await openDatabase(target.url);
  const label = DATABASE_LABEL[kind];
  const run = () =>
    measure(async () => {
      const read = await readCustomersCsv(Readable.from([file]));
      if (!read.ok) throw new Error(read.problem);
      return applyCustomerImport(
        database.prisma,
        { teamId: TEAM },
        { rows: read.rows, refused: read.refused, authorId: "import:UBENCH", now: new Date() },
      );
    });
  try {
    const first = await run();
    if (first.result.added !== IMPORT_MAX_ROWS || first.result.refused.length > 0) {
      throw new Error(`first import: ${JSON.stringify({ ...first.result, refused: first.result.refused.length })}`);
    }
    const again = await run();
    if (again.result.added !== 0 || again.result.updated !== 0 || again.result.unchanged !== IMPORT_MAX_ROWS) {
      throw new Error(`re-import changed something: ${JSON.stringify({ ...again.result, refused: 0 })}`);
    }
    for (const [name, m] of [
      ["first import", first],
      ["re-import (no change)", again],
    ] as const) {
      console.log(
        `  ${label}, ${name}: ${m.seconds.toFixed(2)} s (×${(m.seconds / baseline).toFixed(0)} csv-parse alone); RSS grew by ${mb(m.rssGrowth).toFixed(0)} MB (peak ${mb(m.peakRss).toFixed(0)} MB), JS heap by ${mb(m.heapGrowth).toFixed(0)} MB`,
      );
      recordAtMost("import", `20,000 rows, ${label}, ${name}: time`, m.seconds, 60, " s");
      recordAtMost("import", `20,000 rows, ${label}, ${name}: RSS growth`, mb(m.rssGrowth), 300, " MB", 0);
      record({
        scenario: "import",
        measure: `20,000 rows, ${label}, ${name}: JS heap growth / peak RSS`,
        value: `${mb(m.heapGrowth).toFixed(0)} MB / ${mb(m.peakRss).toFixed(0)} MB`,
        target: "–",
      });
    }
  } finally {
    await database.close();
    await target.dispose();
  }
}

export async function runImport(ctx: BenchContext): Promise<void> {
  const file = customersCsv(IMPORT_MAX_ROWS);
  if (file.length > IMPORT_MAX_BYTES) throw new Error("the bench file is over the import's 5 MB");
  console.log(
    `\nCustomer import: ${IMPORT_MAX_ROWS.toLocaleString("en")} rows, ${mb(file.length).toFixed(1)} MB CSV (read streaming, applied in batches of 500)`,
  );
  const parsed = await measure(async () => {
    let rows = 0;
    for await (const _ of Readable.from([file]).pipe(parse({ columns: true }))) rows += 1;
    return rows;
  });
  console.log(`  baseline: csv-parse alone read ${parsed.result} rows in ${parsed.seconds.toFixed(2)} s`);
  for (const kind of available(ctx, ["pglite-memory", "postgres"]) as Array<"pglite-memory" | "postgres">) {
    await importOn(ctx, kind, file, Math.max(parsed.seconds, 0.001));
  }
}
