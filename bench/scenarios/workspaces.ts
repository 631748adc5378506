// workspaces: the burst of `burst.ts` (1,000 `/delight` nominations, each on its own
// connection, all at once, spread over 50 workspaces configured just before) against Delight
// in distribution mode ("Add to Slack": 50 installations, each request authorised through the
// installation store) and in single-workspace mode (SLACK_BOT_TOKEN), alternating in the same
// run, each beside the bare Bolt app's burst. Target (issue 20): distribution's ack p99 within
// 1.2× of single-workspace mode's: authorising a request must not add a database round trip
// to every ack (installations are cached in memory, invalidated on change).
//   BENCH_WORKSPACES_RUNS  runs of each mode per database (default 2)
//   BENCH_BURST (1000), BENCH_WORKSPACES (50), BENCH_BURST_GAP_MS (1500)
//   BENCH_WORKSPACES_CARDS=1  also waits for every acknowledged nomination's card (first run of each mode)
import { installWorkspace } from "../../test/support/install.ts";
import { available, DATABASE_LABEL, freshDatabase, type BenchContext, type DatabaseKind } from "../context.ts";
import {
  ADMIN_USER,
  burst,
  loadTest,
  freshBareBurst,
  NOMINATOR,
  signedSlashCommand,
  sleep,
  startDelight,
  stopDelight,
  type DelightProcess,
} from "../harness.ts";
import { record, recordAtMost } from "../report.ts";
import { describeVerdict, NominationWorkload } from "../workload.ts";

const SIZE = Number(process.env.BENCH_BURST ?? 1000);
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 50);
const GAP_MS = Number(process.env.BENCH_BURST_GAP_MS ?? 1500);
const RUNS = Number(process.env.BENCH_WORKSPACES_RUNS ?? 2);
type Mode = "single" | "distribution";
const CARDS = process.env.BENCH_WORKSPACES_CARDS === "1";
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");
/** BENCH_WORKSPACES_MODES=distribution runs one mode only (looking into it). */
const MODES = (process.env.BENCH_WORKSPACES_MODES?.split(",") ?? ["single", "distribution"]) as Mode[];
const SHORT: Record<DatabaseKind, string> = { "pglite-memory": "mem", "pglite-file": "file", postgres: "pg" };

interface Figures {
  p50: number;
  p99: number;
  errors: number;
  /** The failed answers by HTTP status (0: none within the client's 30 s). */
  statuses: string;
  bareP99: number;
}

const s = (value: number) => `${(value / 1000).toFixed(2)} s`;

async function runOnce(ctx: BenchContext, kind: DatabaseKind, mode: Mode, run: number): Promise<Figures> {
  const database = await freshDatabase(ctx, kind);
  let app: DelightProcess | undefined;
  try {
    app = await startDelight({
      slackApiUrl: ctx.apiUrl,
      databaseUrl: database.url,
      ...(mode === "distribution"
        ? {
            extra: {
              SLACK_CLIENT_ID: ctx.slack.oauth.clientId,
              SLACK_CLIENT_SECRET: ctx.slack.oauth.clientSecret,
              SLACK_STATE_SECRET: "bench-state-secret-0123456789",
              DELIGHT_ENCRYPTION_KEY: ENCRYPTION_KEY,
            },
          }
        : {}),
    });
    const port = app.port;
    const workload = new NominationWorkload(ctx.slack, `w${SHORT[kind]}${mode[0]}${run}`, WORKSPACES);
    if (mode === "distribution") {
      // Each workspace installed as a browser does it: /slack/install → the imitation's
      // authorize page → /slack/oauth_redirect with the state cookie.
      const url = `http://127.0.0.1:${port}`;
      ctx.slack.oauth.redirectUrl = `${url}/slack/oauth_redirect`;
      for (const team of workload.teams) {
        const outcome = await installWorkspace(
          { url, slack: ctx.slack },
          { teamId: team.teamId, teamName: team.teamId, userId: ADMIN_USER },
        );
        if (outcome.status !== 200) throw new Error(`installing ${team.teamId} failed: HTTP ${outcome.status}`);
      }
    }
    // Warm the JIT on a cheap command first; the bare app (for reference) is a fresh process
    // warmed the same way (freshBareBurst).
    const warmUp = (port: number) =>
      loadTest(port, {
        total: 50,
        concurrency: 5,
        makeRequest: (i) =>
          signedSlashCommand(
            "/delight",
            "help",
            NOMINATOR,
            `${ctx.slack.url}respond/warm`,
            workload.teams[i % workload.teams.length]!.teamId,
          ),
      });
    await warmUp(port);
    const baseline = await freshBareBurst(
      warmUp,
      Array.from({ length: SIZE }, (_, i) =>
        signedSlashCommand("/delight", `bare ${i}`, NOMINATOR, `${ctx.slack.url}respond/bare`),
      ),
    );
    await workload.configure(port);
    await sleep(GAP_MS);
    const result = await burst(port, workload.requests(SIZE));
    const failed = result.answers.filter((a) => a.status !== 200).map((a) => a.status);
    const statuses = [...new Set(failed)]
      .map((status) => `HTTP ${status}: ${failed.filter((f) => f === status).length}`)
      .join(", ");
    const figures = { p50: result.p50, p99: result.p99, errors: result.errors, statuses, bareP99: baseline.p99 };
    console.log(
      `  ${mode.padEnd(12)} run ${run}: p50 ${s(figures.p50)}  p99 ${s(figures.p99)}  errors ${figures.errors}${statuses ? ` (${statuses})` : ""}` +
        `  (bare Bolt p99 ${s(figures.bareP99)}, ×${(figures.p99 / figures.bareP99).toFixed(2)})`,
    );
    if (result.errors > 0) {
      // What the process said (its exit, an error) explains unanswered requests better than their count.
      const alive = app.child.exitCode === null && app.child.signalCode === null;
      console.log(
        `          Delight ${alive ? "still running" : `exited (${app.child.exitCode ?? app.child.signalCode})`}; its last output:\n${app.output().slice(-1500)}`,
      );
    }
    if (CARDS && run === 1) {
      const acked = result.answers.filter((a) => a.status === 200).map((a) => a.index);
      const seconds = await workload.waitForCards(acked, 240_000);
      console.log(
        `          cards: ${describeVerdict(workload.verdict(acked))}; ${seconds === undefined ? "not all within 240 s" : `all up after ${seconds.toFixed(1)} s`}`,
      );
    }
    return figures;
  } finally {
    if (app) await stopDelight(app);
    await database.dispose().catch(() => undefined);
  }
}

export async function runWorkspaces(ctx: BenchContext): Promise<void> {
  console.log(
    `\n== workspaces: ${SIZE} concurrent /delight nominations over ${WORKSPACES} workspaces, ` +
      `distribution mode (${WORKSPACES} installations) vs single-workspace mode, ${RUNS} runs each, alternating`,
  );
  for (const kind of available(ctx, ["pglite-memory", "postgres"])) {
    const label = DATABASE_LABEL[kind];
    console.log(`\n  ${label}:`);
    const byMode: Record<Mode, Figures[]> = { single: [], distribution: [] };
    for (let run = 1; run <= RUNS; run++) {
      for (const mode of MODES) byMode[mode].push(await runOnce(ctx, kind, mode, run));
    }
    // Medians of the runs: the machine is shared, one run's p99 can be one stall.
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;
    const single = median(byMode.single.map((f) => f.p99));
    const distribution = median(byMode.distribution.map((f) => f.p99));
    const ratio = distribution / single;
    const errors = [...byMode.single, ...byMode.distribution].reduce((n, f) => n + f.errors, 0);
    console.log(
      `  median p99: distribution ${s(distribution)}, single workspace ${s(single)}: ×${ratio.toFixed(2)}; ` +
        `bare Bolt ${s(median([...byMode.single, ...byMode.distribution].map((f) => f.bareP99)))}`,
    );
    const scenario = `workspaces (${label}, median of ${RUNS})`;
    recordAtMost(scenario, "ack p99 distribution ÷ single workspace", ratio, 1.2, "×");
    record({ scenario, measure: "failed acks (all runs)", value: String(errors), target: "0", pass: errors === 0 });
  }
}
