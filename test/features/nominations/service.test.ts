// The nominations service on every database target: first use of a workspace, exactly-once
// card posting and decisions under concurrency.
import { afterAll, describe, expect, it } from "vitest";
import type { webApi } from "@slack/bolt";
import { openDatabase } from "../../../src/db/database.ts";
import { addManagers, setChannel } from "../../../src/features/admin/settings.ts";
import {
  createNomination,
  decideNomination,
  postApprovalCard,
  postWaitingCards,
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

describe.each(databaseTargets())("nominations service on $name", (target) => {
  afterAll(() => target.cleanup());

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
});
