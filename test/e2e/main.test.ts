// `npm start` as a user runs it: the compiled process entry (node dist/main.js, rebuilt first if
// a source changed), with and without configuration. Not through tsx: tsx relays a SIGTERM and
// SIGKILLs the app if it does not confirm within 30 ms, which a busy machine easily misses.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { databaseTargets, TEST_DATABASE_URL } from "../support/databases.ts";
import { SignedSlackClient } from "../../src/sandbox/signed-requests.ts";
import { SlackStandIn, TEAM_ID } from "../../src/sandbox/slack-imitation.ts";

const root = path.resolve(import.meta.dirname, "../..");

beforeAll(() => {
  const build = spawnSync(process.execPath, [path.join(root, "scripts", "build-if-stale.mjs")], { cwd: root });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${String(build.stdout)}${String(build.stderr)}`);
}, 180_000);

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "info", ...extra };
}

function run(
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["dist/main.js", ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForListeningPort(output: () => string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening on port (\d+)/.exec(output());
    if (match) return Number(match[1]);
    if (Date.now() > deadline) throw new Error(`The app did not start listening:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitForHealth(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe("npm start", () => {
  it("in production, exits with one clear message naming what is missing, without a stack trace", async () => {
    const { exited, output } = run(baseEnv({ NODE_ENV: "production" }));
    expect(await exited).toBe(1);
    expect(output()).toContain("SLACK_BOT_TOKEN is missing");
    expect(output()).toContain("SLACK_SIGNING_SECRET is missing");
    expect(output()).not.toContain("sandbox");
    expect(output()).not.toMatch(/\n\s+at /);
  });

  it("never starts the sandbox in production, whatever the flags: one clear message, exit 1", async () => {
    const { exited, output } = run(
      baseEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://delight:secret@db.internal:5432/delight" }),
      ["--sandbox", "--demo"],
    );
    expect(await exited).toBe(1);
    expect(output().trim()).toMatch(/^The Delight sandbox never runs with NODE_ENV=production/);
    expect(output().trim().split("\n")).toHaveLength(1);
    expect(output()).not.toContain("secret");
  });

  it("without Slack variables outside production, serves the sandbox on loopback only, on a database of its own", async () => {
    // DATABASE_URL names the app's database: the sandbox must not even create it.
    const appData = path.join(mkdtempSync(path.join(tmpdir(), "delight-app-")), "data");
    const app = run(baseEnv({ PORT: "0", DATABASE_URL: `file:${appData}` }));
    try {
      const deadline = Date.now() + 60_000;
      let match: RegExpExecArray | null = null;
      while (
        !(match =
          /Delight sandbox: http:\/\/127\.0\.0\.1:(\d+) — set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to connect a real workspace/.exec(
            app.output(),
          ))
      ) {
        if (Date.now() > deadline) throw new Error(`The sandbox did not start:\n${app.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const port = Number(match[1]);
      expect(app.output()).toContain(
        "Database: its own, in memory (lost on exit) (DATABASE_URL is not used by the sandbox)",
      );
      expect(existsSync(appData)).toBe(false);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Delight sandbox");
      // Not reachable on any other address of this machine.
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && a.family === "IPv4" && !a.internal)
        .map((a) => a!.address);
      for (const address of others) {
        await expect(fetch(`http://${address}:${port}/`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
      }
    } finally {
      app.child.kill("SIGTERM");
    }
    expect(await app.exited).toBe(0);
  }, 90_000);

  describe.each(databaseTargets())("with configuration on $name", (target) => {
    const slack = new SlackStandIn();
    afterAll(async () => {
      await slack.stop();
      await target.cleanup();
    });

    it("serves /healthz and /slack/events within a few seconds, and stops cleanly", async () => {
      const apiUrl = await slack.start();
      const started = Date.now();
      // PORT=0: the OS picks a free port and the app says which, so parallel test files never collide.
      const app = run(
        baseEnv({
          SLACK_BOT_TOKEN: "xoxb-test",
          SLACK_SIGNING_SECRET: "secret",
          SLACK_API_URL: apiUrl,
          PORT: "0",
          DATABASE_URL: await target.create(),
        }),
      );
      try {
        const port = await waitForListeningPort(app.output, 15_000);
        const health = await waitForHealth(`http://127.0.0.1:${port}/healthz`, 15_000);
        expect(health.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(15_000);
        const unsigned = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: "{}" });
        expect(unsigned.status).toBe(401);
        expect(app.output()).toContain(`listening on port ${port}`);
        expect(app.output()).not.toContain("xoxb-test");
      } finally {
        app.child.kill("SIGTERM");
      }
      expect(await app.exited).toBe(0);
    });

    it("on SIGTERM while requests come in: stops taking work, exits 0 within 15 s and leaves no database session", async () => {
      const apiUrl = await slack.start();
      const databaseUrl = await target.create();
      const app = run(
        baseEnv({
          SLACK_BOT_TOKEN: "xoxb-test",
          SLACK_SIGNING_SECRET: "secret",
          SLACK_API_URL: apiUrl,
          PORT: "0",
          DATABASE_URL: databaseUrl,
          DELIGHT_ADMINS: "UADMIN",
        }),
      );
      try {
        const port = await waitForListeningPort(app.output, 15_000);
        await waitForHealth(`http://127.0.0.1:${port}/healthz`, 15_000);
        const sender = new SignedSlackClient(`http://127.0.0.1:${port}`, "secret", TEAM_ID, `${slack.url}respond/`);
        const acks = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            sender.command("/delight-admin", "show", "UADMIN", { responseId: `t${i}` }),
          ),
        );
        expect(acks.every((ack) => ack.status === 200)).toBe(true);
      } catch (error) {
        app.child.kill("SIGKILL");
        throw error;
      }
      const signalled = Date.now();
      app.child.kill("SIGTERM");
      expect(await app.exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(15_000);
      expect(app.output()).toMatch(/SIGTERM received/);
      if (target.name === "postgres" && TEST_DATABASE_URL) {
        const name = new URL(databaseUrl).pathname.slice(1);
        const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        try {
          // A backend ends moments after its client's socket closes.
          let sessions = Infinity;
          for (let i = 0; i < 20 && sessions > 0; i++) {
            const result = await admin.query<{ count: string }>(
              "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
              [name],
            );
            sessions = Number(result.rows[0]?.count);
            if (sessions > 0) await new Promise((resolve) => setTimeout(resolve, 100));
          }
          expect(sessions).toBe(0);
        } finally {
          await admin.end();
        }
      }
    }, 60_000);
  });
});

describe("npm start with a token Slack rejects", () => {
  const slack = new SlackStandIn();
  afterAll(() => slack.stop());

  it("exits with one message saying which token to copy again", async () => {
    const apiUrl = await slack.start();
    slack.on("auth.test", () => ({ ok: false, error: "invalid_auth" }));
    const app = run(
      baseEnv({
        SLACK_BOT_TOKEN: "xoxb-revoked",
        SLACK_SIGNING_SECRET: "secret",
        SLACK_API_URL: apiUrl,
        PORT: "0",
        DATABASE_URL: "memory://",
      }),
    );
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain("Slack rejected SLACK_BOT_TOKEN (invalid_auth)");
    expect(app.output()).not.toMatch(/\n\s+at /);
    expect(app.output()).not.toContain("xoxb-revoked");
  });
});
