// `/delight prefs` end to end: the choices shown with buttons, changed by command or button;
// leaving leaderboards takes a person out of stats' and insights' lists; a private story is
// not posted in the stories channel nor in digests or others' /delight stories, while the
// nominee (DM) and the managers still see it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addManagers, setChannel } from "../../src/features/admin/settings.ts";
import { gatherDigest } from "../../src/features/digest/service.ts";
import { APPROVE_ACTION } from "../../src/features/nominations/blocks.ts";
import { getPreferences } from "../../src/features/prefs/service.ts";
import { findStories } from "../../src/features/stories/service.ts";
import { TEAM_ID, type RecordedCall } from "../../src/sandbox/slack-imitation.ts";
import { databaseTargets } from "../support/databases.ts";
import { buttonClick } from "../support/payloads.ts";
import { drainJobs, startTestApp, type TestApp } from "../support/test-app.ts";

const workspace = { teamId: TEAM_ID };
const DAY = 24 * 60 * 60_000;
const text = (call: RecordedCall | undefined) => (call ? JSON.stringify(call.args) : "");

describe.each(databaseTargets())("personal preferences on $name", (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      databaseUrl: await target.create(),
      users: [
        { id: "UMARIA", name: "Maria" },
        { id: "USAM", name: "Sam" },
        { id: "UPRIV", name: "Priya" },
        { id: "UOPEN", name: "Omar" },
        { id: "UHIDE", name: "Hilde" },
      ],
    });
    await addManagers(t.database.prisma, workspace, ["UMARIA"], "UADMIN");
    await setChannel(t.database.prisma, workspace, "stories", "C0STORIES");
  }, 60_000);
  afterAll(async () => {
    await t.stop();
    await target.cleanup();
  });
  beforeEach(() => t.slack.reset());

  it("shows the current choices with a button each, and changes them by command or button", async () => {
    const shown = await t.sender.command("/delight", "prefs", "UPRIV");
    expect(shown.body).toContain("Your Delight preferences");
    expect(shown.body).toContain("Nudges are on");
    expect(shown.body).toContain("You appear in leaderboards and stats");
    expect(shown.body).toContain("Stories about you are shared");
    expect(shown.body).toContain("prefs_stories");

    const set = await t.sender.command("/delight", "prefs leaderboards off", "UHIDE");
    expect(set.body).toContain("You've left leaderboards and stats");
    expect(await getPreferences(t.database.prisma, TEAM_ID, "UHIDE")).toMatchObject({ hiddenFromRankings: true });

    // A button: the clicker's own row only, and the message replaced with the new choices.
    const click = await t.sender.interaction(
      buttonClick({
        userId: "UPRIV",
        actionId: "prefs_stories",
        value: "private",
        responseUrl: t.slack.responseUrl("prefs-click", { kind: "action", ephemeral: true }),
      }),
    );
    expect(click.status).toBe(200);
    await drainJobs(t);
    const reply = t.slack.responses()[0];
    expect(reply?.effect).toBe("replaced");
    expect(text(reply)).toContain("Stories about you stay private");
    expect(await getPreferences(t.database.prisma, TEAM_ID, "UPRIV")).toMatchObject({ storySharing: "private" });
    expect(await getPreferences(t.database.prisma, TEAM_ID, "UOPEN")).toMatchObject({ storySharing: "channels" });
    // `prefs nudges` still belongs to the nudges feature, on the same row.
    expect((await t.sender.command("/delight", "prefs nudges off", "UPRIV")).body).toContain("Nudges are off");
    expect(await getPreferences(t.database.prisma, TEAM_ID, "UPRIV")).toMatchObject({
      nudgesOff: true,
      storySharing: "private",
    });
  });

  it("quotes a preference it doesn't understand back, with what to say", async () => {
    const bad = await t.sender.command("/delight", "prefs stories everywhere", "UOPEN");
    expect(bad.body).toContain("I didn't understand that preference");
    expect(bad.body).toContain("prefs stories channels|private");
    expect(bad.body).toContain("prefs stories everywhere");
  });

  it("keeps a private story out of the stories channel, digests and others' browsing; the nominee and managers see it", async () => {
    const now = t.clock.now();
    const pending = (nominee: string) =>
      t.database.prisma.nomination.create({
        data: { teamId: TEAM_ID, nominatorId: "USAM", nomineeIds: [nominee], story: `Story of ${nominee}`, values: [] },
      });
    const privateOne = await pending("UPRIV");
    const openOne = await pending("UOPEN");
    for (const n of [privateOne, openOne]) {
      await t.sender.interaction(
        buttonClick({
          userId: "UMARIA",
          actionId: APPROVE_ACTION,
          value: n.id,
          responseUrl: t.slack.responseUrl(n.id),
        }),
      );
    }
    await drainJobs(t);
    const storyPosts = t.slack.postsTo("C0STORIES");
    expect(storyPosts).toHaveLength(1);
    expect(text(storyPosts[0])).toContain("Story of UOPEN");
    expect(text(t.slack.postsTo("DUPRIV").at(-1))).toContain("You've been recognised");
    expect(text(t.slack.postsTo("DUPRIV").at(-1))).not.toContain("shared with the team");
    const decided = await t.database.prisma.nomination.findUniqueOrThrow({ where: { id: privateOne.id } });
    expect(decided).toMatchObject({ status: "approved", storyMessageTs: null });

    const digest = await gatherDigest(t.database.prisma, {
      teamId: TEAM_ID,
      period: { start: new Date(now.getTime() - 7 * DAY), end: new Date(now.getTime() + DAY) },
      timezone: "UTC",
      workspaceUrl: null,
    });
    expect(digest.stories.map((s) => s.nomineeIds[0])).toEqual(["UOPEN"]);
    expect(digest.storyCount).toBe(1);
    expect(digest.approvers).toEqual([{ userId: "UMARIA", count: 1 }]);

    // Someone else browsing: not shown. The nominee and a manager: shown.
    const browse = async (userId: string) => {
      t.slack.reset();
      await t.sender.command("/delight", "stories", userId);
      await drainJobs(t);
      return text(t.slack.responses().at(-1));
    };
    expect(await browse("USAM")).not.toContain("Story of UPRIV");
    expect(await browse("USAM")).toContain("Story of UOPEN");
    expect(await browse("UPRIV")).toContain("Story of UPRIV");
    expect(await browse("UMARIA")).toContain("Story of UPRIV");
    const all = await findStories(t.database.prisma, {
      teamId: TEAM_ID,
      filter: { values: [], personIds: [], customer: null, days: null },
      page: 0,
      now: new Date(now.getTime() + DAY),
      workspaceUrl: null,
    });
    expect(all.total).toBe(2);
  });

  it("leaves a person who left leaderboards out of the managers' 'not recognised' list in stats", async () => {
    await t.sender.command("/delight", "stats", "UMARIA");
    await drainJobs(t);
    const stats = text(t.slack.responses().at(-1));
    expect(stats).toContain("Not recognised in the last 30 days");
    expect(stats).toContain("<@USAM>");
    expect(stats).not.toContain("UHIDE");
  });
});
