// The directory's sweep on its own: what it reads, and what it leaves alone (src/slack/directory.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { directoryOf, sweepDirectory } from "../../src/slack/directory.ts";
import { startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

describe("sweeping the workspace directory", () => {
  let t: TestApp;
  const clock = new TestClock(new Date("2026-11-23T09:00:00Z"));
  const deps = () => ({
    prisma: t.database.prisma,
    clock,
    logger: t.delight.deps.logger,
    config: t.delight.deps.config,
    jobs: t.delight.deps.jobs,
  });
  const sweep = (mode: "daily" | "missing", channelId: string | null = null) =>
    sweepDirectory(deps(), t.delight.app.client, TEAM_ID, { channelId, mode });

  beforeAll(async () => {
    t = await startTestApp({ clock });
    for (let i = 0; i < 2_500; i++) t.slack.addUser({ id: `UP${String(i).padStart(5, "0")}`, name: `person${i}` });
  });
  afterAll(() => t.stop());
  beforeEach(() => t.slack.reset());

  it("resumes from its cursor after Slack refuses a page, instead of starting again", async () => {
    let calls = 0;
    t.slack.on("users.list", (args) => {
      calls++;
      if (calls === 2) return { ok: false, error: "internal_error" };
      return t.slack.workspace.answer("users.list", args);
    });
    try {
      await expect(sweep("missing")).rejects.toThrow(/internal_error/);
      const interrupted = await t.database.prisma.directorySweep.findUniqueOrThrow({ where: { teamId: TEAM_ID } });
      expect(interrupted.cursor).toBeTruthy();
      expect(interrupted.sweptAt).toBeNull();
      expect(interrupted.claimedUntil).toBeNull();
      expect(await sweep("missing")).toBe(true);
    } finally {
      t.slack.off("users.list");
    }
    // 2,500 people and the app: three pages, the second asked twice.
    expect(t.slack.callsTo("users.list")).toHaveLength(4);
    expect((await directoryOf(t.database.prisma, TEAM_ID)).size).toBe(2_501);
    const done = await t.database.prisma.directorySweep.findUniqueOrThrow({ where: { teamId: TEAM_ID } });
    expect(done).toMatchObject({ cursor: null, claimedUntil: null, sweptAt: clock.now() });
  });

  it("reads only what is still missing once it holds the lease (another instance may have read it)", async () => {
    // The people were read: a second request that saw them missing reads nothing again…
    expect(await sweep("missing")).toBe(true);
    expect(t.slack.callsTo("users.list")).toHaveLength(0);
    // …but a channel never read is.
    t.slack.channelMembers.set("C0WINS", ["UP00001", "UP00002"]);
    expect(await sweep("missing", "C0WINS")).toBe(true);
    expect(t.slack.callsTo("users.list")).toHaveLength(0);
    expect(t.slack.callsTo("conversations.members")).toHaveLength(1);
  });

  it("sweeps in full at most once a day, and not while another instance holds the lease", async () => {
    expect(await sweep("daily")).toBe(false);
    clock.advance(24 * 60 * 60_000);
    await t.database.prisma.directorySweep.update({
      where: { teamId: TEAM_ID },
      data: { claimedUntil: new Date(Date.now() + 60_000) },
    });
    expect(await sweep("daily")).toBe(false);
    await t.database.prisma.directorySweep.update({ where: { teamId: TEAM_ID }, data: { claimedUntil: null } });
    expect(await sweep("daily", "C0WINS")).toBe(true);
    expect(t.slack.callsTo("users.list")).toHaveLength(3);
    expect(t.slack.callsTo("conversations.members")).toHaveLength(1);
    expect(await sweep("daily")).toBe(false);
  });
});
