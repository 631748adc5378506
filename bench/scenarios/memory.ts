// memory: idle resident memory (VmRSS of the node process itself) of Delight started as
// production does (compiled), on PostgreSQL and on an embedded PGlite file; for comparison
// the old `tsx src/main.ts` start (tsx's parent process included, as a user would see it).
// The target is a reduction against that old start, measured in the same run: at least 15 %.
import { available, DATABASE_LABEL, freshDatabase, type BenchContext, type DatabaseKind } from "../context.ts";
import {
  loadTest,
  NOMINATOR,
  processTree,
  residentMb,
  signedSlashCommand,
  sleep,
  startDelight,
  stopDelight,
} from "../harness.ts";
import { record, recordAtMost } from "../report.ts";

const IDLE_MS = 10_000;
const TARGET_RATIO = 0.85;

async function idleRss(ctx: BenchContext, kind: DatabaseKind, viaTsx: boolean): Promise<number> {
  const database = await freshDatabase(ctx, kind);
  try {
    const app = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url, viaTsx });
    try {
      // A little traffic first (a running app has served some), then idle.
      await loadTest(app.port, {
        total: 50,
        concurrency: 2,
        makeRequest: () => signedSlashCommand("/delight", "help", NOMINATOR, `${ctx.slack.url}respond/memory`),
      });
      await sleep(IDLE_MS);
      return processTree(app.pid).reduce((sum, pid) => sum + residentMb(pid), 0);
    } finally {
      await stopDelight(app);
    }
  } finally {
    await database.dispose().catch(() => undefined);
  }
}

export async function runMemory(ctx: BenchContext): Promise<void> {
  console.log(`\n== memory: idle RSS ${IDLE_MS / 1000} s after start and 50 requests`);
  for (const kind of available(ctx, ["postgres", "pglite-file"])) {
    const label = DATABASE_LABEL[kind];
    const compiled = await idleRss(ctx, kind, false);
    const tsx = await idleRss(ctx, kind, true);
    console.log(
      `  ${label}: ${compiled.toFixed(0)} MB (node dist/main.js); ${tsx.toFixed(0)} MB with the old tsx start (tsx and node)`,
    );
    record({
      scenario: `memory (${label})`,
      measure: "idle RSS, compiled start",
      value: `${compiled.toFixed(0)} MB`,
      target: "(report)",
    });
    record({
      scenario: `memory (${label})`,
      measure: "idle RSS, old tsx start",
      value: `${tsx.toFixed(0)} MB`,
      target: "(before)",
    });
    recordAtMost(`memory (${label})`, "compiled ÷ old start", compiled / tsx, TARGET_RATIO, "×");
  }
}
