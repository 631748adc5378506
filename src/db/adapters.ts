// Chooses the database driver from DATABASE_URL (PRODUCT.md runtime contract):
//   unset            → embedded PGlite persisted under ./data
//   memory://        → in-memory PGlite (tests, demos)
//   file:<dir>       → embedded PGlite persisted under <dir>
//   postgres(ql)://… → PostgreSQL through node-postgres
// Used by the app at start-up and by prisma.config.ts for the Prisma CLI.
//
// Each driver is imported only when it is used: PostgreSQL deployments never load PGlite's
// WebAssembly and PGlite ones never load node-postgres, and config.ts can parse the URL
// without loading either (start-up time).
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { StatementLanesOptions } from "./statement-lanes.ts";

export { DataDirInUseError, dataDirLockPath } from "./data-dir-lock.ts";

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

/** Where a database URL points, for a start-up line: never the password. */
export function describeDatabaseUrl(databaseUrl: string | undefined): string {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === "postgres") {
    // Never show the password; never throw while describing a URL that failed to parse.
    const hostAndDb = /@([^/?#]+)(\/[^?#]*)?/.exec(target.connectionString ?? "");
    return hostAndDb ? `PostgreSQL at ${hostAndDb[1]}${hostAndDb[2] ?? ""}` : "PostgreSQL";
  }
  return target.dataDir ? `embedded PGlite in ${target.dataDir}` : "in-memory PGlite (data is lost on exit)";
}

export interface OpenedDriver {
  target: DatabaseTarget;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Migrations already applied while creating the database (PGlite created in a child process). */
  appliedAtCreation?: string[];
  /** Runs a multi-statement SQL script (migrations). */
  execScript(sql: string): Promise<void>;
  /** Runs one parameterised query and returns its rows. */
  query<Row>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Row[]>;
  /**
   * Runs `work` on one database connection, for session state such as an advisory lock
   * (a pool would otherwise spread the lock, the work and the unlock over connections).
   */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /**
   * Runs the answering of one request with its statements ahead of background work (PGlite:
   * one statement at a time, see statement-lanes.ts); PostgreSQL's pool needs no such order.
   */
  onAckPath?<T>(work: () => Promise<T>, since?: number): Promise<T>;
  /** A connection arrived: PGlite holds background statements back while a burst comes in. */
  noteArrival?(): void;
  close(): Promise<void>;
}

export interface QueryOptions {
  /**
   * Makes it a named prepared statement on PostgreSQL: parsed and planned once per connection,
   * for a statement run thousands of times (the same name must always carry the same text).
   * PGlite runs it as it comes.
   */
  name?: string;
  /**
   * On the ack path whatever the caller's context (the group-committed job insert, which
   * carries the rows of many requests waiting for their ack): PGlite runs it first.
   */
  ack?: boolean;
}

export interface SqlSession {
  execScript(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface OpenDriverOptions {
  /**
   * PGlite file only: create a new data directory (initdb + migrations) in a short-lived child
   * process rather than in this one (the app's start; tests create theirs in-process).
   */
  createInChildProcess?: boolean;
  /** PGlite: how the ack path and background work share the one connection (tests shorten it). */
  lanes?: StatementLanesOptions;
}

export async function openDriverAdapter(
  databaseUrl: string | undefined,
  options: OpenDriverOptions = {},
): Promise<OpenedDriver> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === "pglite") {
    const { openPGliteDriver } = await import("./pglite-driver.ts");
    return openPGliteDriver(target, options);
  }
  const { openPostgresDriver } = await import("./postgres-driver.ts");
  return openPostgresDriver(target);
}
