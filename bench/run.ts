// `npm run bench [-- <scenario…>]`: Delight measured against a bare Bolt app that only acks,
// in the same run on the same machine, each scenario in bench/scenarios/. Ends with a summary
// table: every target, the figure measured, pass or fail (the exit code is 1 on a fail).
//   BENCH_DATABASE_URL=postgres://… (or a server on 127.0.0.1:5432) adds PostgreSQL; each
//   scenario creates a scratch database there and drops it afterwards.
import { SlackStandIn } from "../src/sandbox/slack-imitation.ts";
import { available, DATABASE_LABEL, freshDatabase, type BenchContext } from "./context.ts";
import { ensureBuilt, SIGNING_SECRET, startAppProcess, type RunningApp } from "./harness.ts";
import { postgresServer } from "./postgres.ts";
import { runDigestScenario } from "./digest.ts";
import { runReminderTickScenario } from "./reminder-tick.ts";
import { printSummary } from "./report.ts";
import { runBurst } from "./scenarios/burst.ts";
import { runChart } from "./scenarios/chart.ts";
import { runClosedLoop } from "./scenarios/closed-loop.ts";
import { runDirectory } from "./scenarios/directory.ts";
import { runExport } from "./scenarios/export.ts";
import { runImport } from "./scenarios/import.ts";
import { runKill } from "./scenarios/kill.ts";
import { runKillEvents } from "./scenarios/kill-events.ts";
import { runMemory } from "./scenarios/memory.ts";
import { runNominations } from "./scenarios/nominations.ts";
import { runOutage } from "./scenarios/outage.ts";
import { runRateLimit } from "./scenarios/ratelimit.ts";
import { runRetention } from "./scenarios/retention.ts";
import { runSigterm } from "./scenarios/sigterm.ts";
import { runStartup } from "./scenarios/startup.ts";
import { runSurprisesScenario } from "./surprises.ts";
import { runWebhooks } from "./scenarios/webhooks.ts";
import { runWorkspaces } from "./scenarios/workspaces.ts";
import { addBenchUsers } from "./workload.ts";

const scenarios: Record<string, (ctx: BenchContext) => Promise<void>> = {
  startup: runStartup,
  burst: runBurst,
  ack: runClosedLoop,
  nominations: runNominations,
  kill: runKill,
  "kill-events": runKillEvents,
  sigterm: runSigterm,
  ratelimit: runRateLimit,
  outage: runOutage,
  memory: runMemory,
  surprises: (ctx) => runSurprisesScenario(ctx.slack, ctx.apiUrl),
  digest: () => runDigestScenario(),
  export: runExport,
  import: runImport,
  chart: () => runChart(),
  directory: runDirectory,
  webhooks: runWebhooks,
  workspaces: runWorkspaces,
  retention: runRetention,
  reminders: async (ctx) => {
    for (const kind of available(ctx, ["pglite-memory", "postgres"])) {
      await runReminderTickScenario(ctx.slack, ctx.apiUrl, {
        label: DATABASE_LABEL[kind],
        fresh: async () => {
          const database = await freshDatabase(ctx, kind);
          return { url: database.url, dispose: database.dispose };
        },
      });
    }
  },
};

const requested = process.argv.slice(2);
const selected = requested.length > 0 ? requested : Object.keys(scenarios);
for (const name of selected) {
  if (!scenarios[name]) throw new Error(`Unknown scenario "${name}"; choose from ${Object.keys(scenarios).join(", ")}`);
}

ensureBuilt();
const slack = new SlackStandIn();
const apiUrl = await slack.start();
addBenchUsers(slack);
let bare: RunningApp | undefined;
const ctx: BenchContext = {
  slack,
  apiUrl,
  postgres: await postgresServer(),
  bare: async () => (bare ??= await startAppProcess("bare-bolt", { SLACK_SIGNING_SECRET: SIGNING_SECRET })),
};
console.log(
  `Delight benchmark — Node ${process.version}, ${(await import("node:os")).cpus().length} cores, ` +
    `PostgreSQL: ${ctx.postgres ? ctx.postgres.replace(/\/\/[^@]*@/, "//…@") : "not reachable (skipped)"}; scenarios: ${selected.join(", ")}`,
);

try {
  for (const name of selected) {
    try {
      await scenarios[name]!(ctx);
    } catch (error) {
      // One broken scenario must not hide the others' figures.
      console.error(
        `  scenario ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      process.exitCode = 1;
    }
  }
} finally {
  await bare?.stop();
  await slack.stop();
}
printSummary();
