// The sandbox's own database. It plays Slack with made-up people and writes demo data, and its
// workers and scheduler take every job and outbox row they find: pointed at a real database it
// would "send" a real workspace's messages into the imitation and mark them sent. So it never
// uses DATABASE_URL: in memory by default, or SANDBOX_DATABASE_URL (a directory only the
// sandbox uses, marked as the sandbox's, or another PostgreSQL database), and never in production.
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describeDatabaseUrl, parseDatabaseUrl, type DatabaseTarget } from "../db/adapters.ts";

export const SANDBOX_IN_PRODUCTION =
  "The Delight sandbox never runs with NODE_ENV=production: it would play Slack with made-up people next to a real workspace's data. Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) to run Delight for real, or run the sandbox on a development machine without NODE_ENV=production.";

export class SandboxDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxDatabaseError";
  }
}

/** Beside the directory, like the lock file: PGlite only initialises an empty directory. */
export function sandboxMarkerPath(dir: string): string {
  return path.join(path.dirname(dir), `.${path.basename(dir)}.delight-sandbox`);
}

/** Whether a PGlite directory was made by the sandbox (the app refuses to run on one). */
export function isSandboxDataDir(dir: string | undefined): boolean {
  return dir !== undefined && existsSync(sandboxMarkerPath(dir));
}

function sameTarget(a: DatabaseTarget, b: DatabaseTarget): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "pglite") return a.dataDir !== undefined && a.dataDir === b.dataDir;
  const where = (url: string | undefined) => {
    try {
      const u = new URL(url ?? "");
      return `${u.hostname}:${u.port || "5432"}${u.pathname.replace(/\/$/, "") || "/postgres"}`;
    } catch {
      return url;
    }
  };
  return where(a.connectionString) === where(b.connectionString);
}

/**
 * The database URL the sandbox uses, and the words for its start-up line. Throws
 * SandboxDatabaseError, with what to change, for a database that is not the sandbox's own.
 */
export function sandboxDatabase(env: NodeJS.ProcessEnv): { url: string; description: string } {
  if (env.NODE_ENV === "production") throw new SandboxDatabaseError(SANDBOX_IN_PRODUCTION);
  const asked = env.SANDBOX_DATABASE_URL?.trim();
  const appNote = env.DATABASE_URL?.trim() ? " (DATABASE_URL is not used by the sandbox)" : "";
  if (!asked || asked === "memory://" || asked === "memory:") {
    return { url: "memory://", description: `its own, in memory (lost on exit)${appNote}` };
  }
  let target: DatabaseTarget;
  try {
    target = parseDatabaseUrl(asked);
  } catch {
    throw new SandboxDatabaseError(
      "SANDBOX_DATABASE_URL must be memory:// (the default), file:<dir> for a directory only the sandbox uses, or postgres://… for a database of its own.",
    );
  }
  // The app's database: DATABASE_URL, or ./data when it is unset.
  if (sameTarget(target, parseDatabaseUrl(env.DATABASE_URL))) {
    throw new SandboxDatabaseError(
      `SANDBOX_DATABASE_URL points at the app's own database (${describeDatabaseUrl(asked)}). Give the sandbox a database of its own, such as file:./data-sandbox, or leave it unset (in memory).`,
    );
  }
  const dir = target.dataDir;
  if (dir) {
    const marker = sandboxMarkerPath(dir);
    const inUse = existsSync(dir) && readdirSync(dir).length > 0;
    if (inUse && !existsSync(marker)) {
      throw new SandboxDatabaseError(
        `SANDBOX_DATABASE_URL points at ${dir}, which holds a database the sandbox did not create (a real workspace's, perhaps). Use a new directory, such as file:./data-sandbox, or leave it unset (in memory).`,
      );
    }
    writeFileSync(marker, "This PGlite directory belongs to the Delight sandbox; Delight itself will not run on it.\n");
  }
  return { url: asked, description: `its own, ${describeDatabaseUrl(asked)}${appNote}` };
}
