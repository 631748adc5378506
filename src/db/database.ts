// Opens the database for the app: driver, pending migrations, then the Prisma client.
import { PrismaClient } from "../generated/prisma/client.ts";
import { openDriverAdapter, type DatabaseKind, type OpenDriverOptions, type QueryOptions } from "./adapters.ts";
import { applyMigrations } from "./migrate.ts";

export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /**
   * One parameterised statement straight to the driver, skipping Prisma's query compiler: for
   * the one statement on the ack path (the job insert), where Prisma cost a fifth of the CPU.
   */
  query: <Row>(sql: string, params?: unknown[], options?: QueryOptions) => Promise<Row[]>;
  /**
   * Answers one Slack request with its statements ahead of background work (embedded PGlite
   * runs one statement at a time: see statement-lanes.ts). `since`: when the request arrived.
   */
  onAckPath<T>(work: () => Promise<T>, since?: number): Promise<T>;
  /**
   * Tells the database a connection arrived (embedded PGlite holds background statements back
   * until arrivals pause, so the event loop stays free to accept the rest: statement-lanes.ts).
   */
  noteArrival(): void;
  /** Names of the migrations applied while opening. */
  appliedMigrations: string[];
  /** True when the database answers a trivial query. */
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openDatabase(
  databaseUrl: string | undefined,
  options: OpenDriverOptions = {},
): Promise<Database> {
  const driver = await openDriverAdapter(databaseUrl, options);
  let appliedMigrations: string[];
  try {
    appliedMigrations = [
      ...(driver.appliedAtCreation ?? []),
      ...(await driver.withSession((session) => applyMigrations(session))),
    ];
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  const prisma = new PrismaClient({ adapter: driver.adapterFactory });
  return {
    prisma,
    kind: driver.target.kind,
    appliedMigrations,
    query: (sql, params, options) => driver.query(sql, params, options),
    onAckPath: (work, since) => (driver.onAckPath ? driver.onAckPath(work, since) : work()),
    noteArrival: () => driver.noteArrival?.(),
    async isHealthy() {
      try {
        await driver.query("SELECT 1");
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await prisma.$disconnect();
      await driver.close();
    },
  };
}
