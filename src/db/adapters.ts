// Chooses the database driver from DATABASE_URL (PRODUCT.md runtime contract):
//   unset            → embedded PGlite persisted under ./data
//   memory://        → in-memory PGlite (tests, demos)
//   file:<dir>       → embedded PGlite persisted under <dir>
//   postgres(ql)://… → PostgreSQL through node-postgres
// Used by the app at start-up and by prisma.config.ts for the Prisma CLI.
import { rmSync } from "node:fs";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseTarget {
  kind: DatabaseKind;
  /** PGlite data directory; undefined = in memory. */
  dataDir?: string;
  /** PostgreSQL connection string. */
  connectionString?: string;
}

export const DEFAULT_PGLITE_DIR = "./data";

export function parseDatabaseUrl(databaseUrl: string | undefined): DatabaseTarget {
  const url = databaseUrl?.trim();
  if (!url) return { kind: "pglite", dataDir: path.resolve(DEFAULT_PGLITE_DIR) };
  if (url === "memory://" || url === "memory:") return { kind: "pglite" };
  if (url.startsWith("file:")) {
    const dir = url.slice("file:".length).replace(/^\/\//, "");
    return { kind: "pglite", dataDir: path.resolve(dir || DEFAULT_PGLITE_DIR) };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    return { kind: "postgres", connectionString: url };
  }
  throw new Error(`DATABASE_URL must be empty, memory://, file:<dir> or postgres://…; got "${url.split(":")[0]}:…"`);
}

/**
 * Catalog columns of type `name`, `char`, `regproc`… have no driver-adapter mapping in
 * Prisma 6 (prisma/orm#27403), which breaks `prisma migrate deploy` on PostgreSQL. Reporting
 * those result fields as `text` (oid 25) is harmless: node-postgres returns them as strings.
 */
const CATALOG_TYPE_OIDS = new Set([18, 19, 24, 194, 2205, 2206, 3734, 3769]);
const TEXT_OID = 25;

function reportCatalogTypesAsText<T>(result: T): T {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results as Array<{ fields?: Array<{ dataTypeID: number }> }>) {
    for (const field of r?.fields ?? []) {
      if (CATALOG_TYPE_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

export class CatalogTypesAsTextClient extends pg.Client {
  // pg.Client#query has many overloads (promise, callback, Submittable); we wrap them all.
  override query(...args: unknown[]): never {
    const callbackIndex = args.findIndex((arg) => typeof arg === "function");
    if (callbackIndex >= 0) {
      const callback = args[callbackIndex] as (err: Error | null, res: unknown) => void;
      args[callbackIndex] = (err: Error | null, res: unknown) =>
        callback(err, err ? res : reportCatalogTypesAsText(res));
    }
    const returned = (super.query as (...a: unknown[]) => unknown).apply(this, args);
    if (callbackIndex < 0 && returned instanceof Promise) {
      return returned.then(reportCatalogTypesAsText) as never;
    }
    return returned as never;
  }
}

export class DataDirInUseError extends Error {}

/**
 * PGlite has no locking of its own: two processes on one data directory corrupt it. A lock
 * file with the owner's pid (next to the directory) keeps a second `npm start` (or `npm run db:migrate` while the app
 * runs) out; a lock left by a process that no longer exists is taken over.
 */
async function lockDataDir(dir: string): Promise<() => void> {
  // Beside the directory, not in it: PGlite initialises only an empty directory.
  await mkdir(path.dirname(dir), { recursive: true });
  const lockPath = dataDirLockPath(dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      if (owner && owner !== process.pid && isRunning(owner)) {
        throw new DataDirInUseError(
          `the embedded database in ${dir} is in use by another process (pid ${owner}). Stop it first, or set DATABASE_URL to another directory (file:<dir>) or to PostgreSQL.`,
        );
      }
      await rm(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new DataDirInUseError(`could not lock the embedded database in ${dir}`);
}

export function dataDirLockPath(dir: string): string {
  return path.join(path.dirname(dir), `.${path.basename(dir)}.lock`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface OpenedDriver {
  target: DatabaseTarget;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Runs a multi-statement SQL script (migrations). */
  execScript(sql: string): Promise<void>;
  /** Runs one parameterised query and returns its rows. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Runs `work` on one database connection, for session state such as an advisory lock
   * (a pool would otherwise spread the lock, the work and the unlock over connections).
   */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SqlSession {
  execScript(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export async function openDriverAdapter(databaseUrl: string | undefined): Promise<OpenedDriver> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === "pglite") {
    const releaseLock = target.dataDir ? await lockDataDir(target.dataDir) : () => undefined;
    const pglite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
    try {
      await pglite.waitReady;
    } catch (error) {
      releaseLock();
      throw error;
    }
    const session: SqlSession = {
      async execScript(sql) {
        await pglite.exec(sql);
      },
      async query<Row>(sql: string, params: unknown[] = []) {
        return (await pglite.query<Row>(sql, params)).rows;
      },
    };
    return {
      target,
      // pglite-prisma-adapter 0.6 is typed against an older driver-adapter-utils; the
      // interface it implements is unchanged at run time (checked by the database tests).
      adapterFactory: new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory,
      ...session,
      withSession: (work) => work(session),
      async close() {
        await pglite.close();
        releaseLock();
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    Client: CatalogTypesAsTextClient,
    max: 10,
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process
  // before Prisma attaches its own listener; the pool replaces it on next use.
  pool.on("error", (error) => console.warn(`PostgreSQL connection lost: ${error.message}`));
  return {
    target,
    adapterFactory: new PrismaPg(pool, { disposeExternalPool: false }),
    async execScript(sql) {
      await pool.query(sql);
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as Row[];
    },
    async withSession(work) {
      const client = await pool.connect();
      try {
        return await work({
          async execScript(sql) {
            await client.query(sql);
          },
          async query<Row>(sql: string, params: unknown[] = []) {
            return (await client.query(sql, params)).rows as Row[];
          },
        });
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
