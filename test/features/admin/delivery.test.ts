// The delivery line of every `/delight-admin` answer, read in one statement, on every target
// (PGlite, and PostgreSQL with TEST_DATABASE_URL); and the admin contact written only when it changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../../src/db/database.ts";
import { deliverySummary } from "../../../src/features/admin/delivery.ts";
import { rememberAdminContact } from "../../../src/features/admin/settings.ts";
import { databaseTargets } from "../../support/databases.ts";

describe.each(databaseTargets())("admin delivery summary on $name", (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase(await target.create());
  });
  afterAll(async () => {
    await database.close();
    await target.cleanup();
  });

  it("counts waiting writes (with the oldest's time), and failed writes and jobs, of one workspace only", async () => {
    const prisma = database.prisma;
    expect(await deliverySummary(prisma, "TDELIV")).toEqual({
      waiting: 0,
      oldestWaitingSince: null,
      failedWrites: 0,
      failedJobs: 0,
    });
    const oldest = new Date("2026-12-05T10:00:00.123Z");
    const write = (key: string, teamId: string, status: "pending" | "sending" | "sent" | "dead", createdAt: Date) =>
      prisma.slackWrite.create({
        data: { key, teamId, method: "chat.postMessage", lane: "x", args: {}, status, createdAt },
      });
    await write("w1", "TDELIV", "pending", new Date("2026-12-05T11:00:00Z"));
    await write("w2", "TDELIV", "sending", oldest);
    await write("w3", "TDELIV", "sent", new Date("2026-12-05T09:00:00Z"));
    await write("w4", "TDELIV", "dead", new Date("2026-12-05T09:00:00Z"));
    await write("w5", "TOTHER", "pending", new Date("2026-12-05T08:00:00Z"));
    await write("w6", "TOTHER", "dead", new Date("2026-12-05T08:00:00Z"));
    const job = (key: string, teamId: string, status: "dead" | "done") =>
      prisma.job.create({ data: { id: key, kind: "k", key, teamId, payload: {}, status, runAt: oldest } });
    await job("j1", "TDELIV", "dead");
    await job("j2", "TDELIV", "dead");
    await job("j3", "TDELIV", "done");
    await job("j4", "TOTHER", "dead");

    expect(await deliverySummary(prisma, "TDELIV")).toEqual({
      waiting: 2,
      oldestWaitingSince: oldest,
      failedWrites: 1,
      failedJobs: 2,
    });
  });

  it("remembers the admin contact, creating the workspace if needed, and rewrites it only when it changes", async () => {
    const prisma = database.prisma;
    await rememberAdminContact(prisma, { teamId: "TCONTACT", enterpriseId: "E1" }, "UADMIN1");
    const first = await prisma.workspace.findUniqueOrThrow({ where: { teamId: "TCONTACT" } });
    expect(first).toMatchObject({ adminContactId: "UADMIN1", enterpriseId: "E1", slaMinutes: 1440 });

    await new Promise((resolve) => setTimeout(resolve, 5));
    await rememberAdminContact(prisma, { teamId: "TCONTACT" }, "UADMIN1");
    const same = await prisma.workspace.findUniqueOrThrow({ where: { teamId: "TCONTACT" } });
    expect(same.updatedAt).toEqual(first.updatedAt);

    await rememberAdminContact(prisma, { teamId: "TCONTACT" }, "UADMIN2");
    const changed = await prisma.workspace.findUniqueOrThrow({ where: { teamId: "TCONTACT" } });
    expect(changed.adminContactId).toBe("UADMIN2");
    expect(changed.enterpriseId).toBe("E1");
    expect(changed.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
  });
});
