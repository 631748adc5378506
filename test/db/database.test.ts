// The data layer on every database target: migrations, isolation, exactly-once primitives.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dataDirLockPath, openDriverAdapter } from "../../src/db/adapters.ts";
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

describe.each(databaseTargets())("migrations on $name", (target) => {
  afterAll(() => target.cleanup());

  it("records nothing for a migration that fails, so the next start tries it again", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "delight-migrations-"));
    await mkdir(path.join(dir, "20260101000000_good"));
    await writeFile(path.join(dir, "20260101000000_good", "migration.sql"), `CREATE TABLE "Good" (id INT);`);
    await mkdir(path.join(dir, "20260102000000_bad"));
    await writeFile(
      path.join(dir, "20260102000000_bad", "migration.sql"),
      `CREATE TABLE "Half" (id INT);\nSELECT * FROM "NoSuchTable";`,
    );
    const driver = await openDriverAdapter(await target.create());
    await expect(driver.withSession((s) => applyMigrations(s, dir))).rejects.toThrow(/20260102000000_bad failed/);
    const recorded = await driver.query<{ migration_name: string; finished_at: Date | null }>(
      `SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(recorded.map((r) => r.migration_name)).toEqual(["20260101000000_good"]);
    expect(recorded[0]?.finished_at).not.toBeNull();
    const half = await driver.query<{ exists: boolean }>(`SELECT to_regclass('"Half"') IS NOT NULL AS exists`);
    expect(half[0]?.exists).toBe(false);
    await driver.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe("embedded database directory", () => {
  it("refuses a second process on the same data directory, naming what to do", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "delight-lock-"));
    // The parent process (the test runner) is alive: its pid stands for "another instance".
    await writeFile(dataDirLockPath(dir), String(process.ppid));
    await expect(openDriverAdapter(`file:${dir}`)).rejects.toThrow(/in use by another process/);
    await rm(dir, { recursive: true, force: true });
    await rm(dataDirLockPath(dir), { force: true });
  });

  it("takes over a lock left by a process that is gone", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "delight-lock-"));
    await writeFile(dataDirLockPath(dir), "999999");
    const driver = await openDriverAdapter(`file:${dir}`);
    expect(await readFile(dataDirLockPath(dir), "utf8")).toBe(String(process.pid));
    await driver.close();
    await expect(readFile(dataDirLockPath(dir), "utf8")).rejects.toThrow();
    await rm(dir, { recursive: true, force: true });
  });
});
