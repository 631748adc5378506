// burst: 1,000 `/delight` nominations, each on its own connection, all opened at once, against
// the bare Bolt app and Delight (PGlite in memory, PostgreSQL). Ack p50/p99/max, acks within
// Slack's 3 s; then every acknowledged nomination must get exactly one approval card.
import { available, DATABASE_LABEL, withDelight, type BenchContext } from "../context.ts";
import { burst, formatRow, loadTest, NOMINATOR, signedSlashCommand, type BurstResult } from "../harness.ts";
import { record, recordAtMost } from "../report.ts";
import { describeVerdict, NominationWorkload } from "../workload.ts";

const SIZE = Number(process.env.BENCH_BURST ?? 1000);
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 50);
const CARD_TIMEOUT_MS = Number(process.env.BENCH_CARD_TIMEOUT_S ?? 240) * 1000;

function burstRow(label: string, result: BurstResult, baseline?: BurstResult): string {
  return `${formatRow(label, result, baseline)}\n${" ".repeat(41)}acked within 3 s: ${result.ackedIn3s} of ${result.answers.length}`;
}

export async function runBurst(ctx: BenchContext): Promise<void> {
  console.log(`\n== burst: ${SIZE} concurrent /delight nominations (${SIZE} connections opened at once)`);
  const bare = await ctx.bare();
  const bareRequests = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      signedSlashCommand("/delight", `bare ${i}`, NOMINATOR, `${ctx.slack.url}respond/bare`),
    );
  await burst(bare.port, bareRequests(100)); // warm-up
  const baseline = await burst(bare.port, bareRequests(SIZE));
  console.log(burstRow(`bare Bolt: burst of ${SIZE}`, baseline));
  record({
    scenario: "burst",
    measure: "bare Bolt ack p99 / max",
    value: `${baseline.p99.toFixed(0)} / ${baseline.max.toFixed(0)} ms`,
    target: "(ceiling)",
  });

  for (const kind of available(ctx, ["pglite-memory", "postgres"])) {
    await withDelight(ctx, kind, async (app) => {
      const label = DATABASE_LABEL[kind];
      const workload = new NominationWorkload(ctx.slack, `burst${kind === "postgres" ? "pg" : "mem"}`, WORKSPACES);
      await workload.setUp(app.port);
      // Warm the JIT on a cheap command first, as the bare app was warmed.
      await loadTest(app.port, {
        total: 50,
        concurrency: 5,
        makeRequest: () => signedSlashCommand("/delight", "help", NOMINATOR, `${ctx.slack.url}respond/warm`),
      });
      const result = await burst(app.port, workload.requests(SIZE));
      console.log(burstRow(`Delight (${label}): burst of ${SIZE}`, result, baseline));
      const acked = result.answers.filter((a) => a.status === 200).map((a) => a.index);
      const seconds = await workload.waitForCards(acked, CARD_TIMEOUT_MS);
      const verdict = workload.verdict(acked);
      console.log(
        `  cards (${WORKSPACES} workspaces, one approvals channel each): ${describeVerdict(verdict)}; ` +
          (seconds === undefined
            ? `not all within ${CARD_TIMEOUT_MS / 1000} s`
            : `all up after ${seconds.toFixed(1)} s`),
      );
      const scenario = `burst (${label})`;
      recordAtMost(scenario, "ack p99 ÷ bare Bolt's p99", result.p99 / baseline.p99, 2, "×");
      recordAtMost(scenario, "slowest ack", result.max, 3000, " ms", 0);
      record({
        scenario,
        measure: "acked within 3 s",
        value: `${result.ackedIn3s} of ${SIZE}`,
        target: `${SIZE} of ${SIZE}`,
        pass: result.ackedIn3s === SIZE,
      });
      recordAtMost(scenario, "acknowledged without a card", verdict.missing, 0, "", 0);
      recordAtMost(scenario, "cards posted twice", verdict.doubled, 0, "", 0);
    });
  }
}
