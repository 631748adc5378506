// Nominations on every database target, with the real job queue and outbox against the Slack
// stand-in: first use of a workspace, one card under concurrency, one decision among
// concurrent managers, follow-ups exactly once however often they run, a card that appears
// after the decision, one nomination per form view.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { createLogger } from "../../../src/app.ts";
import { openDatabase, type Database } from "../../../src/db/database.ts";
import { addManagers, setChannel } from "../../../src/features/admin/settings.ts";
import { CARD_EVENT_TYPE, publishApprovalCard, queueWaitingCards } from "../../../src/features/nominations/cards.ts";
import { decideNomination, runFollowUps } from "../../../src/features/nominations/decisions.ts";
import { saveNomination } from "../../../src/features/nominations/intake.ts";
import { registerNominationJobs } from "../../../src/features/nominations/jobs.ts";
import type { AppDeps } from "../../../src/deps.ts";
import { JobStore } from "../../../src/jobs/durable-queue.ts";
import { RetryLater } from "../../../src/jobs/queue.ts";
import { JobWorkers } from "../../../src/jobs/workers.ts";
import { DurableOutbox } from "../../../src/slack/durable-outbox.ts";
import { Pacer } from "../../../src/slack/pacer.ts";
import { createRoleLookup, SlackUsers } from "../../../src/slack/roles.ts";
import { databaseTargets } from "../../support/databases.ts";
import { SlackStandIn } from "../../../src/sandbox/slack-imitation.ts";
import { TestClock } from "../../support/test-app.ts";

const logger = createLogger("error");
const fast = { perSecond: 500, burst: 100 };

describe.each(databaseTargets())("nominations publication on $name", (target) => {
  let slack: SlackStandIn;
  let apiUrl: string;
  let db: Database;
  let deps: AppDeps;
  let workers: JobWorkers;
  let outbox: DurableOutbox;

  beforeAll(async () => {
    slack = new SlackStandIn();
    apiUrl = await slack.start();
    for (const id of ["UA", "UB", "UC", "UM1", "UM2", "UM3"]) slack.addUser({ id, name: id });
  });
  afterAll(async () => {
    await slack.stop();
    await target.cleanup();
  });
  beforeEach(async () => {
    slack.reset();
    db = await openDatabase(await target.create());
    const client = new webApi.WebClient("xoxb-test", {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    outbox = new DurableOutbox({
      prisma: db.prisma,
      client,
      pacer: new Pacer(db.prisma, { rates: { channel: fast, workspace: fast, tier3: fast, tier4: fast } }),
      logger,
    });
    workers = new JobWorkers({
      store: new JobStore(db.prisma),
      logger,
      outboxFor: (job) => outbox.forTeam(job.teamId),
      instanceId: "test",
      pollMs: 50,
    });
    const users = new SlackUsers(client);
    deps = {
      config: {} as AppDeps["config"],
      prisma: db.prisma,
      clock: new TestClock(),
      logger,
      users,
      roles: createRoleLookup({ prisma: db.prisma, users, configuredAdmins: [] }),
      jobs: workers,
    };
    registerNominationJobs(deps, client);
  });
  afterEach(async () => {
    await workers.stop(1_000);
    await db.close();
  });

  const nominate = (teamId: string, story = "saved the day", extra: { sourceViewId?: string } = {}) =>
    saveNomination(deps, {
      workspace: { teamId },
      nominatorId: "UA",
      nomineeIds: ["UB", "UC"],
      story,
      values: ["listen"],
      ...extra,
    });
  const cards = (channel: string) => (slack.messages.get(channel) ?? []).filter((m) => !m.thread_ts);

  it("creates the workspace on its first nomination, waits for a channel, then posts one card under concurrency", async () => {
    const { nomination, created } = await nominate("TNEW");
    expect([created, nomination.status]).toEqual([true, "pending"]);
    const team = outbox.forTeam("TNEW");
    expect(await publishApprovalCard(deps, team, nomination.id)).toEqual({ kind: "no-channel" });

    await setChannel(db.prisma, { teamId: "TNEW" }, "approvals", "CAPP");
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => publishApprovalCard(deps, team, nomination.id)),
    );
    // One posts; a caller that finds the write in flight elsewhere is told to come back later
    // (its job is rescheduled), and then finds it done.
    for (const result of results) {
      if (result.status === "rejected") expect(result.reason).toBeInstanceOf(RetryLater);
    }
    expect(results.some((r) => r.status === "fulfilled" && r.value.kind === "posted")).toBe(true);
    expect(await publishApprovalCard(deps, team, nomination.id)).toEqual({ kind: "posted", channelId: "CAPP" });
    expect(cards("CAPP")).toHaveLength(1);
    expect(cards("CAPP")[0]?.metadata).toMatchObject({
      event_type: CARD_EVENT_TYPE,
      event_payload: { nomination_id: nomination.id },
    });
    const row = await db.prisma.nomination.findUniqueOrThrow({ where: { id: nomination.id } });
    expect(row.approvalMessageTs).toBe(cards("CAPP")[0]?.ts);
    expect(row.controlsMessageTs).toBeTruthy();
    expect((slack.messages.get("CAPP") ?? []).filter((m) => m.thread_ts)).toHaveLength(1);
  });

  it("lets one decision win among concurrent managers, and refuses non-managers and other workspaces", async () => {
    await addManagers(db.prisma, { teamId: "TDEC" }, ["UM1", "UM2", "UM3"], "UADMIN");
    const { nomination } = await nominate("TDEC");
    const decide = (deciderId: string, teamId = "TDEC", reject = false) =>
      decideNomination(deps, {
        teamId,
        nominationId: nomination.id,
        deciderId,
        decision: reject ? { kind: "reject", reason: "no" } : { kind: "approve" },
      });
    expect((await decide("USTAFF")).kind).toBe("not-manager");
    expect((await decide("UM1", "TOTHER")).kind).toBe("not-found");
    const outcomes = await Promise.all([decide("UM1"), decide("UM2", "TDEC", true), decide("UM3"), decide("UM1")]);
    expect(outcomes.filter((o) => o.kind === "decided")).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "already-decided")).toHaveLength(3);
  });

  it("runs the follow-ups of a decision exactly once however often they run, concurrently too", async () => {
    const teamId = "TFOLLOW";
    await setChannel(db.prisma, { teamId }, "approvals", "CAPPF");
    await setChannel(db.prisma, { teamId }, "stories", "CSTORIES");
    await addManagers(db.prisma, { teamId }, ["UM1"], "UADMIN");
    const { nomination } = await nominate(teamId);
    const team = outbox.forTeam(teamId);
    await publishApprovalCard(deps, team, nomination.id);
    await decideNomination(deps, {
      teamId,
      nominationId: nomination.id,
      deciderId: "UM1",
      decision: { kind: "approve" },
    });
    const runs = await Promise.allSettled([1, 2, 3].map(() => runFollowUps(deps, team, nomination.id)));
    // A run that found another run's write in flight is told to come back later; one more run finishes.
    await runFollowUps(deps, team, nomination.id);
    await runFollowUps(deps, team, nomination.id);
    expect(runs.some((r) => r.status === "fulfilled")).toBe(true);
    expect(cards("CSTORIES")).toHaveLength(1);
    expect(slack.postsTo("DUB")).toHaveLength(1);
    expect(slack.postsTo("DUC")).toHaveLength(1);
    expect(slack.postsTo("DUA")).toHaveLength(1);
    expect((slack.messages.get("CAPPF") ?? []).filter((m) => m.thread_ts)).toHaveLength(2); // buttons + note
    expect(slack.callsTo("chat.update")).toHaveLength(2); // card + buttons
    const row = await db.prisma.nomination.findUniqueOrThrow({ where: { id: nomination.id } });
    expect(row).toMatchObject({ status: "approved", storyChannelId: "CSTORIES" });
  });

  it("a card that goes up after the decision shows the decision and gets the follow-ups", async () => {
    const teamId = "TLATE";
    await addManagers(db.prisma, { teamId }, ["UM1"], "UADMIN");
    const { nomination } = await nominate(teamId);
    // Decided (from App Home, say) before any approvals channel exists: nothing to update yet.
    await decideNomination(deps, {
      teamId,
      nominationId: nomination.id,
      deciderId: "UM1",
      decision: { kind: "approve" },
    });
    await runFollowUps(deps, outbox.forTeam(teamId), nomination.id);
    expect(slack.callsTo("chat.update")).toHaveLength(0);
    await setChannel(db.prisma, { teamId }, "approvals", "CAPPL");
    await publishApprovalCard(deps, outbox.forTeam(teamId), nomination.id);
    await workers.drain();
    expect(cards("CAPPL")).toHaveLength(1);
    expect(JSON.stringify(slack.postsTo("CAPPL")[0]?.args)).toContain("Approved");
    // No live buttons for a decided nomination; the decision note is in the thread.
    const thread = (slack.messages.get("CAPPL") ?? []).filter((m) => m.thread_ts);
    expect(thread).toHaveLength(1);
    expect(JSON.stringify(thread[0]?.text)).toContain("Approved");
    expect(slack.postsTo("DUB")).toHaveLength(1);
  });

  it("saves one nomination per form view, even submitted twice at once", async () => {
    const results = await Promise.all([
      nominate("TVIEW", "twice", { sourceViewId: "V1" }),
      nominate("TVIEW", "twice", { sourceViewId: "V1" }),
    ]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0]?.nomination.id).toBe(results[1]?.nomination.id);
    expect(await db.prisma.nomination.count({ where: { teamId: "TVIEW" } })).toBe(1);
  });

  it("queues the waiting cards once a channel is set, retrying cards Slack refused before", async () => {
    const teamId = "TWAIT";
    await setChannel(db.prisma, { teamId }, "approvals", "CNOTIN");
    const { nomination } = await nominate(teamId);
    slack.fail("chat.postMessage", { status: 200, slackError: "not_in_channel" });
    expect(await publishApprovalCard(deps, outbox.forTeam(teamId), nomination.id)).toEqual({
      kind: "failed",
      channelId: "CNOTIN",
    });
    await nominate(teamId, "another");
    // The admin invites the app and sets the channel again.
    expect(await queueWaitingCards(deps, teamId, "after-invite")).toBe(2);
    await workers.drain();
    expect(cards("CNOTIN")).toHaveLength(2);
    expect(await db.prisma.nomination.count({ where: { teamId, approvalMessageTs: null } })).toBe(0);
  });
});
