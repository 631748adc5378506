// PostgreSQL for the bench: BENCH_DATABASE_URL (postgres://…), or the local server on
// 127.0.0.1:5432 (database `test`, user `postgres`) when it answers. Every scenario gets a
// scratch database of its own, dropped afterwards.
import { randomBytes } from "node:crypto";
import net from "node:net";
import pg from "pg";

const LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432/test";

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Sessions other than ours on this database (0 once every app process has let go). */
  sessions: () => Promise<number>;
  drop: () => Promise<void>;
}

let serverUrl: Promise<string | undefined> | undefined;

/** The server to create scratch databases on, or undefined (PostgreSQL scenarios are skipped). */
export function postgresServer(): Promise<string | undefined> {
  serverUrl ??= (async () => {
    const configured = process.env.BENCH_DATABASE_URL?.trim();
    if (configured) return configured;
    const reachable = await new Promise<boolean>((resolve) => {
      const socket = net.connect(5432, "127.0.0.1");
      socket.setTimeout(1_000);
      socket.once("connect", () => resolve(true));
      socket.once("error", () => resolve(false));
      socket.once("timeout", () => resolve(false));
    }).finally(() => undefined);
    return reachable ? LOCAL_SERVER : undefined;
  })();
  return serverUrl;
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `delight_bench_${randomBytes(5).toString("hex")}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    sessions: () =>
      withAdmin(adminUrl, async (client) => {
        const result = await client.query<{ count: string }>(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [name],
        );
        return Number(result.rows[0]?.count ?? 0);
      }),
    drop: () =>
      withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
