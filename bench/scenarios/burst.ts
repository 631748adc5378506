// burst: 1,000 `/delight` nominations, each on its own connection, all opened at once, right
// after an admin configured 50 workspaces (an approvals channel and a manager each: 100 signed
// `/delight-admin` commands), so that their follow-up work (joining the channels) is still
// queued when the burst comes, as in real use. Repeated on fresh databases (PGlite in memory,
// a PGlite file, PostgreSQL), each run side by side with the bare Bolt app acking the same
// burst just before: ack p50/p99/max, acks past Slack's 3 s, p99 as a ratio to the bare app's;
// then every acknowledged nomination must get exactly one approval card.
// The bare app is a fresh process in every run, warmed exactly as Delight is (freshBareBurst).
//   BENCH_BURST_RUNS_MEMORY / _FILE / _POSTGRES  runs per database (default 5 / 3 / 2)
//   BENCH_BURST (1000), BENCH_WORKSPACES (50), BENCH_BURST_GAP_MS (1500: set-up → burst)
//   BENCH_BURST_CARDS  first (default: the first run of each database) | all | none
import { available, DATABASE_LABEL, withDelight, type BenchContext, type DatabaseKind } from "../context.ts";
import {
  ackHistogram,
  burst,
  freshBareBurst,
  loadTest,
  NOMINATOR,
  signedSlashCommand,
  sleep,
  type BurstResult,
} from "../harness.ts";
import { record, recordAtMost } from "../report.ts";
import { describeVerdict, NominationWorkload } from "../workload.ts";

const SIZE = Number(process.env.BENCH_BURST ?? 1000);
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 50);
const GAP_MS = Number(process.env.BENCH_BURST_GAP_MS ?? 1500);
const CARD_TIMEOUT_MS = Number(process.env.BENCH_CARD_TIMEOUT_S ?? 240) * 1000;
const CARDS = process.env.BENCH_BURST_CARDS ?? "first";
const RUNS: Record<DatabaseKind, number> = {
  "pglite-memory": Number(process.env.BENCH_BURST_RUNS_MEMORY ?? 5),
  "pglite-file": Number(process.env.BENCH_BURST_RUNS_FILE ?? 3),
  postgres: Number(process.env.BENCH_BURST_RUNS_POSTGRES ?? 2),
};
const SHORT: Record<DatabaseKind, string> = { "pglite-memory": "mem", "pglite-file": "file", postgres: "pg" };
const SLACK_ACK_MS = 3_000;

interface RunFigures {
  run: number;
  p50: number;
  p99: number;
  max: number;
  /** Answered 200 but after Slack's 3 s. */
  late: number;
  /** Not answered 200 at all. */
  errors: number;
  /** Their answers: HTTP status (0: no answer within the client's 30 s, or the connection failed). */
  errorStatuses: string;
  bareP99: number;
  ratio: number;
  /** Channel joins (the set-up's follow-up work) still not done when the burst started. */
  joinsPending: number;
  /**
   * The burst's commands as Delight itself timed them (delight_ack_seconds: from the request
   * reaching its listeners to the ack): how many, and how many past 3 s. Far fewer past 3 s
   * than the client saw means the time went before the listeners (accepting, parsing).
   */
  inside?: { count: number; late: number };
}

const ms = (value: number) => `${(value / 1000).toFixed(2)} s`;

function describeRun(f: RunFigures): string {
  return (
    `  run ${String(f.run).padStart(2)}: p50 ${ms(f.p50)}  p99 ${ms(f.p99)}  acks > 3 s ${String(f.late).padStart(4)}` +
    `  slowest ${ms(f.max)}  errors ${f.errors}${f.errors > 0 ? ` (${f.errorStatuses})` : ""}  bare p99 ${ms(f.bareP99)}  ratio ×${f.ratio.toFixed(2)}` +
    `  (joins pending at the burst: ${f.joinsPending} of ${WORKSPACES}` +
    (f.inside ? `; Delight's own clock: ${f.inside.late} of ${f.inside.count} acks past 3 s)` : ")")
  );
}

export async function runBurst(ctx: BenchContext): Promise<void> {
  console.log(
    `\n== burst: ${SIZE} concurrent /delight nominations over ${WORKSPACES} workspaces, ` +
      `${GAP_MS} ms after configuring them (${WORKSPACES * 2} /delight-admin commands)`,
  );
  const bareRequests = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      signedSlashCommand("/delight", `bare ${i}`, NOMINATOR, `${ctx.slack.url}respond/bare`),
    );
  // Both apps get the same warm-up: a cheap command, 50 times, 5 at a time.
  const warmUp = (port: number) =>
    loadTest(port, {
      total: 50,
      concurrency: 5,
      makeRequest: () => signedSlashCommand("/delight", "help", NOMINATOR, `${ctx.slack.url}respond/warm`),
    });

  for (const kind of available(ctx, ["pglite-memory", "pglite-file", "postgres"])) {
    const label = DATABASE_LABEL[kind];
    const runs: RunFigures[] = [];
    console.log(`\n  ${label}: ${RUNS[kind]} runs, each on a fresh database and a fresh process`);
    for (let run = 1; run <= RUNS[kind]; run++) {
      await withDelight(ctx, kind, async (app) => {
        await warmUp(app.port);
        // The bare app's burst in the same run, while Delight is idle (started, nothing queued):
        // a fresh process, warmed the same way, on its first burst like Delight.
        const baseline = await freshBareBurst(warmUp, bareRequests(SIZE));

        const workload = new NominationWorkload(ctx.slack, `b${SHORT[kind]}${run}`, WORKSPACES);
        await workload.configure(app.port).catch((error: unknown) => {
          throw new Error(`${String(error)}\n${app.output().slice(-3000)}`);
        });
        const histogramBefore = await ackHistogram(app.port, "command", 3);
        await sleep(GAP_MS);
        const channels = new Set(workload.teams.map((team) => team.channel));
        const joinsPending = [...channels].filter((channel) => !ctx.slack.memberOf.has(channel)).length;
        const result: BurstResult = await burst(app.port, workload.requests(SIZE));
        const histogramAfter = await ackHistogram(app.port, "command", 3);
        const ok = result.answers.filter((a) => a.status === 200);
        const figures: RunFigures = {
          run,
          p50: result.p50,
          p99: result.p99,
          max: result.max,
          late: ok.filter((a) => a.ms >= SLACK_ACK_MS).length,
          errors: result.errors,
          errorStatuses: [...new Set(result.answers.filter((a) => a.status !== 200).map((a) => a.status))]
            .map((status) => `HTTP ${status}: ${result.answers.filter((a) => a.status === status).length}`)
            .join(", "),
          bareP99: baseline.p99,
          ratio: result.p99 / baseline.p99,
          joinsPending,
          inside:
            histogramBefore && histogramAfter
              ? {
                  count: histogramAfter.count - histogramBefore.count,
                  late: histogramAfter.count - histogramBefore.count - (histogramAfter.within - histogramBefore.within),
                }
              : undefined,
        };
        runs.push(figures);
        console.log(describeRun(figures));

        if (CARDS === "all" || (CARDS === "first" && run === 1)) {
          const acked = ok.map((a) => a.index);
          const seconds = await workload.waitForCards(acked, CARD_TIMEOUT_MS);
          const verdict = workload.verdict(acked);
          console.log(
            `          cards: ${describeVerdict(verdict)}; ` +
              (seconds === undefined
                ? `not all within ${CARD_TIMEOUT_MS / 1000} s`
                : `all up after ${seconds.toFixed(1)} s`),
          );
          const scenario = `burst (${label}, run ${run})`;
          recordAtMost(scenario, "acknowledged without a card", verdict.missing, 0, "", 0);
          recordAtMost(scenario, "cards posted twice", verdict.doubled, 0, "", 0);
        }
      });
    }
    if (runs.length === 0) continue;
    const worst = {
      p99: Math.max(...runs.map((r) => r.p99)),
      max: Math.max(...runs.map((r) => r.max)),
      late: Math.max(...runs.map((r) => r.late + r.errors)),
      ratio: Math.max(...runs.map((r) => r.ratio)),
    };
    console.log(
      `  worst of ${runs.length}: p99 ${ms(worst.p99)}  slowest ${ms(worst.max)}  ` +
        `acks > 3 s or failed ${worst.late}  ratio ×${worst.ratio.toFixed(2)}`,
    );
    const scenario = `burst (${label}, worst of ${runs.length})`;
    recordAtMost(scenario, "ack p99 ÷ bare Bolt's p99", worst.ratio, 2, "×");
    recordAtMost(scenario, "slowest ack", worst.max, SLACK_ACK_MS, " ms", 0);
    record({
      scenario,
      measure: "acks past 3 s or failed (one run)",
      value: String(worst.late),
      target: "0",
      pass: worst.late === 0,
    });
  }
}
