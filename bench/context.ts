// What every scenario gets from `bench/run.ts`: the Slack stand-in (one for the whole run, so
// it sees every post across restarts), the bare Bolt app, and the databases to run on.
import type { SlackStandIn } from "../src/sandbox/slack-imitation.ts";
import { startDelight, stopDelight, type DelightProcess, type RunningApp } from "./harness.ts";
import { createScratchDatabase } from "./postgres.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface BenchContext {
  slack: SlackStandIn;
  apiUrl: string;
  /** The bare Bolt app that only acks (started on first use). */
  bare(): Promise<RunningApp>;
  /** PostgreSQL server for scratch databases, if any. */
  postgres: string | undefined;
}

export type DatabaseKind = "pglite-memory" | "pglite-file" | "postgres";

export const DATABASE_LABEL: Record<DatabaseKind, string> = {
  "pglite-memory": "PGlite in memory",
  "pglite-file": "PGlite file",
  postgres: "PostgreSQL",
};

export interface BenchDatabase {
  kind: DatabaseKind;
  url: string;
  /** Other sessions on it (PostgreSQL only; 0 otherwise). */
  sessions: () => Promise<number>;
  dispose: () => Promise<void>;
}

/** A fresh database of that kind: a scratch PostgreSQL database, a temp directory, or memory. */
export async function freshDatabase(ctx: BenchContext, kind: DatabaseKind): Promise<BenchDatabase> {
  if (kind === "postgres") {
    if (!ctx.postgres) throw new Error("no PostgreSQL server");
    const scratch = await createScratchDatabase(ctx.postgres);
    return { kind, url: scratch.url, sessions: scratch.sessions, dispose: scratch.drop };
  }
  if (kind === "pglite-file") {
    const dir = await mkdtemp(path.join(tmpdir(), "delight-bench-"));
    const dataDir = path.join(dir, "data");
    return {
      kind,
      url: `file:${dataDir}`,
      sessions: async () => 0,
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  return { kind, url: "memory://", sessions: async () => 0, dispose: async () => undefined };
}

/**
 * The kinds a scenario asks for, minus PostgreSQL when there is no server (saying so), and
 * only those listed in BENCH_DATABASES (comma-separated, e.g. `postgres`) when it is set.
 */
export function available(ctx: BenchContext, kinds: DatabaseKind[]): DatabaseKind[] {
  const only = process.env.BENCH_DATABASES?.split(",").map((k) => k.trim());
  if (only) kinds = kinds.filter((k) => only.includes(k));
  if (!ctx.postgres && kinds.includes("postgres")) {
    console.log(
      "  (PostgreSQL not reachable: set BENCH_DATABASE_URL or start it on 127.0.0.1:5432; its part is skipped)",
    );
  }
  return kinds.filter((k) => k !== "postgres" || ctx.postgres);
}

/** Runs `work` against a Delight process on a fresh database, then stops it and drops the database. */
export async function withDelight<T>(
  ctx: BenchContext,
  kind: DatabaseKind,
  work: (app: DelightProcess, database: BenchDatabase) => Promise<T>,
): Promise<T> {
  const database = await freshDatabase(ctx, kind);
  let app: DelightProcess | undefined;
  try {
    app = await startDelight({ slackApiUrl: ctx.apiUrl, databaseUrl: database.url });
    return await work(app, database);
  } finally {
    if (app) await stopDelight(app);
    await database.dispose().catch((error: unknown) => console.warn(`  could not drop the database: ${String(error)}`));
  }
}
