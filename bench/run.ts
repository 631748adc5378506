// `npm run bench`: Delight's ack path under load, reported as a ratio to a bare Bolt app that
// only acks, measured in the same run on the same machine.
//   BENCH_REQUESTS (default 5000) requests per scenario, BENCH_CONCURRENCY (default 10).
import { SlackStandIn } from "../test/support/slack-stand-in.ts";
import {
  formatRow,
  loadTest,
  SIGNING_SECRET,
  signedSlashCommand,
  startAppProcess,
  type LoadResult,
} from "./harness.ts";

const total = Number(process.env.BENCH_REQUESTS ?? 5000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
const warmup = Math.min(500, Math.ceil(total / 5));

const slack = new SlackStandIn();
const apiUrl = await slack.start();
const responseUrl = `${slack.url}respond/bench`;
console.log(
  `Delight benchmark — ${total} signed slash commands per scenario, ${concurrency} connections, Node ${process.version}\n`,
);

const bare = await startAppProcess("bare-bolt", { SLACK_SIGNING_SECRET: SIGNING_SECRET });
const delight = await startAppProcess("delight", {
  SLACK_BOT_TOKEN: "xoxb-bench",
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: apiUrl,
  DATABASE_URL: "memory://",
  DELIGHT_ADMINS: "UBENCHADMIN",
  LOG_LEVEL: "error",
});

async function measure(port: number, text: string, command: string, user: string): Promise<LoadResult> {
  const request = signedSlashCommand(command, text, user, responseUrl);
  await loadTest(port, { total: warmup, concurrency, makeRequest: () => request });
  return loadTest(port, { total, concurrency, makeRequest: () => request });
}

try {
  const baseline = await measure(bare.port, "", "/delight-admin", "UBENCHADMIN");
  console.log(formatRow("bare Bolt: ack only", baseline));
  const admin = await measure(delight.port, "show", "/delight-admin", "UBENCHADMIN");
  console.log(formatRow("Delight: /delight-admin show", admin, baseline));
  // Let the work after each ack (database read, response_url post) finish before counting.
  await slack.waitFor(() => slack.responses().length >= warmup + total, 60_000).catch(() => undefined);
  console.log(
    `\n/delight-admin show: ${slack.responses().length} of ${warmup + total} replies delivered to response_url`,
  );
} finally {
  await bare.stop();
  await delight.stop();
  await slack.stop();
}
