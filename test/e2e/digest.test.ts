// The weekly digest end to end: the real app and database, the Slack stand-in, an injected
// clock and the scheduler's digest tick called by hand.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { seedApprovedStories } from "../support/digest-data.ts";
import { startTestApp, TestClock, type TestApp } from "../support/test-app.ts";
import { buttonClick } from "../support/payloads.ts";
import { STORIES_PAGE_ACTION_NEXT } from "../../src/features/stories/model.ts";

const MINUTE = 60_000;

// Generous limits: the suite shares a small machine; a passing wait returns at once.
async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("Timed out waiting for the database");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("weekly story digest", () => {
  let t: TestApp;
  const clock = new TestClock();
  beforeAll(async () => {
    t = await startTestApp({
      clock,
      admins: ["UADMIN"],
      users: [
        { id: "UADMIN", name: "Ada Lovelace", tz: "Europe/Paris" },
        { id: "USTAFF", name: "Sam", tz: "Europe/Paris" },
        { id: "UALICE", name: "Alice" },
      ],
    });
  });
  afterAll(() => t.stop());
  beforeEach(async () => {
    await t.database.prisma.$executeRawUnsafe(
      `TRUNCATE "DigestRun", "DigestSchedule", "Nomination", "RecoveryCase" CASCADE`,
    );
    clock.set("2026-11-23T09:00:00Z"); // a Monday
    t.slack.reset();
  });

  /** The answer to a command: in the ack itself (settings, input errors), or later at response_url (jobs). */
  async function command(name: string, text: string, userId = "UADMIN"): Promise<{ args: Record<string, unknown> }> {
    const before = t.slack.responses().length;
    const response = await t.sender.command(name, text, userId);
    expect(response.status).toBe(200);
    if (response.body) return { args: JSON.parse(response.body) as Record<string, unknown> };
    return t.slack.waitFor(() => t.slack.responses()[before], 15_000);
  }
  const admin = async (text: string) => JSON.stringify((await command("/delight-admin", text)).args);

  async function tickAt(iso: string) {
    clock.set(iso);
    return t.delight.scheduler.tickDigests();
  }
  /** Waits until every run for the channel is done (posted or skipped), then a moment for strays. */
  async function postedIn(channel: string, count = 1) {
    // Generous: after a digest, the charts for its thread are drawn on the same machine.
    await t.slack.waitFor(() => t.slack.postsTo(channel).length >= count, 30_000);
    await until(
      async () => (await t.database.prisma.digestRun.count({ where: { channelId: channel, status: "claimed" } })) === 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    return t.slack.postsTo(channel);
  }

  it("posts each channel's digest at its own local time in three timezones, a slot later today included", async () => {
    await admin("digest add <#C0PARIS|paris> friday 16:30 Europe/Paris");
    const ny = await admin("digest add <#C0NY|ny> monday 09:05 America/New_York");
    expect(ny).toContain("Mon, Nov 23, 09:05"); // later today, not next week
    await admin("digest add <#C0TOKYO|tokyo> thursday 08:00 Asia/Tokyo");

    expect((await tickAt("2026-11-23T14:04:00Z")).enqueued).toBe(0);
    expect((await tickAt("2026-11-23T14:05:00Z")).enqueued).toBe(1);
    expect(await postedIn("C0NY")).toHaveLength(1);
    expect((await tickAt("2026-11-23T14:06:00Z")).enqueued).toBe(0);

    expect((await tickAt("2026-11-25T22:59:00Z")).enqueued).toBe(0);
    expect((await tickAt("2026-11-25T23:00:00Z")).enqueued).toBe(1);
    expect(await postedIn("C0TOKYO")).toHaveLength(1);

    expect((await tickAt("2026-11-27T15:29:00Z")).enqueued).toBe(0);
    expect((await tickAt("2026-11-27T15:30:00Z")).enqueued).toBe(1);
    const [paris] = await postedIn("C0PARIS");
    expect(t.slack.textOf(paris!)).toContain("Delight digest · Nov 20 – Nov 27");
    expect(t.slack.postsTo("C0NY")).toHaveLength(1);
    expect(t.slack.postsTo("C0TOKYO")).toHaveLength(1);
  });

  it("keeps the local time across a daylight-saving change, the period covering the previous slot", async () => {
    clock.set("2026-10-20T12:00:00Z");
    await admin("digest add <#C0NY|ny> monday 09:05 America/New_York");
    await tickAt("2026-10-26T13:05:00Z"); // 09:05 EDT
    await postedIn("C0NY");
    expect((await tickAt("2026-11-02T13:05:00Z")).enqueued).toBe(0); // 08:05 EST: not yet
    expect((await tickAt("2026-11-02T14:05:00Z")).enqueued).toBe(1); // 09:05 EST
    expect(await postedIn("C0NY", 2)).toHaveLength(2);
    const runs = await t.database.prisma.digestRun.findMany({
      where: { channelId: "C0NY" },
      orderBy: { periodEnd: "asc" },
    });
    expect(runs.map((r) => [r.periodStart.toISOString(), r.periodEnd.toISOString(), r.status])).toEqual([
      ["2026-10-19T13:05:00.000Z", "2026-10-26T13:05:00.000Z", "posted"],
      ["2026-10-26T13:05:00.000Z", "2026-11-02T14:05:00.000Z", "posted"],
    ]);
  });

  it("posts once when two app instances tick at the same moment", async () => {
    const second = await startTestApp({ database: t.database, slack: t.slack, clock });
    try {
      await admin("digest add <#C0TEAM|team> monday 10:00 UTC");
      clock.set("2026-11-23T10:00:00Z");
      const ticks = await Promise.all([t.delight.scheduler.tickDigests(), second.delight.scheduler.tickDigests()]);
      expect(ticks.map((r) => r.enqueued)).toEqual([1, 1]);
      expect(await postedIn("C0TEAM")).toHaveLength(1);
      await Promise.all([t.delight.scheduler.tickDigests(), second.delight.scheduler.tickDigests()]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(t.slack.postsTo("C0TEAM")).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it("catches up once after downtime over the slot, then keeps the schedule", async () => {
    await admin("digest add <#C0TEAM|team> monday 10:00 UTC");
    // Down from 09:30 to 13:00: no tick at 10:00.
    expect((await tickAt("2026-11-23T13:00:00Z")).enqueued).toBe(1);
    expect(await postedIn("C0TEAM")).toHaveLength(1);
    expect((await tickAt("2026-11-23T13:01:00Z")).enqueued).toBe(0);
    expect((await tickAt("2026-11-30T10:00:00Z")).enqueued).toBe(1);
    expect(await postedIn("C0TEAM", 2)).toHaveLength(2);
  });

  it("skips (and records) a digest missed by more than 24 hours, and posts the next one", async () => {
    await admin("digest add <#C0TEAM|team> monday 10:00 UTC");
    const late = await tickAt("2026-11-24T10:01:00Z");
    expect(late).toMatchObject({ enqueued: 0, skipped: 1 });
    expect((await tickAt("2026-11-24T10:02:00Z")).skipped).toBe(0);
    const run = await t.database.prisma.digestRun.findFirstOrThrow({ where: { channelId: "C0TEAM" } });
    expect(run.status).toBe("skipped");
    expect(t.slack.postsTo("C0TEAM")).toHaveLength(0);
    expect((await tickAt("2026-11-30T10:00:00Z")).enqueued).toBe(1);
    expect(await postedIn("C0TEAM")).toHaveLength(1);
  });

  it("asks the admin to /invite it into a private channel, once, and posts at the next tick after", async () => {
    await admin("digest add <#G0PRIVATE|secret> monday 10:00 UTC");
    await tickAt("2026-11-23T10:00:00Z");
    const dm = await t.slack.waitFor(() =>
      t.slack.postsTo("DUADMIN").find((c) => t.slack.textOf(c).includes("/invite @Delight")),
    );
    expect(t.slack.textOf(dm)).toContain("<#G0PRIVATE>");
    await until(
      async () =>
        (await t.database.prisma.digestRun.findFirst({ where: { channelId: "G0PRIVATE" } }))?.status === "pending",
    );
    await tickAt("2026-11-23T10:01:00Z");
    await until(
      async () => (await t.database.prisma.digestRun.findFirst({ where: { channelId: "G0PRIVATE" } }))?.attempts === 2,
    );
    expect(t.slack.postsTo("DUADMIN").filter((c) => t.slack.textOf(c).includes("/invite"))).toHaveLength(1);
    t.slack.memberOf.add("G0PRIVATE");
    await tickAt("2026-11-23T10:02:00Z");
    expect(await postedIn("G0PRIVATE")).toHaveLength(1);
  });

  it("shows the preview to the caller only, exactly as the digest is posted", async () => {
    await seedApprovedStories(t.database.prisma, {
      teamId: TEAM_ID,
      count: 3,
      decidedAt: (i) => new Date(clock.now().getTime() - (i + 1) * 60 * MINUTE),
      story: (i) => `Story ${i} <!channel> & a note`,
    });
    await admin("digest add <#C0TEAM|team> friday 16:00 America/New_York");
    const preview = await command("/delight", "digest preview <#C0TEAM|team>", "USTAFF");
    expect(preview.args.response_type).toBe("ephemeral");
    const sent = await command("/delight-admin", "digest send <#C0TEAM|team>");
    expect(JSON.stringify(sent.args)).toContain("Posted the digest in <#C0TEAM> (3 stories)");
    const [post] = await postedIn("C0TEAM");
    expect(preview.args.blocks).toEqual(post!.args.blocks);
    const text = JSON.stringify(post!.args.blocks);
    expect(text).toContain("Story 0");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("https://delight-test.slack.com/archives/C0WINS/p1700000000000100|Full story");
  });

  it("posts a short encouraging message for an empty week, never a blank one", async () => {
    await admin("digest send <#C0TEAM|team>");
    const [post] = await postedIn("C0TEAM");
    expect(t.slack.textOf(post!)).toContain("A quiet week");
    expect(t.slack.textOf(post!)).toContain("/delight @colleague");
  });

  it("fits 500 stories of one week within Slack's limits, ending with “and N more stories”", async () => {
    await seedApprovedStories(t.database.prisma, {
      teamId: TEAM_ID,
      count: 500,
      decidedAt: (i) => new Date(clock.now().getTime() - (i + 1) * MINUTE),
      story: () => "&lt;b&gt; ".repeat(400),
    });
    await admin("digest send <#C0TEAM|team>");
    const [post] = await postedIn("C0TEAM");
    const blocks = post!.args.blocks as Array<{ type: string; text?: { text: string } }>;
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const block of blocks) expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(blocks)).toMatch(/and \*4\d\d more stories\*/);
    expect(JSON.stringify(blocks)).toContain("Stories approved: *500*");
  });

  it("answers each bad `digest add` with its own message, quoting the input with an example", async () => {
    const weekday = await admin("digest add <#C0TEAM|team> fryday 16:00");
    expect(weekday).toContain("“fryday” isn't a weekday");
    const time = await admin("digest add <#C0TEAM|team> friday 25:00");
    expect(time).toContain("“25:00” isn't a time of day");
    const zone = await admin("digest add <#C0TEAM|team> friday 16:00 Mars/Olympus");
    expect(zone).toContain("“Mars/Olympus” isn't a timezone I know");
    const channel = await admin("digest add team friday 16:00");
    expect(channel).toContain("Name the digest's channel first");
    for (const reply of [weekday, time, zone, channel]) {
      expect(reply).toContain("digest add #team friday 16:00 Europe/Paris");
      expect(reply).toContain("You typed");
    }
    expect(await t.database.prisma.digestSchedule.count()).toBe(0);
  });

  it("lists each digest with its next run in its own local time", async () => {
    await admin("digest add <#C0PARIS|paris> friday 16:30 Europe/Paris");
    await admin("digest add <#C0NY|ny> monday 09:05 America/New_York");
    const list = await admin("digest list");
    expect(list).toContain("<#C0PARIS> every Friday at 16:30 (Europe/Paris) — next: *Fri, Nov 27, 16:30*");
    expect(list).toContain("<#C0NY> every Monday at 09:05 (America/New_York) — next: *Mon, Nov 23, 09:05*");
  });

  it("browses stories newest first, page by page, with filters", async () => {
    await seedApprovedStories(t.database.prisma, {
      teamId: TEAM_ID,
      count: 25,
      decidedAt: (i) => new Date(clock.now().getTime() - (i + 1) * 60 * MINUTE),
      values: (i) => (i % 5 === 0 ? ["recovery"] : ["listen"]),
    });
    const first = await command("/delight", "stories", "USTAFF");
    const firstText = JSON.stringify(first.args);
    expect(firstText).toContain("1–10 of 25");
    expect(firstText.indexOf("Story 0:")).toBeLessThan(firstText.indexOf("Story 1:"));
    const blocks = first.args.blocks as Array<{
      type: string;
      elements?: Array<{ action_id?: string; value?: string }>;
    }>;
    const next = blocks
      .find((b) => b.type === "actions")
      ?.elements?.find((e) => e.action_id === STORIES_PAGE_ACTION_NEXT);
    expect(next?.value).toBeDefined();
    const before = t.slack.responses().length;
    await t.sender.interaction(
      buttonClick({
        userId: "USTAFF",
        actionId: STORIES_PAGE_ACTION_NEXT,
        value: next!.value!,
        responseUrl: t.slack.responseUrl("r2"),
      }),
    );
    const second = await t.slack.waitFor(() => t.slack.responses()[before]);
    expect(second.args.replace_original).toBe(true);
    expect(JSON.stringify(second.args)).toContain("11–20 of 25");

    const recovery = JSON.stringify((await command("/delight", "stories #recovery last 7 days", "USTAFF")).args);
    expect(recovery).toContain("1–5 of 5");
    const bad = JSON.stringify((await command("/delight", "stories #nope", "USTAFF")).args);
    expect(bad).toContain("“#nope” isn't one of the values");
  });
});
