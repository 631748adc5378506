// The one real-time test of the digest: the running app with its real clock and node-cron,
// a digest scheduled for the next minute, exactly one post. Takes up to about 65 seconds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

describe("weekly digest in real time", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock: systemClock, admins: ["UADMIN"], users: [{ id: "UADMIN", name: "Ada" }] });
    t.delight.scheduler.start();
  });
  afterAll(() => t.stop());

  it("posts a digest scheduled a minute ahead exactly once", async () => {
    // The next minute boundary, with time to spare for the command to be stored before it.
    let now = Date.now();
    if (60_000 - (now % 60_000) < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 60_000 - (now % 60_000) + 100));
      now = Date.now();
    }
    const slot = new Date(Math.floor(now / 60_000) * 60_000 + 60_000);
    const hhmm = `${String(slot.getUTCHours()).padStart(2, "0")}:${String(slot.getUTCMinutes()).padStart(2, "0")}`;
    const text = `digest add <#C0LIVE|live> ${WEEKDAYS[slot.getUTCDay()]} ${hhmm} UTC`;
    const reply = await t.sender.command("/delight-admin", text, "UADMIN");
    expect(reply.status).toBe(200);
    expect(reply.body).toContain("Weekly digest");

    await t.slack.waitFor(() => t.slack.postsTo("C0LIVE")[0], slot.getTime() - Date.now() + 8_000);
    expect(Date.now()).toBeGreaterThanOrEqual(slot.getTime());
    // A second instance's tick, Slack retries or the next minute's tick would show up here.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(t.slack.postsTo("C0LIVE")).toHaveLength(1);
    const run = await t.database.prisma.digestRun.findFirstOrThrow({ where: { channelId: "C0LIVE" } });
    expect(run.status).toBe("posted");
    expect(run.periodEnd.toISOString()).toBe(slot.toISOString());
  }, 75_000);
});
