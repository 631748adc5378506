// ack (closed loop): BENCH_REQUESTS `/delight` nominations over BENCH_CONCURRENCY keep-alive
// connections, each recorded in the database before its ack (the durable intake), throughput as
// a ratio to the bare Bolt app acking the same command; then how long the follow-up work (one
// approval card per nomination, paced at about 1 message a second per channel) takes to drain.
//
// Two load generators: the Node one below, which knows each answer (so every acknowledged
// nomination is checked for its card), and wrk where the machine has it (bench/wrk.ts), which
// measures the ceiling properly. With wrk present, its ratios are the verdict.
import { available, DATABASE_LABEL, withDelight, type BenchContext, type DatabaseKind } from "../context.ts";
import { formatRow, loadTest, NOMINATOR, signedSlashCommand, type LoadResult } from "../harness.ts";
import { record, recordAtLeast, recordAtMost } from "../report.ts";
import { describeVerdict, NominationWorkload, type CardVerdict } from "../workload.ts";
import { findWrk, wrkLoad } from "../wrk.ts";

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
// Cards are paced per approvals channel: spread them so the drain measures the app, not the pace.
const WORKSPACES = Number(process.env.BENCH_LOOP_WORKSPACES ?? 100);
const WARM_UP = 300;
const DRAIN_TIMEOUT_MS = 300_000;
const TARGET: Record<DatabaseKind, number> = { "pglite-memory": 0.25, "pglite-file": 0.25, postgres: 0.5 };
const WRK_SECONDS = Number(process.env.BENCH_WRK_SECONDS ?? 8);
// Delight's requests are each sent once (no repeats): enough for this rate over WRK_SECONDS.
const WRK_MAX_RATE = 16_000;

export async function runClosedLoop(ctx: BenchContext): Promise<void> {
  console.log(`\n== ack: closed loop, ${CONCURRENCY} connections, ${TOTAL} /delight nominations`);
  const bare = await ctx.bare();
  const bareRun = (total: number) =>
    loadTest(bare.port, {
      total,
      concurrency: CONCURRENCY,
      makeRequest: (i) =>
        signedSlashCommand(
          "/delight",
          `<@UALICE|alice> bare ${i} re-shipped the order overnight #attention`,
          NOMINATOR,
          `${ctx.slack.url}respond/bare`,
        ),
    });
  await bareRun(WARM_UP);
  // The bare app is measured before and after Delight and the faster run is the ceiling: on a
  // shared machine one run can be slowed by something else, which would flatter the ratio.
  const bareRuns: LoadResult[] = [await bareRun(TOTAL)];
  console.log(formatRow(`bare Bolt: ack only`, bareRuns[0]!));
  const delightRuns: Array<{ kind: DatabaseKind; result: LoadResult; drainedAfter?: number; verdict: CardVerdict }> =
    [];

  for (const kind of available(ctx, ["pglite-memory", "postgres"])) {
    await withDelight(ctx, kind, async (app) => {
      const label = DATABASE_LABEL[kind];
      const workload = new NominationWorkload(ctx.slack, `loop${kind === "postgres" ? "pg" : "mem"}`, WORKSPACES);
      await workload.setUp(app.port).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${app.output().slice(-3000)}`);
      });
      const acked: number[] = [];
      const run = (total: number, from: number) =>
        loadTest(app.port, {
          total,
          concurrency: CONCURRENCY,
          makeRequest: (i) => workload.requests(1, from + i)[0]!,
          onAnswer: (i, status) => {
            if (status === 200) acked.push(from + i);
          },
        });
      await run(WARM_UP, 0);
      const result = await run(TOTAL, WARM_UP);
      console.log(formatRow(`Delight (${label}): /delight nominations`, result, bareRuns[0]));
      const drainedAfter = await workload.waitForCards(acked, DRAIN_TIMEOUT_MS);
      const verdict = workload.verdict(acked);
      console.log(
        `  follow-up work: ${describeVerdict(verdict)}; ` +
          (drainedAfter === undefined
            ? `NOT drained within ${DRAIN_TIMEOUT_MS / 1000} s`
            : `every card up ${drainedAfter.toFixed(1)} s after the last ack (${WORKSPACES} approvals channels, paced)`),
      );
      delightRuns.push({ kind, result, drainedAfter, verdict });
    });
  }

  bareRuns.push(await bareRun(TOTAL));
  console.log(formatRow(`bare Bolt: ack only, again`, bareRuns[1]!));
  const baseline = bareRuns.reduce((a, b) => (a.throughput >= b.throughput ? a : b));
  const wrk = findWrk();
  const generator = wrk ? "Node generator" : "Node generator; no wrk here";
  record({
    scenario: "ack (closed loop)",
    measure: `bare Bolt req/s (faster of 2 runs, ${generator})`,
    value: baseline.throughput.toFixed(0),
    target: "(ceiling)",
  });
  for (const { kind, result, drainedAfter, verdict } of delightRuns) {
    const scenario = `ack (closed loop, ${DATABASE_LABEL[kind]})`;
    const ratio = result.throughput / baseline.throughput;
    if (wrk) {
      record({
        scenario,
        measure: "req/s ÷ bare Bolt's (Node generator)",
        value: `${ratio.toFixed(2)}×`,
        target: "(see wrk)",
      });
    } else {
      recordAtLeast(scenario, "req/s ÷ bare Bolt's (Node generator)", ratio, TARGET[kind], "×");
    }
    record({ scenario, measure: "ack p99", value: `${result.p99.toFixed(1)} ms`, target: "–" });
    recordAtMost(scenario, "acknowledged without a card / twice", verdict.missing + verdict.doubled, 0, "", 0);
    record({
      scenario,
      measure: "follow-up drained after",
      value: drainedAfter === undefined ? "not drained" : `${drainedAfter.toFixed(1)} s`,
      target: "(report)",
      pass: drainedAfter === undefined ? false : undefined,
    });
  }
  if (wrk) await runWithWrk(ctx, wrk);
  else
    console.log(
      "  (wrk not found: `apt-get install -y wrk` measures the ceiling without the Node generator's own cost)",
    );
}

/**
 * The same closed loop driven by wrk: the bare app before and after (the faster is the
 * ceiling), and Delight on each database with every request a distinct nomination. Only
 * throughput and latency: the cards are checked in the Node-driven run above.
 */
async function runWithWrk(ctx: BenchContext, wrk: string): Promise<void> {
  console.log(`\n== ack: closed loop driven by wrk, ${CONCURRENCY} connections, ${WRK_SECONDS} s each`);
  const bare = await ctx.bare();
  const bareRequests = Array.from({ length: 5_000 }, (_, i) =>
    signedSlashCommand(
      "/delight",
      `<@UALICE|alice> bare ${i} re-shipped the order overnight #attention`,
      NOMINATOR,
      `${ctx.slack.url}respond/bare`,
    ),
  );
  const bareRun = () =>
    wrkLoad(wrk, bare.port, bareRequests, { connections: CONCURRENCY, seconds: WRK_SECONDS, wrap: true });
  await wrkLoad(wrk, bare.port, bareRequests, { connections: CONCURRENCY, seconds: 2, wrap: true });
  const bareRuns: LoadResult[] = [await bareRun()];
  console.log(formatRow("bare Bolt: ack only (wrk)", bareRuns[0]!));
  const delightRuns: Array<{ kind: DatabaseKind; result: LoadResult }> = [];
  for (const kind of available(ctx, ["pglite-memory", "postgres"])) {
    await withDelight(ctx, kind, async (app) => {
      const workload = new NominationWorkload(ctx.slack, `wrk${kind === "postgres" ? "pg" : "mem"}`, WORKSPACES);
      await workload.setUp(app.port);
      await loadTest(app.port, {
        total: WARM_UP,
        concurrency: CONCURRENCY,
        makeRequest: (i) => workload.requests(1, i)[0]!,
      });
      const requests = workload.requests(WRK_MAX_RATE * WRK_SECONDS, WARM_UP);
      const result = await wrkLoad(wrk, app.port, requests, { connections: CONCURRENCY, seconds: WRK_SECONDS });
      console.log(formatRow(`Delight (${DATABASE_LABEL[kind]}, wrk)`, result, bareRuns[0]));
      delightRuns.push({ kind, result });
    });
  }
  bareRuns.push(await bareRun());
  console.log(formatRow("bare Bolt: ack only, again (wrk)", bareRuns[1]!));
  const baseline = bareRuns.reduce((a, b) => (a.throughput >= b.throughput ? a : b));
  record({
    scenario: "ack (closed loop)",
    measure: "bare Bolt req/s (faster of 2 runs, wrk)",
    value: baseline.throughput.toFixed(0),
    target: "(ceiling)",
  });
  for (const { kind, result } of delightRuns) {
    const scenario = `ack (closed loop, ${DATABASE_LABEL[kind]})`;
    recordAtLeast(scenario, "req/s ÷ bare Bolt's (wrk)", result.throughput / baseline.throughput, TARGET[kind], "×");
    record({ scenario, measure: "ack p99 (wrk)", value: `${result.p99.toFixed(1)} ms`, target: "–" });
    // A fast error is not an ack: wrk counts answers other than 2xx (and socket errors) here.
    recordAtMost(scenario, "answers other than 200 (wrk)", result.errors, 0, "", 0);
  }
}
