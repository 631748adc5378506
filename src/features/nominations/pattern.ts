// Fair recognition: an approval card says when the same nominator has nominated the same
// person 3 or more times in 30 days, so the approver can see a pattern. Nothing is blocked.
// Counted up to the nomination's own time, so the card says the same when it is updated later.
import type { Db } from "../../db/database.ts";
import { mentionUser } from "../../slack/text.ts";

export const PATTERN_MIN = 3;
const WINDOW_MS = 30 * 24 * 60 * 60_000;

export async function nominationPatterns(
  prisma: Db,
  nomination: { teamId: string; nominatorId: string; nomineeIds: string[]; createdAt: Date },
): Promise<string[]> {
  const lines: string[] = [];
  for (const nomineeId of nomination.nomineeIds) {
    const count = await prisma.nomination.count({
      where: {
        teamId: nomination.teamId,
        nominatorId: nomination.nominatorId,
        nomineeIds: { has: nomineeId },
        createdAt: { gt: new Date(nomination.createdAt.getTime() - WINDOW_MS), lte: nomination.createdAt },
      },
    });
    if (count >= PATTERN_MIN) {
      lines.push(
        `:repeat: ${mentionUser(nomination.nominatorId)} has nominated ${mentionUser(nomineeId)} ${count} times in the last 30 days (this one included).`,
      );
    }
  }
  return lines;
}
