// The digest's optional model intro in the running app: used when it answers well, and the
// template intro (with the digest on time) when it fails or hangs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { INTRO_BUDGET_MS } from "../../src/features/digest/intro.ts";
import { seedApprovedStories } from "../support/digest-data.ts";
import { OpenAIStandIn } from "../support/openai-stand-in.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { startTestApp, TestClock, type TestApp } from "../support/test-app.ts";

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
        (await t.sender.command("/delight-admin", "digest add <#C0TEAM|team> monday 10:00 UTC", "UADMIN")).status,
      ).toBe(200);
      await t.slack.waitFor(() => t.slack.responses()[0]);
      clock.set("2026-11-23T10:00:00Z");
      const started = Date.now();
      expect((await t.delight.scheduler.tickDigests()).enqueued).toBe(1);
      const post = await t.slack.waitFor(() => t.slack.postsTo("C0TEAM")[0], INTRO_BUDGET_MS + 10_000);
      expect(Date.now() - started).toBeLessThan(INTRO_BUDGET_MS + 5_000);
      expect(JSON.stringify(post.args.blocks)).toContain("*3 delight stories* this week");
    },
    INTRO_BUDGET_MS + 20_000,
  );
});
