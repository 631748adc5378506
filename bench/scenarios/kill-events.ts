// kill-events: a manager's ✅ on 20 approval cards, and Delight (compiled, on a PGlite file and
// on PostgreSQL) SIGKILLed the moment each ✅ is answered 200, then started again on the same
// database. Slack never sends an event again once it saw a 200, so every one of the 20
// approvals must happen, each once: judged from what the Slack stand-in saw (one story post
// per nomination in the stories channel).
import http from "node:http";
import { performance } from "node:perf_hooks";
import { available, DATABASE_LABEL, freshDatabase, type BenchContext } from "../context.ts";
import {
  ADMIN_USER,
  burst,
  signedEvent,
  signedSlashCommand,
  sleep,
  startDelight,
  stopDelight,
  type DelightProcess,
  type SignedRequest,
} from "../harness.ts";
import { record, recordAtMost } from "../report.ts";
import { NominationWorkload } from "../workload.ts";

const REACTIONS = 20;
const WORKSPACES = 5;
const MANAGER = "UBENCHMGR";
const RECOVERY_TIMEOUT_MS = Number(process.env.BENCH_RECOVERY_TIMEOUT_S ?? 180) * 1000;

/**
 * Sends one event and SIGKILLs the app the moment a 200 comes back (on the response's
 * status line, before its body is even read). Like Slack, an event not answered 200 is
 * delivered again, up to 3 times, with `x-slack-retry-num`. Resolves with the statuses.
 */
async function deliverThenKillOn200(app: DelightProcess, request: SignedRequest): Promise<number[]> {
  const statuses: number[] = [];
  for (let retry = 0; retry <= 3; retry++) {
    const headers =
      retry === 0
        ? request.headers
        : { ...request.headers, "x-slack-retry-num": String(retry), "x-slack-retry-reason": "http_error" };
    const status = await new Promise<number>((resolve) => {
      const req = http.request(
        { host: "127.0.0.1", port: app.port, path: "/slack/events", method: "POST", headers, agent: false },
        (res) => {
          if (res.statusCode === 200) app.child.kill("SIGKILL");
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", () => resolve(res.statusCode ?? 0));
        },
      );
      req.setTimeout(30_000, () => req.destroy());
      req.on("error", () => resolve(0));
      req.end(request.body);
    });
    statuses.push(status);
    if (status === 200) break;
  }
  return statuses;
}

export async function runKillEvents(ctx: BenchContext): Promise<void> {
  console.log(`\n== kill-events: SIGKILL right after each of ${REACTIONS} ✅ reactions is answered 200, then restart`);
  ctx.slack.addUser({ id: MANAGER, name: "Manager" });
  for (const kind of available(ctx, ["pglite-file", "postgres"])) {
    const label = DATABASE_LABEL[kind];
    const tag = `evk${kind === "postgres" ? "pg" : "file"}`;
    const database = await freshDatabase(ctx, kind);
    let app: DelightProcess | undefined;
    try {
      app = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url });
      const workload = new NominationWorkload(ctx.slack, tag, WORKSPACES);
      // A cold process on a busy machine may take more than Slack's 3 s over its first
      // requests: warm it up, so the set-up's commands are answered (not what is measured).
      for (let k = 0; k < 5; k++) {
        const warm = signedSlashCommand("/delight-admin", "show", ADMIN_USER, `${ctx.slack.url}respond/${tag}-warm`);
        if ((await burst(app.port, [warm])).errors === 0) break;
      }
      await workload.setUp(app.port);
      const storiesChannel = (k: number) => `C${tag.toUpperCase()}STORY${k}`;
      // Each workspace: a stories channel (where an approval shows) and a manager.
      const settings = workload.teams.flatMap((team, k) => [
        signedSlashCommand(
          "/delight-admin",
          `channel stories <#${storiesChannel(k)}|stories-${k}>`,
          ADMIN_USER,
          `${ctx.slack.url}respond/${tag}-stories-${k}`,
          team.teamId,
        ),
        signedSlashCommand(
          "/delight-admin",
          `managers add <@${MANAGER}|manager>`,
          ADMIN_USER,
          `${ctx.slack.url}respond/${tag}-managers-${k}`,
          team.teamId,
        ),
      ]);
      for (const request of settings) {
        const answer = await burst(app.port, [request]);
        if (answer.errors > 0) throw new Error(`a /delight-admin command failed (${answer.answers[0]?.status})`);
      }
      const nominations = await burst(app.port, workload.requests(REACTIONS));
      if (nominations.errors > 0) throw new Error(`${nominations.errors} nominations were not acknowledged`);
      const all = Array.from({ length: REACTIONS }, (_, i) => i);
      if ((await workload.waitForCards(all, 120_000, 0)) === undefined) throw new Error("not every card came up");
      const cardTs = (i: number): string => {
        const team = workload.teams[i % workload.teams.length]!;
        const token = new RegExp(`${workload.token(i)}(?!\\d)`);
        const card = (ctx.slack.messages.get(team.channel) ?? []).find(
          (m) => !m.thread_ts && token.test(JSON.stringify(m)),
        );
        if (!card) throw new Error(`no card for nomination ${i}`);
        return card.ts;
      };

      let answered200 = 0;
      let restartMs = 0;
      const started = performance.now();
      for (let i = 0; i < REACTIONS; i++) {
        const team = workload.teams[i % workload.teams.length]!;
        const reaction = signedEvent(team.teamId, `Ev${tag.toUpperCase()}${i}`, {
          type: "reaction_added",
          user: MANAGER,
          reaction: "white_check_mark",
          item: { type: "message", channel: team.channel, ts: cardTs(i) },
          item_user: "UBENCHBOT",
          event_ts: `${Date.now() / 1000}`,
        });
        const statuses = await deliverThenKillOn200(app, reaction);
        if (statuses.at(-1) === 200) answered200 += 1;
        if (statuses.length > 1) {
          console.log(`  ${label}: reaction ${i} answered ${statuses.join(", ")} (Slack retries until a 200)`);
        }
        if (statuses.at(-1) !== 200) app.child.kill("SIGKILL");
        await app.exited;
        const t0 = performance.now();
        app = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url });
        restartMs += performance.now() - t0;
      }
      const killedFor = (performance.now() - started) / 1000;

      // Every approval shows as one story post in its workspace's stories channel.
      const postsOf = (i: number) => {
        // The token and no more digits: nomination 1's token is a prefix of nomination 11's.
        const token = new RegExp(`${workload.token(i)}(?!\\d)`);
        return (ctx.slack.messages.get(storiesChannel(i % WORKSPACES)) ?? []).filter((m) =>
          token.test(JSON.stringify(m)),
        );
      };
      const storyPosts = (i: number) => postsOf(i).length;
      const waitStarted = performance.now();
      while (performance.now() - waitStarted < RECOVERY_TIMEOUT_MS && all.some((i) => storyPosts(i) === 0)) {
        await sleep(250);
      }
      const approvedAfter = (performance.now() - waitStarted) / 1000;
      await sleep(3_000); // a second post would show by now
      const approved = all.filter((i) => storyPosts(i) >= 1).length;
      const twice = all.filter((i) => storyPosts(i) > 1).length;
      for (const i of all.filter((n) => storyPosts(n) > 1)) {
        const posts = postsOf(i);
        console.log(
          `  ${label}: nomination ${i} story posted ${posts.length} times: ${posts.map((m) => `ts ${m.ts} key ${JSON.stringify((m.metadata as { event_payload?: { outbox_key?: string } } | undefined)?.event_payload?.outbox_key)}`).join("; ")}`,
        );
      }
      console.log(
        `  ${label}: ${answered200} of ${REACTIONS} ✅ answered 200, each followed by SIGKILL and a restart ` +
          `(${(restartMs / REACTIONS / 1000).toFixed(1)} s per restart, ${killedFor.toFixed(0)} s in all); ` +
          `${approved} of ${REACTIONS} approved (${approved === REACTIONS ? `all within ${approvedAfter.toFixed(1)} s of the last restart` : `not all within ${RECOVERY_TIMEOUT_MS / 1000} s`}), ${twice} approved twice`,
      );
      const scenario = `kill-events (${label})`;
      record({
        scenario,
        measure: "✅ answered 200, then SIGKILL",
        value: String(answered200),
        target: String(REACTIONS),
        pass: answered200 === REACTIONS,
      });
      record({
        scenario,
        measure: "approvals that happened",
        value: `${approved}/${REACTIONS}`,
        target: `${REACTIONS}/${REACTIONS}`,
        pass: approved === REACTIONS,
      });
      recordAtMost(scenario, "approvals posted twice", twice, 0, "", 0);
    } finally {
      if (app) await stopDelight(app);
      await database.dispose().catch(() => undefined);
    }
  }
}
