// ratelimit: the Slack stand-in allows 1 message/s per channel (burst 3) and answers 429 with
// Retry-After beyond it, like Slack's chat.postMessage. 40 nominations in one workspace: how
// many 429s per message posted, and the total time against the ideal pace (every post to the
// approvals channel, cards and their thread replies, spaced exactly 1 s apart after the burst).
// Once on one instance (PGlite in memory), once on two instances sharing PostgreSQL, the
// nominations split between them: together they must keep the one channel's pace.
import { available, DATABASE_LABEL, freshDatabase, type BenchContext, type DatabaseKind } from "../context.ts";
import { burst, sleep, startDelight, stopDelight, type BurstResult, type DelightProcess } from "../harness.ts";
import { recordAtMost } from "../report.ts";
import { describeVerdict, NominationWorkload } from "../workload.ts";

const COUNT = 40;
const LIMIT = { perSecond: 1, burst: 3 };
const TIMEOUT_MS = Number(process.env.BENCH_RATELIMIT_TIMEOUT_S ?? 300) * 1000;

export async function runRateLimit(ctx: BenchContext): Promise<void> {
  console.log(
    `\n== ratelimit: Slack allows ${LIMIT.perSecond} message/s per channel (burst ${LIMIT.burst}); ${COUNT} nominations`,
  );
  for (const [kind, instances] of [
    ["pglite-memory", 1],
    ["postgres", 2],
  ] as Array<[DatabaseKind, number]>) {
    if (!available(ctx, [kind]).includes(kind)) continue;
    const database = await freshDatabase(ctx, kind);
    const apps: DelightProcess[] = [];
    try {
      for (let i = 0; i < instances; i++) {
        apps.push(await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url }));
      }
      await measure(ctx, apps, `${DATABASE_LABEL[kind]}, ${instances} ${instances === 1 ? "instance" : "instances"}`);
    } finally {
      for (const app of apps) await stopDelight(app);
      await database.dispose().catch(() => undefined);
    }
  }
}

async function measure(ctx: BenchContext, apps: DelightProcess[], label: string): Promise<void> {
  const workload = new NominationWorkload(ctx.slack, `rate${apps.length}`, 1);
  await workload.setUp(apps[0]!.port);
  const channel = workload.teams[0]!.channel;
  ctx.slack.limitPostsPerChannel(LIMIT);
  try {
    const limitedBefore = ctx.slack.rateLimitedCalls.length;
    const started = Date.now();
    // Round-robin over the instances, as a load balancer would.
    const requests = workload.requests(COUNT);
    const results: BurstResult[] = await Promise.all(
      apps.map((app, k) =>
        burst(
          app.port,
          requests.filter((_, i) => i % apps.length === k),
        ),
      ),
    );
    const acked = results.flatMap((result, k) =>
      result.answers.filter((a) => a.status === 200).map((a) => a.index * apps.length + k),
    );
    await workload.waitForCards(acked, TIMEOUT_MS, 0);
    // The thread replies (buttons) come after the cards: wait until the channel is quiet.
    let posts = workload.posts().length;
    for (let quietFor = 0; quietFor < 5_000 && Date.now() - started < TIMEOUT_MS; quietFor += 250) {
      await sleep(250);
      const now = workload.posts().length;
      if (now !== posts) quietFor = 0;
      posts = now;
    }
    const sent = workload.posts();
    const lastAt = Math.max(...sent.map((c) => c.at));
    const limited = ctx.slack.rateLimitedCalls.slice(limitedBefore).filter((c) => c.args.channel === channel).length;
    const totalSeconds = (lastAt - started) / 1000;
    const idealSeconds = Math.max(1, (sent.length - LIMIT.burst) / LIMIT.perSecond);
    const verdict = workload.verdict(acked);
    console.log(
      `  ${label}: ${sent.length} messages posted to the approvals channel, ${limited} answered 429 (${(limited / sent.length).toFixed(2)} per message); ` +
        `last after ${totalSeconds.toFixed(1)} s, ideal pace ${idealSeconds.toFixed(0)} s (×${(totalSeconds / idealSeconds).toFixed(2)}); ${describeVerdict(verdict)}`,
    );
    const scenario = `ratelimit (${label})`;
    recordAtMost(scenario, "429 answers per message posted", limited / sent.length, 0.25);
    recordAtMost(scenario, "total time ÷ ideal pace", totalSeconds / idealSeconds, 1.5, "×");
    recordAtMost(scenario, "acknowledged without a card", verdict.missing, 0, "", 0);
    recordAtMost(scenario, "cards posted twice", verdict.doubled, 0, "", 0);
  } finally {
    ctx.slack.limitPostsPerChannel(undefined);
  }
}
