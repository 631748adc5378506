// Embedded PGlite (PostgreSQL in WebAssembly, in this process) as the app's driver.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { DatabaseTarget, OpenDriverOptions, OpenedDriver, QueryOptions, SqlSession } from "./adapters.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { pgliteWasmModule } from "./pglite-wasm.ts";
import { StatementLanes } from "./statement-lanes.ts";

export async function openPGliteDriver(target: DatabaseTarget, options: OpenDriverOptions = {}): Promise<OpenedDriver> {
  const releaseLock = target.dataDir ? await lockDataDir(target.dataDir) : () => undefined;
  let appliedAtCreation: string[] = [];
  let pglite: PGlite;
  try {
    const wasmModule = pgliteWasmModule(); // compiles meanwhile
    wasmModule.catch(() => undefined); // awaited below
    if (options.createInChildProcess && target.dataDir && !existsSync(path.join(target.dataDir, "PG_VERSION"))) {
      appliedAtCreation = await createInChildProcess(target.dataDir);
    }
    pglite = new PGlite({ dataDir: target.dataDir, wasmModule: await wasmModule });
    await pglite.waitReady;
  } catch (error) {
    releaseLock();
    throw error;
  }
  // Every statement, Prisma's too, takes its turn through the lanes (ack path first).
  const lanes = new StatementLanes(options.lanes);
  const session: SqlSession = {
    async execScript(sql) {
      await lanes.run(() => pglite.exec(sql));
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await lanes.run(() => pglite.query<Row>(sql, params))).rows;
    },
  };
  return {
    target,
    appliedAtCreation,
    // pglite-prisma-adapter 0.6 is typed against an older driver-adapter-utils; the
    // interface it implements is unchanged at run time (checked by the database tests).
    adapterFactory: new PrismaPGlite(laned(pglite, lanes)) as unknown as SqlMigrationAwareDriverAdapterFactory,
    ...session,
    async query<Row>(sql: string, params: unknown[] = [], queryOptions: QueryOptions = {}) {
      return (await lanes.run(() => pglite.query<Row>(sql, params), { ack: queryOptions.ack })).rows;
    },
    withSession: (work) => work(session),
    onAckPath: (work, since) => lanes.onAckPath(work, since),
    noteArrival: () => lanes.noteArrival(),
    async close() {
      await pglite.close();
      releaseLock();
    },
  };
}

/**
 * What the Prisma adapter sees of PGlite (it calls query, exec and transaction; statements inside
 * a transaction go to the transaction's own handle): each call waits for its turn in the lanes,
 * a transaction for the whole of it.
 */
function laned(pglite: PGlite, lanes: StatementLanes): PGlite {
  const view = {
    query: (...args: Parameters<PGlite["query"]>) => lanes.run(() => pglite.query(...args)),
    exec: (...args: Parameters<PGlite["exec"]>) => lanes.run(() => pglite.exec(...args)),
    transaction: (...args: Parameters<PGlite["transaction"]>) => lanes.run(() => pglite.transaction(...args)),
  };
  return view as unknown as PGlite;
}

/**
 * Creates a new data directory (initdb) and applies the migrations in a short-lived child
 * process (pglite-create.ts), so this process only ever opens an existing directory: a first
 * start in-process kept ~50 MB more at idle (initdb's V8 heap garbage, a wasm memory grown to
 * 50 MB, compiler memory glibc keeps). Returns the names of the migrations it applied.
 */
async function createInChildProcess(dataDir: string): Promise<string[]> {
  const self = fileURLToPath(import.meta.url);
  const script = path.join(path.dirname(self), `pglite-create${path.extname(self)}`);
  // From source (tsx, vitest) the child needs tsx's loader too; compiled, plain node.
  const args = [...(self.endsWith(".ts") ? ["--import", "tsx"] : []), script, dataDir];
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, args, (error, out, err) =>
      error ? reject(new Error(`creating the embedded database failed: ${err.trim() || error.message}`)) : resolve(out),
    ),
  );
  return (JSON.parse(stdout.trim().split("\n").pop()!) as { applied: string[] }).applied;
}
