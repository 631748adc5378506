// `/delight-admin import customers` end to end: the form with its file_input, the file chosen
// (stored by the Slack imitation, as Slack keeps it), the submission, and the job that
// downloads it with the bot token, upserts the customers and tells the admin by DM.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { viewSubmission } from "../support/payloads.ts";
import { drainJobs, startTestApp, type TestApp } from "../support/test-app.ts";

const HEADER = "name,external_id,tier,interests,notes,owner_email,customer_since,renewal_at";
const GOOD = [
  HEADER,
  'Acme Corp,CRM-1,gold,coffee;Cycling,"Prefers calls, not email",ann@example.com,2020-01-31,2027-03-01',
  "Globex,CRM-2,silver,,,,2021-06-01,",
  '"Initech, Inc.",,,chess,,,,2027-01-15',
].join("\n");

describe("importing customers from a CSV", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      admins: ["UADMIN"],
      users: [
        { id: "UADMIN", name: "Ada" },
        { id: "UAGENT", name: "Alex" },
      ],
    });
  });
  afterAll(() => t.stop());
  beforeEach(() => t.slack.reset());

  const text = (call: RecordedCall | undefined) => (call ? JSON.stringify(call.args) : "");

  function choose(name: string, content: string, user = "UADMIN") {
    const file = t.slack.userUpload(user, name, Buffer.from(content));
    if ("error" in file) throw new Error(String(file.error));
    return file;
  }

  async function submit(files: unknown[], user = "UADMIN") {
    const response = await t.sender.interaction(
      viewSubmission({
        userId: user,
        callbackId: "customers_import",
        actionId: "file",
        values: { csv_file: { type: "file_input", files } },
      }),
    );
    expect(response.status).toBe(200);
    return response.body
      ? (JSON.parse(response.body) as { response_action?: string; errors?: Record<string, string> })
      : {};
  }

  async function importFile(name: string, content: string): Promise<string> {
    expect(await submit([choose(name, content)])).toEqual({});
    await drainJobs(t);
    return text(t.slack.postsTo("DUADMIN").at(-1));
  }

  it("opens a form with a file_input for one CSV, for admins only", async () => {
    const response = await t.sender.command("/delight-admin", "import customers", "UADMIN");
    expect(JSON.parse(response.body)).toMatchObject({ response_type: "ephemeral" });
    expect(response.body).toContain("Choose the CSV in the form");
    const opened = t.slack.calls.find((c) => c.method === "views.open");
    expect(JSON.stringify(opened?.args)).toContain('"type":"file_input"');
    expect(JSON.stringify(opened?.args)).toContain('"filetypes":["csv"]');
    expect(JSON.stringify(opened?.args)).toContain('"max_files":1');
    expect(t.slack.workspace.problems).toEqual([]);

    const refused = await t.sender.command("/delight-admin", "import customers", "UAGENT");
    expect(refused.body).toContain("Only Slack workspace admins");
    expect(await submit([choose("customers.csv", GOOD, "UAGENT")], "UAGENT")).toMatchObject({
      response_action: "errors",
      errors: { csv_file: expect.stringContaining("Only Slack workspace admins") },
    });
    expect(await t.database.prisma.customer.count({ where: { teamId: TEAM_ID } })).toBe(0);
  });

  it("refuses at once what is not one CSV", async () => {
    expect(await submit([])).toMatchObject({ errors: { csv_file: "Choose a CSV file to import." } });
    expect(await submit([choose("notes.txt", "hello")])).toMatchObject({
      errors: { csv_file: "That is not a CSV file (.csv)." },
    });
    expect(await submit([choose("a.csv", GOOD), choose("b.csv", GOOD)])).toMatchObject({
      errors: { csv_file: "Import one file at a time." },
    });
  });

  it("imports a good file: added, with every column, and the answer says so", async () => {
    const answer = await importFile("customers.csv", GOOD);
    expect(answer).toContain("*3* added, *0* updated, 0 unchanged, *0* refused");
    // The file was fetched with the bot token (the imitation hands a sign-in page otherwise).
    expect(t.slack.calls.find((c) => c.method === "files-pri")?.args).toMatchObject({ authorized: true });
    const acme = await t.database.prisma.customer.findFirstOrThrow({
      where: { teamId: TEAM_ID, normalizedName: "acme corp" },
      include: { notes: true, externalIds: true },
    });
    expect(acme).toMatchObject({
      name: "Acme Corp",
      tier: "gold",
      ownerEmail: "ann@example.com",
      interests: ["coffee", "cycling"],
    });
    expect(acme.customerSince?.toISOString()).toBe("2020-01-31T00:00:00.000Z");
    expect(acme.renewalAt?.toISOString()).toBe("2027-03-01T00:00:00.000Z");
    expect(acme.notes.map((n) => n.text)).toEqual(["Prefers calls, not email"]);
    expect(acme.externalIds).toMatchObject([{ source: "csv", externalId: "CRM-1" }]);
    expect(await t.database.prisma.customer.findFirst({ where: { normalizedName: "initech, inc." } })).toMatchObject({
      interests: ["chess"],
    });
  });

  it("re-importing the same file changes nothing", async () => {
    const before = await t.database.prisma.customer.findMany({ orderBy: { id: "asc" } });
    const notes = await t.database.prisma.customerNote.count();
    const answer = await importFile("customers.csv", GOOD);
    expect(answer).toContain("*0* added, *0* updated, 3 unchanged, *0* refused");
    expect(await t.database.prisma.customer.findMany({ orderBy: { id: "asc" } })).toEqual(before);
    expect(await t.database.prisma.customerNote.count()).toBe(notes);
  });

  it("updates by external id (a renamed customer) or by name, keeping what blank cells don't say", async () => {
    const answer = await importFile(
      "changes.csv",
      [HEADER, "ACME Corporation,CRM-1,platinum,,,,,", "globex,,,golf,,,,", "Umbrella,,,,,,,"].join("\n"),
    );
    expect(answer).toContain("*1* added, *2* updated, 0 unchanged");
    const acme = await t.database.prisma.customer.findFirstOrThrow({ where: { normalizedName: "acme corp" } });
    expect(acme).toMatchObject({ tier: "platinum", ownerEmail: "ann@example.com" });
    const globex = await t.database.prisma.customer.findFirstOrThrow({ where: { normalizedName: "globex" } });
    expect(globex).toMatchObject({ tier: "silver", interests: ["golf"] });
  });

  it("refuses broken rows with their line numbers and reasons (the first 20), and imports the rest", async () => {
    const broken = Array.from({ length: 24 }, (_, i) => `Broken ${i},,,,,not-an-email,,`);
    const rows = [
      HEADER,
      "Good One,G-1,,,,,,",
      ",,,,,,,",
      "Bad Date,B-1,,,,,2026-02-31,",
      ...broken,
      "Good Two,G-2,,,,,,",
      "Good One again,G-1,,,,,,",
    ];
    const answer = await importFile("broken.csv", rows.join("\n"));
    expect(answer).toContain("*2* added, *0* updated, 0 unchanged, *27* refused");
    expect(answer).toContain("The first 20 refused:");
    expect(answer).toContain("line 3: no name and no external_id");
    expect(answer).toContain("line 4: customer_since is not a date");
    expect(answer).toContain("line 5: owner_email is not an email address");
    expect(answer).toContain("line 22:");
    expect(answer).not.toContain("line 23:");
    expect(await t.database.prisma.customer.count({ where: { normalizedName: { startsWith: "broken" } } })).toBe(0);
    expect(await t.database.prisma.customer.count({ where: { normalizedName: "good two" } })).toBe(1);
  });

  it("refuses a whole file without a name column, and says Slack's sign-in page is not a file", async () => {
    expect(await importFile("odd.csv", "company,size\nAcme,3")).toContain("Nothing was imported from");
    const file = choose("customers.csv", GOOD) as { url_private_download: string };
    const anonymous = await fetch(file.url_private_download);
    expect(anonymous.headers.get("content-type")).toContain("text/html");
  });
});
