// /delight-admin export stories, end to end: the real app on PGlite and PostgreSQL, the
// Slack stand-in receiving files.uploadV2, the CSV parsed back with a real CSV parser.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setChannel } from "../../src/features/admin/settings.ts";
import { databaseTargets } from "../support/databases.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const workspace = { teamId: TEAM_ID };
const TRICKY_STORY = '=HYPERLINK("http://evil") she said, "we\'ll fix it"\nand then 🎉 drove the parcel over';

describe.each(databaseTargets())("/delight-admin export stories on $name", (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      databaseUrl: await target.create(),
      admins: ["UADA"],
      users: [
        { id: "UADA", name: "Ada", tz: "UTC" },
        { id: "UALICE", name: "Alice" },
        { id: "UBOB", name: "Bob" },
        { id: "UMARIA", name: "Maria" },
        { id: "USAM", name: "Sam" },
      ],
    });
    await setChannel(t.database.prisma, workspace, "stories", "C0STORIES");
    const story = (data: { story: string; values: string[]; decidedAt: string; customer?: string }) =>
      t.database.prisma.nomination.create({
        data: {
          teamId: TEAM_ID,
          nominatorId: "UBOB",
          nomineeIds: ["UALICE"],
          status: "approved",
          decidedBy: "UMARIA",
          customer: data.customer ?? null,
          story: data.story,
          values: data.values,
          decidedAt: new Date(data.decidedAt),
          storyChannelId: "C0STORIES",
          storyMessageTs: "1700000000.000100",
        },
      });
    // Stored Slack-escaped, as the nomination feature stores it.
    await story({
      story: TRICKY_STORY.replace(/&/g, "&amp;"),
      values: ["delight", "recovery"],
      decidedAt: "2026-03-02T10:00:00Z",
      customer: "Chen, Wu & Partners",
    });
    await story({
      story: "Listened for an hour to <@UBOB>'s caller",
      values: ["listen"],
      decidedAt: "2026-03-05T10:00:00Z",
    });
    await story({ story: "-5 minutes before closing, reopened", values: [], decidedAt: "2026-06-01T10:00:00Z" });
    // Not approved: never exported.
    await t.database.prisma.nomination.create({
      data: { teamId: TEAM_ID, nominatorId: "UBOB", nomineeIds: ["UALICE"], story: "pending one", values: [] },
    });
  });
  afterAll(async () => {
    await t.stop();
    await target.cleanup();
  });
  beforeEach(() => t.slack.reset());

  async function run(text: string, userId = "UADA") {
    const response = await t.sender.command("/delight-admin", text, userId);
    expect(response.status).toBe(200);
    return JSON.stringify(JSON.parse(response.body || "{}"));
  }

  function uploadedFiles() {
    const complete = t.slack.callsTo("files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    const args = complete[0]?.args ?? {};
    const files = (args.files ?? []) as Array<{ id: string; title: string }>;
    return {
      channel: args.channel_id,
      comment: typeof args.initial_comment === "string" ? args.initial_comment : "",
      files: files.map((f) => ({ ...f, bytes: t.slack.uploads.get(f.id) ?? Buffer.alloc(0) })),
    };
  }

  it("uploads a CSV that parses back to the stories, and a story book grouped by value, to the admin's DM", async () => {
    const ack = await run("export stories");
    expect(ack).toContain("Preparing your export");
    await t.delight.workers.drain();

    const upload = uploadedFiles();
    expect(upload.channel).toBe("DUADA");
    expect(upload.comment).toContain("3 stories");
    const names = t.slack.callsTo("files.getUploadURLExternal").map((c) => String(c.args.filename));
    expect(names).toEqual(["delight-stories-start-to-2026-11-23.csv", "delight-stories-start-to-2026-11-23.md"]);
    const [csvFile, bookFile] = upload.files;
    const rows = parse<Record<string, string>>(csvFile?.bytes ?? Buffer.alloc(0), { bom: true, columns: true });
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "date",
      "nominees",
      "nominator",
      "customer",
      "values",
      "story",
      "approver",
      "link",
    ]);
    expect(rows[0]).toEqual({
      date: "2026-03-02",
      nominees: "Alice",
      nominator: "Bob",
      customer: "Chen, Wu & Partners",
      values: "delight, recovery",
      // Neutralised against formula injection, otherwise exactly as written (quotes, comma, newline, emoji).
      story: `'${TRICKY_STORY}`,
      approver: "Maria",
      link: "https://delight-test.slack.com/archives/C0STORIES/p1700000000000100",
    });
    expect(rows[1]?.story).toBe("Listened for an hour to @Bob's caller");
    expect(rows[2]?.story).toBe("'-5 minutes before closing, reopened");

    const book = (bookFile?.bytes ?? Buffer.alloc(0)).toString("utf8");
    const chapter = (heading: string) => book.indexOf(`## ${heading}`);
    expect(chapter("👂 Listen")).toBeGreaterThan(0);
    expect(chapter("✨ Delight")).toBeGreaterThan(chapter("👂 Listen"));
    expect(chapter("🔄 Recovery")).toBeGreaterThan(chapter("✨ Delight"));
    expect(chapter("Other stories")).toBeGreaterThan(chapter("🔄 Recovery"));
    // The two-value story is in both of its chapters; the listening story only in Listen.
    expect(book.split("drove the parcel over").length - 1).toBe(2);
    const listen = book.slice(chapter("👂 Listen"), chapter("✨ Delight"));
    expect(listen).toContain("Listened for an hour");
    expect(book.slice(chapter("Other stories"))).toContain("5 minutes before closing");

    const done = await t.slack.waitFor(() => t.slack.responses().find((r) => t.slack.textOf(r).includes("Sent 3")));
    expect(t.slack.textOf(done)).toContain("DM");
  });

  it("exports only the range asked for", async () => {
    await run("export stories 2026-03-01 2026-03-04");
    await t.delight.workers.drain();
    const upload = uploadedFiles();
    const rows = parse<Record<string, string>>(upload.files[0]?.bytes ?? Buffer.alloc(0), { bom: true, columns: true });
    expect(rows).toHaveLength(1);
    expect(upload.comment).toContain("2026-03-01 to 2026-03-04");
  });

  it("says so instead of uploading empty files when the range has no stories", async () => {
    await run("export stories 2025-01-01 2025-12-31");
    await t.delight.workers.drain();
    const reply = await t.slack.waitFor(() => t.slack.responses()[0]);
    expect(t.slack.textOf(reply)).toContain("no approved stories for 2025-01-01 to 2025-12-31");
    expect(t.slack.callsTo("files.getUploadURLExternal")).toHaveLength(0);
    expect(t.slack.callsTo("files.completeUploadExternal")).toHaveLength(0);
  });

  it("refuses a non-admin, checked on the server", async () => {
    const ack = await run("export stories", "USAM");
    expect(ack).toContain("Only Slack workspace admins");
    await t.delight.workers.drain();
    expect(t.slack.callsTo("files.completeUploadExternal")).toHaveLength(0);
  });

  it("quotes a date it can't read back, with an example", async () => {
    const ack = await run("export stories 2026-02-30");
    expect(ack).toContain("“2026-02-30” isn't a date I can read");
    expect(ack).toContain("/delight-admin export stories 2026-02-30");
    expect(ack).toContain("export stories 2026-01-01 2026-03-31");
    const swapped = await run("export stories 2026-05-01 2026-04-01");
    expect(swapped).toContain("is after the last day");
  });
});
