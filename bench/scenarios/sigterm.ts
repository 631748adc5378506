// sigterm: a deploy. Delight (compiled) on PostgreSQL and on a PGlite file gets a burst of 300
// nominations and, while the follow-up work runs, SIGTERM. It must stop taking work, finish or
// hand back its jobs, close the database and exit within 15 s, leaving no PostgreSQL session;
// then a new process on the same database finishes every acknowledged nomination exactly once.
import { performance } from "node:perf_hooks";
import { available, DATABASE_LABEL, freshDatabase, type BenchContext } from "../context.ts";
import { burst, sleep, startDelight, stopDelight } from "../harness.ts";
import { record, recordAtMost } from "../report.ts";
import { describeVerdict, NominationWorkload } from "../workload.ts";

const SIZE = 300;
const WORKSPACES = 30;
const EXIT_LIMIT_S = 15;
const KILL_AFTER_MS = 30_000;
const FIRST_CARDS = 10;
const RECOVERY_TIMEOUT_MS = Number(process.env.BENCH_RECOVERY_TIMEOUT_S ?? 120) * 1000;

export async function runSigterm(ctx: BenchContext): Promise<void> {
  console.log(`\n== sigterm: SIGTERM while the follow-up work of ${SIZE} nominations runs, then a new process`);
  for (const kind of available(ctx, ["postgres", "pglite-file"])) {
    const label = DATABASE_LABEL[kind];
    const database = await freshDatabase(ctx, kind);
    try {
      const first = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url });
      const workload = new NominationWorkload(ctx.slack, `term${kind === "postgres" ? "pg" : "file"}`, WORKSPACES);
      await workload.setUp(first.port);
      const result = await burst(first.port, workload.requests(SIZE));
      const acked = result.answers.filter((a) => a.status === 200).map((a) => a.index);
      // The signal comes once the follow-up work is under way (the workers wait while
      // requests are in flight, so right after the burst they may not have started).
      for (let waited = 0; workload.cards().total < FIRST_CARDS && waited < 10_000; waited += 20) await sleep(20);
      const cardsAtSignal = workload.cards().total;
      const signalled = performance.now();
      first.child.kill("SIGTERM");
      const killTimer = setTimeout(() => first.child.kill("SIGKILL"), KILL_AFTER_MS);
      const exitCode = await first.exited;
      clearTimeout(killTimer);
      const exitSeconds = (performance.now() - signalled) / 1000;
      // A backend notices its client is gone within moments; give it a second.
      let sessions = await database.sessions();
      for (let i = 0; i < 10 && sessions > 0; i++) {
        await sleep(100);
        sessions = await database.sessions();
      }
      const second = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url });
      try {
        const seconds = await workload.waitForCards(acked, RECOVERY_TIMEOUT_MS);
        const verdict = workload.verdict(acked);
        console.log(
          `  ${label}: SIGTERM with ${acked.length} acked and ${cardsAtSignal} cards up; exited (${exitCode}) after ${exitSeconds.toFixed(1)} s, ` +
            `${sessions} sessions left; new process: ${describeVerdict(verdict)}; ` +
            `${seconds === undefined ? `not all within ${RECOVERY_TIMEOUT_MS / 1000} s` : `all up ${seconds.toFixed(1)} s after the restart`}`,
        );
        const scenario = `sigterm (${label})`;
        recordAtMost(scenario, "time to exit", exitSeconds, EXIT_LIMIT_S, " s", 1);
        record({ scenario, measure: "exit code", value: String(exitCode), target: "0", pass: exitCode === 0 });
        if (kind === "postgres") recordAtMost(scenario, "sessions left after exit", sessions, 0, "", 0);
        recordAtMost(scenario, "acknowledged without a card", verdict.missing, 0, "", 0);
        recordAtMost(scenario, "cards posted twice", verdict.doubled, 0, "", 0);
      } finally {
        await stopDelight(second);
      }
    } finally {
      await database.dispose().catch(() => undefined);
    }
  }
}
