// A job's DM (audit CSV, person export, recap) opens with the person's own workspace's token,
// never the single-workspace client (distribution mode: one token per installation).
import { describe, expect, it } from "vitest";
import { RetryLater } from "../../src/jobs/queue.ts";
import { dmChannelOf } from "../../src/slack/dm.ts";
import type { SlackRouter } from "../../src/slack/router.ts";

function routerWith(answers: Record<string, { ok: boolean; channel?: { id: string } } | Error>) {
  const calls: Array<{ teamId: string | null | undefined; users: string }> = [];
  const clientOf = (teamId: string | null | undefined) => ({
    conversations: {
      open: async ({ users }: { users: string }) => {
        calls.push({ teamId, users });
        const answer = answers[teamId ?? ""];
        if (!answer) throw new Error("no client for this workspace");
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  });
  const router = {
    client: { conversations: { open: () => Promise.reject(new Error("the single-workspace client was used")) } },
    clientFor: clientOf,
  } as unknown as SlackRouter;
  return { router, calls };
}

describe("dmChannelOf", () => {
  it("opens the DM with the client of the person's workspace", async () => {
    const { router, calls } = routerWith({
      T1: { ok: true, channel: { id: "D1" } },
      T2: { ok: true, channel: { id: "D2" } },
    });
    expect(await dmChannelOf(router, "T2", "U9")).toBe("D2");
    expect(calls).toEqual([{ teamId: "T2", users: "U9" }]);
  });

  it("asks to retry later when Slack fails or answers no channel", async () => {
    const { router } = routerWith({ T1: new Error("ratelimited"), T2: { ok: true } });
    await expect(dmChannelOf(router, "T1", "U1")).rejects.toBeInstanceOf(RetryLater);
    await expect(dmChannelOf(router, "T2", "U1")).rejects.toBeInstanceOf(RetryLater);
  });
});
