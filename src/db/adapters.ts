// Chooses the database driver from DATABASE_URL (PRODUCT.md runtime contract):
//   unset            → embedded PGlite persisted under ./data
//   memory://        → in-memory PGlite (tests, demos)
//   file:<dir>       → embedded PGlite persisted under <dir>
//   postgres(ql)://… → PostgreSQL through node-postgres
// Used by the app at start-up and by prisma.config.ts for the Prisma CLI.
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

export interface OpenedDriver {
  target: DatabaseTarget;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Runs a multi-statement SQL script (migrations). */
  execScript(sql: string): Promise<void>;
  /** Runs one parameterised query and returns its rows. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export async function openDriverAdapter(databaseUrl: string | undefined): Promise<OpenedDriver> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === "pglite") {
    const pglite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
    await pglite.waitReady;
    return {
      target,
      // pglite-prisma-adapter 0.6 is typed against an older driver-adapter-utils; the
      // interface it implements is unchanged at run time (checked by the database tests).
      adapterFactory: new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory,
      async execScript(sql) {
        await pglite.exec(sql);
      },
      async query<Row>(sql: string, params: unknown[] = []) {
        return (await pglite.query<Row>(sql, params)).rows;
      },
      close: () => pglite.close(),
    };
  }
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    Client: CatalogTypesAsTextClient,
    max: 10,
  });
  return {
    target,
    adapterFactory: new PrismaPg(pool, { disposeExternalPool: false }),
    async execScript(sql) {
      await pool.query(sql);
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as Row[];
    },
    close: () => pool.end(),
  };
}
