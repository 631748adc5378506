// The owner check before a modal's ack(): bounded, so Slack gets its ack within 3 seconds.
import { describe, expect, it } from "vitest";
import { ownerProblem } from "../../../src/features/recoveries/owner-check.ts";
import type { SlackUserProfile } from "../../../src/slack/roles.ts";

const person = (id: string, extra: Partial<SlackUserProfile> = {}): SlackUserProfile => ({
  id,
  isBot: false,
  isAdmin: false,
  deleted: false,
  ...extra,
});

describe("ownerProblem", () => {
  it("names bots, deactivated and unknown people", async () => {
    expect(await ownerProblem({ profile: async (id) => person(id) }, "U1")).toBeNull();
    expect(await ownerProblem({ profile: async (id) => person(id, { isBot: true }) }, "U1")).toContain("Apps can't");
    expect(await ownerProblem({ profile: async (id) => person(id, { deleted: true }) }, "U1")).toContain("deactivated");
    const missing = await ownerProblem({ profile: () => Promise.reject(new Error("user_not_found")) }, "U1");
    expect(missing).toContain("can't find");
  });

  it("skips the check, rather than holding up the ack, when Slack does not answer in time", async () => {
    const never = { profile: () => new Promise<SlackUserProfile>(() => undefined) };
    const started = Date.now();
    expect(await ownerProblem(never, "U1", 20)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
