// What App Home shows one person: their open recoveries with deadlines, recognition received
// and given, their nominations still waiting, and (for managers) the nominations waiting for a
// decision.
import type { AppDeps } from "../../deps.ts";
import type { Nomination, RecoveryCase } from "../../generated/prisma/client.ts";
import { countValues, type ValueCounts } from "../nominations/stats.ts";
import { listOpenCases } from "../recoveries/service.ts";
import type { Themes } from "../holdingback/model.ts";
import { themesFor } from "../holdingback/service.ts";
import type { GivenGesture } from "../surprises/model.ts";
import { surprisesGivenBy } from "../surprises/service.ts";
import { cachedInsights } from "../insights/delivery.ts";
import type { InsightsView } from "../insights/model.ts";
import { getSettings } from "../admin/settings.ts";
import { setupChecklist, type ChecklistItem } from "../admin/welcome.ts";
import { sharedStoriesFilter, sharingPrivately } from "../prefs/service.ts";

/** How many items of each list App Home shows; the rest is summarised as "and N more". */
export const HOME_LIST_LIMITS = {
  recoveries: 5,
  received: 5,
  given: 5,
  myPending: 5,
  approvals: 10,
  surprises: 3,
  holdingBack: 5,
} as const;

export interface HomeSummary {
  userId: string;
  isManager: boolean;
  /** Open recovery cases the person owns, soonest deadline first. */
  recoveries: { total: number; items: RecoveryCase[] };
  received: { total: number; perValue: ValueCounts; recent: Nomination[] };
  /**
   * Stories the person nominated. Those about someone who keeps their stories private
   * (src/features/prefs) are counted, not listed: only the recipient and the managers see them.
   */
  given: { total: number; perValue: ValueCounts; recent: Nomination[]; keptPrivate?: number };
  myPending: { total: number; items: Nomination[] };
  /** Only for managers: nominations waiting for a decision (oldest first). */
  approvals: { total: number; items: Nomination[] } | null;
  /** Surprise gestures the person gave (src/features/surprises), newest first. */
  surprises?: { total: number; recent: GivenGesture[] };
  /** Only for managers: what's holding the team back, last 30 days (src/features/holdingback). */
  holdingBack?: Themes;
  /** Only for managers: today's insight charts, when they have been made (src/features/insights). */
  insights?: InsightsView | null;
  /** Only for admins: what is still to set up, and the way to Settings (src/features/settings). */
  setup?: ChecklistItem[];
}

export async function homeSummary(
  deps: Pick<AppDeps, "prisma" | "roles" | "clock">,
  teamId: string,
  userId: string,
): Promise<HomeSummary> {
  const { prisma } = deps;
  const receivedWhere = { teamId, status: "approved" as const, nomineeIds: { has: userId } };
  const givenWhere = { teamId, status: "approved" as const, nominatorId: userId };
  // A story stays private if any of its recipients asked (an erased one's wish too: their
  // preference is kept under the anonymous id), except from the recipient themselves.
  const privateIds = (await sharingPrivately(prisma, teamId)).filter((id) => id !== userId);
  const myPendingWhere = { teamId, status: "pending" as const, nominatorId: userId };
  const isManager = await deps.roles.isManager(teamId, userId);
  // Admins see the set-up checklist and Settings; anyone else never does.
  const isAdmin = await deps.roles.isAdmin(teamId, userId).catch(() => false);
  const setup = isAdmin ? setupChecklist(await getSettings(prisma, { teamId })) : undefined;
  const { cases: recoveryItems, total: recoveryTotal } = await listOpenCases(
    prisma,
    { teamId, ownerId: userId },
    HOME_LIST_LIMITS.recoveries,
  );

  const [receivedValues, receivedRecent, givenValues, givenRecent, myPendingTotal, myPendingItems, givenPrivate] =
    await Promise.all([
      prisma.nomination.findMany({ where: receivedWhere, select: { values: true } }),
      prisma.nomination.findMany({
        where: receivedWhere,
        orderBy: { decidedAt: "desc" },
        take: HOME_LIST_LIMITS.received,
      }),
      prisma.nomination.findMany({ where: givenWhere, select: { values: true } }),
      prisma.nomination.findMany({
        where: { ...givenWhere, ...sharedStoriesFilter(privateIds) },
        orderBy: { decidedAt: "desc" },
        take: HOME_LIST_LIMITS.given,
      }),
      prisma.nomination.count({ where: myPendingWhere }),
      prisma.nomination.findMany({
        where: myPendingWhere,
        orderBy: { createdAt: "desc" },
        take: HOME_LIST_LIMITS.myPending,
      }),
      privateIds.length === 0
        ? Promise.resolve(0)
        : prisma.nomination.count({ where: { ...givenWhere, nomineeIds: { hasSome: privateIds } } }),
    ]);

  let approvals: HomeSummary["approvals"] = null;
  let holdingBack: Themes | undefined;
  if (isManager) {
    holdingBack = await themesFor(prisma, teamId, deps.clock.now(), HOME_LIST_LIMITS.holdingBack);
    const waitingWhere = { teamId, status: "pending" as const };
    const [total, items] = await Promise.all([
      prisma.nomination.count({ where: waitingWhere }),
      prisma.nomination.findMany({
        where: waitingWhere,
        orderBy: { createdAt: "asc" },
        take: HOME_LIST_LIMITS.approvals,
      }),
    ]);
    approvals = { total, items };
  }

  const surprises = await surprisesGivenBy(prisma, teamId, userId, HOME_LIST_LIMITS.surprises);
  const insights = isManager ? await cachedInsights(prisma, teamId, userId, deps.clock.now()) : null;

  return {
    userId,
    isManager,
    surprises,
    recoveries: { total: recoveryTotal, items: recoveryItems },
    received: { total: receivedValues.length, perValue: countValues(receivedValues), recent: receivedRecent },
    given: {
      total: givenValues.length,
      perValue: countValues(givenValues),
      recent: givenRecent,
      keptPrivate: givenPrivate,
    },
    myPending: { total: myPendingTotal, items: myPendingItems },
    approvals,
    holdingBack,
    insights,
    setup,
  };
}
