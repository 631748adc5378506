// outage: Slack's Web API answers 503 for 30 s while 20 nominations arrive. Every card must be
// posted once, the last within 30 s of Slack answering again. The nominations are spread over
// four workspaces so that per-channel pacing (1 message/s) is not what is measured.
import { withDelight, type BenchContext } from "../context.ts";
import { burst } from "../harness.ts";
import { recordAtMost } from "../report.ts";
import { describeVerdict, NominationWorkload, slackOutage } from "../workload.ts";

const COUNT = 20;
const OUTAGE_MS = 30_000;
const WORKSPACES = 4;
const TIMEOUT_MS = Number(process.env.BENCH_OUTAGE_TIMEOUT_S ?? 240) * 1000;

export async function runOutage(ctx: BenchContext): Promise<void> {
  console.log(`\n== outage: Slack answers 503 for ${OUTAGE_MS / 1000} s while ${COUNT} nominations arrive`);
  await withDelight(ctx, "pglite-memory", async (app) => {
    const workload = new NominationWorkload(ctx.slack, "outage", WORKSPACES);
    await workload.setUp(app.port);
    const { upAt } = slackOutage(ctx.slack, OUTAGE_MS);
    const result = await burst(app.port, workload.requests(COUNT));
    const acked = result.answers.filter((a) => a.status === 200).map((a) => a.index);
    const seconds = await workload.waitForCards(acked, OUTAGE_MS + TIMEOUT_MS);
    const verdict = workload.verdict(acked);
    const cards = workload.cards();
    const afterUp = seconds === undefined ? Infinity : Math.max(0, (cards.lastAt - upAt) / 1000);
    console.log(
      `  ${describeVerdict(verdict)}; ${seconds === undefined ? "not all posted" : `last card ${afterUp.toFixed(1)} s after Slack answered again`}`,
    );
    const scenario = "outage (PGlite in memory)";
    recordAtMost(scenario, "last card after Slack is back", afterUp, 30, " s", 1);
    recordAtMost(scenario, "acknowledged without a card", verdict.missing, 0, "", 0);
    recordAtMost(scenario, "cards posted twice", verdict.doubled, 0, "", 0);
  });
}
