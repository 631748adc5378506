// nominations: 1,000 `/delight` nominations in a closed loop (BENCH_CONCURRENCY connections),
// on PGlite in memory; then exactly one approval card per nomination at the Slack stand-in.
import { withDelight, type BenchContext } from "../context.ts";
import { formatRow, loadTest } from "../harness.ts";
import { recordAtMost } from "../report.ts";
import { describeVerdict, NominationWorkload } from "../workload.ts";

const COUNT = 1000;
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);

export async function runNominations(ctx: BenchContext): Promise<void> {
  console.log(`\n== nominations: ${COUNT} /delight nominations, closed loop of ${CONCURRENCY} (PGlite in memory)`);
  await withDelight(ctx, "pglite-memory", async (app) => {
    const workload = new NominationWorkload(ctx.slack, "nomloop", WORKSPACES);
    await workload.setUp(app.port);
    const requests = workload.requests(COUNT);
    const result = await loadTest(app.port, {
      total: COUNT,
      concurrency: CONCURRENCY,
      makeRequest: (i) => requests[i]!,
    });
    console.log(formatRow(`Delight: ${COUNT} /delight`, result));
    // loadTest counts errors only; with none, every nomination was acknowledged.
    const acked = Array.from({ length: COUNT }, (_, i) => i);
    const seconds = await workload.waitForCards(acked, 240_000);
    const verdict = workload.verdict(acked);
    console.log(
      `  cards: ${describeVerdict(verdict)}${seconds === undefined ? "" : `; all up after ${seconds.toFixed(1)} s`}`,
    );
    recordAtMost("nominations (closed loop)", "errors", result.errors, 0, "", 0);
    recordAtMost("nominations (closed loop)", "without a card", verdict.missing, 0, "", 0);
    recordAtMost("nominations (closed loop)", "cards posted twice", verdict.doubled, 0, "", 0);
  });
}
