// Approved stories and recovery cases written straight to the database, for digest tests and
// the benchmark (the nominations tests cover how they get there).
import type { Db } from "../../src/db/database.ts";
import { ensureWorkspace } from "../../src/features/admin/settings.ts";

export interface SeedStoriesOptions {
  teamId: string;
  count: number;
  /** When story i was approved. */
  decidedAt: (i: number) => Date;
  values?: (i: number) => string[];
  nomineeIds?: (i: number) => string[];
  customer?: (i: number) => string | null;
  story?: (i: number) => string;
}

export async function seedApprovedStories(prisma: Db, options: SeedStoriesOptions): Promise<void> {
  await ensureWorkspace(prisma, { teamId: options.teamId });
  const rows = Array.from({ length: options.count }, (_, i) => {
    const decidedAt = options.decidedAt(i);
    return {
      teamId: options.teamId,
      nominatorId: "UNINA",
      nomineeIds: options.nomineeIds?.(i) ?? ["UALICE"],
      story: options.story?.(i) ?? `Story ${i}: re-shipped the order overnight with a handwritten note`,
      values: options.values?.(i) ?? ["attention", "delight"],
      customer: options.customer ? options.customer(i) : "Acme",
      status: "approved" as const,
      decidedBy: "UMARIA",
      decidedAt,
      createdAt: new Date(decidedAt.getTime() - 60 * 60_000),
      storyChannelId: "C0WINS",
      storyMessageTs: `${1_700_000_000 + i}.000100`,
    };
  });
  for (let i = 0; i < rows.length; i += 1000) await prisma.nomination.createMany({ data: rows.slice(i, i + 1000) });
}
