// ack (closed loop): BENCH_REQUESTS `/delight-admin show` commands over BENCH_CONCURRENCY
// keep-alive connections (a database read and a response_url reply each), throughput as a
// ratio to the bare Bolt app; then how long the follow-up work takes to drain.
import { available, DATABASE_LABEL, withDelight, type BenchContext, type DatabaseKind } from "../context.ts";
import { ADMIN_USER, formatRow, loadTest, metric, NOMINATOR, signedSlashCommand, sleep } from "../harness.ts";
import { record, recordAtLeast } from "../report.ts";

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const DRAIN_TIMEOUT_MS = 180_000;
const TARGET: Record<DatabaseKind, number> = { "pglite-memory": 0.25, "pglite-file": 0.25, postgres: 0.5 };

export async function runClosedLoop(ctx: BenchContext): Promise<void> {
  console.log(`\n== ack: closed loop, ${CONCURRENCY} connections, ${TOTAL} requests`);
  const bare = await ctx.bare();
  const bareRun = (total: number) =>
    loadTest(bare.port, {
      total,
      concurrency: CONCURRENCY,
      makeRequest: () => signedSlashCommand("/delight", "", NOMINATOR, `${ctx.slack.url}respond/bare`),
    });
  await bareRun(500); // warm-up
  const baseline = await bareRun(TOTAL);
  console.log(formatRow(`bare Bolt: ack only`, baseline));
  record({
    scenario: "ack (closed loop)",
    measure: "bare Bolt req/s",
    value: baseline.throughput.toFixed(0),
    target: "(ceiling)",
  });

  for (const kind of available(ctx, ["pglite-memory", "postgres"])) {
    await withDelight(ctx, kind, async (app) => {
      const label = DATABASE_LABEL[kind];
      const run = (total: number, tag: string) =>
        loadTest(app.port, {
          total,
          concurrency: CONCURRENCY,
          makeRequest: (i) =>
            signedSlashCommand("/delight-admin", "show", ADMIN_USER, `${ctx.slack.url}respond/${tag}-${i}`),
        });
      const tag = `loop${kind === "postgres" ? "pg" : "mem"}`;
      await run(500, `${tag}warm`);
      const result = await run(TOTAL, tag);
      const finishedAt = Date.now();
      console.log(formatRow(`Delight (${label}): /delight-admin show`, result, baseline));
      // Drained: every reply reached response_url and (where the app reports it) no job waits.
      const replied = () =>
        ctx.slack.responses().filter((r) => String(r.args.response_id).startsWith(`${tag}-`)).length;
      let drainedAfter: number | undefined;
      while (Date.now() - finishedAt < DRAIN_TIMEOUT_MS) {
        const waiting = await metric(app.port, "delight_jobs_waiting");
        if (replied() >= TOTAL && (waiting ?? 0) === 0) {
          drainedAfter = (Date.now() - finishedAt) / 1000;
          break;
        }
        await sleep(100);
      }
      console.log(
        `  follow-up work drained ${drainedAfter === undefined ? `NOT within ${DRAIN_TIMEOUT_MS / 1000} s` : `${drainedAfter.toFixed(1)} s after the last ack`} (${replied()} of ${TOTAL} response_url replies)`,
      );
      const scenario = `ack (closed loop, ${label})`;
      recordAtLeast(scenario, "req/s ÷ bare Bolt's", result.throughput / baseline.throughput, TARGET[kind], "×");
      record({ scenario, measure: "ack p99", value: `${result.p99.toFixed(1)} ms`, target: "–" });
      record({
        scenario,
        measure: "follow-up drained after",
        value: drainedAfter === undefined ? "not drained" : `${drainedAfter.toFixed(1)} s`,
        target: "(report)",
        pass: drainedAfter === undefined ? false : undefined,
      });
    });
  }
}
