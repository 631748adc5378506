// The digest's optional model intro in the running app: used when it answers well, and the
// template intro (with the digest on time) when it fails or hangs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { INTRO_BUDGET_MS } from "../../src/features/digest/intro.ts";
import { seedApprovedStories } from "../support/digest-data.ts";
import { OpenAIStandIn } from "../support/openai-stand-in.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { drainJobs, startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

describe("digest intro from the model", () => {
  let t: TestApp;
  const model = new OpenAIStandIn();
  const clock = new TestClock();
  beforeAll(async () => {
    const baseUrl = await model.start();
    t = await startTestApp({
      clock,
      admins: ["UADMIN"],
      users: [
        { id: "UADMIN", name: "Ada" },
        { id: "UALICE", name: "Alice Martin" },
      ],
      env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: baseUrl },
    });
    await seedApprovedStories(t.database.prisma, {
      teamId: TEAM_ID,
      count: 3,
      decidedAt: (i) => new Date(clock.now().getTime() - (i + 1) * 3_600_000),
      story: (i) => `Story ${i}: <@UALICE> wrote to bob@example.com`,
    });
  });
  afterAll(async () => {
    await t.stop();
    await model.stop();
  });
  beforeEach(async () => {
    await t.database.prisma.$executeRawUnsafe(`TRUNCATE "DigestRun", "DigestSchedule" CASCADE`);
    clock.set("2026-11-23T09:00:00Z");
    t.slack.reset();
  });

  async function sendDigest(): Promise<string> {
    expect((await t.sender.command("/delight-admin", "digest send <#C0TEAM|team>", "UADMIN")).status).toBe(200);
    const post = await t.slack.waitFor(() => t.slack.postsTo("C0TEAM")[0], 20_000);
    return JSON.stringify(post.args.blocks);
  }

  it("opens with the model's two sentences, having sent it first names and story text only", async () => {
    model.answerJson({ intro: "Alice turned small moments into big ones. The team listened first." });
    const blocks = await sendDigest();
    expect(blocks).toContain("Alice turned small moments into big ones.");
    const sent = model.requests.at(-1)?.raw ?? "";
    expect(sent).toContain("Alice");
    expect(sent).not.toContain("UALICE");
    expect(sent).not.toContain("bob@example.com");
    expect(sent).not.toContain("Martin");
  });

  it("uses the template intro when the model fails", async () => {
    model.behaviour = { kind: "status", status: 500 };
    const blocks = await sendDigest();
    expect(blocks).toContain("*3 delight stories* this week");
  });

  it(
    "uses the template intro when the model hangs, and the scheduled digest is still on time",
    async () => {
      model.behaviour = { kind: "hang" };
      clock.set("2026-11-23T09:30:00Z");
      expect(
        // A channel of its own: the earlier tests' digests still have charts going to #team,
        // paced one write at a time per channel, and that is not this digest's time.
        (await t.sender.command("/delight-admin", "digest add <#C0HANG|hang> monday 10:00 UTC", "UADMIN")).status,
      ).toBe(200);
      await t.slack.waitFor(() => t.slack.responses()[0]);
      clock.set("2026-11-23T10:00:00Z");
      const started = Date.now();
      expect((await t.delight.scheduler.tickDigests()).enqueued).toBe(1);
      const post = await t.slack.waitFor(() => t.slack.postsTo("C0HANG")[0], INTRO_BUDGET_MS + 10_000);
      expect(Date.now() - started).toBeLessThan(INTRO_BUDGET_MS + 5_000);
      expect(JSON.stringify(post.args.blocks)).toContain("*3 delight stories* this week");
    },
    INTRO_BUDGET_MS + 20_000,
  );

  /** Waits until `check` holds (the database is written by jobs). */
  async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error("Timed out waiting for the database");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const runIn = (channelId: string) => t.database.prisma.digestRun.findFirst({ where: { channelId } });

  it("builds a scheduled digest and its intro once: a post Slack fails is retried from the stored message", async () => {
    model.answerJson({ intro: "Stored once: the week was full of small kindnesses. Borrow one." });
    const asked = model.requests.length;
    clock.set("2026-11-23T09:30:00Z");
    await t.sender.command("/delight-admin", "digest add <#C0RETRY|retry> monday 10:00 UTC", "UADMIN");
    // Slack fails the first posts (5xx): the run waits for its retry.
    t.slack.fail("chat.postMessage", { status: 500, times: 2 });
    clock.set("2026-11-23T10:00:00Z");
    expect((await t.delight.scheduler.tickDigests()).enqueued).toBe(1);
    // Pending with its message stored: built once, waiting for the retry.
    await until(async () => {
      const run = await runIn("C0RETRY");
      return run?.status === "pending" && run.message !== null;
    });
    const waiting = await runIn("C0RETRY");
    expect(JSON.stringify(waiting?.message)).toContain("Stored once");
    // Later ticks (the retry time brought forward each time) post the stored message.
    for (let minute = 1; minute <= 20 && t.slack.postsTo("C0RETRY").filter((c) => c.args.ts).length === 0; minute++) {
      await t.database.prisma.digestRun.updateMany({ where: { channelId: "C0RETRY" }, data: { claimedUntil: null } });
      await t.database.prisma.slackWrite.updateMany({ data: { nextAttemptAt: new Date(0) } });
      clock.set(new Date(Date.parse("2026-11-23T10:00:00Z") + minute * 60_000));
      await t.delight.scheduler.tickDigests();
      // Every attempt finished (its job and its outbox write) before the next minute's tick.
      await drainJobs(t);
      await until(async () => (await runIn("C0RETRY"))?.status !== "claimed");
    }
    expect((await runIn("C0RETRY"))?.status).toBe("posted");
    // The digest once (its charts follow in a message of their own, once the job draws them).
    const posted = (t.slack.messages.get("C0RETRY") ?? []).filter(
      (m) => (m.metadata as { event_type?: string } | undefined)?.event_type === "delight_digest",
    );
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]?.blocks)).toContain("Stored once");
    // The stories were gathered and the model asked once, whatever the number of attempts.
    expect(model.requests.length - asked).toBe(1);
  });

  it("fails a digest Slack refuses for good at once: not rebuilt or retried, and an admin is told what to fix", async () => {
    model.answerJson({ intro: "Refused digest: the week had lovely moments. Keep them coming." });
    const asked = model.requests.length;
    clock.set("2026-11-23T09:30:00Z");
    await t.sender.command("/delight-admin", "digest add <#C0ARCHIVED|old> monday 10:00 UTC", "UADMIN");
    t.slack.on("chat.postMessage", (args) =>
      args.channel === "C0ARCHIVED"
        ? { ok: false, error: "is_archived" }
        : t.slack.workspace.answer("chat.postMessage", args),
    );
    try {
      clock.set("2026-11-23T10:00:00Z");
      expect((await t.delight.scheduler.tickDigests()).enqueued).toBe(1);
      await until(async () => (await runIn("C0ARCHIVED"))?.status === "failed");
      for (const later of ["2026-11-23T10:02:00Z", "2026-11-23T10:30:00Z", "2026-11-23T14:00:00Z"]) {
        clock.set(later);
        expect((await t.delight.scheduler.tickDigests()).enqueued).toBe(0);
      }
      await drainJobs(t); // the admin notice is a job of its own
    } finally {
      t.slack.off("chat.postMessage");
    }
    expect((await runIn("C0ARCHIVED"))?.attempts).toBe(1);
    expect(model.requests.length - asked).toBe(1);
    const notices = t.slack.postsTo("DUADMIN").filter((c) => t.slack.textOf(c).includes("is_archived"));
    expect(notices).toHaveLength(1);
    expect(t.slack.textOf(notices[0]!)).toContain("<#C0ARCHIVED> is archived");
    expect(JSON.stringify((await t.sender.command("/delight-admin", "outbox", "UADMIN")).body)).toContain(
      "is_archived",
    );
  });

  it("asks the model at most once an hour per workspace for previews, however many people preview", async () => {
    model.answerJson({ intro: "Preview intro: a week of people going the extra mile. Read on." });
    await t.database.prisma.digestIntroCache.deleteMany();
    const asked = model.requests.length;
    const preview = async (userId: string) => {
      const before = t.slack.responses().length;
      expect((await t.sender.command("/delight", "digest preview", userId)).status).toBe(200);
      const reply = await t.slack.waitFor(() => t.slack.responses()[before], 20_000);
      return JSON.stringify(reply.args.blocks);
    };
    expect(await preview("UADMIN")).toContain("Preview intro");
    expect(await preview("UALICE")).toContain("Preview intro");
    clock.set("2026-11-23T09:50:00Z");
    expect(await preview("UADMIN")).toContain("Preview intro");
    expect(model.requests.length - asked).toBe(1);
    clock.set("2026-11-23T10:01:00Z"); // an hour and a minute after the first
    model.answerJson({ intro: "Fresh preview intro: new stories, new ideas. Try one today." });
    expect(await preview("UALICE")).toContain("Fresh preview intro");
    expect(model.requests.length - asked).toBe(2);
  });
});
