// memory: idle resident memory (VmRSS of the node process itself) of Delight started as
// production does (compiled), on PostgreSQL and on an embedded PGlite file (its first start,
// which creates the data directory, and a restart on it); for comparison the old
// `tsx src/main.ts` start (tsx's parent process included, as a user would see it). Targets
// (issue 10): at most 200 MB on PostgreSQL and 350 MB on a PGlite file.
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
const TARGET_MB: Record<DatabaseKind, number> = { postgres: 200, "pglite-file": 350, "pglite-memory": 350 };

/** Idle RSS of each start on one database: the first, then `restarts` more on the same data. */
async function idleRss(ctx: BenchContext, kind: DatabaseKind, viaTsx: boolean, restarts = 0): Promise<number[]> {
  const database = await freshDatabase(ctx, kind);
  const measured: number[] = [];
  try {
    for (let start = 0; start <= restarts; start++) {
      const app = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url, viaTsx });
      try {
        // A little traffic first (a running app has served some), then idle.
        await loadTest(app.port, {
          total: 50,
          concurrency: 2,
          makeRequest: () => signedSlashCommand("/delight", "help", NOMINATOR, `${ctx.slack.url}respond/memory`),
        });
        await sleep(IDLE_MS);
        measured.push(processTree(app.pid).reduce((sum, pid) => sum + residentMb(pid), 0));
      } finally {
        await stopDelight(app);
      }
    }
    return measured;
  } finally {
    await database.dispose().catch(() => undefined);
  }
}

export async function runMemory(ctx: BenchContext): Promise<void> {
  console.log(`\n== memory: idle RSS ${IDLE_MS / 1000} s after start and 50 requests`);
  for (const kind of available(ctx, ["postgres", "pglite-file"])) {
    const label = DATABASE_LABEL[kind];
    // PGlite's first start creates the data directory (initdb) in this process; a restart
    // opens it. PostgreSQL starts are all alike.
    const [first, restart] = await idleRss(ctx, kind, false, kind === "pglite-file" ? 1 : 0);
    const [tsx] = await idleRss(ctx, kind, true);
    console.log(
      `  ${label}: ${first!.toFixed(0)} MB (node dist/main.js${restart === undefined ? "" : ", first start"})` +
        (restart === undefined ? "" : `; ${restart.toFixed(0)} MB restarted on its data`) +
        `; ${tsx!.toFixed(0)} MB with the old tsx start (tsx and node)`,
    );
    const scenario = `memory (${label})`;
    recordAtMost(
      scenario,
      restart === undefined ? "idle RSS" : "idle RSS, first start",
      first!,
      TARGET_MB[kind],
      " MB",
      0,
    );
    if (restart !== undefined) recordAtMost(scenario, "idle RSS, restarted", restart, TARGET_MB[kind], " MB", 0);
    record({ scenario, measure: "idle RSS, old tsx start", value: `${tsx!.toFixed(0)} MB`, target: "(before)" });
  }
}
