// Signing secrets at rest: encrypted with the app's key, bound to their connection; rows from
// before encryption read in clear and rewritten encrypted; a new key takes over from the
// derived development key without losing what it wrote.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { openDatabase, type Database } from "../../../src/db/database.ts";
import {
  createConnection,
  findConnection,
  isSealed,
  openSecret,
  sealPlainSecrets,
  secretsCipher,
} from "../../../src/features/signals/connections.ts";

const base = { SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: "signing-secret-for-tests" };
const KEY = Buffer.alloc(32, 9).toString("base64");

describe("connection secrets at rest", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase("memory://");
  });
  afterAll(() => database.close());

  it("encrypts on create, bound to the connection's id", async () => {
    const cipher = secretsCipher(loadConfig({ ...base, DELIGHT_ENCRYPTION_KEY: KEY }));
    const created = await createConnection(
      database.prisma,
      cipher,
      { teamId: "T1" },
      {
        source: "zendesk",
        secret: "zendesk-secret-123",
        createdBy: "U1",
        now: new Date(),
      },
    );
    expect(created.secret).not.toContain("zendesk-secret-123");
    expect(isSealed(created.secret)).toBe(true);
    expect(openSecret(cipher, created)).toBe("zendesk-secret-123");
    // Copied onto another row, it fails its integrity check.
    expect(() => openSecret(cipher, { id: "other-connection", secret: created.secret })).toThrow(/integrity/);
  });

  it("encrypts rows stored in clear at start-up, and moves the derived key's rows to a new key", async () => {
    const derived = secretsCipher(loadConfig(base));
    await database.prisma.signalConnection.create({
      data: { id: "plainConnection1", teamId: "T1", source: "intercom", secret: "plain-old-secret", createdBy: "U1" },
    });
    await createConnection(
      database.prisma,
      derived,
      { teamId: "T1" },
      {
        source: "generic",
        secret: "whsec_ZGV2ZWxvcG1lbnQta2V5LXNlY3JldA==",
        createdBy: "U1",
        now: new Date(),
      },
    );
    const keyed = secretsCipher(loadConfig({ ...base, DELIGHT_ENCRYPTION_KEY: KEY }));
    const result = await sealPlainSecrets(database.prisma, keyed);
    expect(result).toEqual({ total: 3, sealed: 2 });
    const rows = await database.prisma.signalConnection.findMany();
    expect(JSON.stringify(rows)).not.toContain("plain-old-secret");
    expect(rows.every((row) => isSealed(row.secret) && !keyed.isStale(row.secret))).toBe(true);
    expect((await findConnection(database.prisma, keyed, "plainConnection1"))?.secret).toBe("plain-old-secret");
    expect(await sealPlainSecrets(database.prisma, keyed)).toEqual({ total: 3, sealed: 0 });
  });
});
