// PostgreSQL through node-postgres as the app's driver.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { DatabaseTarget, OpenedDriver, QueryOptions } from "./adapters.ts";

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

export async function openPostgresDriver(target: DatabaseTarget): Promise<OpenedDriver> {
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
    async query<Row>(sql: string, params: unknown[] = [], options: QueryOptions = {}) {
      const config = options.name ? { name: options.name, text: sql, values: params } : { text: sql, values: params };
      return (await pool.query(config)).rows as Row[];
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
