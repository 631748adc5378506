// The data layer on every database target: migrations, isolation, exactly-once primitives.
import { afterAll, describe, expect, it } from "vitest";
import { openDriverAdapter } from "../../src/db/adapters.ts";
import { openDatabase } from "../../src/db/database.ts";
import { applyMigrations, readMigrations } from "../../src/db/migrate.ts";
import { ensureWorkspace, getSettings, setSla } from "../../src/features/admin/settings.ts";
import { databaseTargets, TEST_DATABASE_URL } from "../support/databases.ts";

describe.each(databaseTargets())("database on $name", (target) => {
  afterAll(() => target.cleanup());

  it("applies every migration once and records it like Prisma does", async () => {
    const url = await target.create();
    const db = await openDatabase(url);
    const migrations = await readMigrations();
    expect(db.appliedMigrations).toEqual(migrations.map((m) => m.name));
    await db.close();

    // A second start applies nothing and keeps Prisma's bookkeeping (checksum = sha256).
    const driver = await openDriverAdapter(url);
    expect(await applyMigrations(driver)).toEqual([]);
    const rows = await driver.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(migrations.map((m) => [m.name, m.checksum]));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    await driver.close();
  });

  it("keeps each workspace's settings apart", async () => {
    const db = await openDatabase(await target.create());
    await setSla(db.prisma, { teamId: "TONE" }, 60);
    expect((await getSettings(db.prisma, { teamId: "TONE" })).slaMinutes).toBe(60);
    expect((await getSettings(db.prisma, { teamId: "TTWO" })).slaMinutes).toBe(1440);
    await db.close();
  });

  it("lets exactly one of many concurrent conditional updates win", async () => {
    const db = await openDatabase(await target.create());
    await ensureWorkspace(db.prisma, { teamId: "TONE" });
    const nomination = await db.prisma.nomination.create({
      data: { teamId: "TONE", nominatorId: "UA", nomineeIds: ["UB"], story: "s", values: [] },
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.prisma.nomination.updateMany({
          where: { id: nomination.id, status: "pending" },
          data: { status: "approved", decidedBy: `UM${i}` },
        }),
      ),
    );
    expect(results.filter((r) => r.count === 1)).toHaveLength(1);
    await db.close();
  });
});

describe("PostgreSQL tests", () => {
  it.skipIf(Boolean(TEST_DATABASE_URL))("are skipped: set TEST_DATABASE_URL=postgres://… to run them", () => {
    expect(TEST_DATABASE_URL).toBeUndefined();
  });
});
