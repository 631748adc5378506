// `npm run bench [-- ack nominations reminders digest]`: Delight under load, reported as a ratio to a
// bare Bolt app that only acks, measured in the same run on the same machine.
//   BENCH_REQUESTS (default 5000) requests for the ack scenario, BENCH_CONCURRENCY (default 10).
import { SlackStandIn } from "../test/support/slack-stand-in.ts";
import {
  formatRow,
  loadTest,
  SIGNING_SECRET,
  signedSlashCommand,
  startAppProcess,
  type LoadResult,
} from "./harness.ts";
import { runDigestScenario } from "./digest.ts";
import { runReminderTickScenario } from "./reminder-tick.ts";

const total = Number(process.env.BENCH_REQUESTS ?? 5000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
const BURST = 1000;
const APPROVALS_CHANNEL = "C0APPROVALS";
const known = ["ack", "nominations", "reminders", "digest"];
const selected = process.argv.slice(2).length > 0 ? process.argv.slice(2) : known;
for (const name of selected) {
  if (!known.includes(name)) throw new Error(`Unknown scenario "${name}"; choose from ${known.join(", ")}`);
}

const slack = new SlackStandIn();
const apiUrl = await slack.start();
const responseUrl = `${slack.url}respond/bench`;
slack.addUser({ id: "UBENCHADMIN", name: "Admin" });
slack.addUser({ id: "UNOMINATOR", name: "Nina" });
for (const id of ["UALICE", "UBOB"]) slack.addUser({ id, name: id.slice(1) });
console.log(
  `Delight benchmark — Node ${process.version}, ${concurrency} connections, scenarios: ${selected.join(", ")}\n`,
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

async function measure(port: number, count: number, makeText: (i: number) => string, command: string, user: string) {
  return loadTest(port, {
    total: count,
    concurrency,
    makeRequest: (i) => signedSlashCommand(command, makeText(i), user, responseUrl),
  });
}

function cardsPosted(): number {
  return slack.postsTo(APPROVALS_CHANNEL).filter((call) => call.args.thread_ts === undefined).length;
}

try {
  let baseline: LoadResult | undefined;
  if (selected.includes("ack") || selected.includes("nominations")) {
    await measure(bare.port, 500, () => "", "/delight", "UNOMINATOR"); // warm-up
    baseline = await measure(bare.port, total, () => "", "/delight", "UNOMINATOR");
    console.log(formatRow(`bare Bolt: ack only (${total})`, baseline));
  }

  if (selected.includes("ack")) {
    const warmupBefore = slack.responses().length;
    await measure(delight.port, 500, () => "show", "/delight-admin", "UBENCHADMIN"); // warm-up
    await slack.waitFor(() => slack.responses().length >= warmupBefore + 500, 60_000).catch(() => undefined);
    const before = slack.responses().length;
    const admin = await measure(delight.port, total, () => "show", "/delight-admin", "UBENCHADMIN");
    console.log(formatRow(`Delight: /delight-admin show (${total})`, admin, baseline));
    // Let the work after each ack (database read, response_url post) finish before counting.
    await slack.waitFor(() => slack.responses().length >= before + total, 120_000).catch(() => undefined);
    console.log(`  replies delivered to response_url: ${slack.responses().length - before} of ${total}\n`);
  }

  if (selected.includes("nominations")) {
    await measure(
      delight.port,
      1,
      () => `channel approvals <#${APPROVALS_CHANNEL}|approvals>`,
      "/delight-admin",
      "UBENCHADMIN",
    );
    await slack.waitFor(() => slack.callsTo("conversations.join").length > 0 || slack.responses().length > 0, 10_000);
    const bareBurst = await measure(bare.port, BURST, () => "", "/delight", "UNOMINATOR");
    console.log(formatRow(`bare Bolt: burst of ${BURST}`, bareBurst));
    const cardsBefore = cardsPosted();
    const burst = await measure(
      delight.port,
      BURST,
      (i) => `<@UALICE|alice> <@UBOB|bob> saved order #${i} with a handwritten note #attention #delight`,
      "/delight",
      "UNOMINATOR",
    );
    console.log(formatRow(`Delight: burst of ${BURST} /delight`, burst, bareBurst));
    await slack.waitFor(() => cardsPosted() - cardsBefore >= BURST, 120_000).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // anything posted twice would show up now
    const cards = cardsPosted() - cardsBefore;
    console.log(
      `  approval cards at the Slack stand-in: ${cards} for ${BURST} nominations (${cards === BURST ? "exactly one each" : "MISMATCH"})\n`,
    );
    if (cards !== BURST) process.exitCode = 1;
  }
} finally {
  await bare.stop();
  await delight.stop();
}

if (selected.includes("reminders")) await runReminderTickScenario(slack, apiUrl);
if (selected.includes("digest")) await runDigestScenario();
await slack.stop();
