// directory: ten managers ask `/delight stats` and `/delight insights` at once in a workspace
// of 5,000 people, on a Slack imitation that gives users.list and conversations.members Tier 2
// limits (20 calls a minute, 429 + Retry-After past that) and takes about 2 s to process an
// upload. Delight starts with an empty directory: the first job sweeps it (paced), the others
// wait for it, then everything reads the database. Targets (issue 19): every answer within
// 30 s, at most 5 users.list calls, no 429. Its own imitation, so the 5,000 people stay out of
// the other scenarios.
import { performance } from "node:perf_hooks";
import { SlackStandIn, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { available, DATABASE_LABEL, freshDatabase, type BenchContext } from "../context.ts";
import { ADMIN_USER, burst, signedSlashCommand, sleep, startDelight, stopDelight, TEAM_ID } from "../harness.ts";
import { record, recordAtMost } from "../report.ts";

const PEOPLE = 5_000;
const MANAGERS = Array.from({ length: 10 }, (_, i) => `UMANAGER${i}`);
const STORIES_CHANNEL = "C0DIRSTORIES";
const TIMEOUT_MS = 120_000;

export async function runDirectory(ctx: BenchContext): Promise<void> {
  console.log(
    `\n== directory: ${MANAGERS.length} managers' /delight stats and /delight insights at once, ${PEOPLE.toLocaleString("en")} people (Tier 2 users.list and conversations.members)`,
  );
  for (const kind of available(ctx, ["pglite-memory", "postgres"])) {
    const slack = new SlackStandIn();
    const apiUrl = await slack.start();
    const database = await freshDatabase(ctx, kind);
    const app = await startDelight({ slackApiUrl: apiUrl, databaseUrl: database.url });
    try {
      fillWorkspace(slack);
      await setUp(slack, app.port);
      await measure(slack, app.port, DATABASE_LABEL[kind]);
    } finally {
      await stopDelight(app);
      await database.dispose().catch(() => undefined);
      await slack.stop();
    }
  }
}

/** 5,000 members in users.list: the app's own bot user, the admin, ten managers and everyone else. */
function fillWorkspace(slack: SlackStandIn): void {
  slack.addUser({ id: ADMIN_USER, name: "admin" });
  for (const id of MANAGERS) slack.addUser({ id, name: id.toLowerCase() });
  for (let i = 0; slack.users.size < PEOPLE; i++) {
    slack.addUser({ id: `UPERSON${String(i).padStart(5, "0")}`, name: `person${i}`, real_name: `Person ${i}` });
  }
  slack.workspace.channels.set(STORIES_CHANNEL, { id: STORIES_CHANNEL, name: "customer-wins" });
  slack.channelMembers.set(STORIES_CHANNEL, [...slack.users.keys()]);
}

async function command(slack: SlackStandIn, port: number, text: string, userId: string, id: string) {
  const url = slack.responseUrl(id, { kind: "command" });
  const [answer] = (await burst(port, [signedSlashCommand("/delight", text, userId, url, TEAM_ID, `trigger-${id}`)]))
    .answers;
  return answer?.status ?? 0;
}

async function setUp(slack: SlackStandIn, port: number): Promise<void> {
  const mentions = MANAGERS.map((id) => `<@${id}|${id.toLowerCase()}>`).join(" ");
  for (const [i, text] of [
    `managers add ${mentions}`,
    `channel stories <#${STORIES_CHANNEL}|customer-wins>`,
  ].entries()) {
    const signed = signedSlashCommand("/delight-admin", text, ADMIN_USER, slack.responseUrl(`setup-${i}`), TEAM_ID);
    const [answer] = (await burst(port, [signed])).answers;
    if (answer?.status !== 200) throw new Error(`/delight-admin ${text} answered ${answer?.status}`);
  }
  // Let the set-up's follow-ups (joining the channel) finish before the measured burst.
  await sleep(1_000);
}

async function measure(slack: SlackStandIn, port: number, label: string): Promise<void> {
  const before = slack.calls.length;
  const limitedBefore = slack.rateLimitedCalls.length;
  const asks = MANAGERS.flatMap((id, i) => [
    { id: `stats-${i}`, text: "stats", userId: id },
    { id: `insights-${i}`, text: "insights", userId: id },
  ]);
  const started = performance.now();
  const startedAt = Date.now();
  const statuses = await Promise.all(asks.map((a) => command(slack, port, a.text, a.userId, a.id)));
  const answeredAt = new Map<string, number>();
  const answered = (call: RecordedCall) =>
    call.effect !== "refused" &&
    (/Delight stats/.test(JSON.stringify(call.args)) || /slack_file|Charts couldn't/.test(JSON.stringify(call.args)));
  while (answeredAt.size < asks.length && performance.now() - started < TIMEOUT_MS) {
    for (const call of slack.responses()) {
      const id = String(call.args.response_id);
      if (!answeredAt.has(id) && asks.some((a) => a.id === id) && answered(call))
        answeredAt.set(id, call.at - startedAt);
    }
    await sleep(100);
  }
  const calls = slack.calls.slice(before);
  const count = (method: string) => calls.filter((c) => c.method === method).length;
  const limited = slack.rateLimitedCalls.length - limitedBefore;
  const slowest = Math.max(...answeredAt.values(), 0) / 1000;
  const stats = asks.filter((a) => a.text === "stats").map((a) => answeredAt.get(a.id) ?? NaN);
  const insights = asks.filter((a) => a.text === "insights").map((a) => answeredAt.get(a.id) ?? NaN);
  const images = slack
    .responses()
    .filter((c) => /insights-/.test(String(c.args.response_id)) && c.effect !== "refused")
    .filter((c) => JSON.stringify(c.args).includes("slack_file")).length;
  console.log(
    `  ${label}: ${answeredAt.size}/${asks.length} answered (acks ${statuses.filter((s) => s === 200).length}/${asks.length}); ` +
      `stats within ${(Math.max(...stats) / 1000).toFixed(1)} s, insights within ${(Math.max(...insights) / 1000).toFixed(1)} s (${images} with images); ` +
      `users.list ${count("users.list")} calls, conversations.members ${count("conversations.members")}, users.info ${count("users.info")}, files.info ${count("files.info")}; 429 answers: ${limited}`,
  );
  const scenario = `directory (${label})`;
  recordAtMost(scenario, "slowest of 20 answers", answeredAt.size === asks.length ? slowest : Infinity, 30, " s", 1);
  recordAtMost(scenario, "users.list calls", count("users.list"), 5, "", 0);
  recordAtMost(scenario, "429 answers", limited, 0, "", 0);
  record({
    scenario,
    measure: "conversations.members calls",
    value: String(count("conversations.members")),
    target: "–",
  });
}
