// Database targets for tests: PGlite always; PostgreSQL too when TEST_DATABASE_URL is set
// (each test file gets a scratch database of its own, dropped afterwards).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

export interface DatabaseTarget {
  name: "pglite" | "postgres";
  /** Creates a fresh, empty database and returns its DATABASE_URL. */
  create(): Promise<string>;
  /** Drops every database created by create(). */
  cleanup(): Promise<void>;
}

function pgliteTarget(): DatabaseTarget {
  const dirs: string[] = [];
  return {
    name: "pglite",
    // A directory rather than memory://, so a test can close the database and open it again.
    async create() {
      const dir = await mkdtemp(path.join(tmpdir(), "delight-pglite-"));
      dirs.push(dir);
      return `file:${dir}`;
    },
    async cleanup() {
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    },
  };
}

function postgresTarget(adminUrl: string): DatabaseTarget {
  const created: string[] = [];
  return {
    name: "postgres",
    async create() {
      const name = `delight_test_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async cleanup() {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        for (const name of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** PGlite, plus PostgreSQL when TEST_DATABASE_URL is set. Use with describe.each. */
export function databaseTargets(): DatabaseTarget[] {
  return TEST_DATABASE_URL ? [pgliteTarget(), postgresTarget(TEST_DATABASE_URL)] : [pgliteTarget()];
}

if (!TEST_DATABASE_URL && !process.env.DELIGHT_QUIET_SKIP_NOTE) {
  process.env.DELIGHT_QUIET_SKIP_NOTE = "1";
  console.warn("Note: TEST_DATABASE_URL is not set, so database tests run on PGlite only (PostgreSQL part skipped).");
}
