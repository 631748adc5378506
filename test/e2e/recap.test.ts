// `/delight recap [@person] [from] [to]` end to end: your own recap, or a manager's about a
// person (refused, kindly, to anyone else, on the server), as a message and a Markdown file
// uploaded to the asker's DM through the outbox; bad dates quoted back with what to do.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addManagers } from "../../src/features/admin/settings.ts";
import { TEAM_ID } from "../../src/sandbox/slack-imitation.ts";
import { databaseTargets } from "../support/databases.ts";
import { drainJobs, startTestApp, type TestApp } from "../support/test-app.ts";

describe.each(databaseTargets())("recap on $name", (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      databaseUrl: await target.create(),
      users: [
        { id: "UMARIA", name: "Maria" },
        { id: "UALEX", name: "Alex" },
        { id: "USAM", name: "Sam" },
      ],
    });
    await addManagers(t.database.prisma, { teamId: TEAM_ID }, ["UMARIA"], "UADMIN");
    const story = (decidedAt: string, customer: string | null, values: string[], text: string, nominee = "UALEX") =>
      t.database.prisma.nomination.create({
        data: {
          teamId: TEAM_ID,
          nominatorId: "USAM",
          nomineeIds: [nominee],
          story: text,
          values,
          customer,
          status: "approved",
          decidedBy: "UMARIA",
          decidedAt: new Date(decidedAt),
        },
      });
    await story("2026-02-10T10:00:00Z", "Acme", ["listen", "delight"], "Rebuilt Acme's order &lt;fast&gt;");
    await story("2026-05-20T10:00:00Z", "Globex", ["recovery"], "Turned the outage into a WOW");
    await story("2026-10-01T10:00:00Z", null, ["attention"], "Spotted the typo before the mailing");
    await story("2024-01-01T10:00:00Z", "Initech", ["listen"], "Too old for the default year");
    await story("2026-03-01T10:00:00Z", "Umbrella", ["listen"], "Someone else's story", "USAM");
    // A pending one is not recognition yet.
    await t.database.prisma.nomination.create({
      data: { teamId: TEAM_ID, nominatorId: "USAM", nomineeIds: ["UALEX"], story: "Still pending", values: [] },
    });
  }, 60_000);
  afterAll(async () => {
    await t.stop();
    await target.cleanup();
  });
  beforeEach(() => t.slack.reset());

  function uploadedMarkdown(): { channel: unknown; markdown: string; filename: string } {
    const complete = t.slack.callsTo("files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    const files = complete[0]?.args.files as Array<{ id: string }>;
    const id = files[0]?.id ?? "";
    return {
      channel: complete[0]?.args.channel_id,
      markdown: (t.slack.uploads.get(id) ?? Buffer.alloc(0)).toString("utf8"),
      filename: t.slack.workspace.files.get(id)?.filename ?? "",
    };
  }

  it("gives you your own recap of the last 12 months: a message and a Markdown file in your DM", async () => {
    const ack = await t.sender.command("/delight", "recap", "UALEX");
    expect(ack.body).toContain("Gathering your recap");
    await drainJobs(t);
    const { channel, markdown } = uploadedMarkdown();
    expect(channel).toBe("DUALEX");
    expect(markdown).toContain("# Delight recap: Alex");
    expect(markdown).toContain("- Stories: 3");
    expect(markdown).toContain("## 2026-02-10 — Acme");
    expect(markdown).toContain("Values: Listen, Delight · nominated by Sam · approved by Maria");
    expect(markdown).toContain("> Rebuilt Acme's order \\<fast\\>");
    expect(markdown).toContain("Globex");
    expect(markdown).not.toContain("Initech");
    expect(markdown).not.toContain("Someone else");
    expect(markdown).not.toContain("Still pending");
    const reply = JSON.stringify(t.slack.responses().at(-1)?.args);
    expect(reply).toContain("You received *3* approved stories");
    expect(reply).toContain("Acme, Globex");
    expect(reply).toContain("in our DM as a Markdown file");
  });

  it("lets a manager recap a person over a range, and refuses anyone else on the server", async () => {
    const refused = await t.sender.command("/delight", "recap <@UALEX|alex> 2026-01-01", "USAM");
    expect(refused.body).toContain("Only Delight's managers can see someone else's recap");
    await drainJobs(t);
    expect(t.slack.callsTo("files.completeUploadExternal")).toHaveLength(0);
    expect(await t.database.prisma.job.count({ where: { kind: "recap.build" } })).toBe(1);

    const ack = await t.sender.command("/delight", "recap <@UALEX|alex> 2026-01-01 2026-03-31", "UMARIA");
    expect(ack.body).toContain("Gathering <@UALEX>'s recap");
    await drainJobs(t);
    const { channel, markdown, filename } = uploadedMarkdown();
    expect(channel).toBe("DUMARIA");
    expect(filename).toBe("delight-recap-UALEX-2026-01-01-to-2026-03-31.md");
    expect(markdown).toContain("2026-01-01 to 2026-03-31");
    expect(markdown).toContain("- Stories: 1");
    expect(markdown).not.toContain("Globex");
    expect(JSON.stringify(t.slack.responses().at(-1)?.args)).toContain("<@UALEX> received *1* approved story");
  });

  it("quotes bad dates back with what to write", async () => {
    const impossible = await t.sender.command("/delight", "recap 2026-02-30", "UALEX");
    expect(impossible.body).toContain("2026-02-30");
    expect(impossible.body).toContain("doesn't exist in the calendar");
    expect(impossible.body).toContain("You typed");
    const words = await t.sender.command("/delight", "recap last-year", "UALEX");
    expect(words.body).toContain("Write dates as YYYY-MM-DD");
    const reversed = await t.sender.command("/delight", "recap 2026-06-01 2026-01-01", "UALEX");
    expect(reversed.body).toContain("Put the earlier date first");
    const tooMany = await t.sender.command("/delight", "recap 2026-01-01 2026-02-01 2026-03-01", "UALEX");
    expect(tooMany.body).toContain("at most two dates");
    const personLast = await t.sender.command("/delight", "recap 2026-01-01 <@UALEX|alex>", "UMARIA");
    expect(personLast.body).toContain("Name the person first");
    await drainJobs(t);
    expect(t.slack.callsTo("files.completeUploadExternal")).toHaveLength(0);
  });
});
