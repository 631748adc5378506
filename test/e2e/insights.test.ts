// Insights for managers, end to end: charts drawn as PNG, uploaded with files.uploadV2 into
// the manager's DM and shown with image blocks (slack_file, alt text) in /delight insights
// and App Home; the text tables when Slack refuses the upload; the digest's charts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { INSIGHTS_DIGEST_JOB } from "../../src/features/insights/model.ts";
import { databaseTargets } from "../support/databases.ts";
import { appHomeOpened } from "../support/payloads.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const workspace = { teamId: TEAM_ID };
const DAY = 24 * 60 * 60_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface ImageBlock {
  type: string;
  slack_file?: { id?: string };
  alt_text?: string;
}

describe.each(databaseTargets())("insights on $name", (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      databaseUrl: await target.create(),
      users: [
        { id: "UMARIA", name: "Maria" },
        { id: "ULI", name: "Li" },
        { id: "USAM", name: "Sam" },
        { id: "UALICE", name: "Alice" },
        { id: "UBOB", name: "Bob" },
        { id: "UEVE", name: "Eve" },
        { id: "UROBOT", name: "Robot", is_bot: true },
      ],
    });
    await addManagers(t.database.prisma, workspace, ["UMARIA", "ULI"], "UADMIN");
    await setChannel(t.database.prisma, workspace, "stories", "C0STORIES");
    t.slack.channelMembers.set("C0STORIES", ["UALICE", "UBOB", "UEVE", "UROBOT"]);
    const now = t.clock.now().getTime();
    const story = (nominee: string, values: string[], daysAgo: number) =>
      t.database.prisma.nomination.create({
        data: {
          teamId: TEAM_ID,
          nominatorId: "USAM",
          nomineeIds: [nominee],
          story: "Delighted a customer",
          values,
          status: "approved",
          decidedBy: "UMARIA",
          decidedAt: new Date(now - daysAgo * DAY),
        },
      });
    await story("UALICE", ["listen", "delight"], 3);
    await story("UALICE", ["delight"], 10);
    await story("UBOB", ["recovery"], 20);
    await story("UEVE", ["listen"], 200); // too old: Eve counts as never recognised
    const common = { teamId: TEAM_ID, reporterId: "USAM", ownerId: "UBOB", customer: "Acme", description: "late" };
    await t.database.prisma.recoveryCase.createMany({
      data: [
        { ...common, number: 1, dueAt: new Date(now - DAY), status: "resolved", resolvedAt: new Date(now - 2 * DAY) },
        { ...common, number: 2, dueAt: new Date(now - 2 * DAY), status: "resolved", resolvedAt: new Date(now - DAY) },
      ],
    });
  });
  afterAll(async () => {
    await t.stop();
    await target.cleanup();
  });
  beforeEach(() => t.slack.reset());

  function imageBlocks(blocks: unknown): ImageBlock[] {
    return (Array.isArray(blocks) ? (blocks as ImageBlock[]) : []).filter((b) => b.type === "image");
  }

  it("refuses someone who is not a manager, kindly, and draws nothing", async () => {
    const response = await t.sender.command("/delight", "insights", "USAM");
    expect(response.body).toContain("Insights are for the people who approve recognition");
    await t.delight.workers.drain();
    expect(t.slack.callsTo("files.completeUploadExternal")).toHaveLength(0);
  });

  it("draws the charts as PNG, uploads them to the manager's DM and shows them with alt text", async () => {
    const response = await t.sender.command("/delight", "insights", "UMARIA");
    expect(response.status).toBe(200);
    // Four charts drawn, the first in this process loading the chart libraries: slow on a busy machine.
    await t.delight.workers.drain(40_000);

    const complete = t.slack.callsTo("files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    expect(complete[0]?.args.channel_id).toBe("DUMARIA");
    const files = (complete[0]?.args.files ?? []) as Array<{ id: string }>;
    expect(files).toHaveLength(4);
    for (const file of files) {
      const png = t.slack.uploads.get(file.id) ?? Buffer.alloc(0);
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      // IHDR: width and height at bytes 16–23; drawn at 2× for sharp text.
      const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      expect(width).toBeGreaterThan(600);
      expect(width).toBeLessThan(3000);
      expect(height).toBeGreaterThan(200);
      expect(png.length).toBeGreaterThan(5_000);
      expect(png.length).toBeLessThan(1_000_000);
    }
    // Each file carries its alt text to Slack too, as the argument Slack documents (alt_txt).
    const altTexts = files.map((f) => t.slack.workspace.files.get(f.id)?.altTxt ?? "");
    expect(altTexts[0]).toContain("Alice 2");
    for (const alt of altTexts) expect(alt.length).toBeGreaterThan(40);

    const reply = await t.slack.waitFor(() => t.slack.responses()[0]);
    // Shown, not refused: the reply waited until files.info said Slack had processed the files.
    expect(reply.effect).toBe("new_message");
    expect(t.slack.workspace.problems.filter((p) => p.error === "invalid_blocks")).toEqual([]);
    const lastInfo = Math.max(...t.slack.callsTo("files.info").map((c) => c.at));
    expect(lastInfo).toBeLessThanOrEqual(reply.at);
    const images = imageBlocks(reply.args.blocks);
    expect(images.map((b) => b.slack_file?.id)).toEqual(files.map((f) => f.id));
    for (const image of images) expect(image.alt_text?.length ?? 0).toBeGreaterThan(40);
    expect(images[0]?.alt_text).toContain("Alice 2, Bob 1");
    expect(images[0]?.alt_text).toContain("Never recognised in that time");
    expect(images[0]?.alt_text).toContain("Eve");
    expect(images[0]?.alt_text).not.toContain("Robot");
    // Next to "never recognised": the spread. Alice (the top 10 % of 2 recipients is 1 person)
    // received 2 of the 3; of Alice, Bob and Eve nobody nominated anyone (Sam did, but is not
    // in the stories channel and was never recognised).
    expect(images[1]?.alt_text).toContain("(1 of 2 people) received 67% of the 3 recognitions");
    expect(images[1]?.alt_text).toContain("3 of 3 people nominated nobody in that time: Alice, Bob, Eve.");
    expect(images[1]?.alt_text).not.toContain("Robot");
    expect(images[2]?.alt_text).toContain("50% (1 of 2)");
    expect(images[3]?.alt_text).toContain("Listen 1, Empathize 0, Attention 0, Delight 2, Recovery 1");
  }, 60_000);

  it("shows the same charts in a manager's App Home without drawing or uploading them again that day", async () => {
    const before = await t.database.prisma.insightsCharts.count();
    await t.sender.event(appHomeOpened("UMARIA"));
    const first = await t.slack.waitFor(() => t.slack.callsTo("views.publish")[0], 15_000);
    const images = imageBlocks((first.args.view as { blocks: unknown }).blocks);
    expect(images).toHaveLength(4);
    expect(images.every((b) => (b.alt_text ?? "").length > 40)).toBe(true);
    await t.sender.event(appHomeOpened("UMARIA"));
    await t.slack.waitFor(() => t.slack.callsTo("views.publish")[1], 15_000);
    await t.delight.workers.drain();
    expect(t.slack.callsTo("files.completeUploadExternal")).toHaveLength(0);
    expect(await t.database.prisma.insightsCharts.count()).toBe(before);
  });

  it("shows the figures as text tables when Slack refuses the upload", async () => {
    t.slack.fail("files.getUploadURLExternal", { status: 200, slackError: "not_allowed_token_type", times: 5 });
    await t.sender.command("/delight", "insights", "ULI");
    await t.delight.workers.drain();
    const reply = await t.slack.waitFor(() => t.slack.responses()[0], 15_000);
    expect(imageBlocks(reply.args.blocks)).toHaveLength(0);
    const text = JSON.stringify(reply.args.blocks);
    expect(text).toContain("Recognition per person");
    expect(text).toContain("Alice");
    expect(text).toContain("0 (never)");
    expect(text).toContain("Charts couldn't be shown here today");
  });

  it("puts the team's charts (not the per-person one) in the digest's thread", async () => {
    await t.delight.deps.jobs.enqueue(
      INSIGHTS_DIGEST_JOB,
      { teamId: TEAM_ID, channelId: "C0TEAM", threadTs: "1700000000.000100", runId: "run-1" },
      { key: "insights-digest:run-1", teamId: TEAM_ID },
    );
    await t.delight.workers.drain();
    const complete = t.slack.callsTo("files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    expect(complete[0]?.args.channel_id).toBe("C0TEAM");
    expect(complete[0]?.args.thread_ts).toBe("1700000000.000100");
    expect((complete[0]?.args.files as unknown[]).length).toBe(2);
    const altTexts = t.slack.callsTo("files.getUploadURLExternal").map((c) => String(c.args.alt_txt));
    expect(altTexts.join(" ")).not.toContain("Alice");
  });

  it("keeps every chart's alt text within Slack's 1,000 characters, naming whole people and how many more", async () => {
    const many = Array.from({ length: 300 }, (_, i) => `UMANY${String(i).padStart(3, "0")}`);
    // They join the workspace: Slack tells the app (team_join), which keeps them in its directory.
    for (let i = 0; i < many.length; i += 50) {
      await Promise.all(
        many.slice(i, i + 50).map((id, k) => {
          const user = { id, name: `person${i + k}`, real_name: `Person number ${i + k}`, team_id: TEAM_ID };
          t.slack.addUser(user);
          return t.sender.event({ type: "team_join", user });
        }),
      );
    }
    t.slack.channelMembers.set("C0BIG", many);
    await setChannel(t.database.prisma, workspace, "stories", "C0BIG");
    await addManagers(t.database.prisma, workspace, ["USAM"], "UADMIN");
    try {
      await t.sender.command("/delight", "insights", "USAM");
      // Drawing is slow the first time in a process (the chart libraries load), more so on a busy machine.
      await t.delight.workers.drain(40_000);
      const files = (t.slack.callsTo("files.completeUploadExternal")[0]?.args.files ?? []) as Array<{ id: string }>;
      expect(files).toHaveLength(4);
      const recognition = t.slack.workspace.files.get(files[0]?.id ?? "")?.altTxt ?? "";
      expect(recognition.length).toBeGreaterThan(500);
      expect(recognition.length).toBeLessThanOrEqual(1000);
      expect(recognition).toMatch(/and \d+ more\.$/);
      expect(recognition).toContain("Person number 1");
      const spread = t.slack.workspace.files.get(files[1]?.id ?? "")?.altTxt ?? "";
      expect(spread.length).toBeLessThanOrEqual(1000);
      expect(spread).toMatch(/nominated nobody in that time: .* and \d+ more\.$/);
      expect(t.slack.workspace.problems.filter((p) => p.error === "alt_txt_too_large")).toEqual([]);
      const reply = await t.slack.waitFor(() => t.slack.responses()[0]);
      for (const block of imageBlocks(reply.args.blocks)) expect(block.alt_text?.length).toBeLessThanOrEqual(1000);
      expect(imageBlocks(reply.args.blocks)[0]?.alt_text).toBe(recognition);
    } finally {
      await setChannel(t.database.prisma, workspace, "stories", "C0STORIES");
    }
    // 300 arrivals and four charts drawn: long on a machine shared with other work.
  }, 60_000);

  it("publishes a manager's App Home at once with 'charts are being drawn', then again with the charts", async () => {
    await addManagers(t.database.prisma, workspace, ["UBOB"], "UADMIN");
    // Slack is slow to take the upload: Home must not wait for it.
    t.slack.fail("files.completeUploadExternal", { status: 429, retryAfterSeconds: 2 });
    const opened = Date.now();
    await t.sender.event(appHomeOpened("UBOB"));
    const first = await t.slack.waitFor(() => t.slack.callsTo("views.publish")[0], 15_000);
    expect(first.at - opened).toBeLessThan(1_500);
    const firstBlocks = (first.args.view as { blocks: unknown }).blocks;
    expect(JSON.stringify(firstBlocks)).toContain("charts are being drawn");
    expect(imageBlocks(firstBlocks)).toHaveLength(0);
    expect(JSON.stringify(firstBlocks)).toContain("Waiting for your decision");

    const second = await t.slack.waitFor(() => t.slack.callsTo("views.publish")[1], 20_000);
    const secondBlocks = (second.args.view as { blocks: unknown }).blocks;
    expect(imageBlocks(secondBlocks)).toHaveLength(4);
    expect(JSON.stringify(secondBlocks)).not.toContain("being drawn");
    expect(t.slack.workspace.problems.filter((p) => p.error === "invalid_blocks")).toEqual([]);
  });
});
