// Applies pending migrations from prisma/migrations at start-up, so `npm start` needs no
// separate step. It keeps Prisma's own bookkeeping table (`_prisma_migrations`, same
// columns and checksums), so `prisma migrate status` and `prisma migrate deploy` agree with
// it. An advisory lock makes concurrent app instances apply each migration once.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlSession } from "./adapters.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

// The key Prisma itself uses for its migration lock, so the CLI and the app exclude each other.
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export class MigrationError extends Error {}

const sqlText = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** Applies every migration not yet recorded; returns the names it applied. */
export async function applyMigrations(driver: SqlSession, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  await driver.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
  try {
    await driver.execScript(CREATE_MIGRATIONS_TABLE);
    const rows = await driver.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const recorded = new Map(rows.map((row) => [row.migration_name, row]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const row = recorded.get(migration.name);
      if (row?.finished_at) continue;
      if (row) {
        throw new MigrationError(
          `Migration ${migration.name} started earlier but did not finish. Fix the database, then run ` +
            `"npx prisma migrate resolve --rolled-back ${migration.name}" and start again.`,
        );
      }
      // The bookkeeping row is written in the migration's own transaction: a process killed
      // mid-migration leaves neither the schema change nor a half-finished record behind.
      const record = `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES (${sqlText(randomUUID())}, ${sqlText(migration.checksum)}, ${sqlText(migration.name)}, now(), now(), 1);`;
      try {
        await driver.execScript(`BEGIN;\n${migration.sql}\n${record}\nCOMMIT;`);
      } catch (error) {
        await driver.execScript("ROLLBACK;").catch(() => undefined);
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await driver.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
  }
}
