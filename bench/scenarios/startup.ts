// startup: time from spawning `node dist/main.js` to GET /healthz answering 200, on
// PostgreSQL with the schema already there (the second start), and on a PGlite file.
import { available, DATABASE_LABEL, freshDatabase, type BenchContext } from "../context.ts";
import { startDelight, stopDelight } from "../harness.ts";
import { record, recordAtMost } from "../report.ts";

export async function runStartup(ctx: BenchContext): Promise<void> {
  console.log("\n== startup: spawn → GET /healthz 200 (compiled start)");
  for (const kind of available(ctx, ["postgres", "pglite-file"])) {
    const label = DATABASE_LABEL[kind];
    const database = await freshDatabase(ctx, kind);
    try {
      const first = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url });
      await stopDelight(first);
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < 3; i++) {
        const again = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url });
        times.push(again.healthyAfterMs);
        cpu.push(again.cpuMsToHealthy);
        await stopDelight(again);
      }
      const worst = Math.max(...times);
      record({
        scenario: `startup (${label})`,
        measure: "CPU time used until healthy",
        value: `${Math.max(...cpu).toFixed(0)} ms`,
        target: "(report)",
      });
      console.log(
        `  ${label}: first start (migrations applied) ${first.healthyAfterMs.toFixed(0)} ms; later starts ${times.map((t) => t.toFixed(0)).join(", ")} ms ` +
          `(CPU time used by then: ${cpu.map((t) => t.toFixed(0)).join(", ")} ms; the machine's load inflates the rest)`,
      );
      if (kind === "postgres")
        recordAtMost(`startup (${label})`, "healthy after start, schema there", worst, 2000, " ms", 0);
      else
        record({
          scenario: `startup (${label})`,
          measure: "healthy after start, schema there",
          value: `${worst.toFixed(0)} ms`,
          target: "(report)",
        });
    } finally {
      await database.dispose().catch(() => undefined);
    }
  }
}
