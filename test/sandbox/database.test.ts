// The sandbox never touches a real workspace's data: never in production, never on
// DATABASE_URL; in memory by default, or a directory only the sandbox uses, or
// SANDBOX_DATABASE_URL. The app, in turn, refuses the sandbox's directory.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import {
  isSandboxDataDir,
  sandboxDatabase,
  SandboxDatabaseError,
  sandboxMarkerPath,
} from "../../src/sandbox/database.ts";
import { sandboxConfig, startSandbox } from "../../src/sandbox/start.ts";

const PRODUCTION_PG = "postgres://delight:secret@db.internal:5432/delight";
const refusal = (env: NodeJS.ProcessEnv) => {
  try {
    sandboxDatabase(env);
    return "";
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxDatabaseError);
    return (error as Error).message;
  }
};

describe("the sandbox's database", () => {
  it("is in memory by default, whatever DATABASE_URL says, and says so", () => {
    expect(sandboxDatabase({})).toEqual({ url: "memory://", description: "its own, in memory (lost on exit)" });
    const withApp = sandboxDatabase({ DATABASE_URL: PRODUCTION_PG });
    expect(withApp.url).toBe("memory://");
    expect(withApp.description).toContain("DATABASE_URL is not used by the sandbox");
    const config = sandboxConfig({ DATABASE_URL: PRODUCTION_PG }, "http://127.0.0.1:1/api/", 0, withApp.url);
    expect(config.databaseUrl).toBe("memory://");
  });

  it("is never started in production", async () => {
    expect(refusal({ NODE_ENV: "production" })).toMatch(/never runs with NODE_ENV=production/);
    expect(refusal({ NODE_ENV: "production", SANDBOX_DATABASE_URL: "memory://" })).toMatch(/NODE_ENV=production/);
    await expect(
      startSandbox({
        port: 0,
        env: { NODE_ENV: "production", DATABASE_URL: PRODUCTION_PG },
        logger: createLogger("error"),
      }),
    ).rejects.toThrow(/never runs with NODE_ENV=production/);
  });

  it("takes SANDBOX_DATABASE_URL, but never the app's own database", () => {
    const other = "postgres://postgres@127.0.0.1:5432/sandbox";
    expect(sandboxDatabase({ DATABASE_URL: PRODUCTION_PG, SANDBOX_DATABASE_URL: other }).url).toBe(other);
    expect(refusal({ DATABASE_URL: PRODUCTION_PG, SANDBOX_DATABASE_URL: PRODUCTION_PG })).toMatch(
      /points at the app's own database \(PostgreSQL at db\.internal:5432\/delight\)/,
    );
    expect(refusal({ DATABASE_URL: PRODUCTION_PG, SANDBOX_DATABASE_URL: `${PRODUCTION_PG}/` })).toMatch(/app's own/);
    // Unset DATABASE_URL means ./data: the sandbox does not take that either.
    expect(refusal({ SANDBOX_DATABASE_URL: "file:./data" })).toMatch(/app's own database/);
    expect(refusal({ SANDBOX_DATABASE_URL: "mysql://x" })).toMatch(/SANDBOX_DATABASE_URL must be memory:\/\//);
    expect(refusal({ SANDBOX_DATABASE_URL: PRODUCTION_PG })).not.toContain("secret");
  });

  it("uses a directory only the sandbox uses: a new one is marked, someone else's is refused", () => {
    const root = mkdtempSync(path.join(tmpdir(), "delight-sandbox-"));
    const fresh = path.join(root, "sandbox-data");
    const chosen = sandboxDatabase({ SANDBOX_DATABASE_URL: `file:${fresh}` });
    expect(chosen.description).toBe(`its own, embedded PGlite in ${fresh}`);
    expect(isSandboxDataDir(fresh)).toBe(true);
    mkdirSync(fresh);
    writeFileSync(path.join(fresh, "PG_VERSION"), "16");
    expect(sandboxDatabase({ SANDBOX_DATABASE_URL: `file:${fresh}` }).url).toBe(`file:${fresh}`);

    const real = path.join(root, "real-data");
    mkdirSync(real);
    writeFileSync(path.join(real, "PG_VERSION"), "16");
    expect(refusal({ SANDBOX_DATABASE_URL: `file:${real}` })).toMatch(/holds a database the sandbox did not create/);
    expect(existsSync(sandboxMarkerPath(real))).toBe(false);
    expect(isSandboxDataDir(real)).toBe(false);
  });
});
