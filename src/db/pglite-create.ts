// Child process of pglite-driver.ts: creates a new PGlite data directory (initdb) and applies
// the migrations, then exits, so the app process opens an existing directory and never holds
// initdb's memory. The parent holds the data-dir lock. Prints {"applied":[…]} on stdout.
import { PGlite } from "@electric-sql/pglite";
import { applyMigrations } from "./migrate.ts";
import { pgliteWasmModule } from "./pglite-wasm.ts";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: pglite-create <dataDir>");
const pglite = new PGlite({ dataDir, wasmModule: await pgliteWasmModule() });
await pglite.waitReady;
const applied = await applyMigrations({
  execScript: async (sql) => void (await pglite.exec(sql)),
  query: async <Row>(sql: string, params: unknown[] = []) => (await pglite.query<Row>(sql, params)).rows,
});
await pglite.close();
process.stdout.write(`${JSON.stringify({ applied })}\n`);
