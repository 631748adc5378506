// The HTTP receiver: signature verification and the health route.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.ts";

describe("HTTP receiver", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ admins: ["UADMIN"], users: [{ id: "UADMIN" }] });
  });
  afterAll(() => t.stop());

  it("serves /healthz once the database is open", async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, database: "pglite" });
  });

  it("accepts a correctly signed request", async () => {
    const response = await t.sender.command("/delight-admin", "show", "UADMIN");
    expect(response.status).toBe(200);
    // /delight-admin answers in the ack itself.
    expect(response.body).toContain("Delight settings");
  });

  it("refuses a request signed with the wrong secret", async () => {
    t.slack.reset();
    const response = await t.sender.command("/delight-admin", "sla 2h", "UADMIN", { secret: "not-the-secret" });
    expect(response.status).toBe(401);
  });

  it("refuses a request whose timestamp is older than five minutes (replay)", async () => {
    const response = await t.sender.command("/delight-admin", "sla 2h", "UADMIN", {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(response.status).toBe(401);
  });

  it("refuses an unsigned request", async () => {
    const response = await t.sender.command("/delight-admin", "sla 2h", "UADMIN", { unsigned: true });
    expect(response.status).toBe(401);
  });

  it("changes nothing for refused requests", async () => {
    const workspace = await t.database.prisma.workspace.findUnique({ where: { teamId: "T0TEAM" } });
    expect(workspace?.slaMinutes ?? 1440).toBe(1440);
    expect(t.slack.responses()).toHaveLength(0);
  });

  // A burst of connections must wait in the accept queue, not be dropped: each dropped SYN
  // costs Slack a one-second retransmit. Linux's `ss` shows a listening socket's backlog.
  it.skipIf(process.platform !== "linux" || spawnSync("ss", ["-V"]).error)(
    "listens with a deep accept queue for bursts of connections",
    () => {
      const port = new URL(t.url).port;
      const listening = spawnSync("ss", ["-ltnH", `sport = :${port}`], { encoding: "utf8" }).stdout;
      // State, Recv-Q, Send-Q (the backlog, capped by net.core.somaxconn), address…
      const backlog = Number(listening.trim().split(/\s+/)[2]);
      const somaxconn = Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
      expect(backlog).toBe(Math.min(4096, somaxconn)); // Node's default is 511
    },
  );

  it("answers Slack's url_verification challenge", async () => {
    const body = JSON.stringify({ type: "url_verification", challenge: "abc123", token: "x" });
    const response = await t.sender.send(body, "application/json");
    expect(response.status).toBe(200);
    expect(response.body).toContain("abc123");
  });
});
