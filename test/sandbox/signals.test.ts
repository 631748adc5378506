// The sandbox sets its own PUBLIC_URL (its address) and passes customer signals sent there to
// the app's real /hooks/ endpoint, signed exactly as a sender would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import { signStandardWebhook } from "../../src/features/signals/signatures.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/start.ts";

describe("customer signals in the sandbox", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, env: { LOG_LEVEL: "error" }, logger: createLogger("error") });
  });
  afterAll(() => sandbox.stop());

  it("shows webhook URLs on its own address and forwards them to the app", async () => {
    expect(sandbox.config.publicUrl).toBe(sandbox.url.replace(/\/$/, ""));
    expect((await fetch(`${sandbox.url}hooks/generic/unknownConnection1`, { method: "POST", body: "{}" })).status).toBe(
      404,
    );
    const connection = await sandbox.database.prisma.signalConnection.create({
      data: {
        id: "sandboxConnection1",
        teamId: "T0TEAM",
        source: "generic",
        secret: `whsec_${Buffer.from("sandbox-signing-key-0123").toString("base64")}`,
        createdBy: "USANDBOX",
      },
    });
    const body = JSON.stringify({
      type: "customer",
      occurred_at: new Date().toISOString(),
      customer: { name: "Sandbox Customer", tier: "gold" },
    });
    const headers = signStandardWebhook(
      connection.secret,
      "msg_sandbox_1",
      Math.floor(sandbox.clock.now().getTime() / 1000),
      body,
    );
    const answer = await fetch(`${sandbox.url}hooks/generic/${connection.id}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true });
  });
});
