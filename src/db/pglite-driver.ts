// Embedded PGlite (PostgreSQL in WebAssembly, in this process) as the app's driver.
import { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { DatabaseTarget, OpenedDriver, SqlSession } from "./adapters.ts";
import { lockDataDir } from "./data-dir-lock.ts";

export async function openPGliteDriver(target: DatabaseTarget): Promise<OpenedDriver> {
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
