// Reading approved stories for `/delight stories`: newest first (by approval), filtered, paged.
import type { Db } from "../../db/database.ts";
import type { DigestStory } from "../digest/model.ts";
import { storyFromRow } from "../digest/service.ts";
import { STORIES_PAGE_SIZE, type StoriesFilter } from "./model.ts";
import { sharedStoriesFilter } from "../prefs/service.ts";

export async function findStories(
  prisma: Db,
  input: {
    teamId: string;
    filter: StoriesFilter;
    page: number;
    now: Date;
    workspaceUrl: string | null;
    /** People whose stories this reader may not see (they keep them private; src/features/prefs). */
    privateIds?: string[];
  },
): Promise<{ stories: DigestStory[]; total: number }> {
  const { filter } = input;
  const where = {
    teamId: input.teamId,
    status: "approved" as const,
    ...sharedStoriesFilter(input.privateIds ?? []),
    ...(filter.values.length > 0 ? { values: { hasEvery: filter.values } } : {}),
    ...(filter.personIds.length > 0 ? { nomineeIds: { hasSome: filter.personIds } } : {}),
    ...(filter.customer ? { customer: { contains: filter.customer, mode: "insensitive" as const } } : {}),
    decidedAt: {
      lte: input.now,
      ...(filter.days ? { gte: new Date(input.now.getTime() - filter.days * 24 * 60 * 60_000) } : {}),
    },
  };
  const [rows, total] = await Promise.all([
    prisma.nomination.findMany({
      where,
      orderBy: [{ decidedAt: "desc" }, { id: "asc" }],
      skip: input.page * STORIES_PAGE_SIZE,
      take: STORIES_PAGE_SIZE,
    }),
    prisma.nomination.count({ where }),
  ]);
  return {
    total,
    stories: rows.map((r) => storyFromRow(r, input.workspaceUrl)),
  };
}
