// kill: Delight (compiled, as in production) on a PGlite file and on PostgreSQL gets a burst of
// 300 nominations and is killed with SIGKILL after ~75 acks; a new process starts on the same
// database. Every acknowledged nomination must get its card, none twice. The Slack stand-in
// runs on across the restart, so it sees every post of both processes.
import { available, DATABASE_LABEL, freshDatabase, type BenchContext } from "../context.ts";
import { burst, startDelight, stopDelight } from "../harness.ts";
import { record, recordAtMost } from "../report.ts";
import { describeVerdict, NominationWorkload } from "../workload.ts";

const SIZE = 300;
const KILL_AFTER_ACKS = 75;
const WORKSPACES = 30;
const RECOVERY_TIMEOUT_MS = Number(process.env.BENCH_RECOVERY_TIMEOUT_S ?? 120) * 1000;

export async function runKill(ctx: BenchContext): Promise<void> {
  console.log(`\n== kill: SIGKILL after ${KILL_AFTER_ACKS} acks of a ${SIZE}-nomination burst, then restart`);
  for (const kind of available(ctx, ["pglite-file", "postgres"])) {
    const label = DATABASE_LABEL[kind];
    const database = await freshDatabase(ctx, kind);
    try {
      const first = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url });
      const workload = new NominationWorkload(ctx.slack, `kill${kind === "postgres" ? "pg" : "file"}`, WORKSPACES);
      await workload.setUp(first.port);
      let acks = 0;
      const result = await burst(first.port, workload.requests(SIZE), (answer) => {
        if (answer.status === 200 && ++acks === KILL_AFTER_ACKS) first.child.kill("SIGKILL");
      });
      await first.exited;
      const acked = result.answers.filter((a) => a.status === 200).map((a) => a.index);
      const cardsAtKill = workload.cards().total;
      const second = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url });
      try {
        const seconds = await workload.waitForCards(acked, RECOVERY_TIMEOUT_MS);
        const verdict = workload.verdict(acked);
        console.log(
          `  ${label}: killed with ${acked.length} acked (${cardsAtKill} cards up by then); restarted healthy in ${second.healthyAfterMs.toFixed(0)} ms; ` +
            `${describeVerdict(verdict)}; ${seconds === undefined ? `not all within ${RECOVERY_TIMEOUT_MS / 1000} s` : `all up ${seconds.toFixed(1)} s after the restart`}`,
        );
        const scenario = `kill (${label})`;
        record({
          scenario,
          measure: "acknowledged before SIGKILL",
          value: String(acked.length),
          target: `~${KILL_AFTER_ACKS}`,
        });
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
