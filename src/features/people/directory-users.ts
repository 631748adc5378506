// Profile look-ups that know who left: Slack's users.info answer is cached for a minute
// (src/slack/roles.ts), but the directory hears of a deactivation at once (user_change), so
// a nomination of someone who just left is refused now, not a minute later.
import type { Db } from "../../db/database.ts";
import type { SlackUserProfile, SlackUsers } from "../../slack/roles.ts";

export function usersKnowingDepartures(
  users: Pick<SlackUsers, "profile">,
  prisma: Db,
  teamId: string,
): Pick<SlackUsers, "profile"> {
  return {
    async profile(userId: string): Promise<SlackUserProfile> {
      const [profile, person] = await Promise.all([
        users.profile(userId),
        prisma.directoryPerson.findUnique({
          where: { teamId_userId: { teamId, userId } },
          select: { deleted: true },
        }),
      ]);
      return person ? { ...profile, deleted: person.deleted } : profile;
    },
  };
}
