// The nominations service on every database target: first use of a workspace, exactly-once
// card posting and decisions under concurrency.
import { afterAll, describe, expect, it } from "vitest";
import type { webApi } from "@slack/bolt";
import { openDatabase } from "../../../src/db/database.ts";
import { addManagers, setChannel } from "../../../src/features/admin/settings.ts";
import {
  announceDecision,
  CARD_EVENT_TYPE,
  createNomination,
  decideNomination,
  postApprovalCard,
  postWaitingCards,
  submitNomination,
  sweepUnfinishedFollowUps,
  sweepWaitingCards,
} from "../../../src/features/nominations/service.ts";
import { createRoleLookup, type SlackUsers } from "../../../src/slack/roles.ts";
import { databaseTargets } from "../../support/databases.ts";
import { TestClock } from "../../support/test-app.ts";

const silentLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => "error",
  setName: () => undefined,
} as never;

/** A Web API client that only records chat.postMessage (slowly, to widen race windows). */
function recordingClient() {
  const posts: Array<Record<string, unknown>> = [];
  const deleted: Array<Record<string, unknown>> = [];
  /** What conversations.history answers. */
  const history: Array<Record<string, unknown>> = [];
  let ts = 1;
  const client = {
    chat: {
      postMessage: async (args: Record<string, unknown>) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        posts.push(args);
        return { ok: true, ts: `${ts++}.000` };
      },
      update: async () => ({ ok: true }),
      delete: async (args: Record<string, unknown>) => {
        deleted.push(args);
        return { ok: true };
      },
    },
    conversations: {
      history: async () => ({ ok: true, messages: history, has_more: false }),
    },
  } as unknown as webApi.WebClient;
  return { client, posts, deleted, history };
}

/**
 * A Web API client for the crash and race tests: records every call, lets a test hold a
 * chat.postMessage until it says so (`gate`), and fail the methods it names.
 */
function scriptedClient() {
  const calls: Array<{ method: string; args: Record<string, unknown> }> = [];
  const history: Array<Record<string, unknown>> = [];
  const replies: Array<Record<string, unknown>> = [];
  const failing = new Set<string>();
  let gate: ((args: Record<string, unknown>) => Promise<void> | undefined) | undefined;
  let ts = 100;
  const record = (method: string) => async (args: Record<string, unknown>) => {
    calls.push({ method, args });
    if (failing.has(method)) throw new Error(`${method} failed`);
    return { ok: true };
  };
  const client = {
    chat: {
      postMessage: async (args: Record<string, unknown>) => {
        const mine = `${ts++}.000`;
        await gate?.(args);
        calls.push({ method: "chat.postMessage", args: { ...args, ts: mine } });
        if (failing.has("chat.postMessage")) throw new Error("chat.postMessage failed");
        return { ok: true, ts: mine };
      },
      update: record("chat.update"),
      delete: record("chat.delete"),
    },
    conversations: {
      open: async (args: { users: string }) => {
        calls.push({ method: "conversations.open", args });
        if (failing.has("conversations.open")) throw new Error("conversations.open failed");
        return { ok: true, channel: { id: `D${args.users}` } };
      },
      history: async (args: Record<string, unknown>) => {
        calls.push({ method: "conversations.history", args });
        return { ok: true, messages: history, has_more: false };
      },
      replies: async (args: Record<string, unknown>) => {
        calls.push({ method: "conversations.replies", args });
        return { ok: true, messages: replies, has_more: false };
      },
    },
  } as unknown as webApi.WebClient;
  const posts = () => calls.filter((c) => c.method === "chat.postMessage").map((c) => c.args);
  return {
    client,
    calls,
    history,
    replies,
    failing,
    posts,
    cards: () => posts().filter((p) => !p.thread_ts && !String(p.channel).startsWith("D")),
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    holdPosts(match: (args: Record<string, unknown>) => boolean) {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let reached!: () => void;
      const arrived = new Promise<void>((resolve) => (reached = resolve));
      gate = (args) => {
        if (!match(args)) return undefined;
        gate = undefined;
        reached();
        return released;
      };
      return { arrived, release };
    },
  };
}

describe.each(databaseTargets())("nominations service on $name", (target) => {
  afterAll(() => target.cleanup());

  /** A fresh database, a workspace with an approvals channel, and a scripted Slack client. */
  async function workspaceWithApprovals(teamId: string) {
    const db = await openDatabase(await target.create());
    const clock = new TestClock();
    const deps = { prisma: db.prisma, clock, logger: silentLogger };
    const team = { teamId };
    await setChannel(db.prisma, team, "approvals", "CAPP");
    return { db, clock, deps, team, slack: scriptedClient() };
  }

  it("creates the workspace on its first nomination and posts each card once under concurrency", async () => {
    const db = await openDatabase(await target.create());
    const deps = { prisma: db.prisma, clock: new TestClock(), logger: silentLogger };
    const team = { teamId: "TNEW" };
    const n = await createNomination(deps, {
      workspace: team,
      nominatorId: "UA",
      nomineeIds: ["UB"],
      story: "s",
      values: ["listen"],
    });
    expect(n.status).toBe("pending");
    const { client, posts } = recordingClient();
    expect(await postApprovalCard(deps, client, n)).toEqual({ kind: "no-channel" });

    await setChannel(db.prisma, team, "approvals", "CAPP");
    for (let i = 0; i < 4; i++) {
      await createNomination(deps, {
        workspace: team,
        nominatorId: "UA",
        nomineeIds: ["UB"],
        story: `${i}`,
        values: [],
      });
    }
    const results = await Promise.all([
      postApprovalCard(deps, client, n.id),
      postApprovalCard(deps, client, n.id),
      postWaitingCards(deps, client, team),
      postWaitingCards(deps, client, team),
    ]);
    // Whoever claims first posts; the others stand back (the waiting-card sweeps may win too).
    const direct = [results[0], results[1]] as Array<{ kind: string }>;
    expect(direct.filter((r) => r.kind === "posted").length).toBeLessThanOrEqual(1);
    expect(direct.every((r) => r.kind === "posted" || r.kind === "already-claimed")).toBe(true);
    const cards = posts.filter((p) => !p.thread_ts);
    expect(cards).toHaveLength(5);
    const rows = await db.prisma.nomination.findMany({ where: { teamId: "TNEW" } });
    expect(rows.every((r) => r.approvalMessageTs && r.controlsMessageTs && r.cardClaimedAt)).toBe(true);
    await db.close();
  });

  it("lets one decision win among concurrent managers, and refuses non-managers", async () => {
    const db = await openDatabase(await target.create());
    const clock = new TestClock();
    const roles = createRoleLookup({ prisma: db.prisma, users: {} as SlackUsers, configuredAdmins: [] });
    const deps = { prisma: db.prisma, clock, logger: silentLogger, roles };
    const team = { teamId: "TDEC" };
    await addManagers(db.prisma, team, ["UM1", "UM2", "UM3"], "UADMIN");
    const n = await createNomination(deps, {
      workspace: team,
      nominatorId: "UA",
      nomineeIds: ["UB"],
      story: "s",
      values: [],
    });

    const refused = await decideNomination(deps, {
      teamId: "TDEC",
      nominationId: n.id,
      deciderId: "USTAFF",
      decision: { kind: "approve" },
    });
    expect(refused.kind).toBe("not-manager");
    // Another workspace can't reach this nomination.
    const foreign = await decideNomination(deps, {
      teamId: "TOTHER",
      nominationId: n.id,
      deciderId: "UM1",
      decision: { kind: "approve" },
    });
    expect(foreign.kind).toBe("not-found");

    const outcomes = await Promise.all(
      ["UM1", "UM2", "UM3", "UM1"].map((deciderId, i) =>
        decideNomination(deps, {
          teamId: "TDEC",
          nominationId: n.id,
          deciderId,
          decision: i % 2 ? { kind: "reject", reason: "no" } : { kind: "approve" },
        }),
      ),
    );
    expect(outcomes.filter((o) => o.kind === "decided")).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "already-decided")).toHaveLength(3);
    await db.close();
  });

  it("sweeps waiting cards: released and stale claims are posted, live claims and channel-less teams are not", async () => {
    const db = await openDatabase(await target.create());
    const clock = new TestClock();
    const deps = { prisma: db.prisma, clock, logger: silentLogger };
    await setChannel(db.prisma, { teamId: "TSWEEP" }, "approvals", "CSWEEP");
    const make = (teamId: string, story: string, cardClaimedAt: Date | null) =>
      db.prisma.nomination.create({
        data: { teamId, nominatorId: "UA", nomineeIds: ["UB"], story, values: [], cardClaimedAt },
      });
    await db.prisma.workspace.create({ data: { teamId: "TNOCHANNEL" } });
    await make("TSWEEP", "released", null);
    await make("TSWEEP", "stale", new Date(clock.now().getTime() - 11 * 60_000));
    await make("TSWEEP", "in flight", new Date(clock.now().getTime() - 60_000));
    await make("TNOCHANNEL", "waiting for a channel", null);
    const { client, posts } = recordingClient();
    expect(await sweepWaitingCards(deps, client)).toBe(2);
    const cards = posts.filter((p) => !p.thread_ts).map((p) => JSON.stringify(p));
    expect(cards.some((c) => c.includes("released"))).toBe(true);
    expect(cards.some((c) => c.includes("stale"))).toBe(true);
    expect(cards.some((c) => c.includes("in flight"))).toBe(false);
    expect(await sweepWaitingCards(deps, client)).toBe(0);
    await db.close();
  });
  it("adopts the card a crashed poster left behind instead of posting a second one", async () => {
    const { db, clock, deps, team, slack } = await workspaceWithApprovals("TCRASH");
    // The first poster posts the card, then dies before saving its ts: simulated by a save
    // that never happens (the claim stays, approvalMessageTs stays null).
    const n = await createNomination(
      deps,
      { workspace: team, nominatorId: "UA", nomineeIds: ["UB"], story: "crash", values: [] },
      { claimCard: true },
    );
    slack.history.push({
      ts: "555.000",
      text: "someone else's message",
      metadata: { event_type: CARD_EVENT_TYPE, event_payload: { nomination_id: "another" } },
    });
    slack.history.push({
      ts: "556.000",
      text: "the card",
      metadata: { event_type: CARD_EVENT_TYPE, event_payload: { nomination_id: n.id } },
    });

    clock.advance(11 * 60_000);
    expect(await sweepWaitingCards(deps, slack.client)).toBe(1);
    expect(slack.cards()).toHaveLength(0);
    const lookup = slack.callsTo("conversations.history")[0]!.args;
    expect(lookup).toMatchObject({ channel: "CAPP", include_all_metadata: true });
    expect(Number(lookup.oldest)).toBeLessThan(n.cardClaimedAt!.getTime() / 1000);
    const row = await db.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } });
    expect(row).toMatchObject({ approvalChannelId: "CAPP", approvalMessageTs: "556.000" });
    // The buttons still go up under the adopted card.
    expect(slack.posts().find((p) => p.thread_ts === "556.000")).toBeTruthy();

    // A card adopted with its buttons already under it gets no second set.
    const withButtons = await createNomination(
      deps,
      { workspace: team, nominatorId: "UA", nomineeIds: ["UB"], story: "crash with buttons", values: [] },
      { claimCard: true },
    );
    slack.history.push({
      ts: "557.000",
      metadata: { event_type: CARD_EVENT_TYPE, event_payload: { nomination_id: withButtons.id } },
    });
    slack.replies.push({ ts: "557.000" });
    slack.replies.push({
      ts: "557.500",
      thread_ts: "557.000",
      metadata: { event_type: "delight_nomination_controls", event_payload: { nomination_id: withButtons.id } },
    });
    clock.advance(11 * 60_000);
    expect(await sweepWaitingCards(deps, slack.client)).toBe(1);
    expect(slack.posts().filter((p) => p.thread_ts === "557.000")).toHaveLength(0);
    expect(await db.prisma.nomination.findUniqueOrThrow({ where: { id: withButtons.id } })).toMatchObject({
      approvalMessageTs: "557.000",
      controlsMessageTs: "557.500",
    });
    expect(slack.cards()).toHaveLength(0);
    await db.close();
  });

  it("tags each card with its nomination id, and keeps one card when a slow post is taken over", async () => {
    const { db, clock, deps, team, slack } = await workspaceWithApprovals("TSLOW");
    // The first post waits (429s) for longer than the stale-claim delay.
    const held = slack.holdPosts((args) => !args.thread_ts);
    const slow = submitNomination(deps, slack.client, {
      workspace: team,
      nominatorId: "UA",
      nomineeIds: ["UB"],
      story: "slow",
      values: [],
    });
    await held.arrived;
    clock.advance(11 * 60_000);
    expect(await sweepWaitingCards(deps, slack.client)).toBe(1);
    held.release();
    expect((await slow).card.kind).toBe("already-claimed");

    const cards = slack.cards();
    expect(cards).toHaveLength(2);
    const [takeover, late] = cards;
    expect(takeover!.metadata).toMatchObject({ event_type: CARD_EVENT_TYPE });
    const row = await db.prisma.nomination.findFirstOrThrow({ where: { teamId: "TSLOW" } });
    expect(takeover!.metadata).toEqual({ event_type: CARD_EVENT_TYPE, event_payload: { nomination_id: row.id } });
    // The first saved card stays; the late one removes itself.
    expect(row.approvalMessageTs).toBe(takeover!.ts);
    expect(slack.callsTo("chat.delete").map((c) => c.args)).toEqual([{ channel: "CAPP", ts: late!.ts }]);
    await db.close();
  });

  it("keeps a taken-over claim when the slow poster's post finally fails", async () => {
    const { db, clock, deps, team, slack } = await workspaceWithApprovals("TSLOWFAIL");
    const slowHeld = slack.holdPosts((args) => !args.thread_ts);
    const slow = submitNomination(deps, slack.client, {
      workspace: team,
      nominatorId: "UA",
      nomineeIds: ["UB"],
      story: "slow",
      values: [],
    });
    await slowHeld.arrived;
    clock.advance(11 * 60_000);
    const takeoverHeld = slack.holdPosts((args) => !args.thread_ts);
    const takeover = sweepWaitingCards(deps, slack.client);
    await takeoverHeld.arrived;
    const claim = (await db.prisma.nomination.findFirstOrThrow({ where: { teamId: "TSLOWFAIL" } })).cardClaimedAt;
    slack.failing.add("chat.postMessage");
    slowHeld.release();
    expect((await slow).card.kind).toBe("failed");
    // The slow poster did not give away a claim that is no longer its own.
    const row = await db.prisma.nomination.findFirstOrThrow({ where: { teamId: "TSLOWFAIL" } });
    expect(row.cardClaimedAt).toEqual(claim);
    slack.failing.delete("chat.postMessage");
    takeoverHeld.release();
    expect(await takeover).toBe(1);
    await db.close();
  });

  it("finishes the follow-ups of a decision after a crash or a failed step, each exactly once", async () => {
    const db = await openDatabase(await target.create());
    const clock = new TestClock();
    const roles = createRoleLookup({ prisma: db.prisma, users: {} as SlackUsers, configuredAdmins: [] });
    const deps = { prisma: db.prisma, clock, logger: silentLogger, roles };
    const team = { teamId: "TFOLLOW" };
    await addManagers(db.prisma, team, ["UM"], "UADMIN");
    await setChannel(db.prisma, team, "approvals", "CAPP");
    await setChannel(db.prisma, team, "stories", "CSTORIES");
    const slack = scriptedClient();
    const make = async (story: string) =>
      (
        await submitNomination(deps, slack.client, {
          workspace: team,
          nominatorId: "UA",
          nomineeIds: ["UB", "UC"],
          story,
          values: [],
        })
      ).nomination;
    const crashed = await make("crashed");
    const failed = await make("failed");
    slack.calls.length = 0;

    // Crash: the decision is committed, then the process dies before any follow-up.
    const a = await decideNomination(deps, {
      teamId: "TFOLLOW",
      nominationId: crashed.id,
      deciderId: "UM",
      decision: { kind: "approve" },
    });
    expect(a.kind).toBe("decided");
    // A failed step: the DMs can't be sent just now.
    const b = await decideNomination(deps, {
      teamId: "TFOLLOW",
      nominationId: failed.id,
      deciderId: "UM",
      decision: { kind: "approve" },
    });
    if (b.kind !== "decided") throw new Error("not decided");
    slack.failing.add("conversations.open");
    const { story } = await announceDecision(deps, slack.client, b.nomination);
    expect(story.kind).toBe("posted");
    slack.failing.delete("conversations.open");
    expect(slack.posts().filter((p) => p.channel === "CSTORIES")).toHaveLength(1);

    // The failed attempt gave its lease back, so the next sweep retries it; the crashed one
    // is left alone while its lease runs, then taken over by exactly one instance.
    expect(await sweepUnfinishedFollowUps(deps, slack.client)).toBe(1);
    clock.advance(11 * 60_000);
    const sweeps = await Promise.all([
      sweepUnfinishedFollowUps(deps, slack.client),
      sweepUnfinishedFollowUps(deps, slack.client),
    ]);
    expect(sweeps[0] + sweeps[1]).toBe(1);
    expect(await sweepUnfinishedFollowUps(deps, slack.client)).toBe(0);

    const stories = slack.posts().filter((p) => p.channel === "CSTORIES");
    expect(stories).toHaveLength(2);
    for (const user of ["UB", "UC", "UA"]) {
      expect(slack.posts().filter((p) => p.channel === `D${user}`)).toHaveLength(2);
    }
    for (const n of [crashed, failed]) {
      const row = await db.prisma.nomination.findUniqueOrThrow({ where: { id: n.id } });
      expect(row.followUpsDoneAt).not.toBeNull();
      expect(row.followUpClaimedUntil).toBeNull();
      expect(row.notifiedNomineeIds).toEqual(["UB", "UC"]);
      expect(slack.posts().filter((p) => p.thread_ts === row.approvalMessageTs && p.channel === "CAPP")).toHaveLength(
        1,
      );
      expect(slack.callsTo("chat.update").filter((c) => c.args.ts === row.approvalMessageTs)).toHaveLength(1);
    }
    await db.close();
  });

  it.each([false, true])(
    "shows a decision made while the card was going up on the card, with no live buttons (decider still busy: %s)",
    async (decideOnly) => {
      const db = await openDatabase(await target.create());
      const clock = new TestClock();
      const roles = createRoleLookup({ prisma: db.prisma, users: {} as SlackUsers, configuredAdmins: [] });
      const deps = { prisma: db.prisma, clock, logger: silentLogger, roles };
      const team = { teamId: "TRACE8" };
      await addManagers(db.prisma, team, ["UM"], "UADMIN");
      await setChannel(db.prisma, team, "approvals", "CAPP");
      const slack = scriptedClient();
      const held = slack.holdPosts((args) => args.channel === "CAPP" && !args.thread_ts);
      const submitted = submitNomination(deps, slack.client, {
        workspace: team,
        nominatorId: "UA",
        nomineeIds: ["UB"],
        story: "race",
        values: [],
      });
      await held.arrived;
      // A manager approves from App Home while the card is on its way.
      const pending = await db.prisma.nomination.findFirstOrThrow({ where: { teamId: "TRACE8" } });
      const outcome = await decideNomination(deps, {
        teamId: "TRACE8",
        nominationId: pending.id,
        deciderId: "UM",
        decision: { kind: "approve" },
      });
      if (outcome.kind !== "decided") throw new Error("not decided");
      if (decideOnly) {
        // The decider's follow-ups are still running (it holds their lease) when the card is saved.
        held.release();
        await submitted;
        const row = await db.prisma.nomination.findUniqueOrThrow({ where: { id: pending.id } });
        const update = slack.callsTo("chat.update").find((c) => c.args.ts === row.approvalMessageTs);
        expect(JSON.stringify(update?.args)).toContain("Approved");
        expect(JSON.stringify(slack.posts())).not.toContain("nomination_approve");
        await db.close();
        return;
      }
      await announceDecision(deps, slack.client, outcome.nomination);
      held.release();
      await submitted;

      const row = await db.prisma.nomination.findUniqueOrThrow({ where: { id: pending.id } });
      const cardTs = row.approvalMessageTs;
      expect(cardTs).toBeTruthy();
      const update = slack.callsTo("chat.update").find((c) => c.args.ts === cardTs);
      expect(JSON.stringify(update?.args)).toContain("Approved");
      const thread = slack.posts().filter((p) => p.thread_ts === cardTs);
      expect(JSON.stringify(thread)).not.toContain("nomination_approve");
      expect(JSON.stringify(thread)).toContain("Approved");
      expect(row.followUpsDoneAt).not.toBeNull();
      await db.close();
    },
  );

  it("makes one nomination of one modal view, even submitted twice at once", async () => {
    const { db, deps, team, slack } = await workspaceWithApprovals("TVIEW");
    const input = {
      workspace: team,
      nominatorId: "UA",
      nomineeIds: ["UB"],
      story: "twice",
      values: [],
      sourceViewId: "V123",
    };
    const [first, second] = await Promise.all([
      submitNomination(deps, slack.client, input),
      submitNomination(deps, slack.client, input),
    ]);
    expect(first.nomination.id).toBe(second.nomination.id);
    expect(await db.prisma.nomination.count({ where: { teamId: "TVIEW" } })).toBe(1);
    expect(slack.cards()).toHaveLength(1);
    await db.close();
  });
});
