// A person's preferences (`/delight prefs`), one row per person (NudgePreference, shared with
// the nudges feature, which owns `off` and `snoozedUntil`). No row: the defaults.
// - hiddenFromRankings: they left public leaderboards and stats; /delight stats and the
//   insights' rankings leave them out (their own App Home and recap still show them their own).
// - storySharing "private": approved stories about them are not posted in the stories channel
//   nor in digests or /delight stories; only they (DM) and the managers (the approval card) see them.
import type { Db } from "../../db/database.ts";
import type { Prisma } from "../../generated/prisma/client.ts";

export const STORY_SHARING = ["channels", "private"] as const;
export type StorySharing = (typeof STORY_SHARING)[number];

export interface Preferences {
  nudgesOff: boolean;
  hiddenFromRankings: boolean;
  storySharing: StorySharing;
}

export type PreferenceChange =
  { kind: "nudges"; off: boolean } | { kind: "rankings"; hidden: boolean } | { kind: "stories"; sharing: StorySharing };

type Client = Db | Prisma.TransactionClient;

export const DEFAULT_PREFERENCES: Preferences = {
  nudgesOff: false,
  hiddenFromRankings: false,
  storySharing: "channels",
};

export async function getPreferences(db: Client, teamId: string, userId: string): Promise<Preferences> {
  const row = await db.nudgePreference.findUnique({ where: { teamId_userId: { teamId, userId } } });
  if (!row) return { ...DEFAULT_PREFERENCES };
  return {
    nudgesOff: row.off,
    hiddenFromRankings: row.hiddenFromRankings,
    storySharing: row.storySharing === "private" ? "private" : "channels",
  };
}

function columnsOf(change: PreferenceChange) {
  switch (change.kind) {
    case "nudges":
      return { off: change.off };
    case "rankings":
      return { hiddenFromRankings: change.hidden };
    case "stories":
      return { storySharing: change.sharing };
  }
}

/** One upsert: the change takes effect for every reader from the next read. */
export async function setPreference(
  db: Client,
  teamId: string,
  userId: string,
  change: PreferenceChange,
): Promise<Preferences> {
  const data = columnsOf(change);
  await db.nudgePreference.upsert({
    where: { teamId_userId: { teamId, userId } },
    create: { teamId, userId, ...data },
    update: data,
  });
  return getPreferences(db, teamId, userId);
}

/** People of the workspace who left leaderboards and stats (few: one indexed read). */
export async function hiddenFromRankings(db: Client, teamId: string): Promise<Set<string>> {
  const rows = await db.nudgePreference.findMany({
    where: { teamId, hiddenFromRankings: true },
    select: { userId: true },
  });
  return new Set(rows.map((r) => r.userId));
}

/** People of the workspace whose approved stories stay private. */
export async function sharingPrivately(db: Client, teamId: string): Promise<string[]> {
  const rows = await db.nudgePreference.findMany({
    where: { teamId, storySharing: "private" },
    select: { userId: true },
  });
  return rows.map((r) => r.userId);
}

/**
 * A Prisma filter for approved stories that may be shown in channels: none of their nominees
 * chose private sharing. Spread into a `where` (an empty object when nobody did).
 */
export function sharedStoriesFilter(privateIds: string[]): Prisma.NominationWhereInput {
  return privateIds.length === 0 ? {} : { NOT: { nomineeIds: { hasSome: privateIds } } };
}

/** Whether a story about these people stays private (any one of them asked). */
export async function isPrivateStory(db: Client, teamId: string, nomineeIds: string[]): Promise<boolean> {
  const count = await db.nudgePreference.count({
    where: { teamId, userId: { in: nomineeIds }, storySharing: "private" },
  });
  return count > 0;
}
